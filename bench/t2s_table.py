"""Is a character table enough for Traditional -> Simplified? Measured against phrase-level OpenCC.

The engine folds Traditional to Simplified with a one-to-one character table (built from OpenCC's
TSCharacters.txt), so that every offset into the folded text is an offset into the original. This
script measures what that costs against `OpenCC('t2s').convert`, which also uses the phrase
dictionary and can pick a different character in context.

Seed text: the agent turns of ../shared/corpora/*.jsonl converted to Traditional with
`OpenCC('s2t')`, plus the Traditional replies of ../shared/spec/dev-examples.jsonl. When ../shared
is absent, the project's own samples under corpora/ are used instead. Each seed reply is converted
back twice, with the character table alone (only CJK characters change) and with OpenCC t2s.
The script reports the share of replies and characters that come out identical, and the characters
that differ.

    .venv/bin/python bench/t2s_table.py [--limit N]

bench/engine.py imports the loaders below and prints the same report after its timings.
"""
from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_CORPORA = SHARED / "corpora"
DEV_EXAMPLES = SHARED / "spec" / "dev-examples.jsonl"
SAMPLE_TRANSCRIPTS = ROOT / "corpora" / "sample_transcripts.jsonl"
SAMPLE_LABELLED = ROOT / "corpora" / "sample_labelled.jsonl"

try:
    import cslint  # noqa: F401  (installed with `pip install -e .`)
except ImportError:  # run from a plain checkout
    sys.path.insert(0, str(ROOT))

from cslint.normalize import detect_script, t2s_chars, to_simplified  # noqa: E402


# --- data -------------------------------------------------------------------------------------

def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _spread(items: list, limit: int | None) -> list:
    """At most `limit` items, taken evenly across the list (so every source file is represented)."""
    if limit is None or limit >= len(items):
        return items
    if limit <= 0:
        return []
    return [items[i * len(items) // limit] for i in range(limit)]


def transcript_files() -> tuple[list[Path], bool]:
    """The transcript files to read, and whether they are the shared (real) ones."""
    shared = sorted(SHARED_CORPORA.glob("*.jsonl")) if SHARED_CORPORA.is_dir() else []
    if shared:
        return shared, True
    return [SAMPLE_TRANSCRIPTS], False


def agent_texts(limit: int | None = None) -> tuple[list[str], list[Path]]:
    """Non-empty agent turns, in file order (limited evenly across them), and the files read."""
    files, _ = transcript_files()
    texts = [
        row["text"]
        for path in files
        for row in _read_jsonl(path)
        if row.get("role") == "agent" and isinstance(row.get("text"), str) and row["text"].strip()
    ]
    return _spread(texts, limit), files


def traditional_replies() -> tuple[list[str], list[Path]]:
    """Replies written in Traditional: dev-examples when present, else the project's samples."""
    if DEV_EXAMPLES.is_file():
        paths = [DEV_EXAMPLES]
    else:
        paths = [p for p in (SAMPLE_LABELLED, SAMPLE_TRANSCRIPTS) if p.is_file()]
    texts = []
    for path in paths:
        for row in _read_jsonl(path):
            text = row.get("text")
            if isinstance(text, str) and detect_script(text) != "simplified":
                texts.append(text)
    return texts, paths


# --- measurement ------------------------------------------------------------------------------

def is_cjk(ch: str) -> bool:
    return unicodedata.category(ch) == "Lo" and "CJK" in unicodedata.name(ch, "")


@dataclass
class Comparison:
    label: str
    replies: int = 0
    identical_replies: int = 0
    chars: int = 0
    identical_chars: int = 0
    cjk_chars: int = 0
    identical_cjk: int = 0
    length_changed: int = 0  # replies where OpenCC's output has a different length
    # (Traditional char, table output, OpenCC output) -> occurrences
    differing: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)  # the same key -> its word, as "Trad -> OpenCC"

    def add(self, traditional: str, by_table: str, by_opencc: str) -> None:
        self.replies += 1
        self.chars += len(traditional)
        cjk = sum(1 for ch in traditional if is_cjk(ch))
        self.cjk_chars += cjk
        if by_table == by_opencc:
            self.identical_replies += 1
            self.identical_chars += len(traditional)
            self.identical_cjk += cjk
            return
        if len(by_opencc) != len(by_table):
            self.length_changed += 1
            matcher = difflib.SequenceMatcher(None, by_table, by_opencc, autojunk=False)
            same = sum(block.size for block in matcher.get_matching_blocks())
            self.identical_chars += same
            self.identical_cjk += max(0, cjk - (len(traditional) - same))
            for tag, a0, a1, b0, b1 in matcher.get_opcodes():
                if tag != "equal":
                    self._record(traditional[a0:a1], by_table[a0:a1], by_opencc[b0:b1],
                                 traditional[max(0, a0 - 1):a1 + 1], by_opencc[max(0, b0 - 1):b1 + 1])
            return
        for i, (orig, a, b) in enumerate(zip(traditional, by_table, by_opencc)):
            if a == b:
                self.identical_chars += 1
                self.identical_cjk += is_cjk(orig)
            else:
                self._record(orig, a, b, traditional[max(0, i - 1):i + 2], by_opencc[max(0, i - 1):i + 2])

    def _record(self, orig: str, table: str, opencc: str, word: str, converted: str) -> None:
        """Count one difference; keep the first neighbourhood (one character each side) it had."""
        key = (orig, table, opencc)
        self.differing[key] += 1
        self.examples.setdefault(key, f"{word} -> {converted}")


def measure(texts: list[str], label: str, converter) -> Comparison:
    result = Comparison(label)
    for traditional in texts:
        result.add(traditional, to_simplified(traditional), converter.convert(traditional))
    return result


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.3f}%" if whole else "n/a"


