"""The HTML report of `cslint scan`: one self-contained page built from the scan summary.

`render_report(summary)` returns a single HTML document (`<html lang="zh-CN">`, inline `<style>`,
no JavaScript, nothing fetched from outside: charts are inline SVG drawn here). Every value taken
from the summary is HTML-escaped, since texts, agent names and ids come from real transcripts.

The summary is a JSON-serialisable dict of this shape (a missing key is read as empty or zero):

    {
      "generated_by": "cslint 0.1.0",
      "inputs": ["path/a.jsonl", ...],
      "packs": [{"id": "default", "version": "1"}, ...],
      "channel": "chat",
      "totals": {"conversations": int, "turns": int, "agent_turns": int,
                 "flagged_agent_turns": int, "findings": int, "errors": int},
      "by_category": {"forbidden": int, "tone": int, "jargon": int,
                      "filler": int, "honorific": int, "courtesy": int},
      "by_rule": {"rule-id": {"category": str, "count": int, "message": str}, ...},
      "by_date_category": {"2024-01-05": {"forbidden": int, ...}, ...},  # {} without timestamps
      "by_date_rule": {"2024-01-05": {"rule-id": int, ...}, ...},         # {} without timestamps
      "top_phrases": [{"rule_id": str, "category": str, "phrase": str, "count": int}, ...],
      "agents": [{"agent": str, "conversations": int, "turns": int, "findings": int,
                  "per_100_turns": float, "score": float}, ...],
      "worst_conversations": [
        {"conversation": str, "score": float, "findings": int,
         "turns": [{"turn": int, "role": "agent" | "customer", "agent": str | None, "text": str,
                    "findings": [{"start": int, "end": int, "rule_id": str, "category": str,
                                  "message": str, "suggestion": str | None}, ...]}, ...]},
        ...
      ],
      "score": {"formula": "human-readable formula text",
                "weights": {"error": 10, "warning": 3, "info": 1}}
    }

Date keys are ISO dates. `top_phrases`, `agents` and `worst_conversations` come sorted (most
frequent or worst first) and are shown in that order. A finding's `start`/`end` are code-point
offsets into its turn's text, end exclusive; `start == end` marks a missing element (an insertion
point). Where findings overlap, the first by start is highlighted and the others are only listed.

Sections, in order: header (inputs, packs, channel, totals); findings by category; top rules;
findings per day (only when `by_date_category` is non-empty); frequent phrases; agents; worst
conversations; score formula. An empty section shows a short 无 note instead of a chart or table.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..model import CATEGORY_DISPLAY_NAMES, Category

CATEGORY_ORDER = tuple(c.value for c in Category)
CATEGORY_COLOURS = {
    "forbidden": "#c62828", "tone": "#e65100", "jargon": "#1565c0",
    "filler": "#6a1b9a", "honorific": "#00796b", "courtesy": "#2e7d32",
}
CATEGORY_NAMES = CATEGORY_DISPLAY_NAMES
UNKNOWN_COLOUR = "#616161"
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
TOTAL_LABELS = (
    ("conversations", "会话"), ("turns", "轮次"), ("agent_turns", "客服轮次"),
    ("flagged_agent_turns", "有问题的客服轮次"), ("findings", "问题"), ("errors", "无法读取的行"),
)
TOP_RULES_SHOWN = 15
TOP_RULES_PER_DAY = 5
RULE_DASHES = ("", "7 4", "2 3", "9 3 2 3", "1 5")  # tells apart rules of the same category
MAX_FILLED_DAYS = 1000  # a longer date range is drawn from its keys only, without empty days
NONE_NOTE = "无"
_SURROGATE = re.compile("[\ud800-\udfff]")

CHART_WIDTH = 720
BAR_ROW = 28
LINE_CHART_HEIGHT = 260
LINE_MARGIN = {"left": 52, "right": 20, "top": 16, "bottom": 40}


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    colour: str
    tooltip: str


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: tuple[int, ...]
    dash: str = ""


def render_report(summary: Mapping[str, Any]) -> str:
    """The whole report as one HTML document (see the module docstring for `summary`)."""
    sections = (
        _header_section(summary),
        _category_section(summary.get("by_category") or {}),
        _top_rules_section(summary.get("by_rule") or {}),
        _timeline_section(summary.get("by_date_category") or {},
                          summary.get("by_date_rule") or {}, summary.get("by_rule") or {}),
        _phrases_section(summary.get("top_phrases") or []),
        _agents_section(summary.get("agents") or []),
        _conversations_section(summary.get("worst_conversations") or []),
        _score_section(summary.get("score") or {}),
    )
    return _page("客服回复合规扫描报告", "\n".join(s for s in sections if s))


# --- small helpers -----------------------------------------------------------------------------

def esc(value: Any) -> str:
    """`value` as text safe inside HTML content and quoted attributes (None is empty).

    A lone surrogate (possible in JSON input) becomes U+FFFD, one code point for one, so the page
    can be written as UTF-8.
    """
    if value is None:
        return ""
    return html.escape(_SURROGATE.sub("\ufffd", str(value)), quote=True)


def _category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category)


def _category_colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, UNKNOWN_COLOUR)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _one_decimal(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, (int, float)) else esc(value)


def _none_note(text: str = NONE_NOTE) -> str:
    return f'<p class="none">{esc(text)}</p>'


def _section(section_id: str, title: str, body: str) -> str:
    return f'<section id="{section_id}">\n<h2>{esc(title)}</h2>\n{body}\n</section>'


def _chip(category: str) -> str:
    return f'<span class="chip cat-{esc(category)}">{esc(_category_name(category))}</span>'


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric_from: int) -> str:
    """A table of already-escaped cells; columns from `numeric_from` on are right-aligned numbers."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "\n".join(
        "<tr>" + "".join(
            f'<td class="num">{cell}</td>' if i >= numeric_from else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _text_width(text: str, font_px: float = 13) -> float:
    """Rough drawn width of `text`: wide (CJK) characters count one em, others a bit over half."""
    return sum(font_px if ord(ch) >= 0x2E80 else font_px * 0.6 for ch in text)


# --- page and sections -------------------------------------------------------------------------

def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{_stylesheet()}</style>\n</head>\n"
        f'<body>\n<main>\n<h1>{esc(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n'
    )


