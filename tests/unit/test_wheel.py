"""The wheel installs one top-level package, `cslint` (lint/ as `cslint`, service/ as
`cslint.service`, rules/ as `cslint._packs`), and a wheel-only install (no source checkout) runs."""
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
    names = {p.name for p in (unpacked_wheel / "cslint" / "_packs").iterdir()}
    assert {"default.yaml", "telecom.yaml", "textile.yaml"} <= names


def test_wheel_install_checks_with_the_default_pack(unpacked_wheel, tmp_path):
    code = (
        "import cslint, cslint.packs as p; from cslint.checker import Checker;"
        "assert 'site' in cslint.__file__, cslint.__file__;"
        "print(p.builtin_packs_dir());"
        "print([d.rule_id for d in Checker.from_packs().check('这个我不知道').diagnostics])"
    )
    env = {"PYTHONPATH": str(unpacked_wheel), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert "_packs" in run.stdout and "declares-ignorance" in run.stdout


def test_wheel_contains_the_web_page(unpacked_wheel):
    names = {p.name for p in (unpacked_wheel / "cslint" / "service" / "static").iterdir()}
    assert {"index.html", "app.js", "app.css"} <= names


def test_wheel_contains_every_package_of_the_source(unpacked_wheel):
    """A new subpackage (lint/sources, ...) left out of pyproject's package list would import
    from a checkout and fail from the wheel."""
    installed_as = {"lint": Path("cslint"), "service": Path("cslint", "service")}
    for source, target in installed_as.items():
        for init in (ROOT / source).rglob("__init__.py"):
            package = target / init.parent.relative_to(ROOT / source)
            assert (unpacked_wheel / package / "__init__.py").is_file(), f"{package} is not in the wheel"


def test_wheel_installs_one_top_level_package(unpacked_wheel):
    """Not the generic names `lint` and `service`, which would clash with other projects."""
    tops = {p.name for p in unpacked_wheel.iterdir() if not p.name.endswith(".dist-info")}
    assert tops == {"cslint"}
    entry_points = next(unpacked_wheel.glob("cslint-*.dist-info")).joinpath("entry_points.txt").read_text()
    assert "cslint = cslint.cli:main" in entry_points


def test_python_dash_m_cslint_from_the_wheel(unpacked_wheel, tmp_path):
    """`python -m cslint` runs the CLI from an install with no source checkout near it; the HTTP
    app imports under its installed name too (what `cslint serve` hands uvicorn)."""
    env = {"PYTHONPATH": str(unpacked_wheel), "PATH": "/usr/bin:/bin", "CSLINT_CACHE_DIR": str(tmp_path / "cache")}
    check = subprocess.run([sys.executable, "-m", "cslint", "check", "--format", "json"], input="喂，你等着",
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert check.returncode == 1, check.stderr
    assert "wei-as-greeting" in check.stdout
    app = subprocess.run([sys.executable, "-c", "import cslint.serve_command as s; from uvicorn.importer import "
                          "import_from_string as load; print(load(s.SERVICE_APP).__code__.co_filename)"],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert app.returncode == 0, app.stderr
    assert str(unpacked_wheel) in app.stdout


def test_no_code_imports_the_source_folder_names():
    """From a checkout, `lint` and `service` still import (the repository root is on sys.path
    under pytest), so a stray `from lint.x import y` would pass every test here and then fail
    from the wheel, or load a second copy of a module beside `cslint.x`."""
    import ast

    stray = []
    for folder in ("lint", "service", "tests", "bench", "scripts", "corpora"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
                stray += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in names
                          if name.split(".")[0] in ("lint", "service")]
    assert not stray, "import cslint.… instead:\n" + "\n".join(stray)
