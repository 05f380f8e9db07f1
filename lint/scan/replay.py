"""`cslint replay`: what a rule change does to an archive.

    cslint replay --before PACK... --after PACK... INPUT... --out DIR [--sample N] [--seed S]

The same inputs are scanned twice with `run_scan`, into DIR/before and DIR/after (each an
ordinary, resumable scan directory), and the two scans are compared:

* findings added and removed, per rule, by finding id (a finding's id hashes its conversation,
  turn, rule and span, so the same finding in both scans has the same id; ids are compared as
  multisets, in case an archive repeats a conversation id), and findings whose severity changed;
* the agents whose scores move most (from the two agents.csv files: the top 10 up and down);
* a seeded random sample of the added and of the removed findings, with their context.

The report is printed as text and written as DIR/replay.json and DIR/replay.html (one
self-contained page, Chinese labels, nothing fetched from outside). findings.jsonl is read as a
stream twice per side, holding only the ids in memory.

A pack file edited in place keeps its id, version and path, which is all a scan directory
remembers of it; so DIR/.cslint-replay.json records a digest of the pack files each side was
scanned with, and a side whose packs changed since is scanned afresh (a replay killed midway
and re-run with unchanged packs resumes).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import random
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..encodings import encoding_option
from ..model import CATEGORY_DISPLAY_NAMES, CHANNELS
from .command import parse_columns
from .inputs import FIELDS
from .partition import CONTEXT_CHARS, ScanOptions, checker_for
from .run import ENGINES, ScanError, ScanOutcome, run_scan
from .outputs import write_atomically
from .store import StateMismatch

SIDES = ("before", "after")
SIDE_NAMES = {"before": "改动前", "after": "改动后"}
STATE_FILE = ".cslint-replay.json"
AGENTS_SHOWN = 10
DEFAULT_SAMPLE = 20
DEFAULT_SEED = 0
NO_AGENT = "（无坐席编号）"
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
_SURROGATE = re.compile("[\ud800-\udfff]")


# --- the comparison -------------------------------------------------------------------------------

@dataclass
class RuleChange:
    rule: str
    category: str = ""
    message: str = ""
    before: int = 0  # findings of the rule in each scan
    after: int = 0
    added: int = 0
    removed: int = 0
    severity_changed: int = 0  # same finding, other severity (a severity override)
    added_ids: list[str] = field(default_factory=list)
    removed_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AgentMove:
    agent: str
    score_before: float
    score_after: float
    change: float
    findings_before: int
    findings_after: int


@dataclass
class Replay:
    inputs: list[str]
    sides: dict[str, dict]  # before/after: packs, totals, directory
    rules: list[RuleChange]
    up: list[AgentMove]
    down: list[AgentMove]
    sample_size: int
    seed: int
    added_sample: list[dict]
    removed_sample: list[dict]
    notes: list[str]

    @property
    def added(self) -> int:
        return sum(r.added for r in self.rules)

    @property
    def removed(self) -> int:
        return sum(r.removed for r in self.rules)

    @property
    def severity_changed(self) -> int:
        return sum(r.severity_changed for r in self.rules)


class Reservoir:
    """A uniform random sample of at most `size` items of a stream (algorithm R), kept in stream
    order; the same seed and stream give the same sample."""

    def __init__(self, size: int, seed: str) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.seen = 0
        self.kept: list[tuple[int, Any]] = []

    def add(self, item: Any) -> None:
        if len(self.kept) < self.size:
            self.kept.append((self.seen, item))
        elif self.size:
            slot = self.rng.randrange(self.seen + 1)
            if slot < self.size:
                self.kept[slot] = (self.seen, item)
        self.seen += 1

    def items(self) -> list[Any]:
        return [item for _, item in sorted(self.kept, key=lambda entry: entry[0])]


def read_findings(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def id_counts(path: Path) -> tuple[Counter[str], dict[str, str]]:
    """How many findings each id has in a findings.jsonl, and the severity of its first."""
    counts: Counter[str] = Counter()
    severities: dict[str, str] = {}
    for finding in read_findings(path):
        counts[finding["id"]] += 1
        severities.setdefault(finding["id"], finding.get("severity", ""))
    return counts, severities


def unmatched(path: Path, other: Counter[str]) -> Iterator[tuple[dict, bool]]:
    """Each finding of `path` with whether the other scan has it too (ids as a multiset)."""
    left = Counter(other)
    for finding in read_findings(path):
        if left[finding["id"]] > 0:
            left[finding["id"]] -= 1
            yield finding, True
        else:
            yield finding, False


def diff_findings(before: Path, after: Path, sample: int, seed: int) -> tuple[dict[str, RuleChange], list[dict], list[dict]]:
    """Per-rule changes and the samples of added and removed findings."""
    changes: dict[str, RuleChange] = {}

    def change(finding: dict) -> RuleChange:
        rule = finding.get("rule", "")
        return changes.setdefault(rule, RuleChange(rule, finding.get("category", ""), finding.get("message", "")))

    before_counts, before_severities = id_counts(before)
    added = Reservoir(sample, f"{seed}/added")
    for finding, shared in unmatched(after, before_counts):
        if not shared:
            change(finding).added += 1
            change(finding).added_ids.append(finding["id"])
            added.add(finding)
        elif before_severities.get(finding["id"]) != finding.get("severity", ""):
            change(finding).severity_changed += 1
    del before_counts, before_severities
    after_counts, _ = id_counts(after)
    removed = Reservoir(sample, f"{seed}/removed")
    for finding, shared in unmatched(before, after_counts):
        if not shared:
            change(finding).removed += 1
            change(finding).removed_ids.append(finding["id"])
            removed.add(finding)
    return changes, added.items(), removed.items()


def rule_changes(changes: dict[str, RuleChange], summaries: dict[str, dict]) -> list[RuleChange]:
    """Every rule with findings in either scan, those that changed most first."""
    for side in SIDES:
        for rule, entry in summaries[side].get("by_rule", {}).items():
            item = changes.setdefault(rule, RuleChange(rule))
            setattr(item, side, entry.get("count", 0))
            item.category = item.category or entry.get("category", "")
            item.message = item.message or entry.get("message", "")
    return sorted(changes.values(), key=lambda r: (-(r.added + r.removed + r.severity_changed), -r.after, r.rule))


def read_agents(path: Path) -> dict[str, dict]:
    """agents.csv by agent (with or without the byte-order mark a scan writes for Excel)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["agent"]: row for row in csv.DictReader(handle)}


