"""Make one edit fit the text around it, so that applying it leaves a sendable reply.

A rewrite is written once, in a pack, without knowing its surroundings; the reply it lands in
decides the details. `tidy` adjusts an edit (start, end, replacement) at its two boundaries:

* a character the replacement repeats across a boundary is written once (这个我 + 我帮您… →
  这个我帮您…; 已 + 已签收; 请您 + 您把…), and a 您 it ends with takes the place of a 你 that follows
  (请您 inserted before 你把… → 请您把…);
* punctuation is never doubled (…好吗？ + ？ → …好吗？; …建议。 + ， → …建议，);
* a deletion at the start of a clause takes the punctuation after it along (这个这个，您稍等 →
  您稍等), and one at the end of the reply the punctuation before it;
* a replacement that says what already follows (喂 → 您好 in 喂，您好) becomes a deletion, so
  the greeting is not written twice.

Every surface gets edits through here (the kinds build their suggestions with it), so the CLI's
--fix, the page, the service's `fixed` and LanguageTool clients apply the same text.
"""
from __future__ import annotations

import re

from .normalize import is_word_char

PUNCTUATION = "，。！？；：、,.!?;:"
SPACES = " \u3000\t"
_PUNCTUATION_SPACES = PUNCTUATION + SPACES
# reduplications that are words: 谢谢, 看看, 试试, 等等, 常常, 慢慢, 好好, 哈哈…
WORD_DOUBLES = frozenset("谢看试等问说聊想查哈嗯呵天常刚渐慢好亲哦")


def tidy(text: str, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """The edit adjusted to its surroundings (see the module docstring)."""
    if replacement and _already_follows(text, end, replacement):
        replacement = ""
    if not replacement:
        return _deletion(text, start, end)
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if start == end and after == "你" and replacement.endswith("您"):  # inserting 请您 before 你把… → 请您把…
        end += 1
        after = text[end] if end < len(text) else ""
    if before and replacement[0] == before and is_word_char(before) and before not in WORD_DOUBLES:
        replacement = replacement[1:]
    if replacement and after and replacement[-1] == after and is_word_char(after) and after not in WORD_DOUBLES:
        replacement = replacement[:-1]
    if replacement and after in PUNCTUATION and after and replacement[-1] in PUNCTUATION:
        replacement = replacement.rstrip(PUNCTUATION)
    if replacement and before in PUNCTUATION and before and replacement[0] in PUNCTUATION:
        replacement = replacement.lstrip(PUNCTUATION)
    if not replacement:
        return _deletion(text, start, end)
    return start, end, replacement


def _already_follows(text: str, end: int, replacement: str) -> bool:
    """Whether the words of `replacement` stand right after `end` (past punctuation and spaces),
    also with 你 for 您 (喂，你好 → the 你好 is fixed on its own)."""
    words = replacement.strip(_PUNCTUATION_SPACES)
    if len(words) < 2:  # a single character repeats innocently (谢 + 谢谢)
        return False
    # where the rest of the text starts past punctuation and spaces (no copy of the rest)
    n = len(text)
    while end < n and text[end] in _PUNCTUATION_SPACES:
        end += 1
    return text.startswith(words, end) or text.startswith(words.replace("您", "你"), end)


def _deletion(text: str, start: int, end: int) -> tuple[int, int, str]:
    if start == 0 or text[start - 1] in PUNCTUATION + SPACES + "\n":  # at a clause start
        while end < len(text) and text[end] in PUNCTUATION + SPACES:
            end += 1
    if end >= len(text.rstrip()):  # the reply's last words: the punctuation before them goes too
        while start > 0 and text[start - 1] in PUNCTUATION + SPACES:
            start -= 1
    return start, end, ""


_GREETING_TWICE = re.compile("(您好|你好)[^。！？!?]{0,12}(您好|你好)")


def damage(before: str, after: str, edits: list[tuple[int, int, str]]) -> list[str]:
    """Mechanical damage the edits (sorted, not overlapping, positions in `before`) left in
    `after`: a character or punctuation doubled across an edit boundary, an emptied clause, a
    greeting written twice, a reply that now starts with punctuation."""
    problems = []
    shift = 0
    for start, end, replacement in edits:
        a, b = start + shift, start + shift + len(replacement)
        left = after[a - 1] if a > 0 else ""
        right = after[b] if b < len(after) else ""
        if replacement:
            for x, y in ((left, replacement[0]), (replacement[-1], right)):
                if (x and x == y and is_word_char(x) and x not in WORD_DOUBLES
                        and (x + y).replace("您", "你") not in before.replace("您", "你")):  # not a typo it had
                    problems.append(f"doubled {x}{y}")
                if x and y and x in PUNCTUATION and y in PUNCTUATION:
                    problems.append(f"doubled punctuation {x}{y}")
        elif left and right and left in PUNCTUATION and right in PUNCTUATION:
            problems.append(f"empty clause {left}{right}")
        shift += len(replacement) - (end - start)
    if _GREETING_TWICE.search(after) and not _GREETING_TWICE.search(before):
        problems.append("greeting twice")
    if after[:1] in PUNCTUATION and after[:1] and before[:1] not in PUNCTUATION:
        problems.append("starts with punctuation")
    return problems
