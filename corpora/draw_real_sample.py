"""Draw the random sample of real agent turns behind corpora/real-labels.jsonl (reproducible).

    python corpora/draw_real_sample.py ../shared/corpora [--per-file 160] [--seed 20261128] [--with-text]

For each shared corpus file (sorted by name), every agent turn gets the position a scan gives
it (lint.conversation.agent_positions: the first agent turn of a dialogue is the opening, the
last the closing, a lone one single), then `random.Random(seed).sample` picks --per-file of them.
Prints one JSON line per turn: {"id", "file", "position", "channel"}; --with-text adds the text
(for the people labelling; the project keeps only ids and labels).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cslint.conversation import agent_positions  # noqa: E402

SEED = 20261128
PER_FILE = 160


def agent_turns(path: Path) -> list[dict]:
    dialogues: dict[str, list[dict]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            dialogues[row["dialogue"]].append(row)
    turns = []
    for rows in dialogues.values():
        rows.sort(key=lambda r: r["turn"])
        positions = agent_positions([r["role"] for r in rows])
        turns += [{"id": r["id"], "file": path.name, "position": positions[i], "channel": "chat", "text": r["text"]}
                  for i, r in enumerate(rows) if r["role"] == "agent"]
    turns.sort(key=lambda t: t["id"])
    return turns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=Path)
    parser.add_argument("--per-file", type=int, default=PER_FILE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--with-text", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for path in sorted(args.corpora.glob("*.jsonl")):
        for turn in rng.sample(agent_turns(path), args.per_file):
            if not args.with_text:
                del turn["text"]
            print(json.dumps(turn, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
