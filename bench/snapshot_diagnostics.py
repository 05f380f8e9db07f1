"""Every diagnostic the engine gives on a fixed, large set of replies, written to a file or
compared with one: the "results unchanged" check behind any engine speed-up.

Cases (each checked with the packs `default` and `default+ecommerce`, channels chat and email):

* every agent turn of ../shared/corpora/*.jsonl, at its position in its dialogue (opening,
  middle, closing, single);
* every text of ../shared/spec/dev-examples.jsonl at each of the four positions;
* the corpus turns converted to Traditional (OpenCC s2t);
* the corpus turns with noise inserted (spaces, zero-width characters, `*`, `·`, ideographic
  spaces, a few upper-case Latin letters), from a fixed seed.

Each case is recorded with every diagnostic's rule_id, start, end, text, message, suggestion texts
and edits, and the result's `fixed` text and script.

    .venv/bin/python bench/snapshot_diagnostics.py --write /tmp/before.jsonl
    .venv/bin/python bench/snapshot_diagnostics.py --compare /tmp/before.jsonl
    CSLINT_PURE=1 .venv/bin/python bench/snapshot_diagnostics.py --compare /tmp/before.jsonl

`--compare` prints the counts (cases, diagnostics) on both sides and the first differences, and
exits 1 when anything differs. `--limit N` takes N corpus turns spread over the files.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ siblings

from t2s_table import DEV_EXAMPLES, _read_jsonl, _spread, transcript_files  # noqa: E402

PACK_SETS = (("default",), ("default", "ecommerce"))
CHANNELS = ("chat", "email")
POSITIONS = ("opening", "middle", "closing", "single")
NOISE = (" ", "\u200b", "\u200c", "\u200d", "\ufeff", "\u3000", "*", "·", "-", "_", "~", "/", ".", "…", "\t")
SEED = 20261129


def corpus_turns(limit: int | None) -> list[tuple[str, str, str]]:
    """(id, text, position) of every non-empty agent turn, positions from the dialogue."""
    from cslint.conversation import agent_positions

    files, _ = transcript_files()
    turns: list[tuple[str, str, str]] = []
    for path in files:
        dialogues: dict[str, list[dict]] = {}
        for row in _read_jsonl(path):
            dialogues.setdefault(str(row.get("dialogue", row.get("id"))), []).append(row)
        for rows in dialogues.values():
            positions = agent_positions([r.get("role", "") for r in rows])
            for i, row in enumerate(rows):
                text = row.get("text")
                if row.get("role") == "agent" and isinstance(text, str) and text.strip():
                    turns.append((str(row.get("id", i)), text, positions[i]))
    return _spread(turns, limit)


def noisy(text: str, rng: random.Random) -> str:
    out = []
    for ch in text:
        if ch.isascii() and ch.isalpha() and rng.random() < 0.3:
            ch = ch.upper()
        out.append(ch)
        if rng.random() < 0.15:
            out.append(rng.choice(NOISE))
    return "".join(out)


def cases(limit: int | None) -> Iterator[tuple[str, str, str]]:
    """(case key, text, position); the channel and packs are added by the caller."""
    import opencc

    turns = corpus_turns(limit)
    for tid, text, position in turns:
        yield f"corpus:{tid}", text, position
    if DEV_EXAMPLES.is_file():
        for row in _read_jsonl(DEV_EXAMPLES):
            for position in POSITIONS:
                yield f"dev:{row['id']}:{position}", row["text"], position
    s2t = opencc.OpenCC("s2t")
    for tid, text, position in turns:
        yield f"trad:{tid}", s2t.convert(text), position
    rng = random.Random(SEED)
    for tid, text, position in turns:
        yield f"noisy:{tid}", noisy(text, rng), position


def record(result) -> dict:
    return {
        "d": [[d.rule_id, d.start, d.end, d.text, d.message, [s.text for s in d.suggestions],
               [d.edit_dict(s) for s in d.suggestions]] for d in result.diagnostics],
        "fixed": result.fixed,
        "script": result.script,
    }


def snapshot(limit: int | None) -> Iterator[dict]:
    from cslint.checker import Checker

    all_cases = list(cases(limit))
    for packs in PACK_SETS:
        checker = Checker.from_packs(list(packs))
        for channel in CHANNELS:
            for key, text, position in all_cases:
                yield {"case": f"{'+'.join(packs)}|{channel}|{key}", **record(checker.check(text, channel, position))}


def compare(path: Path, now: list[dict]) -> int:
    with open(path, encoding="utf-8") as handle:
        before = [json.loads(line) for line in handle]
    n_before = sum(len(r["d"]) for r in before)
    n_now = sum(len(r["d"]) for r in now)
    print(f"before: {len(before):,} cases, {n_before:,} diagnostics ({path})")
    print(f"now:    {len(now):,} cases, {n_now:,} diagnostics")
    old = {r["case"]: r for r in before}
    differing = [r for r in now if old.get(r["case"]) != r]
    missing = len(old.keys() - {r["case"] for r in now})
    for r in differing[:10]:
        print("DIFFERENT", r["case"])
        print("  before:", json.dumps(old.get(r["case"]), ensure_ascii=False)[:600])
        print("  now:   ", json.dumps(r, ensure_ascii=False)[:600])
    if differing or missing:
        print(f"{len(differing):,} cases differ, {missing:,} missing: NOT identical")
        return 1
    print("identical: every case, every diagnostic, suggestion, edit and fixed text")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the snapshot (JSON lines) here")
    group.add_argument("--compare", type=Path, help="compare with a snapshot written before")
    parser.add_argument("--limit", type=int, default=None, help="use at most N corpus turns")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    from cslint import normalize

    print(f"engine: {'compiled' if getattr(normalize, 'COMPILED', False) else 'pure Python'} core")
    now = list(snapshot(args.limit))
    print(f"checked {len(now):,} cases in {time.perf_counter() - started:.1f} s")
    if args.write:
        with open(args.write, "w", encoding="utf-8") as handle:
            for r in now:
                handle.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"wrote {len(now):,} cases, {sum(len(r['d']) for r in now):,} diagnostics to {args.write}")
        return 0
    return compare(args.compare, now)


if __name__ == "__main__":
    sys.exit(main())
