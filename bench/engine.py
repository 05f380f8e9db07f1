"""How fast is cslint next to the obvious stack, the compiled peer stack, and the floor? One run, side by side.

Four stacks go over the same agent turns of ../shared/corpora/*.jsonl. If ../shared is
missing, the project's corpora/sample_transcripts.jsonl is used instead.

* cslint: `Checker.from_packs(["default"]).check(text)`, the whole engine: fold, noise
  removal, one automaton pass, rule filters, jieba only in a window around a hit, suggestions
  and fixes (with the compiled core, lint/_core.c, where it was built).
* naive: `OpenCC('t2s').convert(text)`, then `jieba.lcut` on the whole converted reply, then the
  same automaton scan (`checker._matcher.scan`) on the converted text. This is what you get when
  you chain the usual libraries.
* peer: the strongest compiled stack from PyPI: C++ OpenCC (`opencc` 1.4.x wheel,
  `OpenCC('t2s')`), then `rjieba.cut` (jieba-rs, Rust) on the whole converted reply, then one
  pass of an automaton over the same keys as cslint's (pyahocorasick) with its hits gathered per
  key (less work than cslint's scan, which also groups hits per rule and completes multi-piece
  sequences). rjieba installs from PyPI here (a manylinux abi3 wheel), so no fallback
  segmenter such as jieba_fast was needed. The `opencc` wheel's module has the same name as cslint's opencc-python-reimplemented, so
  the peer lives in a venv of its own (.bench-peer-venv, made by bench/peer_venv.sh) and is timed
  in a subprocess of that venv: the subprocess times each reply itself (no pipe in the timings)
  while this process waits, so the two never run at once. Without the venv the peer row is
  skipped with a note.
* floor: `text.translate(fold_table())` plus the automaton scan. No engine can do less work
  and still look up the terms.
* pure (information, when the compiled core is built): `Checker(compiled=False).check`, cslint's
  pure-Python path (what runs where lint/_core.c could not be built, or with CSLINT_PURE=1).

Everything is warmed up first. jieba is loaded for both stacks that use it, and cslint runs once
over all the data, so its window cache is warm. That first pass is timed too and printed as an
information row. The stacks then take turns, 100 replies at a time and in a rotating order, for
`--rounds` rounds over all the texts, with the garbage collector paused, so that load on a shared
machine hits all the stacks alike. For each stack the round with the lowest total time is kept.
The script prints p50/p99 per reply, throughput, and the ratios against their targets:

    cslint vs peer   >= 1.5x faster   (total time over the same texts)
    cslint vs naive  >= 10x faster
    cslint vs floor  <= 3x slower

After the timings it prints the T->S character-table check (bench/t2s_table.py).

    bench/peer_venv.sh     # once: the peer's venv
    .venv/bin/python bench/engine.py [--limit N] [--rounds R] [--pack NAME ...] [--no-t2s] [--no-peer]

The script prints numbers and returns 0. It does not assert anything about wall-clock time, and
the tests never look at the timings.
"""
from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Only the standard library at module level: the peer's venv runs this file too (--peer-worker),
# and it has neither cslint nor jieba.
BENCH = Path(__file__).resolve().parent
PEER_PYTHON = BENCH.parent / ".bench-peer-venv" / "bin" / "python"
TARGET_VS_PEER = 1.5  # cslint at least this many times faster than the compiled peer stack
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


# --- the compiled peer, in its own venv ---------------------------------------------------------