def agent_moves(before: dict[str, dict], after: dict[str, dict], shown: int = AGENTS_SHOWN) -> tuple[list[AgentMove], list[AgentMove]]:
    """The agents whose score rose most and fell most (agents in both scans)."""
    moves = []
    for agent in sorted(set(before) & set(after)):
        old, new = float(before[agent]["score"]), float(after[agent]["score"])
        moves.append(AgentMove(agent, old, new, round(new - old, 2),
                               int(before[agent]["findings"]), int(after[agent]["findings"])))
    up = sorted((m for m in moves if m.change > 0), key=lambda m: (-m.change, m.agent))[:shown]
    down = sorted((m for m in moves if m.change < 0), key=lambda m: (m.change, m.agent))[:shown]
    return up, down


def side_facts(summary: dict, directory: Path) -> dict:
    return {"packs": summary.get("packs", []), "totals": summary.get("totals", {}), "dir": str(directory)}


def input_notes(summaries: dict[str, dict]) -> list[str]:
    """Why the two scans may not have read the same rows."""
    notes = [f"{SIDE_NAMES[side]}：{note}" for side in SIDES for note in summaries[side].get("notes", [])]
    keys = ("conversations", "turns", "agent_turns", "errors")
    totals = [tuple(summaries[side].get("totals", {}).get(k) for k in keys) for side in SIDES]
    if totals[0] != totals[1]:
        notes.append("两次扫描读到的会话或轮次数不同（输入在两次扫描之间有变化？），差异中可能包含规则之外的变化")
    return notes


