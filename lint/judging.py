"""Calibration: supervisors judge a sample of a scan's findings, cslint turns the verdicts into
precision per rule and overall.

    cslint sample FINDINGS.jsonl --per-rule N --seed S --out sheet.csv|sheet.xlsx
    cslint eval --judged SHEET FINDINGS.jsonl [--format json]

The sample is stratified by rule: up to N findings of each rule, drawn as the N with the smallest
hash of (seed, finding id). That is a uniform sample without replacement, reproducible for a
seed, independent of the order of the findings file, and read in one pass keeping only N
findings per rule in memory.

The sheet is a plain table, one row per sampled finding (columns in `COLUMNS`); the supervisor
fills in `verdict` (`VERDICTS`) and, if they like, `note`. Evaluation takes the findings file
again, for each rule's number of findings (the weights) and for the truth about each judged id:
only the id, verdict and note columns of the sheet are read, so a spreadsheet that reformats
the other cells changes nothing.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import heapq
import io
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .render import dumps, table
from .scan.partition import CONTEXT_CHARS

Z95 = 1.959963984540054  # two-sided 95% normal quantile

# (key, header): the header names the column in Chinese with its key, which is what is read back
COLUMNS = (
    ("id", "编号 id"),
    ("rule", "规则 rule"),
    ("category", "类别 category"),
    ("phrase", "短语 phrase"),
    ("context", "上下文 context"),
    ("verdict", "判定 verdict"),
    ("note", "备注 note"),
)
_CHINESE_KEYS = {"编号": "id", "判定": "verdict", "备注": "note"}

VERDICTS = {
    **dict.fromkeys(("correct", "right", "对", "正确", "✓", "✔", "√"), True),
    **dict.fromkeys(("wrong", "incorrect", "错", "错误", "误报", "✗", "✘", "×"), False),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # spreadsheets read these as a formula


class JudgingError(Exception):
    """A user error: unreadable file, bad row, unknown verdict (one line, exit 2)."""


# --- findings --------------------------------------------------------------------------------------

def read_findings(path: Path) -> Iterator[dict]:
    """The findings of a `cslint scan` findings.jsonl, one at a time, each checked for an id."""
    try:
        handle = open(path, encoding="utf-8-sig")
    except OSError as exc:
        raise JudgingError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    finding = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise JudgingError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
                if not isinstance(finding, dict) or not isinstance(finding.get("rule"), str):
                    raise JudgingError(f"{path}:{number}: not a finding of `cslint scan`")
                if not isinstance(finding.get("id"), str):
                    raise JudgingError(f"{path}:{number}: finding without an id (written by an older cslint: "
                                       "re-run the scan with --fresh)")
                yield finding
        except UnicodeDecodeError as exc:
            raise JudgingError(f"{path}: not valid UTF-8 ({exc.reason})") from None


def _draw_key(seed: str, finding_id: str) -> int:
    return int.from_bytes(hashlib.sha1(f"{seed}\0{finding_id}".encode("utf-8")).digest()[:8], "big")


@dataclass
class Sample:
    rows: list[dict]  # the sampled findings, by category, rule, then draw order
    totals: Counter  # findings per rule in the whole file


def draw_sample(findings: Iterator[dict], per_rule: int, seed: str) -> Sample:
    """Up to `per_rule` findings of each rule: those with the smallest draw keys (bottom-k).

    A finding id that repeats (a conversation id reused in another file) is drawn at most once.
    """
    kept: dict[str, list[tuple[int, str, dict]]] = defaultdict(list)  # rule -> max-heap of (-key, id, finding)
    chosen: dict[str, set[str]] = defaultdict(set)
    totals: Counter = Counter()
    for finding in findings:
        rule, ident = finding["rule"], finding["id"]
        totals[rule] += 1
        if ident in chosen[rule]:
            continue
        entry = (-_draw_key(seed, ident), ident, _sheet_fields(finding))
        heap = kept[rule]
        if len(heap) < per_rule:
            heapq.heappush(heap, entry)
        elif entry[:2] > heap[0][:2]:
            chosen[rule].discard(heapq.heapreplace(heap, entry)[1])
        else:
            continue
        chosen[rule].add(ident)
    rows = [item for heap in kept.values() for _, _, item in sorted(heap, key=lambda e: (-e[0], e[1]))]
    rows.sort(key=lambda r: (r["category"], r["rule"]))  # stable: draw order within a rule
    return Sample(rows, totals)


def _sheet_fields(finding: dict) -> dict:
    return {"id": finding["id"], "rule": finding["rule"], "category": str(finding.get("category") or ""),
            "phrase": str(finding.get("phrase") or ""),
            "context": marked_context(finding)}


def marked_context(finding: dict) -> str:
    """The finding's context with its phrase in 【】 (a missing element's place as 【▲】), so the
    supervisor sees which occurrence was flagged."""
    context = finding.get("context")
    if not isinstance(context, str):
        return ""
    phrase = finding.get("phrase") or ""
    start, end = finding.get("start"), finding.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return context
    offset = min(start, CONTEXT_CHARS)  # where the phrase starts in the context (see finding_context)
    if context[offset:offset + end - start] != phrase:
        return context
    return f"{context[:offset]}【{phrase or '▲'}】{context[offset + end - start:]}"


# --- the sheet: writing -------------------------------------------------------------------------------

def _csv_cell(text: str) -> str:
    """Text a spreadsheet opening the CSV shows as it is: one starting like a formula (=, +, -, @)
    gets a leading apostrophe. Display only: evaluation reads the phrase from the findings file."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _sheet_rows(sample: Sample) -> list[list[str]]:
    return [[row.get(key, "") for key, _ in COLUMNS] for row in sample.rows]