def peer_worker(data_path: str) -> int:
    """Run in .bench-peer-venv: time the peer stack on the chunks asked for on stdin.

    stdin lines: `OFFSET COUNT` (time texts[OFFSET:OFFSET+COUNT], answer one JSON list of ns per
    reply), `gc` (collect, answer "ok"), `quit`. The first line written is the peer's versions."""
    import importlib.metadata as md

    import ahocorasick
    import opencc
    import rjieba

    with open(data_path, encoding="utf-8") as handle:
        data = json.load(handle)
    texts, keys = data["texts"], data["keys"]
    automaton = ahocorasick.Automaton()
    for index, key in enumerate(keys):
        automaton.add_word(key, (len(key), index))
    automaton.make_automaton()
    convert = opencc.OpenCC("t2s").convert
    cut = rjieba.cut
    scan_iter = automaton.iter

    def peer(text: str) -> None:
        converted = convert(text)
        cut(converted)
        hits: dict[int, list[tuple[int, int]]] = {}
        for last, (length, index) in scan_iter(converted):
            found = hits.get(index)
            if found is None:
                hits[index] = [(last + 1 - length, last + 1)]
            else:
                found.append((last + 1 - length, last + 1))

    for text in texts[:500]:  # warm-up, as for the other stacks
        peer(text)
    versions = ", ".join(f"{n} {md.version(n)}" for n in ("opencc", "rjieba", "pyahocorasick"))
    print(json.dumps(versions), flush=True)
    clock = time.perf_counter_ns
    gc.collect()
    gc.disable()
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        if command[0] == "gc":
            gc.enable()
            gc.collect()
            gc.disable()
            print('"ok"', flush=True)
            continue
        offset, count = int(command[0]), int(command[1])
        per_reply = []
        for text in texts[offset:offset + count]:
            t0 = clock()
            peer(text)
            per_reply.append(clock() - t0)
        print(json.dumps(per_reply), flush=True)
    return 0