def _stylesheet() -> str:
    return _BASE_CSS + "".join(_category_css(category) for category in CATEGORY_ORDER)


def _category_css(category: str) -> str:
    colour = _category_colour(category)
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f".cat-{category} {{ --c: {colour}; --tint: rgba({red}, {green}, {blue}, .16); }}\n"


def _header_section(summary: Mapping[str, Any]) -> str:
    inputs = summary.get("inputs") or []
    packs = summary.get("packs") or []
    input_list = ("<ul class=\"inputs\">" + "".join(f"<li><code>{esc(p)}</code></li>" for p in inputs)
                  + "</ul>") if inputs else NONE_NOTE
    pack_text = "、".join(f"{esc(p.get('id'))} {esc(p.get('version'))}" for p in packs) or NONE_NOTE
    facts = (
        f"<dl class=\"facts\">\n<dt>输入</dt><dd>{input_list}</dd>\n"
        f"<dt>规则包</dt><dd>{pack_text}</dd>\n"
        f"<dt>渠道</dt><dd>{esc(summary.get('channel')) or NONE_NOTE}</dd>\n"
        f"<dt>生成工具</dt><dd>{esc(summary.get('generated_by')) or NONE_NOTE}</dd>\n</dl>"
    )
    return _section("overview", "概览", facts + "\n" + _totals(summary.get("totals") or {}))


def _totals(totals: Mapping[str, Any]) -> str:
    cards = "".join(
        f'<div class="total"><span class="value">{_count(totals.get(key))}</span>'
        f'<span class="label">{esc(label)}</span></div>'
        for key, label in TOTAL_LABELS
    )
    return f'<div class="totals">{cards}</div>'


def _category_section(by_category: Mapping[str, Any]) -> str:
    bars = [
        Bar(_category_name(c), _count(by_category.get(c)), _category_colour(c), c)
        for c in CATEGORY_ORDER
    ]
    if not any(bar.value for bar in bars):
        return _section("by-category", "按类别统计", _none_note("无（未发现问题）"))
    return _section("by-category", "按类别统计", _bar_chart(bars, "各类别问题数"))