def compare(out: Path, inputs: Sequence[str], sample: int = DEFAULT_SAMPLE, seed: int = DEFAULT_SEED) -> Replay:
    """Compare the finished scans in out/before and out/after."""
    dirs = {side: out / side for side in SIDES}
    summaries = {side: json.loads((dirs[side] / "summary.json").read_text(encoding="utf-8")) for side in SIDES}
    changes, added, removed = diff_findings(dirs["before"] / "findings.jsonl", dirs["after"] / "findings.jsonl", sample, seed)
    up, down = agent_moves(read_agents(dirs["before"] / "agents.csv"), read_agents(dirs["after"] / "agents.csv"))
    return Replay(inputs=list(inputs), sides={side: side_facts(summaries[side], dirs[side]) for side in SIDES},
                  rules=rule_changes(changes, summaries), up=up, down=down, sample_size=sample, seed=seed,
                  added_sample=added, removed_sample=removed, notes=input_notes(summaries))


# --- running the two scans ------------------------------------------------------------------------

def packs_digest(options: ScanOptions) -> str:
    """A digest of every pack file the side's engine loads (extended packs too)."""
    digest = hashlib.sha256()
    for pack in checker_for(options).packs:
        digest.update(pack.id.encode() + b"\0" + pack.path.encode() + b"\0")
        if pack.path and Path(pack.path).is_file():
            digest.update(hashlib.sha256(Path(pack.path).read_bytes()).digest())
    return digest.hexdigest()


def _read_state(out: Path) -> dict:
    try:
        state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def scan_side(side: str, inputs: Sequence[str], out: Path, options: ScanOptions, digest: str,
              args: argparse.Namespace) -> ScanOutcome:
    """Scan one side into out/<side>, afresh when its packs (`digest`) changed since the last
    replay into out."""
    state = _read_state(out)
    fresh = args.fresh or state.get(side) != digest
    state[side] = digest
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / STATE_FILE, json.dumps(state, indent=1).encode())
    from .command import Progress

    progress = Progress(sum(Path(p).stat().st_size for p in inputs if Path(p).is_file()))
    try:
        return run_scan(inputs, out / side, options, workers=args.workers, engine=args.engine,
                        scheduler=args.scheduler, fresh=fresh, on_progress=progress.update)
    finally:
        progress.close()


def side_options(args: argparse.Namespace, packs: Sequence[str]) -> ScanOptions:
    return ScanOptions(packs=tuple(packs), packs_dirs=tuple(args.packs_dir), channel=args.channel,
                       columns=parse_columns(args.map), encoding=args.encoding)


def check_arguments(args: argparse.Namespace) -> None:
    if args.workers is not None and args.workers < 1:
        raise ScanError("--workers must be at least 1")
    if args.scheduler and args.engine != "dask":
        raise ScanError("--scheduler goes with --engine dask")
    if args.sample < 0:
        raise ScanError("--sample must be 0 or more")
    out = Path(args.out).resolve()
    own = {out / "replay.json", out / "replay.html", out / STATE_FILE}
    for path in args.inputs:
        if Path(path).resolve() in own:
            raise ScanError(f"{path}: is an output of this replay")


# --- rendering ------------------------------------------------------------------------------------

def _agent_name(agent: str) -> str:
    return agent or NO_AGENT


def _packs_text(packs: list[dict]) -> str:
    return "、".join(f"{p.get('id')}（版本 {p.get('version')}）" for p in packs) or "无"


