from __future__ import annotations

from pathlib import Path

import pytest

from lint.checker import Checker

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def checker() -> Checker:
    """The default pack, built once for the whole run."""
    return Checker.from_packs()


@pytest.fixture(scope="session")
def domain_checker() -> Checker:
    return Checker.from_packs(["default", "telecom", "textile"])
