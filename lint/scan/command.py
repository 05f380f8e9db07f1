"""The `cslint scan` command line: options in, a summary out (exit 2 on a user error)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..encodings import encoding_option
from ..model import CHANNELS
from .inputs import FIELDS
from .run import ENGINES, ScanError, run_scan
from .partition import ScanOptions
from .store import StateMismatch
from .workbook import WORKBOOK, WorkbookUnavailable, require_openpyxl, truncation_note, write_workbook


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="JSONL or CSV transcript files (.gz too)")
    parser.add_argument("--out", required=True, metavar="DIR", help="output directory (also the checkpoint)")
    parser.add_argument("--channel", choices=CHANNELS, default=None,
                        help="chat or email (default: the configuration file's channel, else chat)")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                        help=f"which column holds a field ({', '.join(FIELDS)}); repeatable")
    parser.add_argument("--workers", type=int, default=None, metavar="N", help="parallel workers (default: all cores)")
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="local (process pool) or dask (a Dask distributed cluster)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: tcp://HOST:PORT of an existing cluster")
    parser.add_argument("--encoding", type=encoding_option, default=None, metavar="NAME",
                        help="encoding of inputs without a byte-order mark (default utf-8; e.g. gb18030, big5); "
                             "UTF-8/16/32 with a BOM are recognised by it")
    parser.add_argument("--strict", action="store_true", help="stop at the first bad row (exit 2)")
    parser.add_argument("--fresh", action="store_true", help="discard a previous run's checkpoint in DIR")
    parser.add_argument("--partition-bytes", type=int, default=None, metavar="BYTES",
                        help="size of a unit of work and of checkpointing (default: about 1/64 of the "
                             "inputs, 256 KiB to 4 MiB)")
    parser.add_argument("--disputes", metavar="FILE",
                        help="findings judged wrong (申诉), left out of every score: a judged `cslint sample` sheet "
                             "(CSV or .xlsx: 编号 id, 判定 verdict, 备注 note) or JSONL of {id, verdict, reason}; "
                             "re-run with another FILE to recompute without checking again")
    parser.add_argument("--excel", action="store_true",
                        help=f"also write DIR/{WORKBOOK}: sheets agents, conversations, findings, rules "
                             "(needs openpyxl: pip install 'cslint[xlsx]')")


def parse_columns(entries: list[str]) -> dict[str, str]:
    """`--map FIELD=COLUMN` options as a column map (shared by `cslint scan` and `cslint replay`)."""
    columns = {}
    for entry in entries:
        field, sep, column = entry.partition("=")
        if not sep or not column or field not in FIELDS:
            raise ScanError(f"--map {entry!r}: expected FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}")
        columns[field] = column
    return columns


def cmd_scan(args: argparse.Namespace) -> int:
    try:
        if args.workers is not None and args.workers < 1:
            raise ScanError("--workers must be at least 1")
        if args.scheduler and args.engine != "dask":
            raise ScanError("--scheduler goes with --engine dask")
        options = ScanOptions(packs=tuple(args.pack), packs_dirs=tuple(args.packs_dir), channel=args.channel,
                              columns=parse_columns(args.map), encoding=args.encoding)
        if args.partition_bytes is not None and args.partition_bytes < 1024:
            raise ScanError("--partition-bytes must be at least 1024")
        if args.excel:
            require_openpyxl()  # before scanning: a missing openpyxl is not found out hours later
        progress = Progress(sum(Path(p).stat().st_size for p in args.inputs if Path(p).is_file()))
        try:
            outcome = run_scan(args.inputs, args.out, options, workers=args.workers, engine=args.engine,
                               scheduler=args.scheduler, strict=args.strict, fresh=args.fresh,
                               partition_bytes=args.partition_bytes, disputes=args.disputes,
                               on_progress=progress.update)
        finally:
            progress.close()
    except (ScanError, StateMismatch, WorkbookUnavailable, OSError) as exc:
        print(f"cslint scan: {exc}", file=sys.stderr)
        return 2
    for note in outcome.notes:
        print(f"cslint scan: note: {note}", file=sys.stderr)
    totals = outcome.summary["totals"]
    if totals["turns"] == 0 and totals["errors"] > 0:
        print(f"cslint scan: no row could be read ({totals['errors']:,} bad rows, see {Path(args.out) / 'errors.jsonl'}); "
              "if the inputs came from a Windows tool, try --encoding gb18030", file=sys.stderr)
        return 2
    if args.excel and not _write_excel(Path(args.out)):
        return 2
    resumed = "" if outcome.ran == outcome.partitions else f"（续跑：本次检查 {outcome.ran}/{outcome.partitions} 个分片）"
    flagged = totals.get("flagged_agent_turns", 0)
    share = f"{flagged / totals['agent_turns']:.1%}" if totals["agent_turns"] else "0%"
    print(f"扫描完成{resumed}：{totals['conversations']:,} 个会话，{totals['turns']:,} 轮（坐席 {totals['agent_turns']:,} 轮，"
          f"其中 {flagged:,} 轮有问题，占 {share}），{totals['findings']:,} 个问题{_disputed(totals)}，{totals['errors']:,} 行无法读取；"
          f"用时 {outcome.seconds:.1f} 秒。")
    by_rule = outcome.summary.get("by_rule", {})
    if by_rule:
        print("各规则问题数：" + "，".join(f"{rule} {entry['count']:,}" for rule, entry in by_rule.items()))
    excel = f"、{WORKBOOK}" if args.excel else ""
    print(f"输出：{Path(args.out) / 'report.html'}（另有 findings.jsonl、conversations.csv、agents.csv、errors.jsonl{excel}）")
    return 0


def _disputed(totals: dict) -> str:
    disputed = totals.get("disputed", 0)
    return f"（另有 {disputed:,} 个经申诉排除）" if disputed else ""


def _write_excel(out: Path) -> bool:
    """DIR/report.xlsx from the finished outputs; notes on stderr for sheets cut at Excel's row limit."""
    try:
        counts = write_workbook(out)
    except (WorkbookUnavailable, OSError) as exc:
        print(f"cslint scan: {exc}", file=sys.stderr)
        return False
    for count in counts:
        if count.truncated:
            print(f"cslint scan: note: {truncation_note(count)}", file=sys.stderr)
    return True


class Progress:
    """A one-line progress bar on a terminal (turns/s, ETA); silent otherwise."""

    def __init__(self, total_bytes: int, stream=sys.stderr, enabled: bool | None = None) -> None:
        self.total = max(total_bytes, 1)
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self.done_bytes = 0
        self.turns = 0

    def update(self, size: int, turns: int) -> None:
        self.done_bytes += size
        self.turns += turns
        if not self.enabled:
            return
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        fraction = min(self.done_bytes / self.total, 1.0)
        eta = elapsed * (1 - fraction) / fraction if fraction else 0
        bar = "█" * int(fraction * 30) + "░" * (30 - int(fraction * 30))
        self.stream.write(f"\r{bar} {fraction:6.1%}  {self.turns / elapsed:,.0f} 轮/秒  剩余 {int(eta) // 60}:{int(eta) % 60:02d} ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