def _phrase_offset(finding: dict) -> int | None:
    """Where the phrase starts in the finding's context (None when it cannot be placed)."""
    context, phrase = finding.get("context") or "", finding.get("phrase") or ""
    start = finding.get("start")
    offset = min(start, CONTEXT_CHARS) if isinstance(start, int) else None
    if offset is not None and context[offset:offset + len(phrase)] == phrase and offset <= len(context):
        return offset
    found = context.find(phrase) if phrase else -1
    return found if found >= 0 else None


def _context_parts(finding: dict) -> tuple[str, str, str]:
    """The context split around the phrase: before, phrase, after (▲ marks an insertion point)."""
    context, phrase = finding.get("context") or "", finding.get("phrase") or ""
    offset = _phrase_offset(finding)
    if offset is None:
        return context, "", ""
    return context[:offset], phrase or "▲", context[offset + len(phrase):]


def _one_line(text: str) -> str:
    return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def _signed(number: float) -> str:
    return f"{number:+.2f}"


def finding_line(finding: dict) -> str:
    before, phrase, after = _context_parts(finding)
    shown = f"{before}【{phrase}】{after}" if phrase else before
    return (f"[{finding.get('rule')}] {finding.get('conversation')}#{finding.get('turn')} "
            f"{_agent_name(finding.get('agent') or '')}：{_one_line(shown)}")


def render_text(replay: Replay, out: Path) -> str:
    lines = [f"规则改动回放：{len(replay.inputs)} 个输入"]
    for side in SIDES:
        facts = replay.sides[side]
        totals = facts["totals"]
        lines.append(f"  {SIDE_NAMES[side]}（{_packs_text(facts['packs'])}）：{totals.get('conversations', 0):,} 个会话，"
                     f"{totals.get('findings', 0):,} 个问题")
    lines.append(f"新增 {replay.added:,} 个问题，消失 {replay.removed:,} 个，严重程度改变 {replay.severity_changed:,} 个。")
    moved = [r for r in replay.rules if r.added or r.removed or r.severity_changed]
    lines.append("各规则变化：" + ("" if moved else "无"))
    for rule in moved:
        extra = f"，严重程度改变 {rule.severity_changed}" if rule.severity_changed else ""
        lines.append(f"  {rule.rule}：+{rule.added} −{rule.removed}{extra}（{rule.before} → {rule.after}）")
    for title, moves in (("得分上升最多的坐席", replay.up), ("得分下降最多的坐席", replay.down)):
        lines.append(f"{title}：" + ("" if moves else "无"))
        lines += [f"  {_agent_name(m.agent)}：{m.score_before:.2f} → {m.score_after:.2f}（{_signed(m.change)}），"
                  f"问题 {m.findings_before} → {m.findings_after}" for m in moves]
    for title, total, sample in (("新增问题抽样", replay.added, replay.added_sample),
                                 ("消失问题抽样", replay.removed, replay.removed_sample)):
        lines.append(f"{title}（{len(sample)}/{total}，种子 {replay.seed}）：" + ("" if sample else "无"))
        lines += [f"  {finding_line(f)}" for f in sample]
    lines += [f"注意：{note}" for note in replay.notes]
    lines.append(f"输出：{out / 'replay.html'}、{out / 'replay.json'}（两次扫描见 {out / 'before'}、{out / 'after'}）")
    return "\n".join(lines) + "\n"


def to_dict(replay: Replay) -> dict:
    return {
        "generated_by": f"cslint {_version()}",
        "inputs": replay.inputs,
        **{side: replay.sides[side] for side in SIDES},
        "totals": {"added": replay.added, "removed": replay.removed, "severity_changed": replay.severity_changed},
        "rules": [asdict(r) for r in replay.rules],
        "agents": {"up": [asdict(m) for m in replay.up], "down": [asdict(m) for m in replay.down]},
        "sample": {"size": replay.sample_size, "seed": replay.seed,
                   "added": replay.added_sample, "removed": replay.removed_sample},
        "notes": replay.notes,
    }


