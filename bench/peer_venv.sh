#!/usr/bin/env bash
# Create (or reuse) .bench-peer-venv/ at the repository root: the compiled peer stack that
# bench/engine.py times beside cslint, in a venv of its own. The PyPI `opencc` wheel (C++ OpenCC)
# installs a module named `opencc`, the same name as cslint's opencc-python-reimplemented, so it
# must never go into .venv. Safe to run again: pip only installs what is missing.
#
#   bench/peer_venv.sh          # then: .venv/bin/python bench/engine.py
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.bench-peer-venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
# opencc 1.4.x: C++ OpenCC; rjieba: jieba-rs (Rust) bindings; pyahocorasick: the same automaton
"$venv/bin/python" -m pip install --disable-pip-version-check -q \
  "opencc>=1.4,<1.5" "rjieba>=0.2" "pyahocorasick>=2.0"
"$venv/bin/python" - <<'PY'
import importlib.metadata as md
print("peer venv:", ", ".join(f"{n} {md.version(n)}" for n in ("opencc", "rjieba", "pyahocorasick")))
PY
