"""The HTML report of `cslint scan`: one self-contained page built from the scan summary.

`render_report(summary)` returns a single HTML document in Chinese (`<html lang="zh-CN">`) with
its style, script and data inline: nothing is fetched from anywhere, so the page works opened
from disk. Charts are inline SVG drawn here; the inline script only filters, pages and drills
down into what the page already holds (no `eval`, no `innerHTML` with data). Every value taken
from the summary is HTML-escaped, since texts, agent names and ids come from real transcripts,
and the data block is JSON with `<`, `>` and `&` escaped.

The summary is a JSON-serialisable dict of this shape (a missing key is read as empty or zero):

    {
      "generated_by": "cslint 0.1.0",
      "inputs": ["path/a.jsonl", ...],
      "packs": [{"id": "default", "version": "1"}, ...],
      "channel": "chat",
      "notes": [str, ...],                                                  # optional
      "totals": {"conversations": int, "turns": int, "agent_turns": int,
                 "flagged_agent_turns": int, "findings": int, "errors": int},
      "by_category": {"forbidden": int, "tone": int, "jargon": int,
                      "filler": int, "honorific": int, "courtesy": int},
      "by_rule": {"rule-id": {"category": str, "count": int, "message": str}, ...},
      "by_date_category": {"2024-01-05": {"forbidden": int, ...}, ...},  # {} without timestamps
      "by_date_rule": {"2024-01-05": {"rule-id": int, ...}, ...},         # {} without timestamps
      "top_phrases": [{"rule_id": str, "category": str, "phrase": str, "count": int}, ...],
      "agents": [{"agent": str, "conversations": int, "turns": int, "findings": int,
                  "per_100_turns": float, "score": float,
                  "by_category": {"forbidden": int, ...},                   # optional
                  "by_date": {"2024-01-05": int, ...}}, ...],               # optional
      "worst_conversations": [
        {"conversation": str, "score": float, "findings": int,
         "date": "2024-01-05",                                              # optional
         "turns": [{"turn": int, "role": "agent" | "customer", "agent": str | None, "text": str,
                    "findings": [{"start": int, "end": int, "rule_id": str, "category": str,
                                  "message": str, "suggestion": str | None}, ...]}, ...]},
        ...
      ],
      "score": {"formula": "human-readable formula text",
                "weights": {"error": 10, "warning": 3, "info": 1}},
      "disputes": {"file": str,                                             # optional (--disputes)
                   "findings": [{"id": str, "conversation": str, "turn": int, "agent": str | None,
                                 "rule": str, "category": str, "phrase": str, "context": str,
                                 "start": int, "end": int, "reason": str, ...}, ...]}
    }

Date keys are ISO dates. `top_phrases`, `agents` and `worst_conversations` come sorted (most
frequent or worst first) and are shown in that order. A finding's `start`/`end` are code-point
offsets into its turn's text, end exclusive; `start == end` marks a missing element (an insertion
point). Where findings overlap, the first by start is highlighted and the others are only listed.
A rule is shown by its pack message (`by_rule[id].message`, else the finding's message, else the
id), with the id on hover (a `title`).

Sections, in order: header (inputs, packs, channel, totals) and the filter bar (category, rule,
agent, date range); the agent drill-down (hidden until an agent is clicked); findings by
category; top rules; all rules (table); findings per day (only with dates); frequent phrases;
agents; findings in the worst conversations (table); the worst conversations as chats; the
disputed findings with their reasons (申诉, only with `disputes`); score formula (in Chinese, from the weights). Each section folds (`<details>`); long tables show
PAGE_SIZE rows a page. A table answers the filters it has data for and says which it ignores:
the agent drill-down and the agent filter can only reach the findings of the worst
conversations, and an agent's daily trend (a bar chart of findings per day, drawn by the script)
needs the optional `agents[].by_date` (findings per day, 0 for the days the agent answered in
conversations without findings).
An empty section shows a short 无 note instead of a chart or table.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..model import CATEGORY_DISPLAY_NAMES, Category
from .partition import CONTEXT_CHARS

CATEGORY_ORDER = tuple(c.value for c in Category)
CATEGORY_COLOURS = {
    "forbidden": "#c62828", "tone": "#e65100", "jargon": "#1565c0",
    "filler": "#6a1b9a", "honorific": "#00796b", "courtesy": "#2e7d32",
}
CATEGORY_NAMES = CATEGORY_DISPLAY_NAMES
UNKNOWN_COLOUR = "#616161"
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
CHANNEL_NAMES = {"chat": "在线聊天", "email": "邮件"}
NO_AGENT = "（无坐席编号）"
TOTAL_LABELS = (
    ("conversations", "会话"), ("turns", "轮次"), ("agent_turns", "客服轮次"),
    ("flagged_agent_turns", "有问题的客服轮次"), ("findings", "问题"), ("errors", "无法读取的行"),
)
TOP_RULES_SHOWN = 15
TOP_RULES_PER_DAY = 5
CHART_LABEL_CHARS = 18  # a longer rule message is cut (with …) in a chart; the tooltip has it whole
PAGE_SIZE = 50
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
    tooltip: str = ""


@dataclass(frozen=True)
class Row:
    """A table row of already-escaped cells, with what the filters match it on."""
    cells: tuple[str, ...]
    keys: Mapping[str, Sequence[str]]  # dimension (cat, rule, agent, date) -> values


class Rules:
    """Rule ids to what the page shows for them: the pack's message and category."""

    def __init__(self, by_rule: Mapping[str, Mapping[str, Any]],
                 conversations: Sequence[Mapping[str, Any]]) -> None:
        self.info: dict[str, dict[str, str]] = {}
        for finding in _all_findings(conversations):
            self._learn(finding.get("rule_id"), finding.get("message"), finding.get("category"))
        for rule_id, info in by_rule.items():
            self._learn(rule_id, (info or {}).get("message"), (info or {}).get("category"), True)

    def _learn(self, rule_id: Any, message: Any, category: Any, wins: bool = False) -> None:
        if not isinstance(rule_id, str):
            return
        known = self.info.get(rule_id, {})
        self.info[rule_id] = {
            "message": (message if wins and message else known.get("message") or message or ""),
            "category": (category if wins and category else known.get("category") or category or ""),
        }

    def name(self, rule_id: Any) -> str:
        return (self.info.get(str(rule_id)) or {}).get("message") or str(rule_id or "")

    def category(self, rule_id: Any) -> str:
        return (self.info.get(str(rule_id)) or {}).get("category") or ""

    def label(self, rule_id: Any) -> str:
        """The rule as HTML: its message, the id in the tooltip."""
        return f'<span class="rule" title="{esc(rule_id)}">{esc(self.name(rule_id))}</span>'


