"""What each input was when the scan was planned, and whether it still is.

A scan reads each input only up to its size at planning time (rows appended while it runs are
left for the next scan, so the result does not depend on timing), and records that size, with
the modification time and a fingerprint of the bytes, in the checkpoint. A scan resumed after
an input grew by appending still matches its checkpoint (the planned bytes are unchanged), reads
the same bytes and writes the same outputs. Any change is reported in a note.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import BinaryIO, Sequence

EDGE = 1 << 16  # bytes fingerprinted at each end of the planned range


def fingerprint(path: str | Path, size: int) -> str:
    """A digest of the first and last 64 KiB of bytes [0, size) of the file."""
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as handle:
        digest.update(handle.read(min(EDGE, size)))
        if size > EDGE:
            handle.seek(max(EDGE, size - EDGE))
            digest.update(handle.read(size - max(EDGE, size - EDGE)))
    return digest.hexdigest()


def take(name: str) -> dict:
    path = Path(name).resolve()
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "fingerprint": fingerprint(path, stat.st_size)}


def still_holds(entry: dict) -> bool:
    """Whether the file still starts with the bytes it had when `entry` was taken."""
    try:
        stat = Path(entry["path"]).stat()
        if stat.st_size == entry["size"] and stat.st_mtime_ns == entry["mtime_ns"]:
            return True
        return stat.st_size >= entry["size"] and fingerprint(entry["path"], entry["size"]) == entry["fingerprint"]
    except (OSError, KeyError, TypeError):
        return False


def snapshots(inputs: Sequence[str], previous: list[dict] | None) -> list[dict]:
    """The snapshot of each input: the checkpoint's when the input still holds it (a resumed
    scan reads what the first run planned to read), else a new one."""
    fresh = [take(name) for name in inputs]
    if previous is None or len(previous) != len(fresh):
        return fresh
    return [old if old.get("path") == new["path"] and still_holds(old) else new for old, new in zip(previous, fresh)]


def changes(inputs: Sequence[str], taken: list[dict]) -> list[str]:
    """A note for each input that is no longer as it was when the scan was planned."""
    notes = []
    for name, entry in zip(inputs, taken):
        try:
            stat = Path(entry["path"]).stat()
        except OSError:
            notes.append(f"{name} was removed after the scan was planned; its first {entry['size']:,} bytes were read")
            continue
        if stat.st_size == entry["size"] and stat.st_mtime_ns == entry["mtime_ns"]:
            continue
        if stat.st_size > entry["size"] and still_holds(entry):
            notes.append(f"{name} grew after the scan was planned: only its first {entry['size']:,} bytes were read "
                         "(scan it again with --fresh for the rest)")
        else:
            notes.append(f"{name} was modified after the scan was planned: results are from its first "
                         f"{entry['size']:,} bytes and may mix old and new content (scan it again with --fresh)")
    return notes


class _Limited(io.RawIOBase):
    """A file readable only up to byte `limit`."""

    def __init__(self, path: str | Path, limit: int) -> None:
        self._raw = open(path, "rb", buffering=0)
        self._limit = limit

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer) -> int:
        left = self._limit - self._raw.tell()
        if left <= 0:
            return 0
        with memoryview(buffer) as view:
            return self._raw.readinto(view[:left])

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_planned(path: str | Path, limit: int) -> BinaryIO:
    """The file as it was planned: bytes [0, limit) only, buffered."""
    return io.BufferedReader(_Limited(path, limit), buffer_size=1 << 16)
