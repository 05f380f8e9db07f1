"""Inputs that are the scan's own files: refused before anything is written.

A scan writes its outputs into DIR (each through `NAME.tmp`) and keeps its checkpoint in
DIR/.cslint-scan/. An input that is one of those files, under any name (a symlink, a relative
path, a hard link), would be overwritten or deleted by the scan that reads it: it is refused.
Other files in DIR are ordinary inputs.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .outputs import OUTPUTS
from .store import STATE_DIR


def _working_files(out_dir: Path) -> list[Path]:
    return [out_dir / name for output in OUTPUTS for name in (output, output + ".tmp")]


def _identities(paths: list[Path]) -> dict[tuple[int, int], Path]:
    found = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        found[(stat.st_dev, stat.st_ino)] = path
    return found


def own_file_among(inputs: Sequence[str], out_dir: str | Path) -> str | None:
    """A one-line message naming the first input that is one of the scan's own files, or None."""
    out = Path(os.path.realpath(out_dir))
    state = out / STATE_DIR
    written = _working_files(out)
    by_name = {str(p) for p in written}
    existing = written + ([p for p in state.rglob("*") if p.is_file()] if state.is_dir() else [])
    by_identity = _identities(existing)
    for name in inputs:
        real = Path(os.path.realpath(name))
        if str(real) in by_name:
            return f"{name}: this input is {real.name}, an output of the scan into {out_dir}; it would be overwritten " \
                   "(move it out, or choose another --out)"
        if real == state or state in real.parents:
            return f"{name}: this input lies inside {out_dir}/{STATE_DIR}, the scan's working files; it would be " \
                   "deleted (move it out, or choose another --out)"
        try:
            stat = real.stat()
        except OSError:
            continue
        same = by_identity.get((stat.st_dev, stat.st_ino))
        if same is not None:
            return f"{name}: this input is a hard link to {same}, a file the scan into {out_dir} writes " \
                   "(copy it elsewhere, or choose another --out)"
    return None
