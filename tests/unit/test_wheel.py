"""The packs ship inside the wheel: a wheel-only install (no source checkout) loads `default`."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, cwd=out)
    if build.returncode != 0:
        pytest.fail(build.stderr)
    wheel = next(out.glob("cslint-*.whl"))
    site = out / "site"
    zipfile.ZipFile(wheel).extractall(site)
    return site


def test_wheel_contains_the_packs(unpacked_wheel):
    names = {p.name for p in (unpacked_wheel / "lint" / "_packs").iterdir()}
    assert {"default.yaml", "telecom.yaml", "textile.yaml"} <= names


def test_wheel_install_checks_with_the_default_pack(unpacked_wheel, tmp_path):
    code = (
        "import lint, lint.packs as p; from lint.checker import Checker;"
        "assert 'site' in lint.__file__, lint.__file__;"
        "print(p.builtin_packs_dir());"
        "print([d.rule_id for d in Checker.from_packs().check('这个我不知道').diagnostics])"
    )
    env = {"PYTHONPATH": str(unpacked_wheel), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert "_packs" in run.stdout and "declares-ignorance" in run.stdout


def test_wheel_contains_the_web_page(unpacked_wheel):
    names = {p.name for p in (unpacked_wheel / "service" / "static").iterdir()}
    assert {"index.html", "app.js", "app.css"} <= names


def test_wheel_contains_every_package_of_the_source(unpacked_wheel):
    """A new subpackage (lint/sources, ...) left out of pyproject's package list would import
    from a checkout and fail from the wheel."""
    for top in ("lint", "service"):
        for init in (ROOT / top).rglob("__init__.py"):
            package = init.parent.relative_to(ROOT)
            assert (unpacked_wheel / package / "__init__.py").is_file(), f"{package} is not in the wheel"