def render_report(summary: Mapping[str, Any]) -> str:
    """The whole report as one HTML document (see the module docstring for `summary`)."""
    conversations = [c for c in summary.get("worst_conversations") or [] if isinstance(c, Mapping)]
    by_rule = summary.get("by_rule") or {}
    rules = Rules(by_rule, conversations)
    by_date_category = summary.get("by_date_category") or {}
    by_date_rule = summary.get("by_date_rule") or {}
    agents = [a for a in summary.get("agents") or [] if isinstance(a, Mapping)]
    sections = (
        _header_section(summary),
        _filter_bar(rules, agents, conversations, _all_dates(summary)),
        _drilldown_section(any(a.get("by_date") for a in agents)),
        _category_section(summary.get("by_category") or {}),
        _top_rules_section(by_rule, rules),
        _rules_table_section(by_rule, rules, bool(by_date_rule)),
        _timeline_section(by_date_category, by_date_rule, rules),
        _phrases_section(summary.get("top_phrases") or [], rules),
        _agents_section(agents),
        _findings_section(conversations, rules),
        _conversations_section(conversations, rules),
        _disputes_section(summary.get("disputes"), rules),
        _score_section(summary.get("score") or {}),
    )
    data = _page_data(agents, by_date_rule, rules)
    return _page("客服回复合规扫描报告", "\n".join(s for s in sections if s), data)


# --- small helpers -----------------------------------------------------------------------------

def esc(value: Any) -> str:
    """`value` as text safe inside HTML content and quoted attributes (None is empty).

    A lone surrogate (possible in JSON input) becomes U+FFFD, one code point for one, so the page
    can be written as UTF-8.
    """
    if value is None:
        return ""
    return html.escape(_SURROGATE.sub("\ufffd", str(value)), quote=True)


def script_json(value: Any) -> str:
    """`value` as JSON safe inside a `<script>` element (no `<`, `>`, `&`, lone surrogate)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    text = _SURROGATE.sub("\ufffd", text)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category)


def _category_colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, UNKNOWN_COLOUR)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _one_decimal(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, (int, float)) else esc(value)


def _shorten(text: str, limit: int = CHART_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _agent_name(agent: Any) -> str:
    return str(agent) if agent not in (None, "") else NO_AGENT


def _none_note(text: str = NONE_NOTE) -> str:
    return f'<p class="none">{esc(text)}</p>'


def _section(section_id: str, title: str, body: str, opened: bool = True) -> str:
    """A foldable section: its title is the `<summary>` of a `<details>`."""
    state = " open" if opened else ""
    return (f'<section id="{section_id}">\n<details{state}>\n<summary><h2>{esc(title)}</h2></summary>\n'
            f"{body}\n</details>\n</section>")


def _chip(category: str) -> str:
    return f'<span class="chip cat-{esc(category)}">{esc(_category_name(category))}</span>'


def _keys_attributes(keys: Mapping[str, Sequence[str]]) -> str:
    return "".join(f' data-{dim}="{esc(script_json(list(values)))}"' for dim, values in keys.items())


def _filter_table(headers: Sequence[str], rows: Sequence[Row], numeric_from: int,
                  dims: Sequence[str], page_size: int = PAGE_SIZE, extra: str = "") -> str:
    """A table the filter bar narrows on `dims` (rows carry their keys) and pages by `page_size`."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "\n".join(_table_row(row, numeric_from, bool(dims)) for row in rows)
    table = f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    if not dims and not page_size:
        return table
    return _filterable(table, dims, page_size, len(rows), extra)


def _table_row(row: Row, numeric_from: int, filtered: bool) -> str:
    cells = "".join(f'<td class="num">{cell}</td>' if i >= numeric_from else f"<td>{cell}</td>"
                    for i, cell in enumerate(row.cells))
    attributes = f' class="fr"{_keys_attributes(row.keys)}' if filtered else ""
    return f"<tr{attributes}>{cells}</tr>"


def _filterable(content: str, dims: Sequence[str], page_size: int, total: int, extra: str = "") -> str:
    """`content` whose `.fr` items the script filters and pages; a note says which filters it ignores."""
    pager = (f'<div class="pager"><button type="button" class="prev">上一页</button>'
             f'<span class="status">共 {total} 行</span>'
             f'<button type="button" class="next">下一页</button></div>') if page_size else ""
    return (f'<div class="filterable" data-dims="{esc(" ".join(dims))}" data-page-size="{page_size}"'
            f' data-total="{total}"{extra}>\n<p class="na" hidden></p>\n{content}\n{pager}\n</div>')


def _text_width(text: str, font_px: float = 13) -> float:
    """Rough drawn width of `text`: wide (CJK) characters count one em, others a bit over half."""
    return sum(font_px if ord(ch) >= 0x2E80 else font_px * 0.6 for ch in text)


