"""The output directory: checkpointed parts while a scan runs, then the merged outputs.

    DIR/.cslint-scan/manifest.json   what is being scanned (inputs, options, partitions)
    DIR/.cslint-scan/parts/NNNNNN.json.gz   one finished partition (written whole, then renamed)
    DIR/findings.jsonl conversations.csv agents.csv errors.jsonl summary.json report.html

A part file exists only once its partition is completely done (write to a temporary name, fsync,
rename), so a scan killed at any moment, even by SIGKILL, resumes by running the partitions that
have no part yet. The outputs are merged from the parts in partition order and each is renamed
into place whole; the merge is a pure function of the parts, so a resumed scan writes outputs
identical to an uninterrupted one. After a complete merge the manifest says so, with the digest
of the disputes it applied; running the same command again then has nothing left to do. The parts
are kept: a re-run with another disputes file (`--disputes`, see `lint.scan.disputes`) merges
them again without checking anything.

The CSV outputs are UTF-8 with a byte-order mark (what Excel and WPS on a Chinese desktop need to
read them as UTF-8 rather than GBK): the merge writes the mark once, before the header, and the
parts' rows (which carry none) follow it.
"""
from __future__ import annotations

import csv
import fcntl
import gzip
import io
import json
import os
import shutil
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..model import Scoring
from .disputes import Disputes, apply_to_part
from .partition import CATEGORIES, CONVERSATION_COLUMNS, WORST_KEPT, worst_key
from .report import render_report

STATE_DIR = ".cslint-scan"
TOP_PHRASES = 30
OUTPUTS = ("findings.jsonl", "conversations.csv", "agents.csv", "errors.jsonl", "summary.json", "report.html")
BOM = "\ufeff"  # starts each CSV output, once


class StateMismatch(Exception):
    """DIR holds the state of a scan of other inputs or options."""


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


_HELD_LOCKS: set[int] = set()  # descriptors of the DIR locks this process holds


def _drop_locks_in_child() -> None:
    """After fork: the child must not share the parent's DIR lock (a flock belongs to the open
    file, which fork shares), or pool workers that outlive a killed driver would keep DIR locked.
    The descriptor is pointed at /dev/null rather than closed, so its number stays owned by the
    file object that still refers to it."""
    for fd in _HELD_LOCKS:
        null = os.open(os.devnull, os.O_RDONLY)
        try:
            os.dup2(null, fd, inheritable=False)
        finally:
            os.close(null)
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_drop_locks_in_child)


