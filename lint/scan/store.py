"""The scan's checkpoint in the output directory: the manifest and the finished parts.

    DIR/.cslint-scan/manifest.json   what is being scanned (inputs, options, partitions)
    DIR/.cslint-scan/parts/NNNNNN.part   one finished partition (lint/scan/part.py; written whole, then renamed)
    DIR/findings.jsonl conversations.csv agents.csv errors.jsonl summary.json report.html (lint/scan/merge.py)

A part file exists only once its partition is completely done (write to a temporary name, fsync,
rename), so a scan killed at any moment, even by SIGKILL, resumes by running the partitions that
have no part yet. The outputs are merged from the parts in partition order and each is renamed
into place whole; the merge is a pure function of the parts, so a resumed scan writes outputs
identical to an uninterrupted one. After a complete merge the manifest says so, with the digest
of the disputes it applied; running the same command again then has nothing left to do. The parts
are kept: a re-run with another disputes file (`--disputes`, see `lint.scan.disputes`) merges
them again without checking anything.
"""
from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .outputs import OUTPUTS, write_atomically
from .part import Part, decode

STATE_DIR = ".cslint-scan"
PART_SUFFIX = ".part"


class StateMismatch(Exception):
    """DIR holds the state of a scan of other inputs or options."""


class LockUnavailable(OSError):
    """This platform offers no way to lock DIR (neither fcntl nor msvcrt)."""


def _try_lock(lock) -> bool:
    """Take an exclusive, non-blocking lock on the open file `lock`; False when another process
    holds it. The OS drops the lock when the process dies. fcntl (POSIX) and msvcrt (Windows)
    are imported here, not at module level, so that every other command (this module is imported
    by `cslint check` too) runs where one of them is missing."""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is not None:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True
    try:
        import msvcrt
    except ImportError:
        raise LockUnavailable("cannot lock the output directory: this platform has neither fcntl nor msvcrt file locking") from None
    try:
        msvcrt.locking(lock.fileno(), msvcrt.LK_NBLCK, 1)  # the first byte stands for the whole file
    except OSError:
        return False
    return True


_HELD_LOCKS: set[int] = set()  # descriptors of the DIR locks this process holds


def _drop_locks_in_child() -> None:
    """After fork: the child must not share the parent's DIR lock (a flock belongs to the open
    file, which fork shares), or pool workers that outlive a killed driver would keep DIR locked.
    The descriptor is pointed at /dev/null rather than closed, so its number stays owned by the
    file object that still refers to it."""
    for fd in _HELD_LOCKS:
        null = os.open(os.devnull, os.O_RDONLY)
        try:
            os.dup2(null, fd, inheritable=False)
        finally:
            os.close(null)
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):  # no fork, so nothing to drop, on Windows
    os.register_at_fork(after_in_child=_drop_locks_in_child)


class ScanState:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.state_dir = out_dir / STATE_DIR
        self.parts_dir = self.state_dir / "parts"
        self.manifest_path = self.state_dir / "manifest.json"

    @contextmanager
    def locked(self) -> Iterator["ScanState"]:
        """Hold DIR for this scan: a second scan into it is refused while this one runs (the
        lock also goes when the process dies, even by SIGKILL; forked children never hold it)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / "lock", "w") as lock:
            if not _try_lock(lock):
                raise StateMismatch(f"another scan is writing to {self.out_dir}")
            _HELD_LOCKS.add(lock.fileno())
            try:
                yield self
            finally:
                _HELD_LOCKS.discard(lock.fileno())

    # --- the manifest -----------------------------------------------------------------------
    def stored_inputs(self) -> list[dict] | None:
        """The inputs as the checkpoint's scan planned them (None: no checkpoint)."""
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))["scan"]["inputs"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def open(self, manifest: dict, fresh: bool = False, disputes: str | None = None) -> dict:
        """Start or resume. Returns the stored manifest (with `complete`: false when the outputs
        were merged with other disputes than `disputes`, a digest)."""
        manifest = json.loads(json.dumps(manifest))  # compare as stored (tuples become lists)
        if fresh:
            shutil.rmtree(self.parts_dir, ignore_errors=True)
            self.manifest_path.unlink(missing_ok=True)
        if self.manifest_path.exists():
            stored = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            if stored.get("scan") != manifest:
                raise StateMismatch(f"{self.out_dir} holds a scan of other inputs or options "
                                    "(use --fresh to start over, or another --out)")
            if stored.get("complete") and not all((self.out_dir / name).exists() for name in OUTPUTS):
                stored["complete"] = False  # outputs removed by hand: scan again
            if stored.get("complete") and stored.get("disputes") != disputes:
                stored["complete"] = False  # other disputes: merge again (from the kept parts)
            if not stored.get("complete"):
                self.parts_dir.mkdir(parents=True, exist_ok=True)
            return stored
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        stored = {"scan": manifest, "complete": False}
        write_atomically(self.manifest_path, json.dumps(stored, ensure_ascii=False, indent=1).encode())
        return stored

    def mark_complete(self, stored: dict, disputes: str | None = None) -> None:
        """The outputs are merged, with the disputes of digest `disputes` (None: none)."""
        stored = {**stored, "complete": True, "disputes": disputes}
        write_atomically(self.manifest_path, json.dumps(stored, ensure_ascii=False, indent=1).encode())

    # --- parts ------------------------------------------------------------------------------
    def part_path(self, index: int) -> Path:
        return self.parts_dir / f"{index:06d}{PART_SUFFIX}"

    def done(self) -> set[int]:
        if not self.parts_dir.exists():
            return set()
        return {int(p.name.split(".")[0]) for p in self.parts_dir.glob("*" + PART_SUFFIX)}

    def save_part(self, index: int, data: bytes) -> None:
        """`data`: a part file as `lint.scan.part.encode` made it."""
        write_atomically(self.part_path(index), data)

    def load_part(self, index: int) -> Part:
        return decode(self.part_path(index).read_bytes())

    def parts(self, count: int) -> Iterator[Part]:
        for index in range(count):
            yield self.load_part(index)


class PartWriter:
    """Saves parts on a thread of its own, so that writing and syncing one (milliseconds spent
    in fsync, which holds no lock) overlaps checking the next. A part is still renamed into
    place only once it is on disk; leaving the `with` block waits for every part, and raises the
    first error writing one met."""

    def __init__(self, state: ScanState) -> None:
        self.state = state
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cslint-parts")
        self.pending: list[Future] = []

    def __enter__(self) -> "PartWriter":
        return self

    def save(self, index: int, data: bytes) -> None:
        for future in [f for f in self.pending if f.done()]:
            future.result()  # a part that could not be written stops the scan now
        self.pending = [f for f in self.pending if not f.done()]
        self.pending.append(self.pool.submit(self.state.save_part, index, data))

    def __exit__(self, kind, value, traceback) -> None:
        self.pool.shutdown(wait=True)
        for future in self.pending:
            future.result()
