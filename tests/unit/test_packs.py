"""Pack loading: every broken fixture fails with the file:line message it expects."""
from __future__ import annotations

from pathlib import Path

import pytest

from cslint.errors import PackError
from cslint.packs import load_pack

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
