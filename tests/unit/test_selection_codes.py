"""Selection.from_codes: rule ids, categories and severities, the most specific code deciding."""
from __future__ import annotations

import pytest

from cslint.checker import Checker
from cslint.model import Category, Rule, Severity
from cslint.selection import Selection, SelectionError, split_codes


def rule(rule_id: str, category: str, severity: str) -> Rule:
    return Rule(rule_id, Category(category), Severity(severity), "phrase", "m", "d", None)


TONE_WARNING = rule("cold-tone", "tone", "warning")
TONE_ERROR = rule("rude-tone", "tone", "error")
FILLER_INFO = rule("um", "filler", "info")
FORBIDDEN_ERROR = rule("declares-ignorance", "forbidden", "error")
ALL = (TONE_WARNING, TONE_ERROR, FILLER_INFO, FORBIDDEN_ERROR)
KNOWN = {r.id for r in ALL}


def allowed(selection: Selection) -> set[str]:
    return {r.id for r in ALL if selection.allows(r)}


def test_nothing_given_selects_every_rule():
    selection = Selection.from_codes()
    assert selection.is_default and allowed(selection) == KNOWN


def test_select_replaces_the_default():
    assert allowed(Selection.from_codes(["tone"])) == {"cold-tone", "rude-tone"}
    assert allowed(Selection.from_codes(["error"])) == {"rude-tone", "declares-ignorance"}
    assert allowed(Selection.from_codes(["um"])) == {"um"}
    assert allowed(Selection.from_codes([])) == set()


def test_extend_select_adds_to_select():
    assert allowed(Selection.from_codes(["tone"], extend_select=["filler"])) == {"cold-tone", "rude-tone", "um"}


def test_category_beats_severity():
    # select a category, ignore a severity: the category (more specific) decides for tone's warnings
    assert allowed(Selection.from_codes(["tone"], ignore=["warning"])) == {"cold-tone", "rude-tone"}
    # ignore a category, select a severity: tone's errors stay off
    assert allowed(Selection.from_codes(["error"], ignore=["tone"])) == {"declares-ignorance"}


def test_rule_id_beats_category():
    assert allowed(Selection.from_codes(None, ignore=["tone"], extend_select=["cold-tone"])) == {
        "cold-tone", "um", "declares-ignorance"}
    assert allowed(Selection.from_codes(["tone"], ignore=["rude-tone"])) == {"cold-tone"}


def test_ignore_wins_at_the_same_specificity():
    assert allowed(Selection.from_codes(["tone"], ignore=["tone"])) == set()
    assert allowed(Selection.from_codes(["um", "cold-tone"], ignore=["um"])) == {"cold-tone"}
    assert allowed(Selection.from_codes(None, ignore=["error"], extend_select=["error"])) == {"cold-tone", "um"}


def test_codes_split_on_commas_and_spaces():
    assert split_codes(["tone, filler", " error", ""]) == ["tone", "filler", "error"]
    assert allowed(Selection.from_codes(["tone,filler"])) == {"cold-tone", "rude-tone", "um"}


def test_unknown_code_is_refused_by_name():
    with pytest.raises(SelectionError) as caught:
        Selection.from_codes(["tone"], ignore=["no-such-rule"], known_rules=KNOWN)
    assert caught.value.code == "no-such-rule" and "'no-such-rule'" in str(caught.value)
    # without known rules any id is taken as a rule id
    assert allowed(Selection.from_codes(["no-such-rule"])) == set()


def test_legacy_fields_keep_their_meaning():
    # an explicitly enabled rule beats a disabled category; enabled_only runs only what is named
    selection = Selection.of(enabled_rules=["cold-tone"], disabled_categories=["tone"])
    assert allowed(selection) == {"cold-tone", "um", "declares-ignorance"}
    assert allowed(Selection.of(enabled_categories=["filler"], enabled_only=True)) == {"um"}


def test_the_checker_honours_a_severity_selection():
    checker = Checker.from_packs()
    text = "这个我不知道，你等一下"
    everything = {d.rule_id for d in checker.check(text).diagnostics}
    errors_only = checker.check(text, selection=Selection.from_codes(["error"])).diagnostics
    assert "declares-ignorance" in everything
    assert errors_only and all(d.severity is Severity.ERROR for d in errors_only)
    assert {d.rule_id for d in errors_only} < everything
