"""Files cslint keeps between runs so that a fresh process starts fast.

They live in the user's cache directory (CSLINT_CACHE_DIR, else XDG_CACHE_HOME/cslint or
~/.cache/cslint): jieba's word index (lint.wordfreq), the loaded packs (lint.packs) and the
segmenter's dictionary changes for those packs (lint.segment). Each file is named after a digest
of everything it was made from, so a change to any of it gives a new name and the old file is
simply not read again.

A file is written under a temporary name and renamed into place, so processes that write the
same file at the same time never see half of it; it is read only when it is a regular file of
this user (a cache directory shared with others is not trusted). Anything that goes wrong
(no home, a read-only or full disk, a damaged file) makes the caller work without the cache.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    configured = os.environ.get("CSLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cslint"


def read_own(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file owned by this user; None otherwise."""
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            getuid = getattr(os, "getuid", None)
            if not (stat.st_mode & 0o170000 == 0o100000) or (getuid is not None and stat.st_uid != getuid()):
                return None
            return handle.read()
    except OSError:
        return None


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file in the same folder; False when it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        return True
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False


def code_fingerprint() -> str:
    """What a cached Python object depends on besides its inputs: the interpreter and the source
    files of the package (size and modification time of each), so an edited or upgraded cslint
    never reads objects pickled by another version of its classes."""
    parts = [sys.implementation.cache_tag or "", sys.version]
    for folder in (PACKAGE, PACKAGE / "kinds", PACKAGE / "sources"):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name.endswith(".py"):
                try:
                    stat = os.stat(folder / name)
                except OSError:
                    continue
                parts.append(f"{folder.name}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)