def esc(value: Any) -> str:
    """Text safe in HTML content and quoted attributes (a lone surrogate becomes U+FFFD)."""
    return "" if value is None else html.escape(_SURROGATE.sub("\ufffd", str(value)), quote=True)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int) -> str:
    """A table of already-escaped cells; columns from `numeric_from` on are numbers."""
    if not rows:
        return '<p class="none">无</p>'
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i >= numeric_from else f"<td>{c}</td>"
                                      for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _section(title: str, body: str) -> str:
    return f"<section>\n<h2>{esc(title)}</h2>\n{body}\n</section>"


def _overview_html(replay: Replay) -> str:
    inputs = "".join(f"<li><code>{esc(p)}</code></li>" for p in replay.inputs)
    facts = "".join(f"<dt>{SIDE_NAMES[side]}的规则包</dt><dd>{esc(_packs_text(replay.sides[side]['packs']))}"
                    f"（{replay.sides[side]['totals'].get('findings', 0):,} 个问题）</dd>" for side in SIDES)
    cards = "".join(f'<div class="total {cls}"><span class="value">{value:,}</span><span class="label">{label}</span></div>'
                    for cls, value, label in (("add", replay.added, "新增问题"), ("del", replay.removed, "消失问题"),
                                              ("", replay.severity_changed, "严重程度改变")))
    notes = "".join(f'<p class="note">注意：{esc(n)}</p>' for n in replay.notes)
    return _section("概览", f'<dl class="facts"><dt>输入</dt><dd><ul class="inputs">{inputs}</ul></dd>{facts}</dl>'
                            f'<div class="totals">{cards}</div>{notes}')


def _rules_html(replay: Replay) -> str:
    rows = [[f"<code>{esc(r.rule)}</code>", esc(CATEGORY_DISPLAY_NAMES.get(r.category, r.category)), esc(r.message),
             f'<span class="add">+{r.added}</span>', f'<span class="del">−{r.removed}</span>',
             str(r.severity_changed), f"{r.before} → {r.after}"]
            for r in replay.rules if r.added or r.removed or r.severity_changed]
    return _section("各规则变化", _table(("规则", "类别", "提示语", "新增", "消失", "严重程度改变", "改动前 → 改动后"), rows, 3))


def _agents_html(title: str, moves: list[AgentMove]) -> str:
    rows = [[esc(_agent_name(m.agent)), f"{m.score_before:.2f}", f"{m.score_after:.2f}", esc(_signed(m.change)),
             f"{m.findings_before} → {m.findings_after}"] for m in moves]
    return _section(title, _table(("坐席", "改动前得分", "改动后得分", "变化", "问题数"), rows, 1))


def _context_html(finding: dict) -> str:
    before, phrase, after = _context_parts(finding)
    return f"{esc(before)}<mark>{esc(phrase)}</mark>{esc(after)}" if phrase else esc(before)


def _sample_html(title: str, total: int, sample: list[dict], seed: int) -> str:
    rows = [[f"<code>{esc(f.get('rule'))}</code>", esc(SEVERITY_NAMES.get(f.get("severity", ""), f.get("severity", ""))),
             f"{esc(f.get('conversation'))} 第 {esc(f.get('turn'))} 轮", esc(_agent_name(f.get("agent") or "")),
             f'<span class="context">{_context_html(f)}</span>', f"<code>{esc(f.get('id'))}</code>"] for f in sample]
    heading = f"{title}（随机抽取 {len(sample)}/{total} 个，种子 {seed}）"
    return _section(heading, _table(("规则", "严重程度", "会话", "坐席", "上下文", "编号"), rows, 6))


