"""Which files `cslint check PATH...` reads: files given by name, and the reply files under
directories, minus what `--exclude` and `.gitignore` leave out.

* A file named on the command line is always read, whatever its extension or the globs.
* Under a directory, a file is read when its extension has a reader (lint/sources/readers.py),
  it matches an `--include` glob (when there are any) and no `--exclude` glob, and git would not
  ignore it. Globs are gitignore-style patterns (pathspec's gitwildmatch) relative to the
  directory given: `*.csv`, `drafts/`, `macros/**/old-*.yaml`.
* `.gitignore` files count from the repository's root (the nearest parent holding `.git`) down to
  each file, deeper files winning, as git reads them; outside a repository, those from the
  directory given downwards. `.git` itself is never entered.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

if TYPE_CHECKING:
    import pathspec

GITIGNORE = ".gitignore"


def repository_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` that holds `.git` (a folder or a worktree file)."""
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return None


class _Ignores:
    """The .gitignore rules met on the way from a root down to a directory, read once each."""

    def __init__(self) -> None:
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _spec(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            path = folder / GITIGNORE
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = None
            self._specs[folder] = _spec_of(lines) if lines else None
        return self._specs[folder]

    def ignored(self, path: Path, root: Path, is_dir: bool) -> bool:
        """Whether git would ignore `path` (under `root`): the deepest .gitignore that decides wins."""
        folder = path.parent
        chain = []
        while True:
            chain.append(folder)
            if folder == root or folder == folder.parent:
                break
            folder = folder.parent
        for folder in chain:  # deepest first
            spec = self._spec(folder)
            if spec is None:
                continue
            relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            decision = spec.check_file(relative).include
            if decision is not None:
                return decision
        return False


def _spec_of(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    import pathspec  # only when there are globs or .gitignore files to read

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _globs(patterns: Sequence[str] | None) -> pathspec.GitIgnoreSpec | None:
    return _spec_of(patterns) if patterns else None


def iter_files(paths: Iterable[str], suffixes: Iterable[str], include: Sequence[str] | None = None,
               exclude: Sequence[str] | None = None, respect_gitignore: bool = True) -> Iterator[str]:
    """The files to read for `paths`, in a stable (sorted) order, directories walked recursively.

    `suffixes` are the extensions with a reader (".csv", ...); a path that does not exist is
    yielded as it is, for the reader to report it.
    """
    wanted = {suffix.lower() for suffix in suffixes}
    includes, excludes = _globs(include), _globs(exclude)
    ignores = _Ignores()
    for given in paths:
        top = Path(given)
        if not top.is_dir():
            yield given
            continue
        root = (repository_root(top.resolve()) if respect_gitignore else None) or top.resolve()
        found = _walk(top, top.resolve(), root, wanted, includes, excludes, ignores if respect_gitignore else None)
        yield from sorted(found, key=lambda name: Path(name).parts)  # as `git ls-files` lists them


def _walk(top: Path, resolved_top: Path, root: Path, wanted: set[str], includes: pathspec.GitIgnoreSpec | None,
          excludes: pathspec.GitIgnoreSpec | None, ignores: _Ignores | None) -> Iterator[str]:
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        resolved_here = resolved_top / here.relative_to(top)
        kept = []
        for name in sorted(dirs):
            if name == ".git":
                continue
            relative = (here / name).relative_to(top).as_posix() + "/"
            if excludes is not None and excludes.match_file(relative):
                continue
            if ignores is not None and ignores.ignored(resolved_here / name, root, is_dir=True):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if Path(name).suffix.lower() not in wanted:
                continue
            relative = (here / name).relative_to(top).as_posix()
            if includes is not None and not includes.match_file(relative):
                continue
            if excludes is not None and excludes.match_file(relative):
                continue
            if ignores is not None and ignores.ignored(resolved_here / name, root, is_dir=False):
                continue
            yield str(here / name)
