"""Do the rewrites leave a sendable reply? Apply every finding's first suggestion, re-check, and look
for mechanical damage.

    .venv/bin/python bench/rewrites.py [--real 3000] [--seed 7] [--pairs 50] [--fixes-only]

Replies: every flagged reply of the dev examples (../shared/spec), of the project's labelled
samples (corpora/*_labelled.jsonl), and of a seeded random sample of real agent turns from
../shared/corpora (positions as a scan gives them). For each, the first suggestion of every finding
is applied the way the page and LanguageTool clients apply them (one edit per finding, overlaps
resolved by the engine), and the result is checked again in the same channel and position.

Printed: the share of replies whose re-check finds none of the rules that were fixed and no new
finding (target ≥ 98%); the share with mechanical damage (target 0): a character doubled across an
edit boundary (我我), doubled punctuation (，，), a greeting twice, a clause left empty; then
`--pairs` before/after pairs drawn at random, for a person to read. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cslint.checker import Checker  # noqa: E402
from cslint.conversation import agent_positions  # noqa: E402
from cslint.edits import damage  # noqa: E402
from cslint.fix import resolve  # noqa: E402
from cslint.model import Applicability  # noqa: E402

SHARED = ROOT.parent / "shared"


def replies(real: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(source, text, channel, position) of every reply to try."""
    found = []
    labelled = [SHARED / "spec" / "dev-examples.jsonl", *sorted((ROOT / "corpora").glob("*_labelled.jsonl"))]
    for path in labelled:
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                found.append((path.stem, row["text"], row.get("channel", "chat"), row.get("position", "middle")))
    turns = []
    for path in sorted((SHARED / "corpora").glob("*.jsonl")):
        dialogues: dict[str, list[dict]] = defaultdict(list)
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            dialogues[row["dialogue"]].append(row)
        for rows in dialogues.values():
            rows.sort(key=lambda r: r["turn"])
            positions = agent_positions([r["role"] for r in rows])
            turns += [("real", r["text"], "chat", positions[i]) for i, r in enumerate(rows) if r["role"] == "agent"]
    random.Random(seed).shuffle(turns)
    return found + turns[:real]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=int, default=3000, help="real agent turns to sample")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--fixes-only", action="store_true", help="apply only fixes (what --fix and 全部修正 do)")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N", help="print N unclean or damaged replies")
    args = parser.parse_args()
    checker = Checker.from_packs(["default", "telecom", "textile", "ecommerce", "banking"])
    allow = Applicability.SAFE if args.fixes_only else Applicability.DISPLAY
    tried = clean = damaged = 0
    by_source: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    failures, pairs = [], []
    for source, text, channel, position in replies(args.real, args.seed):
        result = checker.check(text, channel, position)
        resolved = resolve(text, result.diagnostics, allow)
        edits = [edit for _, edit in resolved]
        if not edits:
            continue
        tried += 1
        by_source[source] += 1
        after = text
        for start, end, replacement in reversed(edits):
            after = after[:start] + replacement + after[end:]
        fixed_rules = {d.rule_id for d, _ in resolved}  # the rules whose rewrite was applied
        again = checker.check(after, channel, position).diagnostics
        before_rules = Counter(d.rule_id for d in result.diagnostics)
        new = [d for d in again if d.rule_id in fixed_rules or Counter(x.rule_id for x in again)[d.rule_id] > before_rules[d.rule_id]]
        problems = damage(text, after, edits)
        ok = not new
        clean += ok
        damaged += bool(problems)
        kinds.update(p.split(" ")[0] for p in problems)
        if (not ok or problems) and len(failures) < args.show_failures:
            failures.append((source, text, after, [d.rule_id for d in new], problems))
        pairs.append((source, text, after))
    print(f"replies with a suggestion applied: {tried} ({', '.join(f'{k} {n}' for k, n in sorted(by_source.items()))})")
    print(f"clean re-check: {clean}/{tried} = {clean / max(tried, 1):.1%} (target ≥ 98%)")
    print(f"mechanical damage: {damaged}/{tried} = {damaged / max(tried, 1):.1%} (target 0) {dict(kinds)}")
    for source, text, after, new, problems in failures:
        print(f"\n[{source}] {text}\n  -> {after}\n  still: {new} damage: {problems}")
    print(f"\n{args.pairs} before/after pairs (seed {args.seed}):")
    for source, text, after in random.Random(args.seed).sample(pairs, min(args.pairs, len(pairs))):
        print(f"\n[{source}] {text}\n  -> {after}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