def _all_findings(conversations: Sequence[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for conversation in conversations:
        for turn in conversation.get("turns") or []:
            for finding in (turn or {}).get("findings") or []:
                if isinstance(finding, Mapping):
                    yield finding


def _all_dates(summary: Mapping[str, Any]) -> list[str]:
    """Every date the page has data for (days, agents' days, conversations' dates), sorted."""
    dates = set(summary.get("by_date_category") or {}) | set(summary.get("by_date_rule") or {})
    for agent in summary.get("agents") or []:
        dates |= set((agent or {}).get("by_date") or {})
    dates |= {str(c.get("date")) for c in summary.get("worst_conversations") or [] if c and c.get("date")}
    return sorted(str(d) for d in dates)


# --- page, filter bar, drill-down --------------------------------------------------------------

def _page(title: str, body: str, data: Mapping[str, Any]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{_stylesheet()}</style>\n</head>\n"
        f'<body>\n<main>\n<h1>{esc(title)}</h1>\n{body}\n</main>\n'
        f'<script type="application/json" id="report-data">{script_json(data)}</script>\n'
        f"<script>\n{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def _page_data(agents: Sequence[Mapping[str, Any]], by_date_rule: Mapping[str, Any],
               rules: Rules) -> dict[str, Any]:
    """What the script needs beyond the page itself: agents' figures, counts per day and rule."""
    return {
        "agents": {_agent_name(a.get("agent")): _agent_data(a) for a in agents},
        "byDateRule": {str(d): {str(r): _count(n) for r, n in (counts or {}).items()}
                       for d, counts in by_date_rule.items()},
        "categories": {c: _category_name(c) for c in CATEGORY_ORDER},
        "maxFilledDays": MAX_FILLED_DAYS,
        "rules": {rule_id: rules.name(rule_id) for rule_id in rules.info},
    }


def _agent_data(agent: Mapping[str, Any]) -> dict[str, Any]:
    figures = {key: agent.get(key) for key in ("conversations", "turns", "findings",
                                               "per_100_turns", "score")}
    for key in ("by_category", "by_date"):
        if isinstance(agent.get(key), Mapping):
            figures[key] = {str(k): _count(v) for k, v in agent[key].items()}
    return figures


def _filter_bar(rules: Rules, agents: Sequence[Mapping[str, Any]],
                conversations: Sequence[Mapping[str, Any]], dates: Sequence[str]) -> str:
    categories = "".join(f'<option value="{c}">{esc(_category_name(c))}</option>' for c in CATEGORY_ORDER)
    agent_names = _unique([_agent_name(a.get("agent")) for a in agents]
                          + [_agent_name(t.get("agent")) for c in conversations
                             for t in c.get("turns") or [] if (t or {}).get("role") != "customer"])
    agent_options = "".join(f'<option value="{esc(a)}">{esc(a)}</option>' for a in agent_names)
    date_fields = _date_fields(dates) if dates else ""
    return (
        '<nav id="filters" aria-label="筛选">\n'
        f'<label>类别 <select id="f-cat"><option value="">全部</option>{categories}</select></label>\n'
        f'<label>规则 <select id="f-rule"><option value="">全部</option>{_rule_options(rules)}</select></label>\n'
        f'<label>客服 <select id="f-agent"><option value="">全部</option>{agent_options}</select></label>\n'
        f"{date_fields}"
        '<button type="button" id="f-reset">清除筛选</button>\n'
        '<span id="f-status" class="status">未筛选：显示全部</span>\n</nav>'
    )


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _rule_options(rules: Rules) -> str:
    """One option per rule: its message (with the id when two rules share one), the id on hover."""
    ordered = sorted(rules.info, key=lambda r: (CATEGORY_ORDER.index(rules.category(r))
                                                if rules.category(r) in CATEGORY_ORDER else 99, r))
    names = [rules.name(r) for r in ordered]
    return "".join(
        f'<option value="{esc(r)}" title="{esc(r)}" data-cat="{esc(rules.category(r))}">'
        f'{esc(_category_name(rules.category(r)))} · {esc(name if names.count(name) == 1 else f"{name}（{r}）")}'
        "</option>"
        for r, name in zip(ordered, names)
    )


def _date_fields(dates: Sequence[str]) -> str:
    options = "".join(f'<option value="{esc(d)}">{esc(d)}</option>' for d in dates)
    return (f'<label>日期 从 <select id="f-from"><option value="">不限</option>{options}</select></label>\n'
            f'<label>到 <select id="f-to"><option value="">不限</option>{options}</select></label>\n')


def _drilldown_section(dated: bool) -> str:
    """The agent drill-down: hidden until an agent is clicked, then filled by the script. With
    agents' days (`dated`), an empty <svg> the script draws their daily trends in the namespace of."""
    template = '<svg id="trend-template" hidden aria-hidden="true"></svg>\n' if dated else ""
    return ('<section id="drilldown" hidden>\n<div class="drill-head"><h2 id="drill-title">客服详情</h2>'
            '<button type="button" id="drill-close">关闭</button></div>\n'
            f'<div id="drill-body"></div>\n{template}</section>')


# --- sections ----------------------------------------------------------------------------------

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
    channel = summary.get("channel")
    notes = "".join(f"<li>{esc(n)}</li>" for n in summary.get("notes") or [])
    facts = (
        f"<dl class=\"facts\">\n<dt>输入文件</dt><dd>{input_list}</dd>\n"
        f"<dt>规则包</dt><dd>{pack_text}</dd>\n"
        f"<dt>渠道</dt><dd>{esc(CHANNEL_NAMES.get(channel, channel)) or NONE_NOTE}</dd>\n"
        f"<dt>生成工具</dt><dd>{esc(summary.get('generated_by')) or NONE_NOTE}</dd>\n"
        + (f'<dt>注意</dt><dd><ul class="inputs">{notes}</ul></dd>\n' if notes else "") + "</dl>"
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
        Bar(_category_name(c), _count(by_category.get(c)), _category_colour(c), _category_name(c))
        for c in CATEGORY_ORDER
    ]
    if not any(bar.value for bar in bars):
        return _section("by-category", "按类别统计", _none_note("无（未发现问题）"))
    note = '<p class="hint">全部问题（图表不随筛选变化，下方表格随筛选变化）</p>'
    return _section("by-category", "按类别统计", note + _bar_chart(bars, "各类别问题数"))


def _ranked_rules(by_rule: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    return sorted(
        ((rule_id, info) for rule_id, info in by_rule.items() if _count((info or {}).get("count"))),
        key=lambda item: (-_count(item[1].get("count")), item[0]),
    )


def _top_rules_section(by_rule: Mapping[str, Mapping[str, Any]], rules: Rules) -> str:
    ranked = _ranked_rules(by_rule)[:TOP_RULES_SHOWN]
    if not ranked:
        return _section("top-rules", "高频规则", _none_note())
    bars = [
        Bar(_shorten(rules.name(rule_id)), _count(info.get("count")),
            _category_colour(info.get("category", "")),
            f"{_category_name(info.get('category', ''))} · {rules.name(rule_id)}（规则 {rule_id}）")
        for rule_id, info in ranked
    ]
    return _section("top-rules", f"高频规则（前 {len(bars)} 条）", _bar_chart(bars, "触发最多的规则"))


def _rules_table_section(by_rule: Mapping[str, Mapping[str, Any]], rules: Rules, dated: bool) -> str:
    ranked = _ranked_rules(by_rule)
    if not ranked:
        return _section("rules", "全部规则", _none_note(), opened=False)
    rows = [
        Row((rules.label(rule_id), _chip(info.get("category", "")),
             f'<span class="count" data-total="{_count(info.get("count"))}">{_count(info.get("count"))}</span>'),
            {"cat": [info.get("category", "")], "rule": [rule_id]})
        for rule_id, info in ranked
    ]
    dims = ("cat", "rule", "date") if dated else ("cat", "rule")
    table = _filter_table(("规则", "类别", "问题数"), rows, 2, dims,
                          extra=' data-recount="rule"' if dated else "")
    return _section("rules", f"全部规则（{len(rows)} 条）", table, opened=False)


def _timeline_section(by_date_category: Mapping[str, Mapping[str, Any]],
                      by_date_rule: Mapping[str, Mapping[str, Any]], rules: Rules) -> str:
    if not by_date_category:
        return ""
    category_days = _day_axis(by_date_category)
    category_chart = _line_chart(category_days, _category_series(category_days, by_date_category),
                                 "每日各类别问题数")
    rule_days = _day_axis(by_date_rule)
    rule_series = _rule_series(rule_days, by_date_rule, rules)
    rule_chart = _line_chart(rule_days, rule_series, "每日高频规则") if rule_series else _none_note()
    body = (f"<h3>按类别</h3>\n{category_chart}\n"
            f"<h3>前 {TOP_RULES_PER_DAY} 条规则</h3>\n{rule_chart}\n"
            f"<h3>每日明细</h3>\n{_days_table(by_date_category)}")
    return _section("timeline", "每日趋势", body)


def _days_table(by_date_category: Mapping[str, Mapping[str, Any]]) -> str:
    rows = []
    for day in sorted(by_date_category):
        counts = by_date_category.get(day) or {}
        values = [_count(counts.get(c)) for c in CATEGORY_ORDER]
        rows.append(Row((esc(day), *(str(v) for v in values), str(sum(values))), {"date": [day]}))
    headers = ("日期", *(_category_name(c) for c in CATEGORY_ORDER), "合计")
    return _filter_table(headers, rows, 1, ("date",))


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
                 rules: Rules) -> list[Series]:
    totals: dict[str, int] = {}
    for counts in by_date_rule.values():
        for rule_id, count in (counts or {}).items():
            totals[rule_id] = totals.get(rule_id, 0) + _count(count)
    top = sorted((r for r in totals if totals[r]), key=lambda r: (-totals[r], r))[:TOP_RULES_PER_DAY]
    return [
        Series(_shorten(rules.name(rule_id)), _category_colour(rules.category(rule_id)),
               tuple(_count((by_date_rule.get(day) or {}).get(rule_id)) for day in days),
               RULE_DASHES[rank % len(RULE_DASHES)], f"{rules.name(rule_id)}（规则 {rule_id}）")
        for rank, rule_id in enumerate(top)
    ]


def _phrases_section(top_phrases: Sequence[Mapping[str, Any]], rules: Rules) -> str:
    if not top_phrases:
        return _section("phrases", "高频问题短语", _none_note(), opened=False)
    rows = [
        Row((f'<span class="phrase">{esc(p.get("phrase"))}</span>', _chip(p.get("category", "")),
             rules.label(p.get("rule_id")), str(_count(p.get("count")))),
            {"cat": [p.get("category", "")], "rule": [p.get("rule_id", "")]})
        for p in top_phrases
    ]
    table = _filter_table(("短语", "类别", "规则", "次数"), rows, 3, ("cat", "rule"))
    return _section("phrases", "高频问题短语", table, opened=False)


def _agents_section(agents: Sequence[Mapping[str, Any]]) -> str:
    if not agents:
        return _section("agents", "客服排名", _none_note())
    rows = [
        Row((_agent_button(a.get("agent")), str(_count(a.get("conversations"))),
             str(_count(a.get("turns"))), str(_count(a.get("findings"))),
             _one_decimal(a.get("per_100_turns")), _one_decimal(a.get("score"))),
            {"agent": [_agent_name(a.get("agent"))]})
        for a in agents
    ]
    headers = ("客服", "会话数", "客服轮次", "问题数", "每百轮问题数", "得分")
    hint = '<p class="hint">得分最低者在前；点击客服查看其问题、每日趋势和最差会话。</p>'
    return _section("agents", f"客服排名（{len(rows)} 人）", hint + _filter_table(headers, rows, 1, ("agent",)))


def _agent_button(agent: Any) -> str:
    name = _agent_name(agent)
    return (f'<button type="button" class="agent-link" data-open-agent="{esc(name)}" '
            f'title="查看客服 {esc(name)} 的详情">{esc(name)}</button>')


def _findings_section(conversations: Sequence[Mapping[str, Any]], rules: Rules) -> str:
    rows = [row for conversation in conversations for row in _finding_rows(conversation, rules)]
    if not rows:
        return _section("findings", "问题明细", _none_note(), opened=False)
    dated = any(c.get("date") for c in conversations)
    dims = ("cat", "rule", "agent", "date") if dated else ("cat", "rule", "agent")
    headers = ("会话", "轮次", "客服", "类别", "规则", "短语", "建议")
    hint = '<p class="hint">仅含下方“问题最多的会话”中的问题；全部问题见 findings.jsonl。</p>'
    return _section("findings", f"问题明细（{len(rows)} 条）",
                    hint + _filter_table(headers, rows, 99, dims), opened=False)


def _finding_rows(conversation: Mapping[str, Any], rules: Rules) -> list[Row]:
    rows = []
    day = [str(conversation["date"])] if conversation.get("date") else []
    for turn in conversation.get("turns") or []:
        text = (turn or {}).get("text") or ""
        agent = _agent_name(turn.get("agent"))
        for finding in turn.get("findings") or []:
            suggestion = finding.get("suggestion")
            cells = (f"<code>{esc(conversation.get('conversation'))}</code>", esc(turn.get("turn")),
                     _agent_button(turn.get("agent")), _chip(finding.get("category", "")),
                     rules.label(finding.get("rule_id")), _phrase(text, finding),
                     f'<span class="suggestion">{esc(suggestion)}</span>' if suggestion else "")
            rows.append(Row(cells, {"cat": [finding.get("category", "")],
                                    "rule": [str(finding.get("rule_id"))], "agent": [agent], "date": day}))
    return rows


def _conversations_section(conversations: Sequence[Mapping[str, Any]], rules: Rules) -> str:
    if not conversations:
        return _section("conversations", "问题最多的会话", _none_note())
    dated = any(c.get("date") for c in conversations)
    dims = ("cat", "rule", "agent", "date") if dated else ("cat", "rule", "agent")
    body = "\n".join(_conversation(c, rules, opened=i == 0) for i, c in enumerate(conversations))
    legend = '<p class="hint">客户在左，客服在右；问题已在回复中标出，悬停可见说明。</p>'
    return _section("conversations", f"问题最多的会话（{len(conversations)} 个）",
                    legend + _filterable(body, dims, 0, len(conversations)))


def _disputes_section(disputes: Any, rules: Rules) -> str:
    """申诉: the findings judged wrong, each with its reason (none of them counts anywhere above)."""
    if not isinstance(disputes, Mapping):
        return ""
    findings = [f for f in disputes.get("findings") or [] if isinstance(f, Mapping)]
    source = f'<p class="hint">申诉文件：<code>{esc(disputes.get("file"))}</code>。以下问题经申诉判定为误报，' \
             '不计入任何得分和统计（findings.jsonl 中保留，标有 "disputed": true）。</p>'
    if not findings:
        return _section("disputes", "申诉（已排除的问题）", source + _none_note("无（申诉文件中没有本次扫描的问题）"))
    rows = [
        Row((f"<code>{esc(f.get('id'))}</code>", f"<code>{esc(f.get('conversation'))}</code>", esc(f.get("turn")),
             _agent_button(f.get("agent")), _chip(str(f.get("category") or "")), rules.label(f.get("rule")),
             _disputed_context(f), f'<span class="reason">{esc(f.get("reason")) or NONE_NOTE}</span>'),
            {"cat": [str(f.get("category") or "")], "rule": [str(f.get("rule"))], "agent": [_agent_name(f.get("agent"))]})
        for f in findings
    ]
    headers = ("编号", "会话", "轮次", "客服", "类别", "规则", "上下文", "申诉理由")
    count = f'<p class="hint">共 {len(rows)} 条。</p>'
    return _section("disputes", "申诉（已排除的问题）",
                    source + count + _filter_table(headers, rows, 99, ("cat", "rule", "agent")))


def _disputed_context(finding: Mapping[str, Any]) -> str:
    """The finding's context with its phrase marked (where the context holds it)."""
    context, phrase = str(finding.get("context") or ""), str(finding.get("phrase") or "")
    start, end = finding.get("start"), finding.get("end")
    if isinstance(start, int) and isinstance(end, int):
        offset = min(start, CONTEXT_CHARS)
        if phrase and context[offset:offset + end - start] == phrase:
            return (f"{esc(context[:offset])}<mark>{esc(phrase)}</mark>"
                    f"{esc(context[offset + end - start:])}")
    return esc(context) or f'<span class="phrase">{esc(phrase)}</span>'


def _score_section(score: Mapping[str, Any]) -> str:
    weights = score.get("weights") or {}
    if weights:
        body = _chinese_formula(weights)
    elif score.get("formula"):
        body = f'<p class="formula">{esc(score.get("formula"))}</p>'
    else:
        body = _none_note()
    return _section("score", "评分方式", body)


def _chinese_formula(weights: Mapping[str, Any]) -> str:
    terms = " + ".join(f"{esc(weight)} × {esc(SEVERITY_NAMES.get(s, s))}数" for s, weight in weights.items())
    items = "".join(f"<li>{esc(SEVERITY_NAMES.get(s, s))}：每个扣 {esc(w)} 分</li>" for s, w in weights.items())
    return (f'<p class="formula">会话得分 = max(0, 100 − ({terms}))</p>\n'
            '<p class="formula">客服得分 = 该客服参与的各会话得分的平均值</p>\n'
            f'<p>每个问题按严重程度扣分，会话得分最低为 0 分：</p>\n<ul class="weights">{items}</ul>')


# --- conversations -----------------------------------------------------------------------------

def _conversation(conversation: Mapping[str, Any], rules: Rules, opened: bool = False) -> str:
    turns = [t for t in conversation.get("turns") or [] if isinstance(t, Mapping)]
    findings = [f for t in turns for f in t.get("findings") or [] if isinstance(f, Mapping)]
    agents = _unique(_agent_name(t.get("agent")) for t in turns if t.get("role") != "customer")
    keys = {"cat": _unique(str(f.get("category", "")) for f in findings),
            "rule": _unique(str(f.get("rule_id")) for f in findings), "agent": agents,
            "date": [str(conversation["date"])] if conversation.get("date") else []}
    day = f" · {esc(conversation['date'])}" if conversation.get("date") else ""
    heading = (
        f"<summary><h3>会话 <code>{esc(conversation.get('conversation'))}</code>"
        f'<span class="meta">得分 {_one_decimal(conversation.get("score"))} · '
        f"问题 {_count(conversation.get('findings'))} · 客服 {esc('、'.join(agents)) or NONE_NOTE}{day}"
        "</span></h3></summary>"
    )
    chat = "\n".join(_turn(t, rules) for t in turns) or _none_note()
    state = " open" if opened else ""
    return (f'<article class="conversation fr"{_keys_attributes(keys)}>\n<details{state}>\n{heading}\n'
            f'<div class="chat">\n{chat}\n</div>\n</details>\n</article>')


def _turn(turn: Mapping[str, Any], rules: Rules) -> str:
    role = "customer" if turn.get("role") == "customer" else "agent"
    speaker = "客户" if role == "customer" else f"客服 {esc(_agent_name(turn.get('agent')))}"
    text = turn.get("text") or ""
    findings = [f for f in turn.get("findings") or [] if isinstance(f, Mapping)]
    flagged = " flagged" if findings else ""
    return (
        f'<div class="turn {role}{flagged}">\n'
        f'<div class="avatar" aria-hidden="true">{"客" if role == "customer" else "服"}</div>\n'
        f'<div class="bubble">\n<div class="speaker">#{esc(turn.get("turn"))} {speaker}</div>\n'
        f'<div class="text">{_highlighted_text(text, findings)}</div>\n'
        f"{_finding_list(text, findings, rules)}</div>\n</div>"
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
    return (f'<mark class="cat-{esc(finding.get("category"))}" data-rule="{esc(finding.get("rule_id"))}" '
            f'title="{esc(finding.get("message"))}">{esc(phrase)}</mark>')


def _insertion_marker(finding: Mapping[str, Any]) -> str:
    return (f'<span class="insertion cat-{esc(finding.get("category"))}" '
            f'data-rule="{esc(finding.get("rule_id"))}" title="{esc(finding.get("message"))}">▲</span>')


def _finding_list(text: str, findings: Sequence[Mapping[str, Any]], rules: Rules) -> str:
    if not findings:
        return ""
    items = "\n".join(_finding_item(text, f, rules) for f in findings)
    return f'<ul class="findings">\n{items}\n</ul>\n'


def _phrase(text: str, finding: Mapping[str, Any]) -> str:
    start, end = finding.get("start"), finding.get("end")
    if _has_valid_offsets(finding, len(text)) and start < end:
        return f'<span class="phrase">{esc(text[start:end])}</span>'
    return '<span class="phrase missing">（缺少）</span>'


def _finding_item(text: str, finding: Mapping[str, Any], rules: Rules) -> str:
    suggestion = finding.get("suggestion")
    advice = f' <span class="suggestion">建议：{esc(suggestion)}</span>' if suggestion else ""
    message = finding.get("message") or rules.name(finding.get("rule_id"))
    return (f'<li data-rule="{esc(finding.get("rule_id"))}">{_chip(finding.get("category", ""))} '
            f'{_phrase(text, finding)} <span class="rule" title="{esc(finding.get("rule_id"))}">'
            f"{esc(message)}</span>{advice}</li>")


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
    title = f"<title>{esc(series.tooltip or series.name)}：共 {sum(series.values)}</title>"
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
        f'<li{_title_attribute(s.tooltip)}><svg class="swatch" viewBox="0 0 28 10" width="28" height="10" '
        f'aria-hidden="true"><line x1="0" y1="5" x2="28" y2="5" stroke="{s.colour}" stroke-width="3"'
        f'{_dash(s)}></line></svg>{esc(s.name)}</li>'
        for s in series
    )
    return f'<ul class="legend">{items}</ul>'


def _title_attribute(text: str) -> str:
    return f' title="{esc(text)}"' if text else ""


_BASE_CSS = """\
:root { --text: #1f2328; --muted: #59636e; --line: #d0d7de; --bg: #f6f8fa; --accent: #0969da;
  --font: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font-family: var(--font); color: var(--text); background: var(--bg);
  line-height: 1.6; }
main { max-width: 1040px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 1.5rem; margin: 8px 0 16px; }
h2 { font-size: 1.15rem; margin: 0; display: inline; }
h3 { font-size: 1rem; margin: 16px 0 8px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
  margin-bottom: 16px; }
section { scroll-margin-top: 120px; }
section > details > summary { cursor: pointer; padding: 4px 0; }
section > details[open] > summary { margin-bottom: 12px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
button { font: inherit; cursor: pointer; }
select { font: inherit; max-width: 260px; }
.none, .hint, .na { color: var(--muted); margin: 0 0 8px; }
.na { color: #9a6700; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.inputs { margin: 0; padding-left: 1.2em; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; }
.total { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 96px; }
.total .value { display: block; font-size: 1.4rem; font-weight: 600; }
.total .label { color: var(--muted); font-size: .9rem; }
#filters { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; align-items: center;
  gap: 8px 14px; background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 16px; margin-bottom: 16px; box-shadow: 0 2px 6px rgba(0, 0, 0, .06); }
#filters .status { color: var(--muted); font-size: .9rem; }
#filters.active { border-color: var(--accent); }
#drilldown { border: 2px solid var(--accent); }
.drill-head { display: flex; justify-content: space-between; align-items: center; }
.trend-chart .bar { fill: var(--accent); }
.trend-chart .day:hover .bar { fill: #0550ae; }
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
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pager { display: flex; gap: 12px; align-items: center; justify-content: flex-end; margin-top: 8px;
  font-size: .9rem; }
.pager .status { color: var(--muted); }
.agent-link { border: 0; background: none; padding: 0; color: var(--accent); text-decoration: underline; }
.rule { border-bottom: 1px dotted var(--muted); cursor: help; }
.chip { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: .8rem; color: #fff;
  background: var(--c, #616161); white-space: nowrap; }
.conversation { border-top: 1px solid var(--line); padding: 4px 0; }
.conversation:first-of-type { border-top: 0; }
.conversation summary { cursor: pointer; }
.conversation summary h3 { display: inline; }
.conversation .meta { color: var(--muted); font-weight: normal; font-size: .9rem; margin-left: 12px; }
.chat { background: #eef1f5; border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.turn { display: flex; align-items: flex-start; gap: 8px; margin: 10px 0; }
.turn.agent { flex-direction: row-reverse; }
.avatar { flex: none; width: 32px; height: 32px; border-radius: 50%; color: #fff; font-size: .85rem;
  display: flex; align-items: center; justify-content: center; background: #8c959f; }
.turn.agent .avatar { background: var(--accent); }
.bubble { max-width: 78%; padding: 8px 12px; border-radius: 12px; background: #fff;
  border: 1px solid var(--line); }
.turn.customer .bubble { border-top-left-radius: 2px; color: #3d444d; }
.turn.agent .bubble { border-top-right-radius: 2px; background: #dcedff; border-color: #b6d4f5; }
.turn.agent.flagged .bubble { border: 2px solid #d4a72c; }
.speaker { font-size: .8rem; color: var(--muted); }
.turn.agent .speaker { text-align: right; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: var(--tint, #eee); border-bottom: 2px solid var(--c, #616161); color: inherit;
  padding: 0 1px; border-radius: 2px; cursor: help; }
mark.faded { background: none; border-bottom-style: dotted; }
li.faded { opacity: .45; }
.insertion { color: var(--c, #616161); font-size: .7em; vertical-align: super; cursor: help; }
.findings { margin: 6px 0 0; padding: 6px 0 0 1.2em; font-size: .88rem; border-top: 1px dashed #b6d4f5; }
.findings li { margin: 2px 0; }
.phrase { font-weight: 600; }
.phrase.missing { font-weight: normal; color: var(--muted); }
.suggestion { color: #1a7f37; }
.formula { white-space: pre-wrap; margin: 0 0 8px; font-size: 1.05rem; }
.weights { margin: 0; padding-left: 1.2em; }
"""

_SCRIPT = r"""
"use strict";
(() => {
  const DIMS = ["cat", "rule", "agent", "date"];
  const DIM_NAMES = { cat: "类别", rule: "规则", agent: "客服", date: "日期" };
  let data = {};
  try { data = JSON.parse(document.getElementById("report-data").textContent || "{}"); } catch (e) { data = {}; }
  const $ = (id) => document.getElementById(id);
  const make = (tag, className, text) => {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  };

  function keysOf(el) {
    if (!el._keys) {
      el._keys = {};
      for (const dim of DIMS) {
        let values = [];
        try { values = JSON.parse(el.getAttribute("data-" + dim) || "[]"); } catch (e) { values = []; }
        el._keys[dim] = Array.isArray(values) ? values.map(String) : [];
      }
    }
    return el._keys;
  }
  const valueOf = (id) => ($(id) ? $(id).value : "");
  const current = () => ({ cat: valueOf("f-cat"), rule: valueOf("f-rule"), agent: valueOf("f-agent"),
                           from: valueOf("f-from"), to: valueOf("f-to") });
  const activeDims = (f) => DIMS.filter((d) => (d === "date" ? f.from || f.to : f[d]));
  const inRange = (day, f) => (!f.from || day >= f.from) && (!f.to || day <= f.to);

  function matches(el, f, dims) {
    const keys = keysOf(el);
    return dims.every((dim) => (dim === "date" ? keys.date.some((d) => inRange(d, f))
                                               : keys[dim].indexOf(f[dim]) >= 0));
  }
  function items(box) {
    if (!box._items) box._items = Array.from(box.querySelectorAll(".fr"));
    return box._items;
  }
  function recount(row, f) {
    const rule = keysOf(row).rule[0];
    const byDate = data.byDateRule || {};
    return Object.keys(byDate).filter((d) => inRange(d, f))
      .reduce((sum, d) => sum + ((byDate[d] || {})[rule] || 0), 0);
  }

  function filterBox(box, f) {
    const dims = (box.getAttribute("data-dims") || "").split(" ").filter(Boolean);
    const on = activeDims(f);
    const used = on.filter((d) => dims.indexOf(d) >= 0);
    const ignored = on.filter((d) => dims.indexOf(d) < 0);
    const recounting = box.getAttribute("data-recount") === "rule";
    const byDate = recounting && used.indexOf("date") >= 0;
    for (const row of items(box)) {
      let ok = matches(row, f, used.filter((d) => !(recounting && d === "date")));
      if (recounting) {
        const count = row.querySelector(".count");
        const n = byDate ? recount(row, f) : Number(count.getAttribute("data-total"));
        count.textContent = String(n);
        if (byDate && n === 0) ok = false;
      }
      row._match = ok;
    }
    const note = box.querySelector(".na");
    if (note) {
      note.hidden = ignored.length === 0;
      note.textContent = ignored.length ? "本部分没有按" + ignored.map((d) => DIM_NAMES[d]).join("、") + "的数据，未按其筛选" : "";
    }
    box._page = 0;
    showPage(box);
  }

  function showPage(box) {
    const size = Number(box.getAttribute("data-page-size")) || 0;
    const all = items(box);
    const rows = all.filter((r) => r._match !== false);
    const pages = size ? Math.max(1, Math.ceil(rows.length / size)) : 1;
    box._page = Math.max(0, Math.min(box._page || 0, pages - 1));
    for (const row of all) row.hidden = row._match === false;
    if (size) rows.forEach((r, i) => { r.hidden = i < box._page * size || i >= (box._page + 1) * size; });
    box.setAttribute("data-matched", String(rows.length));
    box.setAttribute("data-page", String(box._page + 1));
    let empty = box.querySelector(":scope > .empty");
    if (!empty) { empty = make("p", "none empty", "无符合筛选条件的内容"); box.insertBefore(empty, box.children[1] || null); }
    empty.hidden = rows.length > 0;
    const pager = box.querySelector(":scope > .pager");
    if (!pager) return;
    const total = all.length;
    pager.querySelector(".status").textContent = "第 " + (box._page + 1) + " / " + pages + " 页，共 " + rows.length + " 行"
      + (rows.length !== total ? "（筛选前 " + total + " 行）" : "");
    pager.querySelector(".prev").disabled = box._page === 0;
    pager.querySelector(".next").disabled = box._page >= pages - 1;
    pager.hidden = pages <= 1 && rows.length === total;
  }

  function fadeHighlights(f) {
    for (const el of document.querySelectorAll("mark[data-rule], .insertion[data-rule], .findings li[data-rule]")) {
      const catOf = el.querySelector(".chip") || el;
      const catMiss = f.cat && !catOf.classList.contains("cat-" + f.cat);
      const ruleMiss = f.rule && el.getAttribute("data-rule") !== f.rule;
      el.classList.toggle("faded", Boolean(catMiss || ruleMiss));
    }
  }

  function describe(f) {
    const parts = [];
    if (f.cat) parts.push("类别：" + ((data.categories || {})[f.cat] || f.cat));
    if (f.rule) parts.push("规则：" + ((data.rules || {})[f.rule] || f.rule));
    if (f.agent) parts.push("客服：" + f.agent);
    if (f.from || f.to) parts.push("日期：" + (f.from || "最早") + " 至 " + (f.to || "最晚"));
    return parts.length ? "已筛选 · " + parts.join(" · ") : "未筛选：显示全部";
  }

  function narrowRules(cat) {
    const select = $("f-rule");
    if (!select) return;
    for (const option of select.options) {
      option.hidden = Boolean(option.value && cat && option.getAttribute("data-cat") !== cat);
    }
    if (select.selectedOptions.length && select.selectedOptions[0].hidden) select.value = "";
  }

  function applyFilters() {
    narrowRules(valueOf("f-cat"));
    const f = current();
    for (const box of document.querySelectorAll("main > section:not(#drilldown) .filterable")) filterBox(box, f);
    fadeHighlights(f);
    $("f-status").textContent = describe(f);
    $("filters").classList.toggle("active", activeDims(f).length > 0);
  }

  function resetFilters() {
    for (const id of ["f-cat", "f-rule", "f-agent", "f-from", "f-to"]) if ($(id)) $(id).value = "";
    applyFilters();
  }

  // --- agent drill-down ---------------------------------------------------------------------
  function figures(info) {
    if (!info) return make("p", "none", "摘要中没有该客服的统计数据");
    const box = make("div", "totals");
    const shown = [["conversations", "会话数"], ["turns", "客服轮次"], ["findings", "问题数"],
                   ["per_100_turns", "每百轮问题数"], ["score", "得分"]];
    for (const [key, label] of shown) {
      const value = info[key];
      const card = make("div", "total");
      card.appendChild(make("span", "value", typeof value === "number" && !Number.isInteger(value) ? value.toFixed(1) : String(value ?? "—")));
      card.appendChild(make("span", "label", label));
      box.appendChild(card);
    }
    return box;
  }

  function categoryBlock(info, rows) {
    const block = make("div");
    let counts = info && info.by_category;
    let title = "各类别问题数";
    if (!counts) {
      counts = {};
      for (const row of rows) for (const c of keysOf(row).cat) counts[c] = (counts[c] || 0) + 1;
      title += "（仅统计问题最多的会话）";
    }
    block.appendChild(make("h3", "", title));
    const list = make("p");
    for (const [cat, name] of Object.entries(data.categories || {})) {
      if (!counts[cat]) continue;
      list.appendChild(make("span", "chip cat-" + cat, name + " " + counts[cat]));
      list.appendChild(document.createTextNode(" "));
    }
    if (!list.childNodes.length) list.appendChild(make("span", "none", "无"));
    block.appendChild(list);
    return block;
  }

  // The agent's findings per day as a bar chart: every day from their first to their last (a
  // day without findings is a zero), drawn as inline SVG like the page's other charts.
  // With agents' days, the drill-down holds an empty svg element (the HTML parser gives it the SVG
  // namespace): charts are made in its namespace.
  const MAX_FILLED_DAYS = data.maxFilledDays || 1000;
  const shape = (tag, attributes, text) => {
    const el = document.createElementNS($("trend-template").namespaceURI, tag);
    for (const [key, value] of Object.entries(attributes || {})) el.setAttribute(key, String(value));
    if (text !== undefined) el.textContent = text;
    return el;
  };

  function dayAxis(byDate) {
    const keys = Object.keys(byDate).sort();
    const day = 86400000;
    if (!keys.every((k) => /^\d{4}-\d{2}-\d{2}$/.test(k))) return keys;
    const first = Date.parse(keys[0] + "T00:00:00Z");
    const span = Math.round((Date.parse(keys[keys.length - 1] + "T00:00:00Z") - first) / day);
    if (!(span >= 0) || span > MAX_FILLED_DAYS) return keys;
    return Array.from({ length: span + 1 }, (_, n) => new Date(first + n * day).toISOString().slice(0, 10));
  }

  function trendChart(days, counts) {
    const width = 720, height = 190, left = 44, right = 16, top = 14, bottom = 34;
    const plotWidth = width - left - right, plotHeight = height - top - bottom;
    const peak = Math.max(1, ...counts);
    const step = plotWidth / days.length;
    const barWidth = Math.max(1, Math.min(32, step * 0.7));
    const chart = shape("svg", { class: "chart trend-chart", viewBox: `0 0 ${width} ${height}`, width, height,
                                 role: "img", "aria-label": "该客服每日问题数（柱状图）" });
    const axes = shape("g", { class: "axes" });
    const bottomY = top + plotHeight;
    axes.appendChild(shape("line", { x1: left, y1: top, x2: left, y2: bottomY }));
    axes.appendChild(shape("line", { x1: left, y1: bottomY, x2: left + plotWidth, y2: bottomY }));
    axes.appendChild(shape("line", { class: "grid", x1: left, y1: top, x2: left + plotWidth, y2: top }));
    axes.appendChild(shape("text", { x: left - 6, y: bottomY, "text-anchor": "end", dy: ".35em" }, "0"));
    axes.appendChild(shape("text", { x: left - 6, y: top, "text-anchor": "end", dy: ".35em" }, String(peak)));
    const labelY = bottomY + 20;
    if (days.length === 1) {
      axes.appendChild(shape("text", { x: left + plotWidth / 2, y: labelY, "text-anchor": "middle" }, days[0]));
    } else {
      axes.appendChild(shape("text", { x: left, y: labelY, "text-anchor": "start" }, days[0]));
      axes.appendChild(shape("text", { x: left + plotWidth, y: labelY, "text-anchor": "end" }, days[days.length - 1]));
    }
    chart.appendChild(axes);
    days.forEach((day, i) => {
      const barHeight = counts[i] * plotHeight / peak;
      const bar = shape("g", { class: "day", "data-date": day, "data-count": counts[i] });
      bar.appendChild(shape("title", {}, `${day}：${counts[i]} 个问题`));
      bar.appendChild(shape("rect", { class: "bar", x: (left + i * step + (step - barWidth) / 2).toFixed(1),
                                      y: (bottomY - barHeight).toFixed(1), width: barWidth.toFixed(1),
                                      height: barHeight.toFixed(1) }));
      chart.appendChild(bar);
    });
    return chart;
  }

  function trendBlock(info) {
    const block = make("div", "trend");
    block.appendChild(make("h3", "", "每日趋势"));
    const byDate = (info && info.by_date) || {};
    if (!Object.keys(byDate).length || !$("trend-template")) {
      const why = $("f-from") ? "该客服的会话没有可读的时间戳，无法画出每日趋势"
                              : "无日期数据（输入中没有时间戳）";
      block.appendChild(make("p", "none", why));
      return block;
    }
    const days = dayAxis(byDate);
    const counts = days.map((d) => byDate[d] || 0);
    const worst = days[counts.indexOf(Math.max(...counts))];
    const total = counts.reduce((a, b) => a + b, 0);
    block.appendChild(make("p", "hint", `${days[0]} 至 ${days[days.length - 1]}，共 ${total} 个问题；` +
                                        `最多的一天：${worst}（${byDate[worst] || 0} 个）。悬停柱子可见当天数量。`));
    block.appendChild(trendChart(days, counts));
    return block;
  }

  function clonedTable(rows) {
    const source = document.querySelector("#findings table");
    const box = make("div", "filterable");
    box.setAttribute("data-dims", "");
    box.setAttribute("data-page-size", "50");
    const table = make("table");
    if (source) table.appendChild(source.tHead.cloneNode(true));
    const body = make("tbody");
    for (const row of rows) { const copy = row.cloneNode(true); copy.hidden = false; body.appendChild(copy); }
    table.appendChild(body);
    box.appendChild(make("p", "na"));
    box.lastChild.hidden = true;
    box.appendChild(table);
    const pager = make("div", "pager");
    pager.appendChild(make("button", "prev", "上一页"));
    pager.appendChild(make("span", "status"));
    pager.appendChild(make("button", "next", "下一页"));
    for (const button of pager.querySelectorAll("button")) button.type = "button";
    box.appendChild(pager);
    return box;
  }

  function findingsBlock(rows) {
    const block = make("div");
    block.appendChild(make("h3", "", "该客服的问题（问题最多的会话中，共 " + rows.length + " 条）"));
    if (!rows.length) { block.appendChild(make("p", "none", "无")); return block; }
    const box = clonedTable(rows);
    block.appendChild(box);
    showPage(box);
    return block;
  }

  function conversationsBlock(name) {
    const block = make("div");
    const articles = Array.from(document.querySelectorAll("#conversations article.fr"))
      .filter((a) => keysOf(a).agent.indexOf(name) >= 0);
    block.appendChild(make("h3", "", "该客服的最差会话（" + articles.length + " 个）"));
    if (!articles.length) block.appendChild(make("p", "none", "该客服不在问题最多的会话中"));
    articles.forEach((article, i) => {
      const copy = article.cloneNode(true);
      copy.hidden = false;
      copy.classList.remove("fr");
      const details = copy.querySelector("details");
      if (details) details.open = i === 0;
      block.appendChild(copy);
    });
    return block;
  }

  function openAgent(name) {
    const section = $("drilldown");
    const body = $("drill-body");
    const info = (data.agents || {})[name];
    const rows = Array.from(document.querySelectorAll("#findings tr.fr")).filter((r) => keysOf(r).agent.indexOf(name) >= 0);
    $("drill-title").textContent = "客服详情：" + name;
    body.textContent = "";
    body.appendChild(figures(info));
    body.appendChild(categoryBlock(info, rows));
    body.appendChild(trendBlock(info));
    body.appendChild(findingsBlock(rows));
    body.appendChild(conversationsBlock(name));
    section.setAttribute("data-agent", name);
    section.hidden = false;
    section.scrollIntoView({ block: "start" });
  }

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const agent = target.closest("[data-open-agent]");
    if (agent) { openAgent(agent.getAttribute("data-open-agent")); return; }
    const step = target.closest(".pager .prev, .pager .next");
    if (step) {
      const box = step.closest(".filterable");
      box._page = (box._page || 0) + (step.classList.contains("next") ? 1 : -1);
      showPage(box);
      return;
    }
    if (target.closest("#drill-close")) $("drilldown").hidden = true;
    if (target.closest("#f-reset")) resetFilters();
  });
  for (const id of ["f-cat", "f-rule", "f-agent", "f-from", "f-to"]) {
    if ($(id)) $(id).addEventListener("change", applyFilters);
  }
  applyFilters();
  document.body.setAttribute("data-ready", "1");
})();
"""
