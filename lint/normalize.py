"""Normalisation before matching, with an exact map back to the caller's original offsets.

Two views of a reply are built:

* `folded`: the original text with every code point replaced by exactly one code point
  (Traditional -> Simplified by a character table built from OpenCC's data, full-width ASCII ->
  half-width, Latin upper case -> lower case). Because the fold is length-preserving, an index
  into `folded` IS an index into the original text.
* `compact`: `folded` with noise removed (spaces, zero-width and control characters, and the
  punctuation people insert inside a phrase: 不 知 道, 不*知*道, 不.知.道). Phrases are matched
  here; `compact_span_to_original` maps a hit back.

This module is the only place that knows how offsets move.

The compiled core (cslint._core, built from lint/_core.c when a C compiler is at hand) does the
fold and the compact view in one pass; this module's Python code is the reference it must equal
(tests/property/test_core.py), and runs where the core was not built or CSLINT_PURE=1 is set.
"""
from __future__ import annotations

import bisect
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

_OPENCC_DICT_DIR = Path(opencc.__file__).parent / "dictionary"

# Characters dropped from the compact view. Clause punctuation (，。！？；：, ! ? ; :) is NOT
# noise: it ends a clause, and a phrase never spans it.
_NOISE_PUNCT = "*.·‧•-_~/|\\+#…'\"`^=⋯"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Whitespace other than a line break (which ends a clause: email paragraphs, merged chat
# messages); every whitespace character is below U+3001.
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\n\r")
_CONTROLS = "".join(map(chr, (*range(0x00, 0x20), *range(0x7F, 0xA0)))).replace("\n", "").replace("\r", "")
# One character class (not an alternation): the scan runs at C speed.
NOISE_RE = re.compile("[" + re.escape("".join(sorted(set(_SPACES + _CONTROLS + _NOISE_PUNCT + _ZERO_WIDTH)))) + "]+")


def _read_opencc_chars(name: str) -> dict[str, str]:
    """First candidate of each single-character entry of an OpenCC character dictionary."""
    table: dict[str, str] = {}
    with open(_OPENCC_DICT_DIR / name, encoding="utf-8") as handle:
        for line in handle:
            source, _, targets = line.rstrip("\n").partition("\t")
            first = targets.split(" ")[0] if targets else ""
            if len(source) == 1 and len(first) == 1 and source != first:
                table[source] = first
    return table


# Characters whose first OpenCC candidate is wrong for most service text: 著 is how Taiwan writes
# 着 (忙著呢, 著急; OpenCC's tw2s folds it too), 回覆 and 瞭解 are 回复 and 了解.
_TW_OVERRIDES = {"著": "着", "覆": "复", "瞭": "了"}

# Where OpenCC's phrase dictionary picks another character, a same-length fix-up applied only when
# the Traditional character occurs (measured against OpenCC t2s by bench/t2s_table.py).
_PHRASE_FIXUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "覆": (("复盖", "覆盖"), ("颠复", "颠覆"), ("倾复", "倾覆"), ("复灭", "覆灭"), ("复没", "覆没"), ("复辙", "覆辙")),
    "瞭": (("了望", "瞭望"),),
    "藉": (("凭藉", "凭借"), ("藉口", "借口"), ("藉此", "借此"), ("藉由", "借由")),
    "俱": (("家俱", "家具"),),
    "鍊": (("手炼", "手链"), ("项炼", "项链")),
}


@lru_cache(maxsize=1)
def t2s_chars() -> dict[str, str]:
    """Traditional -> Simplified, one character to one character (length-preserving)."""
    return {**_read_opencc_chars("TSCharacters.txt"), **_TW_OVERRIDES}


@lru_cache(maxsize=1)
def s2t_chars() -> dict[str, str]:
    """Simplified -> Traditional, first candidate; used only to tell which script a text is in."""
    return _read_opencc_chars("STCharacters.txt")


@lru_cache(maxsize=1)
def fold_table() -> dict[int, int]:
    """The str.translate table behind `fold`: T->S, full-width ASCII, Latin case."""
    table: dict[int, int] = {ord(k): ord(v) for k, v in t2s_chars().items()}
    for code in range(0xFF01, 0xFF5F):  # full-width ！ .. ～
        table[code] = code - 0xFEE0
    table[0x3000] = 0x20  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    for code in range(0xFF21, 0xFF3B):  # full-width Ａ..Ｚ straight to lower case
        table[code] = code - 0xFEE0 + 32
    return table


_FIXUP_CHARS = re.compile("[" + "".join(_PHRASE_FIXUPS) + "]")


def _fix_phrases(original: str, converted: str) -> str:
    if not _FIXUP_CHARS.search(original):  # the common case: one C-level scan
        return converted
    for char, fixups in _PHRASE_FIXUPS.items():
        if char in original:
            for wrong, right in fixups:
                converted = converted.replace(wrong, right)
    return converted


def to_simplified(text: str) -> str:
    """Traditional -> Simplified alone, length-preserving (what bench/t2s_table.py measures)."""
    return _fix_phrases(text, text.translate(_t2s_table()))


