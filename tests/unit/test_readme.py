"""The rule-pack reference (docs/packs.md) names every key the loader accepts (so it cannot go stale)."""
from __future__ import annotations

from pathlib import Path

from cslint.kinds import KINDS
from cslint.packs import EXAMPLE_KEYS, OVERRIDE_KEYS, PACK_KEYS, RULE_KEYS

README = (Path(__file__).resolve().parents[2] / "docs" / "packs.md").read_text(encoding="utf-8")


def test_every_pack_key_is_documented():
    keys = set(PACK_KEYS) | set(RULE_KEYS) | set(OVERRIDE_KEYS) | set(EXAMPLE_KEYS)
    for kind in KINDS.values():
        keys |= set(kind.keys)
    missing = sorted(k for k in keys if f"`{k}" not in README and f"{k}:" not in README)
    assert not missing, f"docs/packs.md does not mention: {missing}"


def test_every_kind_is_documented():
    for name in KINDS:
        assert f"kind: {name}" in README
