"""jieba's words looked up in lint.wordfreq's on-disk index segment exactly as the whole
dictionary in memory does, and the engine still works where no index can be written."""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

import jieba
import pytest

from cslint.checker import Checker
from cslint.segment import Segmenter
from cslint.wordfreq import WordFrequencies, open_frequencies

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "spec" / "dev-examples.jsonl"


def _gen_pfdict(path: Path) -> tuple[dict[str, int], int]:
    with open(path, "rb") as handle:
        return jieba.Tokenizer.gen_pfdict(handle)


def test_the_index_holds_what_jiebas_prefix_dictionary_holds(tmp_path: Path) -> None:
    source = tmp_path / "dict.txt"
    source.write_text("不知道 500 v\n知道 3000 v\n不 9000 d\n售后服务 20 n\n售后 800 n\n", encoding="utf-8")
    expected, total = _gen_pfdict(source)
    index = open_frequencies(source, tmp_path / "cache")
    assert isinstance(index, WordFrequencies)
    assert index.total == total
    for word, frequency in expected.items():  # words with their counts, prefixes (售后服) with 0
        assert word in index and index[word] == frequency and index.get(word) == frequency
    assert "服务" not in index and index.get("服务") is None and index.get("服务", 1) == 1
    with pytest.raises(KeyError):
        index["服务"]
    index["服务"] = 0  # what jieba's add_word / del_word do
    assert index["服务"] == 0 and "服务" in index


def test_a_rebuilt_dictionary_gets_a_new_index(tmp_path: Path) -> None:
    source = tmp_path / "dict.txt"
    source.write_text("知道 3000 v\n", encoding="utf-8")
    first = open_frequencies(source, tmp_path)
    source.write_text("知道 3000 v\n不知道 5 v\n", encoding="utf-8")
    os.utime(source, ns=(1, 1))
    second = open_frequencies(source, tmp_path)
    assert first.path != second.path and "不知道" in second and "不知道" not in first


def test_windows_segment_exactly_as_with_the_whole_dictionary() -> None:
    checker = Checker.from_packs(["default", "ecommerce"])
    terms = checker.segmenter._terms
    indexed, whole = Segmenter(terms, use_index=True), Segmenter(terms, use_index=False)
    texts = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines()] if DEV.is_file() else []
    texts += ["这个我也不知道呢", "亲，售后服务这边帮您登记一下工单", "您好，请问还有什么可以帮您的吗", "抱歉我们没办法修改价格"]
    rng = random.Random(5)
    windows = set()
    for text in texts:
        for _ in range(8):
            a = rng.randrange(len(text))
            windows.add(text[a:a + rng.randrange(2, 14)])
    assert len(windows) > 30
    for window in sorted(windows):
        assert indexed._cut_uncached(window) == whole._cut_uncached(window), window
    assert indexed._tokenizer.FREQ.__class__ is WordFrequencies  # the index was used
    assert isinstance(whole._tokenizer.FREQ, dict)


def test_no_usable_cache_directory_means_the_whole_dictionary(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CSLINT_CACHE_DIR", str(blocker / "cache"))  # cannot be made, even by root
    segmenter = Segmenter(["不知道"], use_index=True)
    assert segmenter.is_boundary_span("我不知道呢", 1, 4)
    assert isinstance(segmenter._tokenizer.FREQ, dict)


def test_a_damaged_index_is_built_again(tmp_path: Path) -> None:
    source = tmp_path / "dict.txt"
    source.write_text("知道 3000 v\n", encoding="utf-8")
    index = open_frequencies(source, tmp_path)
    index.path.write_bytes(b"not a database at all" * 100)
    again = open_frequencies(source, tmp_path)
    assert again.path == index.path and again["知道"] == 3000


def test_an_index_survives_fork(tmp_path: Path) -> None:
    source = tmp_path / "dict.txt"
    source.write_text("知道 3000 v\n不知道 5 v\n", encoding="utf-8")
    index = open_frequencies(source, tmp_path)
    assert "知道" in index
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child opens its own connection
        os.write(write, b"1" if index.get("不知道") == 5 and "知" in index else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
