"""jieba's word frequencies read from an on-disk index instead of loaded whole.

jieba keeps its dictionary as one Python dict of ~580,000 words and prefixes (FREQ), loaded
from a 9 MB marshal cache: about a second and ~60 MB per process. The engine segments only a
few hundred short windows per batch (lint.segment), so it needs a few thousand of those
entries. `WordFrequencies` answers the same questions (`in`, `[]`, `get`) from an SQLite file
built once per machine from jieba's own dictionary (the same prefix entries jieba's
`gen_pfdict` makes), remembers what it looked up, and keeps words added at run time (pack
terms, `del_word`) in memory.

The index lives in the user's cache directory (CSLINT_CACHE_DIR, else XDG_CACHE_HOME/cslint or
~/.cache/cslint), named after the dictionary file it was built from. Building it takes a few
seconds, once; it is written under a temporary name and renamed into place, so processes that
build it at the same time never see half a file. A damaged index is built again. `open_frequencies` returns None
when no index can be built or opened (a read-only home): the caller then loads jieba the usual way.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
from pathlib import Path

from .cachefiles import cache_dir

INDEX_VERSION = 1  # bump when the file's layout changes
REMEMBERED_MAX = 200_000  # looked-up words kept in memory (a scan needs a few thousand)


class WordFrequencies:
    """A read-mostly mapping word -> frequency, as jieba.Tokenizer.FREQ is used."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._pid = -1
        self._connection: sqlite3.Connection | None = None
        self._remembered: dict[str, int | None] = {}  # word -> frequency, None: not in the index
        self._added: dict[str, int] = {}  # set at run time (add_word, del_word)
        self.total = int(self._query("SELECT n FROM meta WHERE key = 'total'", ())[0])

    def _query(self, sql: str, args: tuple) -> tuple | None:
        with self._lock:
            # a connection must not cross fork(): scan workers open their own
            if self._connection is None or self._pid != os.getpid():
                self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                self._pid = os.getpid()
            return self._connection.execute(sql, args).fetchone()

    def _lookup(self, word: str) -> int | None:
        if word in self._added:
            return self._added[word]
        try:
            return self._remembered[word]
        except KeyError:
            pass
        row = self._query("SELECT n FROM freq WHERE word = ?", (word,))
        if len(self._remembered) >= REMEMBERED_MAX:
            self._remembered.clear()
        found = self._remembered[word] = row[0] if row else None
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self._lookup(word)
        if found is None:
            raise KeyError(word)
        return found

    def get(self, word: str, default: int | None = None) -> int | None:
        found = self._lookup(word)
        return default if found is None else found

    def __setitem__(self, word: str, frequency: int) -> None:
        self._added[word] = frequency

    def changes(self) -> dict[str, int]:
        """The words set at run time (jieba's add_word and del_word), with their frequencies."""
        return dict(self._added)

    def apply_changes(self, changes: dict[str, int]) -> None:
        """Set words as `changes()` returned them (lint.segment keeps them between runs)."""
        self._added.update(changes)


def open_frequencies(dictionary: str | os.PathLike, directory: Path | None = None) -> WordFrequencies | None:
    """The index of `dictionary` (jieba's dict.txt format), built first if missing; None when
    it cannot be built or read here."""
    try:
        source = Path(dictionary).resolve()
        stat = source.stat()
        key = f"{INDEX_VERSION}:{source}:{stat.st_size}:{stat.st_mtime_ns}"
        name = f"jieba-{hashlib.sha1(key.encode()).hexdigest()[:16]}.sqlite"
        directory = directory or cache_dir()
        path = directory / name
        if not path.is_file():
            directory.mkdir(parents=True, exist_ok=True)
            _build(source, path)
        try:
            return WordFrequencies(path)
        except sqlite3.DatabaseError:  # damaged (a disk full while copying a home directory...): rebuilt
            _build(source, path)
            return WordFrequencies(path)
    except (OSError, sqlite3.Error, ValueError):
        return None


def _build(source: Path, path: Path) -> None:
    """Write the index of `source` to `path`: every word with its frequency and, as jieba's
    gen_pfdict adds them, every prefix of a word that is not a word itself, with 0."""
    frequencies: dict[str, int] = {}
    total = 0
    with open(source, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.strip().decode("utf-8")
            if not line:
                continue  # as jieba: a blank line is an error there; here it is skipped
            parts = line.split(" ")
            if len(parts) < 2:
                raise ValueError(f"{source}:{number}: invalid dictionary entry")
            word, frequency = parts[0], int(parts[1])
            frequencies[word] = frequency
            total += frequency
            for end in range(1, len(word)):
                frequencies.setdefault(word[:end], 0)
    descriptor, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(descriptor)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, n INTEGER NOT NULL)")
            connection.executemany("INSERT INTO freq VALUES (?, ?)", frequencies.items())
            connection.execute("INSERT INTO meta VALUES ('total', ?)", (total,))
            connection.commit()
        finally:
            connection.close()
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