@lru_cache(maxsize=1)
def _bmp_fold_list() -> list[int]:
    """`fold_table()` as a list indexed by code point, for the Basic Multilingual Plane.

    str.translate looks each character up in its table: in a dict, a character that is not
    there costs a raised and cleared KeyError; in a list, one index. Same result, half the time."""
    table = list(range(0x10000))
    for code, target in fold_table().items():
        if code < 0x10000:
            table[code] = target
    return table


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # emoji, rare CJK: the dict table covers them


def fold(text: str) -> str:
    """Length-preserving fold of `text` (see module docstring)."""
    table = fold_table() if _ASTRAL.search(text) else _bmp_fold_list()
    return _fix_phrases(text, text.translate(table))


def fold_term(term: str) -> str:
    """How a pack term is stored in the automaton: folded and with noise removed."""
    return NOISE_RE.sub("", fold(term))


class NormalizedText:
    """The original text, its folded and compact views, and (built on first use) the
    compact -> original offset map. Most replies have no hit and never need it."""

    __slots__ = ("original", "compact", "folded", "_run_at", "_removed")
    compiled = False  # CompiledText: spans, clause and sentence bounds and sequences by the core

    def __init__(self, original: str, compact: str, folded: str) -> None:
        self.original = original
        self.compact = compact
        self.folded = folded
        self._run_at: list[int] | None = None
        self._removed: list[int] = []

    def _build_map(self) -> None:
        run_at: list[int] = []
        removed: list[int] = []
        total = 0
        for match in NOISE_RE.finditer(self.folded):
            a, b = match.span()
            run_at.append(a - total)
            total += b - a
            removed.append(total)
        self._run_at, self._removed = run_at, removed

    def to_folded(self, compact_index: int) -> int:
        """Index in `folded` (== original) of the character at `compact_index`."""
        if len(self.compact) == len(self.original):
            return compact_index
        if self._run_at is None:
            self._build_map()
        k = bisect.bisect_right(self._run_at, compact_index)
        return compact_index + (self._removed[k - 1] if k else 0)

    def compact_span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty compact span [start, end) to an original span, noise inside kept."""
        if end <= start:
            pos = self.to_folded(start) if start < len(self.compact) else len(self.original)
            return pos, pos
        return self.to_folded(start), self.to_folded(end - 1) + 1


# The core answers a question about a position (its span, clause or sentence) by scanning the text;
# past this many characters, where one reply may ask thousands of times, the cached maps and lists
# of the Python path answer instead (O(log n) each).
SHORT_TEXT = 256


class CompiledText(NormalizedText):
    """What the compiled `normalize` returns: the same views, its spans mapped by the core (a
    count of the noise characters before each end, no map kept)."""

    __slots__ = ()
    compiled = True

    def compact_span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if len(self.compact) == len(self.original):
            if end <= start:
                pos = start if start < len(self.compact) else len(self.original)
                return pos, pos
            return start, end
        if len(self.original) > SHORT_TEXT:  # a count per span would be quadratic: the map
            return NormalizedText.compact_span_to_original(self, start, end)
        return _compact_span(self.folded, start, end)


# Template placeholders (macros, anonymised transcripts) are opaque: [订单x] [数字x] (JD's
# anonymisation), [PHONE] [NUMBER], {name}, {{order_id}}, ${amount}, %s, %(name)s, 【客户姓名】.
# Each of their characters is folded to PLACEHOLDER, a private-use character that is neither a
# word character, noise nor clause punctuation: no term matches inside one, and none matches
# across one (不[数字x]知道 is not 不知道), while the clause around it stays one clause.
PLACEHOLDER = "\ue000"
PLACEHOLDER_RE = re.compile(
    r"\[[^\[\]\s]{1,12}x\]"  # [订单x] [数字x] [站点x]
    r"|\[[A-Z][A-Z_]{1,15}\]"  # [PHONE] [NUMBER] [NAME]
    r"|\{\{[^{}\n]{1,60}\}\}"  # {{ticket.requester.name}}
    r"|\$\{[^{}\n]{1,40}\}"  # ${amount}
    r"|\{[A-Za-z_][\w.]{0,40}\}"  # {name}
    r"|%\([A-Za-z_]\w{0,30}\)[sd]|%[sd]"  # %(name)s %s
    r"|【[^【】\n]{1,12}】"  # 【客户姓名】
)
_PLACEHOLDER_TRIGGERS = re.compile(r"[\[{%【]")


def mask_placeholders(folded: str) -> str:
    """`folded` with every character of each template placeholder replaced by PLACEHOLDER."""
    if not _PLACEHOLDER_TRIGGERS.search(folded):  # the usual case: no bracket at all
        return folded
    return PLACEHOLDER_RE.sub(lambda m: PLACEHOLDER * (m.end() - m.start()), folded)


def normalize_pure(text: str) -> NormalizedText:
    """`normalize` in Python alone: the reference the compiled core must equal."""
    folded = mask_placeholders(fold(text))
    compact = NOISE_RE.sub("", folded)
    if len(compact) != len(folded):  # noise was removed: a fix-up may now apply across it (复 盖)
        compact = _fix_phrases(text, compact)
    return NormalizedText(text, compact, folded)


# --- script of the input ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, int]:
    return {ord(k): ord(v) for k, v in t2s_chars().items()}


@lru_cache(maxsize=1)
def _traditional_only() -> frozenset[str]:
    return frozenset(t2s_chars())


# The few characters GB2312 (the Simplified charset) shares with OpenCC's Traditional side.
_GB2312_TRADITIONAL = re.compile("[乾吒夥後徵捱摺於榘甯菸薹醣麴麽著覆]")


def _plain_simplified(text: str) -> bool:
    """True when every character is in GB2312 and none of them is also a Traditional form:
    the text is Simplified, decided by the C codec in ~1 µs (a set scan takes ~4 µs)."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return not _GB2312_TRADITIONAL.search(text)


