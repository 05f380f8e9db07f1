from __future__ import annotations

from cslint.fix import apply_fixes
from cslint.model import Applicability, Category, Diagnostic, Severity, Suggestion


def diag(start, end, text, applicability=Applicability.SAFE):
    return Diagnostic("r", Category.HONORIFIC, Severity.WARNING, start, end, "", "m",
                      (Suggestion(text, applicability),))


def test_applies_right_to_left_so_offsets_stay_valid():
    assert apply_fixes("你好，你的", [diag(0, 2, "您好"), diag(3, 5, "您的")]) == "您好，您的"


def test_overlapping_fix_is_skipped_and_insertions_apply():
    text = "abcdef"
    fixes = [diag(1, 4, "X"), diag(2, 3, "Y"), diag(0, 0, ">"), diag(6, 6, "<")]
    assert apply_fixes(text, fixes) == ">aXef<"


def test_only_fixes_at_or_above_the_level():
    fixes = [diag(0, 1, "X", Applicability.UNSAFE), diag(1, 2, "Y", Applicability.DISPLAY)]
    assert apply_fixes("ab", fixes) == "ab"
    assert apply_fixes("ab", fixes, Applicability.UNSAFE) == "Xb"
    assert apply_fixes("ab", fixes, Applicability.DISPLAY) == "XY"


def test_each_level_takes_exactly_the_suggestions_ranked_at_or_above_it():
    from cslint.fix import resolve_edits

    levels = list(Applicability)
    for allow in levels:
        for applicability in levels:
            edits = resolve_edits("ab", [diag(0, 1, "X", applicability)], allow)
            assert edits == ([(0, 1, "X")] if applicability.rank >= allow.rank else []), (allow, applicability)
    # no rewrite at the level (advice only), a single one, none at all
    assert resolve_edits("ab", [diag(0, 1, "X", Applicability.DISPLAY), diag(1, 2, "Y", Applicability.UNSAFE)]) == []
    assert resolve_edits("ab", []) == []
    assert apply_fixes("ab", [diag(0, 1, "X", Applicability.DISPLAY)]) == "ab"
