"""Calibration end to end: `cslint scan` on a transcript written here, `cslint sample` into a sheet,
verdicts filled in as a supervisor would, `cslint eval --judged` — each in a subprocess.

Expected figures are computed here from the findings file and the verdicts we wrote, with the
formulas the README and lint/judging.py document, not taken from cslint's output.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import math
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from cli_process import cslint as cslint_in

ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPORA = ROOT.parent / "shared" / "corpora"
Z = 1.959963984540054
HEADER = ["编号 id", "规则 rule", "类别 category", "短语 phrase", "上下文 context", "判定 verdict", "备注 note"]
LONG = "您好，关于您反映的包裹延误问题，我们已经联系了当地站点的配送员，并且将您的订单加急处理，" \
       "预计明天上午送达，这个我不知道能不能再提前，" \
       "如果明天仍未送达，请您再联系我们，我们会第一时间为您跟进处理，给您带来不便深表歉意。"


def cslint(*args: str | Path) -> subprocess.CompletedProcess:
    return cslint_in(ROOT, *args, timeout=180)


def transcript(path: Path) -> Path:
    """24 conversations: 你/你好 (ni-instead-of-nin) in most, 不知道 (declares-ignorance) in a third,
    a bare 嗯 as closing (missing-closing) in a quarter, 工单 (jargon) and 木有 (filler) once each, and
    one long turn to cut the context of."""
    rows = []
    for n in range(24):
        cid = f"conv-{n:02d}"
        opening = "你好，请问有什么可以帮你的？" if n % 4 else "您好，请问有什么可以帮您？"
        middle = {5: LONG, 7: "您的工单已经提交，请耐心等待", 10: "木有问题，已为您查询，明天送达"}.get(
            n, "这个我不知道，你问下快递吧" if n % 3 == 0 else "已为您查询，明天送达")
        closing = "嗯" if n % 4 == 1 else "还有其他问题吗？感谢您的耐心等待，祝您生活愉快"
        for turn, (role, text) in enumerate([("customer", "在吗"), ("agent", opening), ("customer", "我的快递呢"),
                                             ("agent", middle), ("customer", "好吧"), ("agent", closing)]):
            rows.append({"dialogue": cid, "turn": turn, "role": role, "text": text})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> tuple[Path, Path, list[dict]]:
    """(the transcript, findings.jsonl, its findings) from one real scan."""
    base = tmp_path_factory.mktemp("judging")
    source = transcript(base / "t.jsonl")
    run = cslint("scan", source, "--out", base / "out", "--workers", "1")
    assert run.returncode == 0, run.stderr
    findings_path = base / "out" / "findings.jsonl"
    findings = [json.loads(line) for line in findings_path.read_text(encoding="utf-8").splitlines()]
    return source, findings_path, findings


def read_csv_sheet(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel/WPS read UTF-8, not GBK
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def write_csv_sheet(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def wilson(c: int, n: int) -> tuple[float, float]:
    p = c / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def stratified(strata: dict[str, tuple[int, int, int]]) -> tuple[float, float, float]:
    """The documented overall estimate: Σ N_h p_h / Σ N_h, and a Wilson interval at it with the
    effective size n* = P̃(1 − P̃)/V − z² (Agresti–Coull p̃_h, finite population correction)."""
    judged = {r: s for r, s in strata.items() if s[1]}
    total = sum(N for N, _, _ in judged.values())
    point = sum(N / total * c / n for N, n, c in judged.values())
    smoothed = sum(N / total * ((c + Z * Z / 2) / (n + Z * Z) if n < N else c / n) for N, n, c in judged.values())
    variance = sum((N / total) ** 2 * (1 - n / N) * ((c + Z * Z / 2) / (n + Z * Z)) * (1 - (c + Z * Z / 2) / (n + Z * Z))
                   / (n + Z * Z) for N, n, c in judged.values() if n < N)
    effective = smoothed * (1 - smoothed) / variance - Z * Z
    p = point
    centre = (p + Z * Z / (2 * effective)) / (1 + Z * Z / effective)
    half = Z / (1 + Z * Z / effective) * math.sqrt(p * (1 - p) / effective + Z * Z / (4 * effective ** 2))
    return point, max(0.0, centre - half), min(1.0, centre + half)


# --- findings: id and context ---------------------------------------------------------------------

def test_findings_have_a_stable_id_and_their_context(scanned, tmp_path):
    source, _, findings = scanned
    texts = {(r["dialogue"], r["turn"]): r["text"] for r in map(json.loads, source.read_text(encoding="utf-8").splitlines())}
    for f in findings:
        key = json.dumps([f["conversation"], f["turn"], f["rule"], f["start"], f["end"]], ensure_ascii=False)
        assert f["id"] == base64.b32encode(hashlib.sha1(key.encode()).digest()).decode()[:16].lower()
        text = texts[(f["conversation"], f["turn"])]
        assert f["context"] == text[max(0, f["start"] - 40):f["end"] + 40]
        assert f["context"][min(f["start"], 40):][:len(f["phrase"])] == f["phrase"]
    assert len({f["id"] for f in findings}) == len(findings)
    cut = [f for f in findings if f["conversation"] == "conv-05" and f["rule"] == "declares-ignorance"]
    assert cut and len(cut[0]["context"]) == 83 and cut[0]["context"] != texts[("conv-05", 3)]  # 40 + 不知道 + 40
    # another run over the same input (other partitions, two workers) gives the same ids and contexts
    again = cslint("scan", source, "--out", tmp_path / "again", "--workers", "2", "--partition-bytes", "1024")
    assert again.returncode == 0, again.stderr
    rerun = [json.loads(line) for line in (tmp_path / "again" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(f["id"], f["context"]) for f in rerun] == [(f["id"], f["context"]) for f in findings]


# --- cslint sample -----------------------------------------------------------------------------------

def test_sample_is_stratified_reproducible_and_excel_ready(scanned, tmp_path):
    _, findings_path, findings = scanned
    per_rule = 4
    totals = Counter(f["rule"] for f in findings)
    assert len(totals) >= 3 and max(totals.values()) > per_rule and min(totals.values()) < per_rule  # a fair test
    by_id = {f["id"]: f for f in findings}

    run = cslint("sample", findings_path, "--per-rule", per_rule, "--seed", 7, "--out", tmp_path / "a.csv")
    assert run.returncode == 0, run.stderr
    rows = read_csv_sheet(tmp_path / "a.csv")
    assert rows[0] == HEADER
    drawn = Counter(row[1] for row in rows[1:])
    assert drawn == {rule: min(n, per_rule) for rule, n in totals.items()}  # every rule, all when fewer than N
    for ident, rule, category, phrase, context, verdict, note in rows[1:]:
        f = by_id[ident]
        assert (rule, category, phrase, verdict, note) == (f["rule"], f["category"], f["phrase"], "", "")
        assert context.replace("【", "").replace("】", "").replace("▲", "") == f["context"]
        assert f"【{phrase or '▲'}】" in context
    assert len({row[0] for row in rows[1:]}) == len(rows) - 1

    assert cslint("sample", findings_path, "--per-rule", per_rule, "--seed", 7, "--out", tmp_path / "b.csv").returncode == 0
    assert (tmp_path / "b.csv").read_bytes() == (tmp_path / "a.csv").read_bytes()
    assert cslint("sample", findings_path, "--per-rule", per_rule, "--seed", 8, "--out", tmp_path / "c.csv").returncode == 0
    other = read_csv_sheet(tmp_path / "c.csv")
    assert Counter(row[1] for row in other[1:]) == drawn
    assert {row[0] for row in other[1:]} != {row[0] for row in rows[1:]}
    # a filled sheet is not overwritten by mistake
    refused = cslint("sample", findings_path, "--out", tmp_path / "a.csv")
    assert refused.returncode == 2 and "--force" in refused.stderr


def test_sample_xlsx(scanned, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    _, findings_path, _ = scanned
    assert cslint("sample", findings_path, "--per-rule", 4, "--seed", 7, "--out", tmp_path / "s.csv").returncode == 0
    run = cslint("sample", findings_path, "--per-rule", 4, "--seed", 7, "--out", tmp_path / "s.xlsx")
    assert run.returncode == 0, run.stderr
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx").worksheets[0]
    values = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values == read_csv_sheet(tmp_path / "s.csv")  # the same table as the CSV of the same draw

    verdicts = {}
    for index, row in enumerate(sheet.iter_rows(min_row=2), 2):
        verdicts[row[0].value] = "错" if index % 3 == 0 else "对"
        row[5].value = verdicts[row[0].value]
    sheet.parent.save(tmp_path / "filled.xlsx")
    csv_rows = values[:1] + [row[:5] + [verdicts[row[0]], ""] for row in values[1:]]
    write_csv_sheet(tmp_path / "filled.csv", csv_rows)
    from_xlsx = cslint("eval", "--judged", tmp_path / "filled.xlsx", findings_path, "--format", "json")
    from_csv = cslint("eval", "--judged", tmp_path / "filled.csv", findings_path, "--format", "json")
    assert from_xlsx.returncode == 0 and from_csv.returncode == 0, from_xlsx.stderr + from_csv.stderr
    assert json.loads(from_xlsx.stdout) == json.loads(from_csv.stdout)


# --- cslint eval --judged ----------------------------------------------------------------------------

def fill(rows: list[list[str]], by_id: dict[str, dict]) -> dict[str, bool | None]:
    """A supervisor's verdicts, in the spellings they might use: 你 alone and 不知道 in the long
    reply are wrong; the jargon finding (its rule's only one) and one 你好 are left unjudged; the
    rest are right."""
    right, wrong = ["对", "correct", "正确", " Correct "], ["误报", "wrong", "错误", "错"]
    verdicts = {}
    skipped_hello = False
    for index, row in enumerate(rows[1:]):
        f = by_id[row[0]]
        if f["category"] == "jargon" or (f["phrase"] == "你好" and not skipped_hello):
            skipped_hello = skipped_hello or f["phrase"] == "你好"
            verdict, row[5] = None, ""
        elif f["phrase"] == "你" or (f["phrase"] == "不知道" and f["conversation"] == "conv-05"):
            verdict, row[5] = False, wrong[index % 4]
        else:
            verdict, row[5] = True, right[index % 4]
        row[6] = "备注" if index % 5 == 0 else ""
        verdicts[row[0]] = verdict
    return verdicts


def test_eval_judged_per_rule_weighted_overall_and_allow_snippet(scanned, tmp_path):
    _, findings_path, findings = scanned
    by_id = {f["id"]: f for f in findings}
    assert cslint("sample", findings_path, "--per-rule", 6, "--seed", 3, "--out", tmp_path / "s.csv").returncode == 0
    rows = read_csv_sheet(tmp_path / "s.csv")
    ids = {row[0] for row in rows[1:]}
    conv5 = next(f for f in findings if f["conversation"] == "conv-05" and f["rule"] == "declares-ignorance")
    if conv5["id"] not in ids:  # make sure the sheet holds a wrong 不知道: swap it in for another of its rule
        other = next(r for r in rows[1:] if r[1] == "declares-ignorance")
        other[0], other[3] = conv5["id"], conv5["phrase"]
    verdicts = fill(rows, by_id)
    # Excel on a Chinese desktop saves a plain CSV in GB18030, without a BOM
    write_csv_sheet(tmp_path / "filled.csv", rows, encoding="gb18030")

    run = cslint("eval", "--judged", tmp_path / "filled.csv", findings_path, "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)

    totals = Counter(f["rule"] for f in findings)
    strata = {}
    for rule, total in totals.items():
        judged = [v for i, v in verdicts.items() if by_id[i]["rule"] == rule and v is not None]
        strata[rule] = (total, len(judged), sum(judged))
    by_rule = {r["rule"]: r for r in report["rules"]}
    assert set(by_rule) == set(totals)
    unjudged = [rule for rule, (_, n, _) in strata.items() if n == 0]
    assert len(unjudged) == 1 and by_rule[unjudged[0]]["category"] == "jargon"
    for rule, (total, n, c) in strata.items():
        got = by_rule[rule]
        assert (got["findings"], got["judged"], got["correct"], got["wrong"]) == (total, n, c, n - c)
        if n == 0:
            assert got["precision"] is None and got["ci95"] is None
            continue
        assert got["precision"] == pytest.approx(c / n)
        assert got["ci95"] == pytest.approx(list(wilson(c, n)))
    assert 0 < by_rule["ni-instead-of-nin"]["precision"] < 1  # 你 wrong, 你好 right
    point, low, high = stratified(strata)
    whole = report["overall"]
    assert whole["precision"] == pytest.approx(point)
    assert whole["ci95"] == pytest.approx([low, high])
    assert whole["findings"] == len(findings) and whole["judged"] == sum(v is not None for v in verdicts.values())
    assert whole["unjudged_rules"] == unjudged and whole["covered_findings"] == len(findings) - totals[unjudged[0]]
    # not the pooled share of the sample: the rules are weighted by their findings
    pooled = sum(v for v in verdicts.values() if v) / whole["judged"]
    assert whole["precision"] != pytest.approx(pooled)

    wrong = Counter((by_id[i]["rule"], by_id[i]["phrase"]) for i, v in verdicts.items() if v is False)
    listed = {(g["rule"], p["phrase"]): p["wrong"] for g in report["allow_candidates"] for p in g["phrases"]}
    assert listed == dict(wrong)

    text = cslint("eval", "--judged", tmp_path / "filled.csv", findings_path)
    assert text.returncode == 0, text.stderr
    yaml_part = text.stdout[text.stdout.index("allow:"):]
    assert '- "你"  # wrong ' in yaml_part and '- "不知道"  # wrong 1' in yaml_part
    overall_line = next(line for line in text.stdout.splitlines() if line.startswith("overall"))
    assert f"{point:.3f}" in overall_line and f"{low:.3f}–{high:.3f}" in overall_line
    import yaml

    parsed = yaml.safe_load(yaml_part)
    assert sorted(parsed["allow"]) == sorted({phrase for _, phrase in wrong})


def test_eval_judged_rejects_a_bad_verdict_with_its_row(scanned, tmp_path):
    _, findings_path, findings = scanned
    assert cslint("sample", findings_path, "--per-rule", 3, "--seed", 1, "--out", tmp_path / "s.csv").returncode == 0
    rows = read_csv_sheet(tmp_path / "s.csv")
    rows[1][5], rows[3][5] = "对", "maybe"
    write_csv_sheet(tmp_path / "bad.csv", rows)
    run = cslint("eval", "--judged", tmp_path / "bad.csv", findings_path)
    assert run.returncode == 2 and run.stdout == ""
    assert "row 4" in run.stderr and "maybe" in run.stderr  # row 1 is the header, as a spreadsheet numbers it

    rows[3][5] = "错"
    rows[3][0] = "notanidatall0000"
    write_csv_sheet(tmp_path / "foreign.csv", rows)
    run = cslint("eval", "--judged", tmp_path / "foreign.csv", findings_path)
    assert run.returncode == 2 and "row 4" in run.stderr and "notanidatall0000" in run.stderr


@pytest.mark.skipif(not SHARED_CORPORA.is_dir(), reason="../shared/corpora is absent")
def test_sample_and_eval_on_a_real_scan(tmp_path):
    source = SHARED_CORPORA / "jddc_chat_sample.jsonl"
    assert cslint("scan", source, "--out", tmp_path / "out").returncode == 0
    findings_path = tmp_path / "out" / "findings.jsonl"
    totals = Counter(json.loads(line)["rule"] for line in findings_path.read_text(encoding="utf-8").splitlines())
    run = cslint("sample", findings_path, "--per-rule", 10, "--seed", 2024, "--out", tmp_path / "s.csv")
    assert run.returncode == 0, run.stderr
    rows = read_csv_sheet(tmp_path / "s.csv")
    assert Counter(row[1] for row in rows[1:]) == {rule: min(n, 10) for rule, n in totals.items()}
    for row in rows[1:]:
        row[5] = "correct"
    write_csv_sheet(tmp_path / "filled.csv", rows)
    report = json.loads(cslint("eval", "--judged", tmp_path / "filled.csv", findings_path, "--format", "json").stdout)
    assert report["overall"]["precision"] == 1.0 and report["overall"]["ci95"][0] < 1.0
    assert report["overall"]["findings"] == sum(totals.values()) and report["allow_candidates"] == []