class Peer:
    """The peer subprocess, driven chunk by chunk."""

    def __init__(self, texts: list[str], keys: list[str]) -> None:
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".json", delete=False)
        with handle:
            json.dump({"texts": texts, "keys": keys}, handle, ensure_ascii=False)
        self._data = handle.name
        self._proc = subprocess.Popen(
            [str(PEER_PYTHON), str(Path(__file__).resolve()), "--peer-worker", self._data],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.versions = self._read()

    def _read(self):
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the peer worker stopped (exit {self._proc.wait()})")
        return json.loads(line)

    def time_chunk(self, offset: int, count: int) -> list[int]:
        self._proc.stdin.write(f"{offset} {count}\n")
        self._proc.stdin.flush()
        return self._read()

    def collect(self) -> None:
        self._proc.stdin.write("gc\n")
        self._proc.stdin.flush()
        self._read()

    def close(self) -> None:
        try:
            self._proc.stdin.write("quit\n")
            self._proc.stdin.close()
            self._proc.wait(timeout=30)
        finally:
            os.unlink(self._data)


def print_table(rows: list[Timing], out=print) -> None:
    out(f"{'stack':<8} {'what':<36} {'p50 µs':>9} {'p99 µs':>9} {'mean µs':>9} {'chars/s':>13}")
    for t in rows:
        out(f"{t.name:<8} {t.label:<36} {t.percentile(50):>9.1f} {t.percentile(99):>9.1f} "
            f"{t.mean_us:>9.1f} {t.chars_per_s:>13,.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use at most N agent replies (spread evenly)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per stack; the best is kept (default 5)")
    parser.add_argument("--pack", action="append", dest="packs", default=None,
                        help="rule pack to load (repeatable; default: default)")
    parser.add_argument("--no-t2s", action="store_true", help="skip the T->S character-table report")
    parser.add_argument("--no-peer", action="store_true", help="skip the compiled peer stack")
    parser.add_argument("--peer-worker", metavar="DATA", help=argparse.SUPPRESS)  # run inside the peer venv
    args = parser.parse_args(argv)
    if args.peer_worker:
        return peer_worker(args.peer_worker)
    if args.limit is not None and args.limit < MIN_TEXTS:
        parser.error("--limit must be at least 1")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    packs = args.packs or ["default"]
    started = time.perf_counter()

    sys.path.insert(0, str(BENCH))  # bench/ siblings
    import t2s_table  # also puts the repo root on sys.path when cslint is not installed
    from t2s_table import ROOT, agent_texts

    jieba, opencc = quiet_imports()
    from cslint import normalize
    from cslint.checker import Checker

    texts, files = agent_texts(args.limit)
    if not texts:
        print("no agent replies found", file=sys.stderr)
        return 1
    chars = sum(len(t) for t in texts)
    source = ", ".join(str(p.relative_to(ROOT.parent)) if p.is_relative_to(ROOT.parent) else str(p) for p in files)
    print(f"cslint engine benchmark: {len(texts):,} agent replies, {chars:,} characters "
          f"(mean {chars / len(texts):.1f}) from {source}")
    core = "compiled (lint/_core.c)" if getattr(normalize, "COMPILED", False) else "pure Python"
    print(f"packs: {', '.join(packs)}; {args.rounds} round(s), best round per stack; Python {sys.version.split()[0]}; "
          f"cslint core: {core}")

    # --- warm-up --------------------------------------------------------------------------------
    t0 = time.perf_counter()
    checker = Checker.from_packs(packs)
    checker.segmenter.warm_up()  # cslint's own jieba tokenizer
    jieba.initialize()  # the default tokenizer the naive stack uses
    stacks = build_stacks(checker, jieba, opencc)
    peer = None
    if args.no_peer:
        print("peer: skipped (--no-peer)")
    elif not PEER_PYTHON.exists():
        print(f"peer: skipped, no {PEER_PYTHON.relative_to(ROOT)} (make it with bench/peer_venv.sh)")
    else:
        peer = Peer(texts, checker._matcher.keys)
        print(f"peer: {peer.versions} in {PEER_PYTHON.parent.parent.relative_to(ROOT)}")
    print(f"set-up (packs, automaton, two jieba dictionaries, peer): {time.perf_counter() - t0:.1f} s")
    if checker.compiled:  # the pure-Python path beside it, for information
        pure = Checker(checker.packs, compiled=False, segmenter=checker.segmenter)
        stacks["pure"] = ("Checker(compiled=False).check", pure.check)
        for text in texts:
            pure.check(text)
    order = ["cslint", "peer", "naive", "floor"] if peer else ["cslint", "naive", "floor"]
    order += ["pure"] if "pure" in stacks else []
    labels = {name: label for name, (label, _) in stacks.items()}
    labels["peer"] = "C++ OpenCC t2s + rjieba.cut + scan"
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
        chunks = [(i, texts[i:i + CHUNK]) for i in range(0, len(texts), CHUNK)]
        for r in range(args.rounds):
            per_reply = {name: [0] * len(texts) for name in order}
            for c, (offset, chunk) in enumerate(chunks):
                k = (r + c) % len(order)
                for name in order[k:] + order[:k]:
                    if name == "peer":
                        per_reply[name][offset:offset + len(chunk)] = peer.time_chunk(offset, len(chunk))
                        continue
                    timing = time_stack(name, "", stacks[name][1], chunk, 0)
                    per_reply[name][offset:offset + len(chunk)] = timing.per_reply_ns
            for name in order:
                timing = Timing(name, labels[name], per_reply[name], sum(per_reply[name]), chars)
                if name not in best or timing.total_ns < best[name].total_ns:
                    best[name] = timing
            gc.enable()
            gc.collect()
            gc.disable()
            if peer:
                peer.collect()
    finally:
        gc.enable()
        if peer:
            peer.close()

    print()
    print_table([best[name] for name in order if name != "pure"])
    print("info:")
    print_table([cold] + ([best["pure"]] if "pure" in best else []))
    print()
    if peer:
        vs_peer = best["peer"].total_ns / best["cslint"].total_ns
        p50_peer = best["peer"].percentile(50) / best["cslint"].percentile(50)
        print(f"cslint vs peer:  {vs_peer:.2f}x faster (p50 {p50_peer:.2f}x); target >= {TARGET_VS_PEER:g}x  "
              f"{'PASS' if vs_peer >= TARGET_VS_PEER else 'FAIL'}")
    vs_naive = best["naive"].total_ns / best["cslint"].total_ns
    vs_floor = best["cslint"].total_ns / best["floor"].total_ns
    p50_naive = best["naive"].percentile(50) / best["cslint"].percentile(50)
    p50_floor = best["cslint"].percentile(50) / best["floor"].percentile(50)
    print(f"cslint vs naive: {vs_naive:.1f}x faster (p50 {p50_naive:.1f}x); target >= {TARGET_VS_NAIVE:g}x  "
          f"{'PASS' if vs_naive >= TARGET_VS_NAIVE else 'FAIL'}")
    print(f"cslint vs floor: {vs_floor:.2f}x slower (p50 {p50_floor:.2f}x); target <= {TARGET_VS_FLOOR:g}x  "
          f"{'PASS' if vs_floor <= TARGET_VS_FLOOR else 'FAIL'}")
    if "pure" in best:
        print(f"(compiled core vs pure-Python path: {best['pure'].total_ns / best['cslint'].total_ns:.2f}x)")
    print("(ratios of total time over the same replies; p50 ratios for information)")
    print(f"timings took {time.perf_counter() - started:.1f} s")

    if not args.no_t2s:
        print()
        t2s_table.run(args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
