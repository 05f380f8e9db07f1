"""Pack loading: every broken fixture fails with the file:line message it expects; the cache of
loaded packs gives what a parse gives, and never a stale pack."""
from __future__ import annotations

from pathlib import Path

import pytest

from cslint.errors import PackError
from cslint.packs import PackCache, load_pack, load_packs, packs_dirs

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "packs" / "bad"


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: <message>'"
    return first[len("# expect: "):]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_pack_is_rejected_with_its_place(path):
    with pytest.raises(PackError) as caught:
        load_pack(str(path))
    assert _expected(path) in str(caught.value)


def test_not_utf8_pack(tmp_path):
    pack = tmp_path / "latin1.yaml"
    pack.write_bytes(b"id: x\nname: \xe9\n")
    with pytest.raises(PackError, match=r"latin1.yaml:2: not valid UTF-8 \(byte offset 12\)"):
        load_pack(str(pack))


def test_extends_cycle(tmp_path):
    (tmp_path / "a.yaml").write_text("id: a\nname: a\nversion: '1'\nextends: [b]\nrules: []\n")
    (tmp_path / "b.yaml").write_text("id: b\nname: b\nversion: '1'\nextends: [a]\nrules: []\n")
    with pytest.raises(PackError, match="cycle"):
        load_pack(str(tmp_path / "a.yaml"))


def test_extends_and_overrides(tmp_path):
    team = tmp_path / "team.yaml"
    team.write_text(
        "id: team\nname: team\nversion: '1'\nextends: [default]\n"
        "overrides:\n  disable: [dialect-word]\n  severity: {ni-instead-of-nin: error}\nrules: []\n",
        encoding="utf-8")
    pack = load_pack(str(team))
    ids = {r.id: r for r in pack.rules}
    assert "dialect-word" not in ids
    assert ids["ni-instead-of-nin"].severity.value == "error"
    assert ids["declares-ignorance"].pack_id == "default"


def test_pack_by_id_from_env_dir(tmp_path, monkeypatch):
    (tmp_path / "mine.yaml").write_text("id: mine\nname: m\nversion: '1'\nextends: [default]\nrules: []\n")
    monkeypatch.setenv("CSLINT_PACKS", str(tmp_path))
    assert load_pack("mine").id == "mine"


def test_unknown_pack_names_the_search_path():
    with pytest.raises(PackError, match="unknown pack 'nope'"):
        load_pack("nope")


# --- the cache of loaded packs (lint.packs.PackCache) -------------------------------------------

_RULE = """
  - id: {id}
    category: forbidden
    severity: error
    kind: phrase
    terms: [{term}]
    message: {message}
    description: d
    examples:
      bad: ["这个[[{term}]]。"]
      good: ["没事。"]
"""


def _pack(folder: Path, pack_id: str, term: str, message: str = "m", extends: str = "") -> Path:
    path = folder / f"{pack_id}.yaml"
    head = f"id: {pack_id}\nname: {pack_id}\nversion: '1'\n" + (f"extends: [{extends}]\n" if extends else "")
    path.write_text(head + "rules:" + _RULE.format(id=f"{pack_id}-rule", term=term, message=message), encoding="utf-8")
    return path


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CSLINT_CACHE_DIR", str(folder))
    return folder


def test_cached_packs_are_the_packs_a_parse_gives(cache):
    parsed = load_packs(["default", "telecom"])
    assert not PackCache(["default", "telecom"], packs_dirs()).load() is None  # written by the first load
    cached = load_packs(["default", "telecom"])
    assert cached == parsed and cached is not parsed
    assert [r.spec for p in cached for r in p.rules] == [r.spec for p in parsed for r in p.rules]


def test_an_edited_pack_or_an_edited_parent_is_parsed_again(cache, tmp_path):
    _pack(tmp_path, "base", "不归我管", message="alpha")
    child = _pack(tmp_path, "child", "不可能", extends="base")
    assert load_packs([str(child)])[0].rules[0].message == "alpha"
    _pack(tmp_path, "base", "不归我管", message="omega")  # the same size: only the content changed
    assert load_packs([str(child)])[0].rules[0].message == "omega"
    _pack(tmp_path, "child", "没办法", extends="base")
    assert list(load_packs([str(child)])[0].rules[1].spec.literal_terms()) == ["没办法"]


def test_a_pack_found_earlier_in_the_search_path_wins_over_the_cached_one(cache, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    _pack(second, "mine", "不可能", message="second")
    assert load_packs(["mine"], packs_dirs([first, second]))[0].rules[0].message == "second"
    _pack(first, "mine", "不可能", message="first")
    assert load_packs(["mine"], packs_dirs([first, second]))[0].rules[0].message == "first"


def test_a_damaged_cache_file_is_ignored_and_written_again(cache):
    expected = load_packs(["default"])
    (written,) = cache.glob("packs-*.pickle")
    for damage in (b"", b"garbage", written.read_bytes()[:-100], written.read_bytes().replace(b'"body": "', b'"body": "0')):
        written.write_bytes(damage)
        assert load_packs(["default"]) == expected
        assert PackCache(["default"], packs_dirs()).load() == expected


def test_a_broken_pack_is_never_cached(cache, tmp_path):
    path = _pack(tmp_path, "mine", "不可能")
    path.write_text(path.read_text(encoding="utf-8").replace("severity: error", "severity: loud"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PackError, match="'severity' must be one of"):
            load_packs([str(path)])


def test_packs_load_without_a_usable_cache_directory(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CSLINT_CACHE_DIR", str(blocker / "cache"))  # cannot be made, even by root
    assert load_packs(["default"])[0].id == "default"
