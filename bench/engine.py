"""How fast is cslint next to the obvious stack, and next to the floor? One run, side by side.

Three stacks go over the same agent turns of ../shared/corpora/*.jsonl. If ../shared is
missing, the project's corpora/sample_transcripts.jsonl is used instead.

* cslint: `Checker.from_packs(["default"]).check(text)`, the whole engine: fold, noise
  removal, one automaton pass, rule filters, jieba only in a window around a hit, suggestions
  and fixes.
* naive: `OpenCC('t2s').convert(text)`, then `jieba.lcut` on the whole converted reply, then the
  same automaton scan (`checker._matcher.scan`) on the converted text. This is what you get when
  you chain the usual libraries.
* floor: `text.translate(fold_table())` plus the automaton scan. No engine can do less work
  and still look up the terms.

Everything is warmed up first. jieba is loaded for both stacks that use it, and cslint runs once
over all the data, so its window cache is warm. That first pass is timed too and printed as an
information row. The stacks then take turns, 100 replies at a time and in a rotating order, for
`--rounds` rounds over all the texts, with the garbage collector paused, so that load on a shared
machine hits all three stacks alike. For each stack the round with the lowest total time is kept.
The script prints p50/p99 per reply, throughput, and the two ratios against their targets:

    cslint vs naive  >= 10x faster    (total time over the same texts)
    cslint vs floor  <= 3x slower

After the timings it prints the T->S character-table check (bench/t2s_table.py).

    .venv/bin/python bench/engine.py [--limit N] [--rounds R] [--pack NAME ...] [--no-t2s]

The script prints numbers and returns 0. It does not assert anything about wall-clock time, and
the tests never look at the timings.
"""
from __future__ import annotations

import argparse
import gc
import logging
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ siblings

import t2s_table  # noqa: E402  (also puts the repo root on sys.path when lint is not installed)
from t2s_table import ROOT, agent_texts  # noqa: E402

TARGET_VS_NAIVE = 10.0  # cslint at least this many times faster than the naive stack
TARGET_VS_FLOOR = 3.0  # cslint at most this many times slower than the floor
MIN_TEXTS = 1
CHUNK = 100  # replies per turn when the stacks take turns


@dataclass
class Timing:
    name: str
    label: str
    per_reply_ns: list[int]
    total_ns: int
    chars: int

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the per-reply times, in microseconds."""
        ordered = sorted(self.per_reply_ns)
        rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100)
        return ordered[int(rank) - 1] / 1000.0

    @property
    def mean_us(self) -> float:
        return self.total_ns / len(self.per_reply_ns) / 1000.0

    @property
    def chars_per_s(self) -> float:
        return self.chars / (self.total_ns / 1e9) if self.total_ns else float("inf")


def time_stack(name: str, label: str, fn: Callable[[str], object], texts: list[str], chars: int) -> Timing:
    clock = time.perf_counter_ns
    per_reply = [0] * len(texts)
    for i, text in enumerate(texts):
        t0 = clock()
        fn(text)
        per_reply[i] = clock() - t0
    return Timing(name, label, per_reply, sum(per_reply), chars)


def quiet_imports():
    """Import jieba and opencc without their start-up chatter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
        import opencc
    jieba.setLogLevel(logging.WARNING)
    return jieba, opencc


def build_stacks(checker, jieba, opencc) -> dict[str, tuple[str, Callable[[str], object]]]:
    from cslint.normalize import fold_table

    matcher = checker._matcher
    converter = opencc.OpenCC("t2s")
    table = fold_table()
    check = checker.check
    scan = matcher.scan
    lcut = jieba.lcut
    convert = converter.convert

    def naive(text: str) -> None:
        converted = convert(text)
        lcut(converted)
        scan(converted)

    def floor(text: str) -> None:
        scan(text.translate(table))

    return {
        "cslint": ("Checker.check", check),
        "naive": ("OpenCC t2s + jieba.lcut + scan", naive),
        "floor": ("translate(fold_table) + scan", floor),
    }