def write_csv(sample: Sample, path: Path) -> None:
    """UTF-8 with a BOM and CRLF line ends: what Excel and WPS on a Chinese desktop open as UTF-8
    (without the BOM they assume GBK)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in COLUMNS])
    writer.writerows([_csv_cell(cell) for cell in row] for row in _sheet_rows(sample))
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_xlsx(sample: Sample, path: Path) -> None:
    """One sheet: bold frozen header, wrapped context, a drop-down (not enforced) for the verdict."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "judging"
    sheet.append([header for _, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in _sheet_rows(sample):
        sheet.append([value or None for value in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value is not None:
                cell.data_type = "s"  # text, never a formula or a number, whatever it looks like
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", (20, 26, 12, 14, 60, 10, 30)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    if sample.rows:
        choices = DataValidation(type="list", formula1='"correct,wrong,对,错,误报"', allow_blank=True,
                                 showErrorMessage=False)
        sheet.add_data_validation(choices)
        choices.add(f"F2:F{len(sample.rows) + 1}")
    book.save(path)


# --- the sheet: reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SheetRow:
    row: int  # as the spreadsheet numbers it: the header is row 1
    id: str
    verdict: bool | None  # None: not judged (empty)
    note: str


def parse_verdict(text: str) -> bool | None:
    """True for correct, False for wrong, None for empty; ValueError for anything else."""
    value = unicodedata.normalize("NFKC", text).strip().lower()
    if not value:
        return None
    if value not in VERDICTS:
        raise ValueError(value)
    return VERDICTS[value]


def read_sheet(path: Path) -> list[SheetRow]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JudgingError(f"{path}: cannot read: {exc.strerror or exc}") from None
    cells = _xlsx_cells(path, data) if data.startswith(b"PK\x03\x04") else _csv_cells(data)
    header = next(cells, None)
    if header is None:
        raise JudgingError(f"{path}: empty sheet")
    where = _header_columns(header)
    for key in ("id", "verdict"):
        if key not in where:
            raise JudgingError(f"{path}: no {key!r} column in the header row (expected {dict(COLUMNS)[key]!r})")
    rows = []
    for number, values in enumerate(cells, 2):
        def get(key: str) -> str:
            index = where.get(key)
            value = values[index] if index is not None and index < len(values) else None
            return "" if value is None else str(value).strip()

        ident, verdict_text = get("id"), get("verdict")
        if not ident and not verdict_text:
            continue  # a blank row (spreadsheets leave some)
        if not ident:
            raise JudgingError(f"{path}: row {number}: a verdict without a finding id")
        try:
            verdict = parse_verdict(verdict_text)
        except ValueError:
            accepted = " / ".join(k for k in VERDICTS if k.isascii() and k.isalpha())
            raise JudgingError(f"{path}: row {number}: unrecognised verdict {verdict_text!r} "
                               f"(use {accepted}, 对/错/正确/错误/误报, or leave it empty)") from None
        rows.append(SheetRow(number, ident, verdict, get("note")))
    return rows


def _header_columns(header: list) -> dict[str, int]:
    """Column of each key: a header cell names it by its English key (`判定 verdict`, `verdict`)
    or by its Chinese name alone (`判定`)."""
    keys = {key for key, _ in COLUMNS}
    where: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = str(cell or "").replace("\ufeff", "").strip().lower()
        named = [word for word in re.findall(r"[a-z]+", text) if word in keys]
        named += [key for zh, key in _CHINESE_KEYS.items() if zh in text]
        if named and named[0] not in where:
            where[named[0]] = index
    return where


def _csv_cells(data: bytes) -> Iterator[list[str]]:
    """Rows of a CSV as written by us or saved back by a spreadsheet: UTF-8 (BOM or not), UTF-16
    with a BOM (Excel's "Unicode text", tab-separated), else GB18030 (Excel's plain CSV on a
    Chinese desktop); comma, tab or semicolon separated, whichever the header uses most."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_cells(path: Path, data: bytes) -> Iterator[list]:
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise JudgingError(f"{path}: reading .xlsx needs openpyxl (pip install 'cslint[xlsx]'), "
                           "or save the sheet as CSV") from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise JudgingError(f"{path}: not a readable .xlsx file ({type(exc).__name__}: {exc})") from None
    return (list(values) for values in book.worksheets[0].iter_rows(values_only=True))


# --- statistics ---------------------------------------------------------------------------------------

def wilson(correct: int, judged: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (well-behaved at 0 and 1 and for small samples)."""
    return _wilson_at(correct / judged, judged, z) if judged else (0.0, 1.0)


def _wilson_at(p: float, n: float, z: float) -> tuple[float, float]:
    factor = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / factor
    half = z / factor * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Stratum:
    findings: int  # N_h: the rule's findings in the scan
    judged: int  # n_h
    correct: int  # c_h


def weighted_precision(strata: list[Stratum], z: float = Z95) -> tuple[float, float, float] | None:
    """Precision of all findings, estimated from a sample stratified by rule, with a 95% interval.

    Point estimate: P = Σ W_h p_h, p_h = c_h / n_h, W_h = N_h / Σ N_h over the rules with a
    judgement (a rule with none has no estimate and is left out, its share reported apart).

    Interval: a Wilson interval around P with an effective sample size (Kish's design effect, as
    Korn & Graubard do for survey proportions): n* = P̃(1 − P̃) / V − z², where
    V = Σ W_h² (1 − n_h/N_h) p̃_h(1 − p̃_h) / (n_h + z²) is the stratified variance with a finite
    population correction, and p̃_h = (c_h + z²/2) / (n_h + z²) are Agresti–Coull-smoothed
    per-rule proportions (P̃ = Σ W_h p̃_h), so that a rule judged all correct still counts as
    uncertain. With one rule judged from a large scan this is exactly that rule's Wilson interval;
    a rule judged in full (n_h = N_h) adds no uncertainty, and when every rule is, the interval
    is P itself. n* ≥ min n_h ≥ 1 always (P̃(1 − P̃) ≥ Σ W_h p̃_h(1 − p̃_h) and W_h ≤ 1).

    None when nothing is judged.
    """
    judged = [s for s in strata if s.judged > 0]
    total = sum(s.findings for s in judged)
    if not judged or total <= 0:
        return None
    estimate = smoothed = variance = 0.0  # sums of N_h-weighted terms, divided by Σ N_h at the end
    for s in judged:
        p = s.correct / s.judged
        estimate += s.findings * p
        if s.judged >= s.findings:  # judged in full: known exactly
            smoothed += s.findings * p
            continue
        n_tilde = s.judged + z * z
        p_tilde = (s.correct + z * z / 2) / n_tilde
        smoothed += s.findings * p_tilde
        variance += s.findings ** 2 * (1 - s.judged / s.findings) * p_tilde * (1 - p_tilde) / n_tilde
    estimate, smoothed, variance = min(estimate / total, 1.0), smoothed / total, variance / total ** 2
    if variance <= 0:
        return estimate, estimate, estimate
    effective = max(smoothed * (1 - smoothed) / variance - z * z, 1.0)
    low, high = _wilson_at(estimate, effective, z)
    return estimate, min(low, estimate), max(high, estimate)


# --- evaluation ---------------------------------------------------------------------------------------

@dataclass
class RuleResult:
    rule: str
    category: str
    findings: int
    judged: int = 0
    correct: int = 0
    wrong_phrases: Counter = field(default_factory=Counter)
    correct_phrases: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # a wrong phrase -> its context

    @property
    def wrong(self) -> int:
        return self.judged - self.correct

    def to_dict(self) -> dict:
        precision = self.correct / self.judged if self.judged else None
        return {"rule": self.rule, "category": self.category, "findings": self.findings, "judged": self.judged,
                "correct": self.correct, "wrong": self.wrong, "precision": precision,
                "ci95": list(wilson(self.correct, self.judged)) if self.judged else None}


def judge(sheet: list[SheetRow], findings_path: Path, sheet_name: str) -> list[RuleResult]:
    """Per rule: its findings in the scan and the verdicts on its sampled ones. The findings file
    is the truth about each judged id (rule, phrase); an id it does not hold is an error."""
    judged: dict[str, SheetRow] = {}
    for row in sheet:
        if row.verdict is None:
            continue
        if row.id in judged:
            raise JudgingError(f"{sheet_name}: row {row.row}: finding {row.id} is judged again "
                               f"(first on row {judged[row.id].row})")
        judged[row.id] = row
    results: dict[str, RuleResult] = {}
    seen: set[str] = set()
    for finding in read_findings(findings_path):
        rule = finding["rule"]
        result = results.get(rule)
        if result is None:
            result = results[rule] = RuleResult(rule, str(finding.get("category") or ""), 0)
        result.findings += 1
        ident = finding["id"]
        row = judged.get(ident)
        if row is None or ident in seen:
            continue
        seen.add(ident)
        result.judged += 1
        phrase = str(finding.get("phrase") or "")
        if row.verdict:
            result.correct += 1
            result.correct_phrases[phrase] += 1
        else:
            result.wrong_phrases[phrase] += 1
            result.examples.setdefault(phrase, marked_context(finding))
    missing = [row for ident, row in judged.items() if ident not in seen]
    if missing:
        first = min(missing, key=lambda r: r.row)
        raise JudgingError(f"{sheet_name}: row {first.row}: finding {first.id} is not in {findings_path} "
                           f"({len(missing)} judged row(s) are not; was the sheet drawn from another scan?)")
    return sorted(results.values(), key=lambda r: (-r.findings, r.rule))


def overall(results: list[RuleResult]) -> dict:
    strata = [Stratum(r.findings, r.judged, r.correct) for r in results]
    estimate = weighted_precision(strata)
    covered = sum(r.findings for r in results if r.judged)
    return {
        "findings": sum(r.findings for r in results), "covered_findings": covered,
        "judged": sum(r.judged for r in results), "correct": sum(r.correct for r in results),
        "wrong": sum(r.wrong for r in results),
        "precision": estimate[0] if estimate else None,
        "ci95": [estimate[1], estimate[2]] if estimate else None,
        "unjudged_rules": [r.rule for r in results if not r.judged],
        "method": "weighted by each rule's findings; Wilson interval with a stratified effective sample size",
    }


def allow_candidates(results: list[RuleResult]) -> list[dict]:
    """The wrong flags' phrases per rule, most frequent first."""
    out = []
    for r in sorted(results, key=lambda r: r.rule):
        if not r.wrong_phrases:
            continue
        phrases = [{"phrase": p, "wrong": n, "correct": r.correct_phrases.get(p, 0), "context": r.examples.get(p, "")}
                   for p, n in sorted(r.wrong_phrases.items(), key=lambda item: (-item[1], item[0])) if p]
        out.append({"rule": r.rule, "category": r.category, "wrong": r.wrong, "phrases": phrases,
                    "without_phrase": r.wrong_phrases.get("", 0)})
    return out


def allow_yaml(candidates: list[dict]) -> str:
    """A block to paste into a team pack. Phrases are JSON strings, which YAML reads as they are;
    each is listed once, under the first rule that flagged it wrongly."""
    lines = ["# Wrong flags from the judged sample, as candidate `allow` entries for a team pack.",
             "# An allowed phrase cancels every hit it covers, of any rule: keep only the ones that are",
             "# never right, or paste a longer phrase from the context instead."]
    listed: set[str] = set()
    entries = []
    for group in candidates:
        entries.append(f"  # {group['rule']} ({group['category']}): {group['wrong']} wrong")
        for item in group["phrases"]:
            phrase = item["phrase"]
            note = f"wrong {item['wrong']}"
            if item["correct"]:
                note += f", but judged correct {item['correct']}"
            if "|" in phrase or re.search(r"…|\.\.\.|⋯", phrase):
                note += "; holds | or …, which allow reads as syntax: edit before use"
            if phrase in listed:
                entries.append(f"  # {dumps(phrase)}  # {note} (listed above)")
                continue
            listed.add(phrase)
            entries.append(f"  - {dumps(phrase)}  # {note}; e.g. {_excerpt(item['context'])}")
        if group["without_phrase"]:
            entries.append(f"  # ({group['without_phrase']} wrong flag(s) of a missing element: no phrase, "
                           "allow cannot cancel them)")
    if not listed:
        lines.append("allow: []" if not entries else "allow: []  # nothing to allow, see the notes below")
        lines += [line.replace("  # ", "# ", 1) for line in entries]
    else:
        lines.append("allow:")
        lines += entries
    return "\n".join(lines)


def _excerpt(marked: str, around: int = 12) -> str:
    """A marked context cut to `around` characters on each side of its 【phrase】, on one line."""
    start, end = marked.find("【"), marked.rfind("】")
    if start < 0 or end < 0:
        return marked.replace("\n", " ")
    left, right = max(0, start - around), end + 1 + around
    text = ("…" if left else "") + marked[left:right] + ("…" if right < len(marked) else "")
    return " ".join(text.split())


def _interval(ci: list[float] | tuple[float, float] | None) -> str:
    return f"{ci[0]:.3f}–{ci[1]:.3f}" if ci else "—"


def report_text(results: list[RuleResult], whole: dict, yaml: str) -> str:
    rows = [["rule", "category", "findings", "judged", "correct", "wrong", "precision", "95% CI"]]
    for r in results:
        d = r.to_dict()
        rows.append([r.rule, r.category, str(r.findings), str(r.judged), str(r.correct), str(r.wrong),
                     f"{d['precision']:.3f}" if r.judged else "—", _interval(d["ci95"])])
    rows.append(["overall (weighted)", "", str(whole["findings"]), str(whole["judged"]), str(whole["correct"]),
                 str(whole["wrong"]), f"{whole['precision']:.3f}" if whole["precision"] is not None else "—",
                 _interval(whole["ci95"])])
    parts = [table(rows, right=range(2, 7))]
    if whole["unjudged_rules"]:
        parts.append(f"weights cover the {whole['covered_findings']:,} of {whole['findings']:,} findings whose "
                     f"rule has a judgement; not judged: {', '.join(whole['unjudged_rules'])}")
    parts.append(yaml)
    return "\n\n".join(parts)


# --- commands -----------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`cslint sample`'s options."""
    from .cli import _positive
    parser.add_argument("findings", metavar="FINDINGS.jsonl", help="findings.jsonl of a `cslint scan`")
    parser.add_argument("--per-rule", type=_positive, default=20, metavar="N",
                        help="findings drawn per rule (all of a rule's when it has fewer; default 20)")
    parser.add_argument("--seed", default="0", metavar="S", help="the same seed draws the same sample (default 0)")
    parser.add_argument("--out", required=True, metavar="SHEET",
                        help="sheet.csv (UTF-8 with BOM, CRLF) or sheet.xlsx (needs openpyxl)")
    parser.add_argument("--force", action="store_true", help="overwrite SHEET if it exists (its verdicts are lost)")


def cmd_sample(args: argparse.Namespace) -> int:
    out = Path(args.out)
    try:
        suffix = out.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise JudgingError(f"--out {out}: expected a .csv or .xlsx file name")
        if suffix == ".xlsx":
            try:
                import openpyxl  # noqa: F401
            except ImportError:
                raise JudgingError("writing .xlsx needs openpyxl (pip install 'cslint[xlsx]'); "
                                   "or use --out sheet.csv") from None
        if out.exists() and not args.force:
            raise JudgingError(f"{out} exists (a filled sheet would lose its verdicts); use --force to overwrite")
        sample = draw_sample(read_findings(Path(args.findings)), args.per_rule, args.seed)
        (write_xlsx if suffix == ".xlsx" else write_csv)(sample, out)
    except (JudgingError, OSError) as exc:
        print(f"cslint sample: {exc}", file=sys.stderr)
        return 2
    print(f"抽样 {len(sample.rows):,} 条（{len(sample.totals)} 条规则，每条至多 {args.per_rule} 条，种子 {args.seed}），"
          f"共 {sum(sample.totals.values()):,} 个问题 → {out}")
    return 0


def cmd_eval_judged(args: argparse.Namespace) -> int:
    """`cslint eval --judged SHEET FINDINGS.jsonl`."""
    if args.corpus or args.show_errors:
        print("cslint eval: --judged takes a filled sheet and its findings.jsonl; "
              "--corpus and --show-errors are for labelled files", file=sys.stderr)
        return 2
    sheet_path = Path(args.judged)
    try:
        results = judge(read_sheet(sheet_path), Path(args.file), str(sheet_path))
    except JudgingError as exc:
        print(f"cslint eval: {exc}", file=sys.stderr)
        return 2
    whole = overall(results)
    candidates = allow_candidates(results)
    yaml = allow_yaml(candidates)
    if args.format == "json":
        print(dumps({"rules": [r.to_dict() for r in results], "overall": whole,
                     "allow_candidates": candidates, "allow_yaml": yaml}, indent=2))
    else:
        print(report_text(results, whole, yaml))
    return 0