def _top_rules_section(by_rule: Mapping[str, Mapping[str, Any]]) -> str:
    ranked = sorted(
        ((rule_id, info) for rule_id, info in by_rule.items() if _count(info.get("count"))),
        key=lambda item: (-_count(item[1].get("count")), item[0]),
    )[:TOP_RULES_SHOWN]
    if not ranked:
        return _section("top-rules", "高频规则", _none_note())
    bars = [
        Bar(rule_id, _count(info.get("count")), _category_colour(info.get("category", "")),
            f"{_category_name(info.get('category', ''))} · {info.get('message') or ''}")
        for rule_id, info in ranked
    ]
    return _section("top-rules", f"高频规则（前 {len(bars)} 条）", _bar_chart(bars, "触发最多的规则"))


def _timeline_section(by_date_category: Mapping[str, Mapping[str, Any]],
                      by_date_rule: Mapping[str, Mapping[str, Any]],
                      by_rule: Mapping[str, Mapping[str, Any]]) -> str:
    if not by_date_category:
        return ""
    category_days = _day_axis(by_date_category)
    category_chart = _line_chart(category_days, _category_series(category_days, by_date_category),
                                 "每日各类别问题数")
    rule_days = _day_axis(by_date_rule)
    rule_series = _rule_series(rule_days, by_date_rule, by_rule)
    rule_chart = _line_chart(rule_days, rule_series, "每日高频规则") if rule_series else _none_note()
    body = (f"<h3>按类别</h3>\n{category_chart}\n"
            f"<h3>前 {TOP_RULES_PER_DAY} 条规则</h3>\n{rule_chart}")
    return _section("timeline", "每日趋势", body)


def _day_axis(by_date: Mapping[str, Any]) -> list[str]:
    """Every day from the first date to the last (days without findings count zero).

    Keys that are not ISO dates, or a range over MAX_FILLED_DAYS, fall back to the sorted keys.
    """
    keys = sorted(by_date)
    try:
        first, last = date.fromisoformat(keys[0]), date.fromisoformat(keys[-1])
        for key in keys:
            date.fromisoformat(key)
    except (IndexError, TypeError, ValueError):
        return keys
    span = (last - first).days
    if span > MAX_FILLED_DAYS:
        return keys
    return [(first + timedelta(days=n)).isoformat() for n in range(span + 1)]


def _category_series(days: Sequence[str], by_date_category: Mapping[str, Mapping[str, Any]]
                     ) -> list[Series]:
    return [
        Series(_category_name(c), _category_colour(c),
               tuple(_count((by_date_category.get(day) or {}).get(c)) for day in days))
        for c in CATEGORY_ORDER
    ]


def _rule_series(days: Sequence[str], by_date_rule: Mapping[str, Mapping[str, Any]],
                 by_rule: Mapping[str, Mapping[str, Any]]) -> list[Series]:
    totals: dict[str, int] = {}
    for counts in by_date_rule.values():
        for rule_id, count in (counts or {}).items():
            totals[rule_id] = totals.get(rule_id, 0) + _count(count)
    top = sorted((r for r in totals if totals[r]), key=lambda r: (-totals[r], r))[:TOP_RULES_PER_DAY]
    return [
        Series(rule_id, _category_colour((by_rule.get(rule_id) or {}).get("category", "")),
               tuple(_count((by_date_rule.get(day) or {}).get(rule_id)) for day in days),
               RULE_DASHES[rank % len(RULE_DASHES)])
        for rank, rule_id in enumerate(top)
    ]


def _phrases_section(top_phrases: Sequence[Mapping[str, Any]]) -> str:
    if not top_phrases:
        return _section("phrases", "高频问题短语", _none_note())
    rows = (
        (f'<span class="phrase">{esc(p.get("phrase"))}</span>', _chip(p.get("category", "")),
         f"<code>{esc(p.get('rule_id'))}</code>", str(_count(p.get("count"))))
        for p in top_phrases
    )
    return _section("phrases", "高频问题短语", _table(("短语", "类别", "规则", "次数"), rows, 3))


def _agents_section(agents: Sequence[Mapping[str, Any]]) -> str:
    if not agents:
        return _section("agents", "客服排名", _none_note())
    rows = (
        (esc(a.get("agent")), str(_count(a.get("conversations"))), str(_count(a.get("turns"))),
         str(_count(a.get("findings"))), _one_decimal(a.get("per_100_turns")),
         _one_decimal(a.get("score")))
        for a in agents
    )
    headers = ("客服", "会话数", "轮次", "问题数", "每百轮问题数", "得分")
    return _section("agents", "客服排名（问题最多者在前）", _table(headers, rows, 1))


