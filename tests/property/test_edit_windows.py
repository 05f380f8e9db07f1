"""Property tests: the edit and boundary helpers' index walks answer as the slicing they replaced.

`edits._already_follows` finds the rest of the text past punctuation and spaces by walking an
index (once `text[end:].lstrip(...)`), and `Segmenter.is_boundary_span` bounds its window with a
floor and a ceiling (once two conditions per step); both must give the answers of the plain forms.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cslint.edits import PUNCTUATION, SPACES, _already_follows
from cslint.segment import _CLAUSE_STOPS, WINDOW

ALPHABET = st.sampled_from(list("您你好我帮查询一下，。！？、;\n \u3000\tab") + ["谢谢"])
TEXT = st.lists(ALPHABET, max_size=30).map("".join)


def reference_follows(text: str, end: int, replacement: str) -> bool:
    words = replacement.strip(PUNCTUATION + SPACES)
    if len(words) < 2:
        return False
    rest = text[end:].lstrip(PUNCTUATION + SPACES)
    return rest.startswith(words) or rest.startswith(words.replace("您", "你"))


@settings(max_examples=500, deadline=None)
@given(TEXT, TEXT, st.integers(0, 40))
def test_already_follows_is_the_lstrip_form(text, replacement, end):
    assert _already_follows(text, end, replacement) == reference_follows(text, end, replacement)


def reference_window(text: str, start: int, end: int) -> tuple[int, int]:
    lo = start
    while lo > 0 and start - lo < WINDOW and text[lo - 1] not in _CLAUSE_STOPS:
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < WINDOW and text[hi] not in _CLAUSE_STOPS:
        hi += 1
    return lo, hi


class Recorder:
    """A Segmenter whose jieba cut is replaced by a record of the window it was asked about."""

    def __init__(self):
        from cslint.segment import Segmenter

        self.segmenter = Segmenter()
        self.windows = []
        self.segmenter._cut = lambda window: self.windows.append(window) or frozenset()


@settings(max_examples=500, deadline=None)
@given(TEXT, st.data())
def test_boundary_window_is_the_stepwise_form(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    if start == end:
        return
    recorder = Recorder()
    recorder.segmenter.is_boundary_span(text, start, end)
    if recorder.windows:
        lo, hi = reference_window(text, start, end)
        assert recorder.windows == [text[lo:hi]]
