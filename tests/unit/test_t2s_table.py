"""The length-preserving T->S fold against phrase-level OpenCC t2s.

The engine folds Traditional to Simplified one character at a time (lint.normalize.to_simplified:
a table built from OpenCC's TSCharacters.txt plus a few same-length phrase fix-ups), so offsets
never move. OpenCC's own t2s also reads TSPhrases.txt. These tests show the two agree on real
Traditional replies (../shared/spec/dev-examples.jsonl, skipped when absent) and on the
project's own corpora/sample_labelled.jsonl; bench/t2s_table.py measures the whole corpus.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from cslint.normalize import detect_script, fold, t2s_chars, to_simplified

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from opencc import OpenCC

ROOT = Path(__file__).resolve().parents[2]
DEV_EXAMPLES = ROOT.parent / "shared" / "spec" / "dev-examples.jsonl"
SAMPLE_LABELLED = ROOT / "corpora" / "sample_labelled.jsonl"

_T2S = OpenCC("t2s")


def _traditional(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [row["text"] for row in rows if detect_script(row["text"]) != "simplified"]


def _sources():
    dev = pytest.param(DEV_EXAMPLES, id="dev-examples",
                       marks=pytest.mark.skipif(not DEV_EXAMPLES.is_file(), reason="../shared is absent"))
    return [dev, pytest.param(SAMPLE_LABELLED, id="sample_labelled")]


@pytest.mark.parametrize("path", _sources())
def test_there_are_traditional_replies_to_compare(path):
    assert len(_traditional(path)) >= 5


@pytest.mark.parametrize("path", _sources())
def test_fold_is_identical_to_opencc_t2s(path):
    mismatched = {text: _T2S.convert(text) for text in _traditional(path) if to_simplified(text) != _T2S.convert(text)}
    assert mismatched == {}


@pytest.mark.parametrize("path", _sources())
def test_fold_is_length_preserving_and_folds_every_table_character(path):
    table = t2s_chars()
    for text in _traditional(path):
        folded = fold(text)
        assert len(folded) == len(text)
        assert not any(ch in table for ch in folded), text  # no Traditional form is left over


def test_phrase_fixups_follow_opencc_where_the_first_candidate_is_wrong():
    for word in ["回覆", "覆蓋", "瞭解", "瞭望", "憑藉", "傢俱", "手鍊", "鍛鍊"]:
        assert to_simplified(word) == _T2S.convert(word), word


@pytest.mark.parametrize("config", ["s2t", "s2hk", "s2tw"])
def test_every_pack_term_written_in_traditional_folds_back_to_itself(domain_checker, config):
    """A term the automaton holds must be found when an agent types it in Traditional."""
    converter = OpenCC(config)
    unreachable = {key: converter.convert(key) for key in domain_checker._matcher.keys
                   if fold(converter.convert(key)) != key}
    assert unreachable == {}