def _conversations_section(conversations: Sequence[Mapping[str, Any]]) -> str:
    if not conversations:
        return _section("conversations", "问题最多的会话", _none_note())
    body = "\n".join(_conversation(c) for c in conversations)
    return _section("conversations", "问题最多的会话", body)


def _score_section(score: Mapping[str, Any]) -> str:
    formula = f'<p class="formula">{esc(score.get("formula"))}</p>' if score.get("formula") else ""
    weights = score.get("weights") or {}
    weight_items = "".join(
        f"<li>{esc(SEVERITY_NAMES.get(severity, severity))}（{esc(severity)}）：{esc(weight)}</li>"
        for severity, weight in weights.items()
    )
    weight_list = f'<ul class="weights">{weight_items}</ul>' if weight_items else ""
    return _section("score", "评分方式", (formula + weight_list) or _none_note())


# --- conversations -----------------------------------------------------------------------------

def _conversation(conversation: Mapping[str, Any]) -> str:
    heading = (
        f"<h3>会话 <code>{esc(conversation.get('conversation'))}</code>"
        f'<span class="meta">得分 {_one_decimal(conversation.get("score"))} · '
        f"问题 {_count(conversation.get('findings'))}</span></h3>"
    )
    turns = "\n".join(_turn(t) for t in conversation.get("turns") or []) or _none_note()
    return f'<article class="conversation">\n{heading}\n{turns}\n</article>'


def _turn(turn: Mapping[str, Any]) -> str:
    role = "customer" if turn.get("role") == "customer" else "agent"
    speaker = "客户" if role == "customer" else f"客服 {esc(turn.get('agent'))}".rstrip()
    text = turn.get("text") or ""
    findings = turn.get("findings") or []
    return (
        f'<div class="turn {role}">\n'
        f'<div class="speaker">#{esc(turn.get("turn"))} {speaker}</div>\n'
        f'<div class="text">{_highlighted_text(text, findings)}</div>\n'
        f"{_finding_list(text, findings)}</div>"
    )


def _highlighted_text(text: str, findings: Sequence[Mapping[str, Any]]) -> str:
    """`text` escaped, with each drawable finding marked in its category's colour."""
    pieces: list[str] = []
    cursor = 0
    for finding in _drawable_findings(text, findings):
        start, end = finding["start"], finding["end"]
        pieces.append(esc(text[cursor:start]))
        pieces.append(_insertion_marker(finding) if start == end else _mark(text[start:end], finding))
        cursor = end
    pieces.append(esc(text[cursor:]))
    return "".join(pieces)


