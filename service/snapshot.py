"""The last packs that validated, kept where every worker of one `cslint serve` can read them.

With several workers, uvicorn replaces a worker that dies (OOM, a crash). The replacement loads
the packs from disk; if someone has broken a pack file since, it would fail to start, and
uvicorn then stops the whole service. So each successful load (by `cslint serve` before the
workers start, by a worker at start-up or on reload) writes the validated packs to a snapshot
file in a private directory, and a worker that cannot load the packs from disk serves the
snapshot instead, marked stale, and logs why.

The snapshot is a pickle: it is written and read only by this server's own processes, in a
directory only its user can open (mode 0700, made by `cslint serve`).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from cslint.model import RulePack

Digests = dict[str, str]


def pack_digest(pack: RulePack) -> str:
    """SHA-256 of the pack's own file (what `sha256sum` prints for it), or '' for a pack with no file."""
    if not pack.path:
        return ""
    try:
        return hashlib.sha256(Path(pack.path).read_bytes()).hexdigest()
    except OSError:
        return ""


def save_snapshot(path: str, packs: list[RulePack], digests: Digests) -> None:
    """Write the packs atomically (a reader sees the old snapshot or the new one, never half)."""
    directory = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".snapshot-")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((packs, digests), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def load_snapshot(path: str) -> tuple[list[RulePack], Digests] | None:
    """The packs of the last snapshot, or None when there is none (or it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            packs, digests = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        return None
    return packs, digests


def make_snapshot_dir() -> str:
    """A private directory for one server's snapshot; the caller removes it when the server stops."""
    return tempfile.mkdtemp(prefix="cslint-serve-")


# The packs `cslint serve` validated a moment ago in this very process. With one worker uvicorn
# serves in the same process, so the worker takes these instead of reading and validating the
# files a second time (service/app.py start_engines); a worker process of its own, and every
# reload, reads the files.
_validated_here: tuple[list[RulePack], Digests] | None = None


def hand_over(packs: list[RulePack], digests: Digests) -> None:
    global _validated_here
    _validated_here = (packs, digests)


def take_handed_over() -> tuple[list[RulePack], Digests] | None:
    """The packs handed over in this process, once (None after that, or when there are none)."""
    global _validated_here
    handed, _validated_here = _validated_here, None
    return handed