_CSS = """\
body { margin: 0; background: #f6f8fa; color: #1f2328; line-height: 1.6;
  font-family: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin: 0 0 12px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 16px; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { white-space: nowrap; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.facts dt { color: #59636e; } .facts dd { margin: 0; } .inputs { margin: 0; padding-left: 1.2em; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; }
.total { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 16px; display: flex; flex-direction: column; }
.total .value { font-size: 1.4rem; font-weight: 600; } .total .label { color: #59636e; }
.add { color: #c62828; } .del { color: #2e7d32; }
mark { background: #ffe08a; padding: 0 1px; } .context { white-space: pre-wrap; }
.none { color: #59636e; margin: 0; } .note { color: #9a6700; }
"""


def render_html(replay: Replay) -> str:
    title = "规则改动回放报告"
    body = "\n".join((
        _overview_html(replay), _rules_html(replay),
        _agents_html("得分上升最多的坐席", replay.up), _agents_html("得分下降最多的坐席", replay.down),
        _sample_html("新增问题抽样", replay.added, replay.added_sample, replay.seed),
        _sample_html("消失问题抽样", replay.removed, replay.removed_sample, replay.seed),
    ))
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>\n{_CSS}</style>\n</head>\n"
            f"<body>\n<main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n")


def write_outputs(replay: Replay, out: Path) -> None:
    write_atomically(out / "replay.json", json.dumps(to_dict(replay), ensure_ascii=False, indent=1).encode())
    write_atomically(out / "replay.html", render_html(replay).encode())


def _version() -> str:
    from .. import __version__

    return __version__


# --- the command line -----------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="JSONL or CSV transcript files (.gz too)")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output directory: DIR/before and DIR/after (the two scans), DIR/replay.html, DIR/replay.json")
    parser.add_argument("--before", action="append", required=True, metavar="PACK",
                        help="rule pack id or .yaml path of the rules before the change (repeatable)")
    parser.add_argument("--after", action="append", required=True, metavar="PACK",
                        help="rule pack id or .yaml path of the rules after the change (repeatable)")
    parser.add_argument("--sample", type=int, default=DEFAULT_SAMPLE, metavar="N",
                        help=f"added and removed findings drawn at random to show (default {DEFAULT_SAMPLE})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                        help=f"seed of the random sample (default {DEFAULT_SEED}): same seed, same sample")
    parser.add_argument("--channel", choices=CHANNELS, default="chat")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                        help=f"which column holds a field ({', '.join(FIELDS)}); repeatable")
    parser.add_argument("--encoding", type=encoding_option, default=None, metavar="NAME",
                        help="encoding of inputs without a byte-order mark (default utf-8; e.g. gb18030, big5)")
    parser.add_argument("--workers", type=int, default=None, metavar="N", help="parallel workers (default: all cores)")
    parser.add_argument("--engine", choices=ENGINES, default="local", help="as for `cslint scan`")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: tcp://HOST:PORT of an existing cluster")
    parser.add_argument("--fresh", action="store_true", help="scan both sides again even if DIR holds their scans")


def cmd_replay(args: argparse.Namespace) -> int:
    out = Path(args.out)
    try:
        check_arguments(args)
        packs = {"before": args.before, "after": args.after}
        options = {side: side_options(args, packs[side]) for side in SIDES}
        digests = {side: packs_digest(options[side]) for side in SIDES}  # both sides' packs load before any scan
        outcomes = {}
        for side in SIDES:
            print(f"cslint replay: 用{SIDE_NAMES[side]}的规则扫描（{'、'.join(packs[side])}）…", file=sys.stderr, flush=True)
            outcomes[side] = scan_side(side, args.inputs, out, options[side], digests[side], args)
    except (ScanError, StateMismatch, OSError) as exc:
        print(f"cslint replay: {exc}", file=sys.stderr)
        return 2
    if all(o.summary["totals"]["turns"] == 0 for o in outcomes.values()):
        print(f"cslint replay: no row could be read (see {out / 'before' / 'errors.jsonl'})", file=sys.stderr)
        return 2
    replay = compare(out, args.inputs, args.sample, args.seed)
    write_outputs(replay, out)
    sys.stdout.write(render_text(replay, out))
    return 0