def _drawable_findings(text: str, findings: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Findings with offsets inside `text`, by start; one overlapping an earlier kept one is left out.

    An insertion point overlaps a span only when it falls strictly inside it.
    """
    valid = [f for f in findings if _has_valid_offsets(f, len(text))]
    kept: list[Mapping[str, Any]] = []
    cursor = 0
    for finding in sorted(valid, key=lambda f: (f["start"], f["end"])):
        if finding["start"] < cursor:
            continue
        kept.append(finding)
        cursor = finding["end"]
    return kept


def _has_valid_offsets(finding: Mapping[str, Any], length: int) -> bool:
    start, end = finding.get("start"), finding.get("end")
    return (isinstance(start, int) and isinstance(end, int)
            and not isinstance(start, bool) and not isinstance(end, bool)
            and 0 <= start <= end <= length)


def _mark(phrase: str, finding: Mapping[str, Any]) -> str:
    return (f'<mark class="cat-{esc(finding.get("category"))}" title="{esc(finding.get("message"))}">'
            f"{esc(phrase)}</mark>")


def _insertion_marker(finding: Mapping[str, Any]) -> str:
    return (f'<span class="insertion cat-{esc(finding.get("category"))}" '
            f'title="{esc(finding.get("message"))}">▲</span>')


def _finding_list(text: str, findings: Sequence[Mapping[str, Any]]) -> str:
    if not findings:
        return ""
    items = "\n".join(_finding_item(text, f) for f in findings)
    return f'<ul class="findings">\n{items}\n</ul>\n'


def _finding_item(text: str, finding: Mapping[str, Any]) -> str:
    start, end = finding.get("start"), finding.get("end")
    if _has_valid_offsets(finding, len(text)) and start < end:
        phrase = f'<span class="phrase">{esc(text[start:end])}</span>'
    else:
        phrase = '<span class="phrase missing">（缺少）</span>'
    suggestion = finding.get("suggestion")
    advice = f' <span class="suggestion">建议：{esc(suggestion)}</span>' if suggestion else ""
    return (f"<li>{_chip(finding.get('category', ''))} <code>{esc(finding.get('rule_id'))}</code> "
            f"{phrase} {esc(finding.get('message'))}{advice}</li>")


# --- charts ------------------------------------------------------------------------------------

def _bar_chart(bars: Sequence[Bar], caption: str) -> str:
    """Horizontal bars, one row each: label on the left, bar, count after the bar."""
    label_width = min(260, max(80, max(_text_width(b.label) for b in bars) + 16))
    plot_width = CHART_WIDTH - label_width - 60
    peak = max(b.value for b in bars) or 1
    height = BAR_ROW * len(bars) + 8
    rows = "\n".join(_bar_row(i, bar, label_width, plot_width / peak) for i, bar in enumerate(bars))
    return (f'<svg class="chart bar-chart" viewBox="0 0 {CHART_WIDTH} {height}" '
            f'width="{CHART_WIDTH}" height="{height}" role="img" aria-label="{esc(caption)}">\n'
            f"{rows}\n</svg>")


def _bar_row(index: int, bar: Bar, label_width: float, px_per_unit: float) -> str:
    middle = index * BAR_ROW + 4 + BAR_ROW / 2
    length = bar.value * px_per_unit
    return (
        f'<g><title>{esc(bar.tooltip)}：{bar.value}</title>'
        f'<text x="{label_width - 8:.1f}" y="{middle:.1f}" text-anchor="end" dy=".35em">'
        f"{esc(bar.label)}</text>"
        f'<rect class="bar" x="{label_width:.1f}" y="{middle - BAR_ROW / 2 + 5:.1f}" '
        f'width="{length:.1f}" height="{BAR_ROW - 10}" fill="{bar.colour}"></rect>'
        f'<text x="{label_width + length + 6:.1f}" y="{middle:.1f}" dy=".35em">{bar.value}</text></g>'
    )


def _line_chart(days: Sequence[str], series: Sequence[Series], caption: str) -> str:
    """One polyline per series over `days`, with axes (first/last day, 0 and the peak) and a legend."""
    peak = max((v for s in series for v in s.values), default=0)
    lines = "\n".join(_series_shape(s, days, peak) for s in series)
    svg = (f'<svg class="chart line-chart" viewBox="0 0 {CHART_WIDTH} {LINE_CHART_HEIGHT}" '
           f'width="{CHART_WIDTH}" height="{LINE_CHART_HEIGHT}" role="img" '
           f'aria-label="{esc(caption)}">\n'
           f"{_line_axes(days, peak)}\n{lines}\n</svg>")
    return f'<figure class="line">\n{svg}\n{_legend(series)}\n</figure>'


def _plot_box() -> tuple[float, float, float, float]:
    """(left, top, width, height) of the line chart's plotting area."""
    width = CHART_WIDTH - LINE_MARGIN["left"] - LINE_MARGIN["right"]
    height = LINE_CHART_HEIGHT - LINE_MARGIN["top"] - LINE_MARGIN["bottom"]
    return LINE_MARGIN["left"], LINE_MARGIN["top"], width, height


def _point(index: int, value: int, day_count: int, peak: int) -> tuple[float, float]:
    left, top, width, height = _plot_box()
    x = left + width / 2 if day_count == 1 else left + index * width / (day_count - 1)
    y = top + height - value * height / (peak or 1)
    return x, y


def _line_axes(days: Sequence[str], peak: int) -> str:
    left, top, width, height = _plot_box()
    bottom, label_y = top + height, top + height + 22
    if len(days) == 1:
        day_labels = (f'<text x="{left + width / 2:.1f}" y="{label_y}" text-anchor="middle">'
                      f"{esc(days[0])}</text>")
    else:
        day_labels = (f'<text x="{left}" y="{label_y}" text-anchor="start">{esc(days[0])}</text>'
                      f'<text x="{left + width}" y="{label_y}" text-anchor="end">{esc(days[-1])}</text>')
    return (
        f'<g class="axes"><line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"></line>'
        f'<line x1="{left}" y1="{bottom}" x2="{left + width}" y2="{bottom}"></line>'
        f'<line class="grid" x1="{left}" y1="{top}" x2="{left + width}" y2="{top}"></line>'
        f'<text x="{left - 6}" y="{bottom}" text-anchor="end" dy=".35em">0</text>'
        f'<text x="{left - 6}" y="{top}" text-anchor="end" dy=".35em">{peak}</text>'
        f"{day_labels}</g>"
    )


def _series_shape(series: Series, days: Sequence[str], peak: int) -> str:
    """The series' polyline; a single day is drawn as a dot, since a one-point line is invisible."""
    points = [_point(i, v, len(days), peak) for i, v in enumerate(series.values)]
    title = f"<title>{esc(series.name)}：共 {sum(series.values)}</title>"
    if len(points) == 1:
        x, y = points[0]
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{series.colour}">{title}</circle>'
    coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (f'<polyline points="{coordinates}" fill="none" stroke="{series.colour}" '
            f'stroke-width="2"{_dash(series)}>{title}</polyline>')


def _dash(series: Series) -> str:
    return f' stroke-dasharray="{series.dash}"' if series.dash else ""


def _legend(series: Sequence[Series]) -> str:
    items = "".join(
        f'<li><svg class="swatch" viewBox="0 0 28 10" width="28" height="10" aria-hidden="true">'
        f'<line x1="0" y1="5" x2="28" y2="5" stroke="{s.colour}" stroke-width="3"{_dash(s)}></line>'
        "</svg>"
        f"{esc(s.name)}</li>"
        for s in series
    )
    return f'<ul class="legend">{items}</ul>'


_BASE_CSS = """\
:root { --text: #1f2328; --muted: #59636e; --line: #d0d7de; --bg: #f6f8fa;
  --font: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; font-family: var(--font); color: var(--text); background: var(--bg);
  line-height: 1.6; }
main { max-width: 1000px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 1.5rem; margin: 8px 0 16px; }
h2 { font-size: 1.15rem; margin: 0 0 12px; }
h3 { font-size: 1rem; margin: 16px 0 8px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px;
  margin-bottom: 16px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
.none { color: var(--muted); margin: 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.inputs { margin: 0; padding-left: 1.2em; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; }
.total { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 96px; }
.total .value { display: block; font-size: 1.4rem; font-weight: 600; }
.total .label { color: var(--muted); font-size: .9rem; }
.chart { display: block; max-width: 100%; height: auto; font-size: 13px; fill: var(--text); }
.axes line { stroke: var(--muted); stroke-width: 1; }
.axes line.grid { stroke: var(--line); stroke-dasharray: 3 3; }
.axes text { fill: var(--muted); font-size: 12px; }
figure.line { margin: 0; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 16px; padding: 0;
  margin: 6px 0 0; font-size: .9rem; }
.legend li { display: flex; align-items: center; gap: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.chip { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: .8rem; color: #fff;
  background: var(--c, #616161); }
.conversation { border-top: 1px solid var(--line); padding-top: 4px; }
.conversation:first-of-type { border-top: 0; }
.conversation .meta { color: var(--muted); font-weight: normal; font-size: .9rem; margin-left: 12px; }
.turn { border-radius: 6px; padding: 8px 12px; margin: 8px 0; max-width: 88%; }
.turn.agent { background: #fff; border: 1px solid var(--line); border-left: 4px solid #0969da; }
.turn.customer { background: #eef1f4; border: 1px dashed var(--line); margin-left: auto;
  color: #3d444d; }
.speaker { font-size: .85rem; color: var(--muted); }
.text { white-space: pre-wrap; overflow-wrap: break-word; }
mark { background: var(--tint, #eee); border-bottom: 2px solid var(--c, #616161); color: inherit;
  padding: 0 1px; border-radius: 2px; }
.insertion { color: var(--c, #616161); font-size: .7em; vertical-align: super; cursor: help; }
.findings { margin: 6px 0 0; padding-left: 1.2em; font-size: .9rem; }
.findings li { margin: 2px 0; }
.phrase { font-weight: 600; }
.phrase.missing { font-weight: normal; color: var(--muted); }
.suggestion { color: #1a7f37; }
.formula { white-space: pre-wrap; margin: 0 0 8px; }
.weights { margin: 0; padding-left: 1.2em; }
"""