_HK_MARKERS = set("咗喺嘅唔冇嚟睇哋佢咁嘢")


def detect_script(text: str) -> str:
    """'simplified', 'traditional-tw' or 'traditional-hk', by counting script-specific characters.

    Only characters whose form differs between the scripts count; shared characters say nothing.
    """
    if _plain_simplified(text) or _traditional_only().isdisjoint(text):  # the usual, fast answers
        return "simplified"
    t2s = t2s_chars()
    s2t = s2t_chars()
    traditional = simplified = 0
    hk = False
    for ch in text:
        if ch in t2s:
            traditional += 1
        elif ch in s2t:
            simplified += 1
        if ch in _HK_MARKERS:
            hk = True
    if traditional > simplified or (hk and traditional >= simplified):
        return "traditional-hk" if hk else "traditional-tw"
    return "simplified"


_CONVERTERS: dict[str, opencc.OpenCC] = {}


@lru_cache(maxsize=4096)
def to_script(text: str, script: str) -> str:
    """Convert a (Simplified) suggestion into the agent's script with phrase-level OpenCC."""
    if script == "simplified" or not text:
        return text
    config = {"traditional-hk": "s2hk", "traditional-tw": "s2tw"}.get(script, "s2t")
    converter = _CONVERTERS.get(config)
    if converter is None:
        converter = _CONVERTERS[config] = opencc.OpenCC(config)
    return converter.convert(text)


def is_word_char(ch: str) -> bool:
    """Letters, digits and CJK ideographs; everything else separates clauses or words."""
    return ch.isalnum() or unicodedata.category(ch) == "Lo"


CLAUSE_PUNCT = set("，。！？；：,!?;:、\n\r（）()【】[]《》<>「」『』“”\"")
SENTENCE_MARKS = "。！？!?\n；;"  # what ends a sentence (lint.context.sentence_bounds)


# --- the compiled core --------------------------------------------------------------------------

def _load_core():
    """cslint._core configured with this module's tables, or None (not built, or CSLINT_PURE=1)."""
    if os.environ.get("CSLINT_PURE", "") not in ("", "0"):
        return None
    try:
        from . import _core
    except ImportError:
        return None
    import array

    bmp = array.array("I", _bmp_fold_list())
    astral = array.array("I")
    for code, target in sorted(fold_table().items()):
        if code >= 0x10000:
            astral.extend((code, target))
    noise = "".join(sorted(set(_SPACES + _CONTROLS + _NOISE_PUNCT + _ZERO_WIDTH)))
    trigger_chars = "[{%【"  # _PLACEHOLDER_TRIGGERS: these need mask_placeholders
    _core.configure(bmp.tobytes(), astral.tobytes(), noise, "".join(_PHRASE_FIXUPS), trigger_chars)
    _core.configure_text("".join(sorted(CLAUSE_PUNCT)), SENTENCE_MARKS)
    return _core


_CORE = _load_core()
COMPILED = _CORE is not None  # which path `normalize` (and lint.matcher's automaton) takes


if _CORE is not None:
    _fold_compact, _compact, _compact_span, _fold = _CORE.fold_compact, _CORE.compact, _CORE.compact_span, _CORE.fold
    bounds, complete_sequence, clause_start_before = _CORE.bounds, _CORE.complete, _CORE.clause_start_before
    compact_noise = _CORE.compact

    def normalize(text: str) -> NormalizedText:
        """The folded and compact views of `text` (compiled; `normalize_pure` is the reference)."""
        views = _fold_compact(text)
        if views is None:  # a character with a phrase fix-up: normalize_pure's steps, folded by the core
            folded = mask_placeholders(_fix_phrases(text, _fold(text)))
            compact = _compact(folded)
            if len(compact) != len(folded):
                compact = _fix_phrases(text, compact)
            return CompiledText(text, compact, folded)
        folded, compact = views
        if compact is None:  # a placeholder trigger: mask, then drop the noise
            folded = mask_placeholders(folded)
            compact = _compact(folded)
        return CompiledText(text, compact, folded)
else:
    normalize = normalize_pure
    bounds = complete_sequence = clause_start_before = None

    def compact_noise(text: str) -> str:
        """`text` without its noise characters (NOISE_RE)."""
        return NOISE_RE.sub("", text)