def report(comparisons: list[Comparison], top: int = 25, out=print) -> None:
    out(f"{'seed':<34} {'replies':>8} {'identical':>10} {'chars':>9} {'identical':>10} {'CJK identical':>14}")
    total = Comparison("all")
    for c in comparisons:
        out(f"{c.label:<34} {c.replies:>8,} {_pct(c.identical_replies, c.replies):>10} {c.chars:>9,} "
            f"{_pct(c.identical_chars, c.chars):>10} {_pct(c.identical_cjk, c.cjk_chars):>14}")
        for name in ("replies", "identical_replies", "chars", "identical_chars", "cjk_chars",
                     "identical_cjk", "length_changed"):
            setattr(total, name, getattr(total, name) + getattr(c, name))
        total.differing.update(c.differing)
        for key, snippet in c.examples.items():
            total.examples.setdefault(key, snippet)
    if len(comparisons) > 1:
        out(f"{'all':<34} {total.replies:>8,} {_pct(total.identical_replies, total.replies):>10} "
            f"{total.chars:>9,} {_pct(total.identical_chars, total.chars):>10} "
            f"{_pct(total.identical_cjk, total.cjk_chars):>14}")
    if total.length_changed:
        out(f"replies where OpenCC t2s changed the length: {total.length_changed}")
    if not total.differing:
        out("differing characters: none (the character table and OpenCC t2s agree everywhere)")
        return
    out(f"differing characters ({len(total.differing)} distinct, "
        f"{sum(total.differing.values())} occurrences): Traditional -> table / OpenCC  x count  [first seen as]")
    for (orig, table, opencc), count in total.differing.most_common(top):
        snippet = total.examples[(orig, table, opencc)].replace("\n", " ")
        out(f"  {orig} -> {table} / {opencc}  x{count}  [{snippet}]")
    if len(total.differing) > top:
        out(f"  ... and {len(total.differing) - top} more")


def run(limit: int | None = None, out=print) -> list[Comparison]:
    """Build the seed, measure, print the report; returns the comparisons."""
    from opencc import OpenCC

    started = time.perf_counter()
    texts, files = agent_texts(limit)
    s2t, t2s = OpenCC("s2t"), OpenCC("t2s")
    seeded = [s2t.convert(text) for text in texts]
    source = ", ".join(p.name for p in files)
    comparisons = [measure(seeded, f"agent turns via s2t ({source})"[:34], t2s)]
    replies, paths = traditional_replies()
    if replies:
        comparisons.append(measure(replies, f"Traditional ({', '.join(p.name for p in paths)})"[:34], t2s))
    # how often each method recovers the original Simplified reply exactly (information only)
    table = {ord(k): ord(v) for k, v in t2s_chars().items()}
    pairs = [(a, b) for a, b in zip(seeded, texts) if detect_script(b) == "simplified"]
    back_table = sum(to_simplified(a) == b for a, b in pairs)
    back_opencc = sum(t2s.convert(a) == b for a, b in pairs)
    out(f"T->S: length-preserving table (lint.normalize.to_simplified: {len(table):,} characters + same-length"
        " phrase fix-ups) vs OpenCC('t2s').convert")
    out(f"seed: {len(texts):,} agent turns from {source} converted with OpenCC('s2t')"
        + (f", plus {len(replies)} Traditional replies from {', '.join(str(p.relative_to(ROOT.parent)) if p.is_relative_to(ROOT.parent) else str(p) for p in paths)}" if replies else ""))
    report(comparisons, out=out)
    out(f"round trip s2t -> t2s back to the original Simplified reply ({len(pairs):,} replies): "
        f"table {_pct(back_table, len(pairs))}, OpenCC {_pct(back_opencc, len(pairs))}")
    out(f"({time.perf_counter() - started:.1f} s)")
    return comparisons


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use at most N agent turns")
    args = parser.parse_args(argv)
    run(args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
