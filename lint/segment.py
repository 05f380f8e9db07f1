"""Word boundaries from jieba, computed only in a small window around a hit.

Segmenting whole replies is the engine's bottleneck (~0.5 ms per 100 characters); the automaton
costs ~10 µs. So jieba is initialised lazily, pack terms are registered in its dictionary, and
only a window of a few characters on each side of a hit is segmented (and cached: formulaic
replies repeat the same windows).
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from functools import lru_cache
from typing import Iterable

from .normalize import is_word_char

WINDOW = 6  # characters of context on each side of the hit

_ADVERBS = "真也都还并就又更太很最可却才倒竟确实"

_CLAUSE_STOPS = set("，。！？；：,!?;:、\n")
_FIRST_STOP = re.compile("[" + re.escape("".join(sorted(_CLAUSE_STOPS))) + "]")
_LAST_STOP = re.compile("[" + re.escape("".join(sorted(_CLAUSE_STOPS))) + "][^" + re.escape("".join(sorted(_CLAUSE_STOPS))) + "]*\\Z")

# CSLINT_JIEBA_INDEX=0 loads jieba's whole dictionary into memory instead (as jieba does)
_USE_INDEX = os.environ.get("CSLINT_JIEBA_INDEX", "1") != "0"


class Segmenter:
    def __init__(self, terms: Iterable[str] = (), use_index: bool | None = None) -> None:
        """`use_index`: look jieba's words up in lint.wordfreq's on-disk index (default: unless
        CSLINT_JIEBA_INDEX=0) rather than loading the whole dictionary."""
        self._use_index = _USE_INDEX if use_index is None else use_index
        self._terms = sorted({t for t in terms if len(t) > 1 and all(is_word_char(c) for c in t)})
        self._tokenizer = None
        self._lock = threading.Lock()
        self._cut = lru_cache(maxsize=65536)(self._cut_uncached)

    def _load(self):
        with self._lock:
            if self._tokenizer is None:
                jieba = _import_jieba()
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                dictionary = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
                frequencies = None
                if self._use_index:
                    from .wordfreq import open_frequencies

                    frequencies = open_frequencies(dictionary)
                if frequencies is not None:  # the same words, looked up on disk (lint.wordfreq)
                    tokenizer.FREQ, tokenizer.total = frequencies, frequencies.total
                    tokenizer.initialized = True
                    state = TermState(jieba, frequencies, self._terms)
                    if not state.restore(tokenizer):
                        deleted = self._register_terms(tokenizer)
                        state.save(tokenizer, deleted)
                else:
                    tokenizer.initialize()
                    self._register_terms(tokenizer)
                self._tokenizer = tokenizer
        return self._tokenizer

    def _register_terms(self, tokenizer) -> list[str]:
        """Add the pack terms to jieba's dictionary; the compounds deleted for them."""
        deleted = []
        for term in self._terms:
            tokenizer.add_word(term)
            # jieba's dictionary holds compounds like 真不知道 / 也不知道: an adverb glued
            # to a term. They would hide the term's left boundary, so drop them.
            for adverb in _ADVERBS:
                if tokenizer.FREQ.get(adverb + term):
                    tokenizer.del_word(adverb + term)
                    deleted.append(adverb + term)
        return deleted

    def _cut_uncached(self, window: str) -> frozenset[int]:
        tokenizer = self._tokenizer or self._load()
        cuts = {0}
        pos = 0
        for token in tokenizer.cut(window, HMM=True):
            pos += len(token)
            cuts.add(pos)
        return frozenset(cuts)

    def is_boundary_span(self, text: str, start: int, end: int) -> bool:
        """True when [start, end) of `text` starts and ends on jieba token boundaries.

        A side whose neighbour is not a word character (start/end of text, punctuation, emoji)
        is a boundary without asking jieba.
        """
        n = len(text)
        need_left = start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start])
        need_right = end < n and is_word_char(text[end]) and is_word_char(text[end - 1])
        if not (need_left or need_right):
            return True
        # the window: up to WINDOW characters on each side, not past a clause stop (the last
        # stop before the hit, the first after it, found by the regex engine)
        floor = start - WINDOW if start > WINDOW else 0
        stop = _LAST_STOP.search(text, floor, start)
        lo = stop.start() + 1 if stop else floor
        ceiling = end + WINDOW if end + WINDOW < n else n
        stop = _FIRST_STOP.search(text, end, ceiling)
        hi = stop.start() if stop else ceiling
        cuts = self._cut(text[lo:hi])
        if need_left and (start - lo) not in cuts:
            return False
        if need_right and (end - lo) not in cuts:
            return False
        return True

    def warm_up(self) -> None:
        """Load jieba now (servers call this before reporting ready)."""
        self._load()


def _import_jieba():
    """jieba, imported without pkg_resources.

    jieba 0.42 imports pkg_resources only to open its own data files, and falls back to opening
    them by path when it is missing (as it is in any environment without setuptools). Importing
    pkg_resources costs ~150 ms and a deprecation warning per process, so it is kept out of
    jieba's import (a thread importing pkg_resources at that very moment would see it missing).
    """
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # `import` raises ImportError
    try:
        import jieba
    finally:
        if blocked and sys.modules.get("pkg_resources", False) is None:
            del sys.modules["pkg_resources"]
    return jieba


class TermState:
    """What registering a pack's terms did to jieba's dictionary, kept in the cache directory.

    Registering ~130 terms asks jieba to segment each (suggest_freq) and looks up a few thousand
    words in the on-disk index: ~0.1 s per process. The result is small: the entries set at run
    time (lint.wordfreq keeps them apart), the new total and the compounds deleted (jieba's
    finalseg must force-split those). It is written as JSON under a name derived from jieba's
    version, the index (named after the dictionary it was built from) and the terms, and checked
    against that key when read: a damaged or foreign file is ignored and written again.
    """

    VERSION = 1

    def __init__(self, jieba, frequencies, terms: list[str]) -> None:
        from hashlib import sha1

        from .cachefiles import cache_dir

        self._jieba = jieba
        self._frequencies = frequencies
        self.key = json.dumps([self.VERSION, getattr(jieba, "__version__", ""), frequencies.path.name,
                               frequencies.total, _ADVERBS, terms], ensure_ascii=False)
        self.path = cache_dir() / f"segment-{sha1(self.key.encode()).hexdigest()[:20]}.json"

    def restore(self, tokenizer) -> bool:
        from .cachefiles import read_own

        data = read_own(self.path)
        if data is None:
            return False
        try:
            state = json.loads(data)
            if state["key"] != self.key:
                return False
            changes = {str(word): int(frequency) for word, frequency in state["changes"]}
            total = int(state["total"])
            deleted = [str(word) for word in state["deleted"]]
        except (ValueError, KeyError, TypeError):
            return False
        self._frequencies.apply_changes(changes)
        tokenizer.total = total
        for word in deleted:
            self._jieba.finalseg.add_force_split(word)
        return True

    def save(self, tokenizer, deleted: list[str]) -> None:
        from .cachefiles import write_atomic

        state = {"key": self.key, "total": tokenizer.total, "deleted": deleted,
                 "changes": sorted(self._frequencies.changes().items())}
        write_atomic(self.path, json.dumps(state, ensure_ascii=False).encode("utf-8"))