def print_table(rows: list[Timing], out=print) -> None:
    out(f"{'stack':<8} {'what':<32} {'p50 µs':>9} {'p99 µs':>9} {'mean µs':>9} {'chars/s':>13}")
    for t in rows:
        out(f"{t.name:<8} {t.label:<32} {t.percentile(50):>9.1f} {t.percentile(99):>9.1f} "
            f"{t.mean_us:>9.1f} {t.chars_per_s:>13,.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use at most N agent replies (spread evenly)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per stack; the best is kept (default 5)")
    parser.add_argument("--pack", action="append", dest="packs", default=None,
                        help="rule pack to load (repeatable; default: default)")
    parser.add_argument("--no-t2s", action="store_true", help="skip the T->S character-table report")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < MIN_TEXTS:
        parser.error("--limit must be at least 1")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    packs = args.packs or ["default"]
    started = time.perf_counter()

    jieba, opencc = quiet_imports()
    from cslint.checker import Checker

    texts, files = agent_texts(args.limit)
    if not texts:
        print("no agent replies found", file=sys.stderr)
        return 1
    chars = sum(len(t) for t in texts)
    source = ", ".join(str(p.relative_to(ROOT.parent)) if p.is_relative_to(ROOT.parent) else str(p) for p in files)
    print(f"cslint engine benchmark: {len(texts):,} agent replies, {chars:,} characters "
          f"(mean {chars / len(texts):.1f}) from {source}")
    print(f"packs: {', '.join(packs)}; {args.rounds} round(s), best round per stack; Python {sys.version.split()[0]}")

    # --- warm-up --------------------------------------------------------------------------------
    t0 = time.perf_counter()
    checker = Checker.from_packs(packs)
    checker.segmenter.warm_up()  # cslint's own jieba tokenizer
    jieba.initialize()  # the default tokenizer the naive stack uses
    stacks = build_stacks(checker, jieba, opencc)
    print(f"set-up (packs, automaton, two jieba dictionaries): {time.perf_counter() - t0:.1f} s")
    gc.collect()
    gc.disable()
    try:
        cold = time_stack("cslint", "first pass (cold window cache)", stacks["cslint"][1], texts, chars)
        warm_sample = texts[: min(len(texts), 500)]
        for name in ("naive", "floor"):
            for text in warm_sample:
                stacks[name][1](text)

        # --- timed rounds: the stacks take turns chunk by chunk, in a rotating order ----------------
        best: dict[str, Timing] = {}
        order = list(stacks)
        chunks = [(i, texts[i:i + CHUNK]) for i in range(0, len(texts), CHUNK)]
        for r in range(args.rounds):
            per_reply = {name: [0] * len(texts) for name in order}
            for c, (offset, chunk) in enumerate(chunks):
                k = (r + c) % len(order)
                for name in order[k:] + order[:k]:
                    timing = time_stack(name, "", stacks[name][1], chunk, 0)
                    per_reply[name][offset:offset + len(chunk)] = timing.per_reply_ns
            for name in order:
                timing = Timing(name, stacks[name][0], per_reply[name], sum(per_reply[name]), chars)
                if name not in best or timing.total_ns < best[name].total_ns:
                    best[name] = timing
            gc.enable()
            gc.collect()
            gc.disable()
    finally:
        gc.enable()

    print()
    print_table([best["cslint"], best["naive"], best["floor"]])
    print("info:")
    print_table([cold])
    vs_naive = best["naive"].total_ns / best["cslint"].total_ns
    vs_floor = best["cslint"].total_ns / best["floor"].total_ns
    p50_naive = best["naive"].percentile(50) / best["cslint"].percentile(50)
    p50_floor = best["cslint"].percentile(50) / best["floor"].percentile(50)
    print()
    print(f"cslint vs naive: {vs_naive:.1f}x faster (p50 {p50_naive:.1f}x); target >= {TARGET_VS_NAIVE:g}x  "
          f"{'PASS' if vs_naive >= TARGET_VS_NAIVE else 'FAIL'}")
    print(f"cslint vs floor: {vs_floor:.2f}x slower (p50 {p50_floor:.2f}x); target <= {TARGET_VS_FLOOR:g}x  "
          f"{'PASS' if vs_floor <= TARGET_VS_FLOOR else 'FAIL'}")
    print("(ratios of total time over the same replies; p50 ratios for information)")
    print(f"timings took {time.perf_counter() - started:.1f} s")

    if not args.no_t2s:
        print()
        t2s_table.run(args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