class ScanState:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.state_dir = out_dir / STATE_DIR
        self.parts_dir = self.state_dir / "parts"
        self.manifest_path = self.state_dir / "manifest.json"

    @contextmanager
    def locked(self) -> Iterator["ScanState"]:
        """Hold DIR for this scan: a second scan into it is refused while this one runs (the
        lock also goes when the process dies, even by SIGKILL; forked children never hold it)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / "lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise StateMismatch(f"another scan is writing to {self.out_dir}") from None
            _HELD_LOCKS.add(lock.fileno())
            try:
                yield self
            finally:
                _HELD_LOCKS.discard(lock.fileno())

    # --- the manifest -----------------------------------------------------------------------
    def stored_inputs(self) -> list[dict] | None:
        """The inputs as the checkpoint's scan planned them (None: no checkpoint)."""
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))["scan"]["inputs"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def open(self, manifest: dict, fresh: bool = False, disputes: str | None = None) -> dict:
        """Start or resume. Returns the stored manifest (with `complete`: false when the outputs
        were merged with other disputes than `disputes`, a digest)."""
        manifest = json.loads(json.dumps(manifest))  # compare as stored (tuples become lists)
        if fresh:
            shutil.rmtree(self.parts_dir, ignore_errors=True)
            self.manifest_path.unlink(missing_ok=True)
        if self.manifest_path.exists():
            stored = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            if stored.get("scan") != manifest:
                raise StateMismatch(f"{self.out_dir} holds a scan of other inputs or options "
                                    "(use --fresh to start over, or another --out)")
            if stored.get("complete") and not all((self.out_dir / name).exists() for name in OUTPUTS):
                stored["complete"] = False  # outputs removed by hand: scan again
            if stored.get("complete") and stored.get("disputes") != disputes:
                stored["complete"] = False  # other disputes: merge again (from the kept parts)
            if not stored.get("complete"):
                self.parts_dir.mkdir(parents=True, exist_ok=True)
            return stored
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        stored = {"scan": manifest, "complete": False}
        write_atomically(self.manifest_path, json.dumps(stored, ensure_ascii=False, indent=1).encode())
        return stored

    def mark_complete(self, stored: dict, disputes: str | None = None) -> None:
        """The outputs are merged, with the disputes of digest `disputes` (None: none)."""
        stored = {**stored, "complete": True, "disputes": disputes}
        write_atomically(self.manifest_path, json.dumps(stored, ensure_ascii=False, indent=1).encode())

    # --- parts ------------------------------------------------------------------------------
    def part_path(self, index: int) -> Path:
        return self.parts_dir / f"{index:06d}.json.gz"

    def done(self) -> set[int]:
        if not self.parts_dir.exists():
            return set()
        return {int(p.name.split(".")[0]) for p in self.parts_dir.glob("*.json.gz")}

    def save_part(self, index: int, data: bytes) -> None:
        """`data`: a part file as `partition.encode_part` made it."""
        write_atomically(self.part_path(index), data)

    def load_part(self, index: int) -> dict:
        with gzip.open(self.part_path(index), "rb") as handle:
            return json.load(handle)

    def parts(self, count: int) -> Iterator[dict]:
        for index in range(count):
            yield self.load_part(index)


# --- merging --------------------------------------------------------------------------------------

AGENT_COLUMNS = ("agent", "conversations", "turns", "findings", "per_100_turns", *CATEGORIES, "score")


def merge(state: ScanState, count: int, header: dict, rules: dict[str, dict], scoring: Scoring,
          disputes: Disputes | None = None) -> dict:
    """Write every output from the parts, without the disputed findings in any count or score;
    returns the summary (what report.html shows)."""
    out = state.out_dir
    disputed: list[dict] = []
    totals: Counter[str] = Counter()
    by_category: Counter[str] = Counter({c: 0 for c in CATEGORIES})
    by_rule: Counter[str] = Counter()
    by_date_category: dict[str, Counter] = defaultdict(Counter)
    by_date_rule: dict[str, Counter] = defaultdict(Counter)
    phrases: Counter[tuple[str, str, str]] = Counter()
    agents: dict[str, Counter] = defaultdict(Counter)
    worst: list[tuple[tuple, dict]] = []
    chars = 0
    with _Output(out / "findings.jsonl") as findings, _Output(out / "errors.jsonl") as errors, \
            _Output(out / "conversations.csv", bom=True) as conversations:
        conversation_rows = csv.DictWriter(conversations, CONVERSATION_COLUMNS, lineterminator="\n")
        conversation_rows.writeheader()
        for part in state.parts(count):
            if disputes is not None:
                disputed += apply_to_part(part, disputes, scoring)
            findings.write(part["findings_jsonl"])
            errors.write(part["errors_jsonl"])
            conversations.write(part["conversations_csv"])
            totals.update(part["totals"])
            by_category.update(part["by_category"])
            by_rule.update(part["by_rule"])
            for date, counts in part["by_date_category"].items():
                by_date_category[date].update(counts)
            for date, counts in part["by_date_rule"].items():
                by_date_rule[date].update(counts)
            phrases.update({(r, c, p): n for r, c, p, n in part["phrases"]})
            for agent, stats in part["agents"].items():
                agents[agent].update(stats)
            worst.extend((worst_key(w["score"], w["findings"], w["conversation"], w["source"]), w) for w in part["worst"])
            chars += part["agent_chars"]
    agent_rows = _agent_rows(agents)
    with _Output(out / "agents.csv", bom=True) as handle:
        writer = csv.DictWriter(handle, AGENT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(agent_rows)
    summary = {
        **header,
        "totals": {k: totals[k] for k in ("conversations", "turns", "agent_turns", "flagged_agent_turns", "findings",
                                          "disputed", "errors")},
        "agent_chars": chars,
        "by_category": {c: by_category[c] for c in CATEGORIES},
        "by_rule": _by_rule(by_rule, Counter(f["rule"] for f in disputed), rules),
        "disputed_by_category": {c: sum(1 for f in disputed if f["category"] == c) for c in CATEGORIES},
        "by_date_category": {d: {c: by_date_category[d][c] for c in CATEGORIES} for d in sorted(by_date_category)},
        "by_date_rule": {d: dict(sorted(by_date_rule[d].items())) for d in sorted(by_date_rule)},
        "top_phrases": [{"rule_id": r, "category": c, "phrase": p, "count": n} for (r, c, p), n in
                        sorted(phrases.items(), key=lambda item: (-item[1], item[0]))[:TOP_PHRASES]],
        "agents": [{"agent": a["agent"] or "（无坐席编号）", "conversations": a["conversations"], "turns": a["turns"],
                    "findings": a["findings"], "per_100_turns": a["per_100_turns"], "score": a["score"],
                    "by_category": {c: a[c] for c in CATEGORIES if c in a}}
                   for a in sorted(agent_rows, key=lambda a: (a["score"], -a["per_100_turns"], a["agent"]))],
        "worst_conversations": [detail for _, detail in sorted(worst, key=lambda item: item[0])[:WORST_KEPT]],
        "score": {"formula": scoring.formula(), "weights": scoring.weights},
    }
    if disputes is not None:
        summary["notes"] = [*summary.get("notes", []), *unknown_notes(disputes, disputed)]
        summary["disputes"] = {"file": disputes.path, "findings": disputed}
    write_atomically(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1).encode())
    write_atomically(out / "report.html", render_report(summary).encode())
    return summary


def _by_rule(counted: Counter, disputed: Counter, rules: dict[str, dict]) -> dict[str, dict]:
    """Findings per rule, most first: counted ones, and (when any) the disputed ones apart."""
    entries = {}
    for rule in sorted(counted.keys() | disputed.keys(), key=lambda r: (-counted[r], r)):
        entries[rule] = {"count": counted[rule], **rules.get(rule, {"category": "", "message": ""})}
        if disputed[rule]:
            entries[rule]["disputed"] = disputed[rule]
    return entries


def unknown_notes(disputes: Disputes, disputed: list[dict]) -> list[str]:
    """A note on the ids of the disputes file that no finding of the scan has."""
    unknown = sorted(set(disputes.reasons) - {f["id"] for f in disputed})
    if not unknown:
        return []
    shown = ", ".join(unknown[:10]) + (", …" if len(unknown) > 10 else "")
    return [f"{disputes.path}: {len(unknown)} disputed id(s) match no finding of this scan: {shown}"]


def _agent_rows(agents: dict[str, Counter]) -> list[dict]:
    rows = []
    for agent in sorted(agents):
        stats = agents[agent]
        turns = stats["turns"]
        rows.append({
            "agent": agent, "conversations": stats["conversations"], "turns": turns, "findings": stats["findings"],
            "per_100_turns": round(100 * stats["findings"] / turns, 2) if turns else 0.0,
            **{c: stats[c] for c in CATEGORIES},
            "score": round(stats["score_sum"] / stats["conversations"], 2) if stats["conversations"] else 100.0,
        })
    return rows


class _Output:
    """A text output written to a temporary file and renamed into place when complete; with
    `bom`, the file starts with the UTF-8 byte-order mark (written here, exactly once)."""

    def __init__(self, path: Path, bom: bool = False) -> None:
        self.path = path
        self.temporary = path.with_name(path.name + ".tmp")
        self.bom = bom

    def __enter__(self) -> io.TextIOWrapper:
        self.handle = open(self.temporary, "w", encoding="utf-8", newline="")
        if self.bom:
            self.handle.write(BOM)
        return self.handle

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
        self.handle.close()
        if kind is None:
            os.replace(self.temporary, self.path)
