"""The HTML report of `cslint scan`: structure, self-containment, escaping, highlights, empty data,
Chinese labels, filter keys, folding and paging (the script itself runs in test_report_browser.py)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from cslint.scan.report import CATEGORY_NAMES, PAGE_SIZE, render_report

CATEGORIES = ("forbidden", "tone", "jargon", "filler", "honorific", "courtesy")
XSS = "<script>alert(1)</script>"
CHECKED_TAGS = {
    "html", "head", "body", "main", "section", "article", "figure", "h1", "h2", "h3", "p", "div",
    "span", "mark", "code", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "dl",
    "dt", "dd", "style", "title", "svg", "g", "text", "rect", "line", "polyline", "circle",
    "details", "summary", "nav", "label", "select", "option", "button", "script",
}


class ReportParser(HTMLParser):
    """Walks the page: balance of CHECKED_TAGS, every start tag with its attributes, each mark's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open_tags: list[str] = []
        self.errors: list[str] = []
        self.start_tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[dict[str, str]] = []
        self._mark: dict[str, str] | None = None
        self.visible: list[str] = []  # text a reader sees (not in style, script, code or SVG titles)
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.start_tags.append((tag, attributes))
        if tag in CHECKED_TAGS:
            self.open_tags.append(tag)
        if tag in {"style", "script", "code", "title"}:
            self._hidden_depth += 1
        if tag == "mark":
            self._mark = {"class": attributes.get("class") or "", "title": attributes.get("title") or "",
                          "text": ""}

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start_tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._mark is not None:
            self.marks.append(self._mark)
            self._mark = None
        if tag in {"style", "script", "code", "title"}:
            self._hidden_depth -= 1
        if tag not in CHECKED_TAGS:
            return
        if not self.open_tags or self.open_tags[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open_tags[-1:] or 'nothing'}")
            return
        self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.visible.append(data)
        if self._mark is not None:
            self._mark["text"] += data


def parse(page: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert parser.open_tags == []
    return parser


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">.*?</section>', page, re.DOTALL)
    assert match, section_id
    return match.group(0)


def finding(text: str, phrase: str, rule_id: str, category: str, message: str,
            suggestion: str | None) -> dict:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "rule_id": rule_id, "category": category,
            "message": message, "suggestion": suggestion}


def insertion(at: int, rule_id: str, message: str, suggestion: str) -> dict:
    return {"start": at, "end": at, "rule_id": rule_id, "category": "courtesy", "message": message,
            "suggestion": suggestion}


def conversations() -> list[dict]:
    reply = "这个我不知道，你问下快递吧"
    jargon_reply = "您的工单已经揽收了"
    return [
        {"conversation": "c-001", "score": 27.0, "findings": 5, "turns": [
            {"turn": 1, "role": "customer", "agent": None, "text": XSS, "findings": []},
            {"turn": 2, "role": "agent", "agent": "小王", "text": reply, "findings": [
                insertion(0, "missing-greeting", "回复开头缺少问候语", "您好，"),
                finding(reply, "不知道", "bu-zhi-dao", "forbidden", '请勿直接说"不知道"', "我帮您确认一下"),
                finding(reply, "你", "ni-to-nin", "honorific", "对客户请用“您”", "您"),
                # overlaps 不知道 (starts inside it): listed, not highlighted
                {"start": 4, "end": 6, "rule_id": "zhi-dao-overlap", "category": "tone",
                 "message": "重叠的问题", "suggestion": None},
            ]},
        ]},
        {"conversation": "c-<b>002</b>", "score": 6.5, "findings": 2, "turns": [
            {"turn": 1, "role": "customer", "agent": None, "text": "我的快递到哪了？", "findings": []},
            {"turn": 2, "role": "agent", "agent": "小李", "text": jargon_reply, "findings": [
                finding(jargon_reply, "工单", "jargon-gongdan", "jargon", "内部术语", "服务单"),
                finding(jargon_reply, "揽收", "jargon-lanshou", "jargon", "内部术语", "快递员已取件"),
            ]},
        ]},
    ]


def summary_without_dates() -> dict:
    by_rule = {
        "bu-zhi-dao": {"category": "forbidden", "count": 12, "message": '请勿直接说"不知道"'},
        "ni-to-nin": {"category": "honorific", "count": 7, "message": "对客户请用“您”"},
        "jargon-gongdan": {"category": "jargon", "count": 4, "message": "内部术语"},
        "missing-greeting": {"category": "courtesy", "count": 3, "message": "回复开头缺少问候语"},
        "zhi-dao-overlap": {"category": "tone", "count": 1, "message": "重叠的问题"},
    }
    by_rule.update({f"extra-{n:02d}": {"category": "filler", "count": 1, "message": "口头禅"}
                    for n in range(15)})
    return {
        "generated_by": "cslint 0.1.0",
        "inputs": ["logs/2024-01.jsonl", "logs/<odd>&name.jsonl"],
        "packs": [{"id": "default", "version": "1"}, {"id": "telecom", "version": "2"}],
        "channel": "chat",
        "totals": {"conversations": 2, "turns": 4, "agent_turns": 2, "findings": 42, "errors": 12},
        "by_category": {"forbidden": 12, "tone": 1, "jargon": 4, "filler": 15, "honorific": 7,
                        "courtesy": 0},
        "by_rule": by_rule,
        "by_date_category": {},
        "by_date_rule": {},
        "top_phrases": [
            {"rule_id": "bu-zhi-dao", "category": "forbidden", "phrase": "不知道", "count": 12},
            {"rule_id": "ni-to-nin", "category": "honorific", "phrase": "你", "count": 7},
            {"rule_id": "jargon-gongdan", "category": "jargon", "phrase": "工单", "count": 4},
        ],
        "agents": [
            {"agent": "小王", "conversations": 1, "turns": 1, "findings": 5, "per_100_turns": 500.0,
             "score": 27.04},
            {"agent": "<i>小李</i>", "conversations": 1, "turns": 1, "findings": 2,
             "per_100_turns": 12.345, "score": 6.5},
        ],
        "worst_conversations": conversations(),
        "score": {"formula": "得分 = 10×错误 + 3×警告 + 1×提示 (<每会话>)",
                  "weights": {"error": 10, "warning": 3, "info": 1}},
    }


def summary_with_dates() -> dict:
    summary = summary_without_dates()
    summary["by_date_category"] = {
        "2024-01-05": {"forbidden": 5, "tone": 1, "jargon": 2, "filler": 6, "honorific": 3, "courtesy": 0},
        "2024-01-06": {"forbidden": 4, "tone": 0, "jargon": 1, "filler": 5, "honorific": 2, "courtesy": 0},
        "2024-01-08": {"forbidden": 3, "tone": 0, "jargon": 1, "filler": 4, "honorific": 2, "courtesy": 0},
    }
    summary["by_date_rule"] = {
        "2024-01-05": {"bu-zhi-dao": 5, "ni-to-nin": 3, "jargon-gongdan": 2, "zhi-dao-overlap": 1,
                       "extra-00": 6},
        "2024-01-06": {"bu-zhi-dao": 4, "ni-to-nin": 2, "jargon-gongdan": 1, "extra-01": 5},
        "2024-01-08": {"bu-zhi-dao": 3, "ni-to-nin": 2, "jargon-gongdan": 1, "extra-02": 4},
    }
    return summary


def empty_summary() -> dict:
    return {
        "generated_by": "cslint 0.1.0",
        "inputs": [],
        "packs": [{"id": "default", "version": "1"}],
        "channel": "chat",
        "totals": {"conversations": 0, "turns": 0, "agent_turns": 0, "findings": 0, "errors": 0},
        "by_category": {c: 0 for c in CATEGORIES},
        "by_rule": {},
        "by_date_category": {},
        "by_date_rule": {},
        "top_phrases": [],
        "agents": [],
        "worst_conversations": [],
        "score": {"formula": "得分 = 10×错误 + 3×警告 + 1×提示",
                  "weights": {"error": 10, "warning": 3, "info": 1}},
    }


ALL_SUMMARIES = pytest.mark.parametrize(
    "summary", [summary_with_dates(), summary_without_dates(), empty_summary()],
    ids=["dates", "no-dates", "empty"],
)


@ALL_SUMMARIES
def test_page_is_balanced_chinese_html(summary: dict) -> None:
    page = render_report(summary)
    assert page.startswith("<!DOCTYPE html>")
    parsed = parse(page)
    html_tags = [attrs for tag, attrs in parsed.start_tags if tag == "html"]
    assert html_tags == [{"lang": "zh-CN"}]
    assert [tag for tag, _ in parsed.start_tags].count("style") == 1


@ALL_SUMMARIES
def test_page_is_self_contained(summary: dict) -> None:
    page = render_report(summary)
    parsed = parse(page)
    for tag, attrs in parsed.start_tags:
        assert tag not in {"link", "img", "iframe", "object", "embed", "base", "form"}
        for name in ("src", "href", "xlink:href", "action"):
            assert name not in attrs, (tag, name)
    scripts = [attrs for tag, attrs in parsed.start_tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "report-data"}, {}]  # inline only
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    assert "url(" not in page and "@import" not in page
    for network in ("fetch(", "XMLHttpRequest", "WebSocket", "import(", "eval(", "innerHTML"):
        assert network not in page


def test_charts_are_inline_svg() -> None:
    page = render_report(summary_without_dates())
    assert "<svg" in page
    assert "<svg" in section(page, "by-category")
    assert "<svg" in section(page, "top-rules")


def test_transcript_text_is_escaped() -> None:
    page = render_report(summary_without_dates())
    parsed = parse(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert XSS not in page and page.lower().count("<script") == 2  # the page's own data and script
    assert [tag for tag, _ in parsed.start_tags].count("script") == 2
    # ids, agent names, input paths and the formula are escaped too
    assert "c-&lt;b&gt;002&lt;/b&gt;" in page
    assert "&lt;i&gt;小李&lt;/i&gt;" in page
    assert "logs/&lt;odd&gt;&amp;name.jsonl" in page
    summary = summary_without_dates()
    summary["score"] = {"formula": "得分 (<每会话>)"}  # no weights: the formula text is shown
    assert "(&lt;每会话&gt;)" in render_report(summary)
    assert all(tag not in {"b", "i"} for tag, _ in parsed.start_tags)


def test_finding_span_is_marked_with_its_phrase_and_message() -> None:
    marks = parse(render_report(summary_without_dates())).marks
    forbidden = [m for m in marks if m["class"] == "cat-forbidden"]
    assert forbidden == [{"class": "cat-forbidden", "title": '请勿直接说"不知道"', "text": "不知道"}]
    assert {"class": "cat-jargon", "title": "内部术语", "text": "揽收"} in marks
    assert ('<mark class="cat-forbidden" data-rule="bu-zhi-dao" title="请勿直接说&quot;不知道&quot;">'
            '不知道</mark>') in render_report(summary_without_dates())


def test_overlapping_span_is_listed_but_not_highlighted() -> None:
    page = render_report(summary_without_dates())
    marks = parse(page).marks
    assert [m["text"] for m in marks] == ["不知道", "你", "工单", "揽收"]
    assert "cat-tone" not in {m["class"] for m in marks}
    assert "zhi-dao-overlap" in section(page, "conversations")


def test_insertion_point_is_a_visible_marker_with_its_message() -> None:
    parsed = parse(render_report(summary_without_dates()))
    markers = [attrs for tag, attrs in parsed.start_tags
               if tag == "span" and "insertion" in (attrs.get("class") or "")]
    assert markers == [{"class": "insertion cat-courtesy", "data-rule": "missing-greeting",
                        "title": "回复开头缺少问候语"}]


def test_findings_are_listed_with_suggestions() -> None:
    conversations_html = section(render_report(summary_without_dates()), "conversations")
    assert "建议：我帮您确认一下" in conversations_html
    assert "建议：您好，" in conversations_html
    assert "（缺少）" in conversations_html


def test_customer_and_agent_turns_look_different() -> None:
    page = render_report(summary_without_dates())
    assert page.count('<div class="turn customer">') == 2
    assert page.count('<div class="turn agent flagged">') == 2  # both agent turns have findings
    assert ".turn.customer .bubble {" in page and ".turn.agent .bubble {" in page
    assert page.count('<div class="chat">') == 2


def test_all_six_category_names_and_colours_are_shown() -> None:
    page = render_report(summary_with_dates())
    category_chart = section(page, "by-category")
    for category in CATEGORIES:
        assert CATEGORY_NAMES[category] in category_chart
    assert category_chart.count('<rect class="bar"') == 6  # courtesy's zero bar included
    for colour in ("#c62828", "#e65100", "#1565c0", "#6a1b9a", "#00796b", "#2e7d32"):
        assert colour in page


def test_top_rules_chart_shows_at_most_fifteen_rules_coloured_by_category() -> None:
    chart = section(render_report(summary_without_dates()), "top-rules")
    assert chart.count('<rect class="bar"') == 15
    # a rule is named by its message; its id is in the tooltip
    assert ">请勿直接说&quot;不知道&quot;</text>" in chart and ">12</text>" in chart
    assert "<title>服务禁语 · 请勿直接说&quot;不知道&quot;（规则 bu-zhi-dao）：12</title>" in chart
    assert re.search(r'<rect class="bar"[^>]*fill="#c62828"', chart)
    assert chart.index(">请勿直接说") < chart.index(">对客户请用“您”<")


def test_time_series_only_when_dates_exist() -> None:
    dated = render_report(summary_with_dates())
    timeline = section(dated, "timeline")
    assert timeline.count('class="chart line-chart"') == 2
    assert timeline.count("<polyline") == 6 + 5
    assert "2024-01-05" in timeline and "2024-01-08" in timeline
    assert 'class="legend"' in timeline

    undated = render_report(summary_without_dates())
    assert 'id="timeline"' not in undated
    assert "line-chart" not in undated and "<polyline" not in undated


def test_a_single_date_is_drawn_as_dots() -> None:
    summary = summary_without_dates()
    summary["by_date_category"] = {"2024-03-01": {"forbidden": 2, "tone": 1}}
    summary["by_date_rule"] = {"2024-03-01": {"bu-zhi-dao": 2}}
    timeline = section(render_report(summary), "timeline")
    parse(timeline)
    assert "<polyline" not in timeline
    assert timeline.count("<circle") == 6 + 1
    assert "2024-03-01" in timeline


def test_agent_table_rounds_to_one_decimal() -> None:
    agents = section(render_report(summary_without_dates()), "agents")
    assert "<td class=\"num\">12.3</td>" in agents
    assert "<td class=\"num\">27.0</td>" in agents
    assert "<td class=\"num\">500.0</td>" in agents


def test_phrases_and_score_sections() -> None:
    page = render_report(summary_without_dates())
    assert "不知道" in section(page, "phrases")
    score = section(page, "score")
    assert "会话得分 = max(0, 100 − (10 × 错误数 + 3 × 警告数 + 1 × 提示数))" in score
    assert "客服得分 = 该客服参与的各会话得分的平均值" in score and "错误：每个扣 10 分" in score


@pytest.mark.parametrize("summary", [empty_summary(), {}], ids=["empty", "no-keys"])
def test_empty_summary_renders_none_notes(summary: dict) -> None:
    page = render_report(summary)
    parse(page)
    for section_id in ("by-category", "top-rules", "phrases", "agents", "conversations"):
        assert '<p class="none">无' in section(page, section_id)
    assert "<svg" not in page and "<table" not in page and "<mark" not in page


ALLOWED_LATIN = {"cslint", "max", "logs", "jsonl", "odd", "name", "default", "telecom", "script", "alert",
                 "findings"}  # findings.jsonl, the output file named in a hint


@ALL_SUMMARIES
def test_visible_text_is_chinese(summary: dict) -> None:
    """Labels, headings, columns, chart labels and the formula are Chinese: the only Latin words a
    reader sees come from the data (paths, pack ids, the tool's name)."""
    visible = " ".join(parse(render_report(summary)).visible)
    visible = re.sub(r"（[a-z0-9-]+）", "", visible)  # a rule id telling apart rules of one message
    assert set(re.findall(r"[A-Za-z]{3,}", visible)) <= ALLOWED_LATIN
    for label in ("概览", "渠道", "在线聊天", "评分方式"):
        assert label in visible
    if summary.get("agents"):
        for column in ("客服", "会话数", "客服轮次", "问题数", "每百轮问题数", "得分", "短语", "次数", "建议"):
            assert f"<th>{column}</th>" in render_report(summary)


def test_rules_are_named_by_their_messages_with_the_id_on_hover() -> None:
    page = render_report(summary_without_dates())
    for section_id in ("rules", "phrases", "findings"):
        assert '<span class="rule" title="bu-zhi-dao">请勿直接说&quot;不知道&quot;</span>' in section(page, section_id)
    options = re.findall(r'<option value="extra-0\d" title="(extra-0\d)"[^>]*>([^<]*)</option>', page)
    assert ("extra-00", "口头禅与方言 · 口头禅（extra-00）") in options  # a shared message gets its id
    assert '<option value="bu-zhi-dao" title="bu-zhi-dao" data-cat="forbidden">服务禁语 · 请勿直接说' in page


def test_filter_bar_and_filter_keys() -> None:
    page = render_report(summary_with_dates())
    nav = re.search(r'<nav id="filters".*?</nav>', page, re.DOTALL).group(0)
    for field in ("f-cat", "f-rule", "f-agent", "f-from", "f-to", "f-reset"):
        assert f'id="{field}"' in nav
    assert nav.count('<option value="2024-01-05">') == 2
    assert '<option value="&lt;i&gt;小李&lt;/i&gt;">' in nav
    assert 'data-dims="cat rule date" data-page-size="50" data-total="20" data-recount="rule"' in section(page, "rules")
    assert 'data-dims="agent"' in section(page, "agents")
    assert 'data-dims="cat rule agent"' in section(page, "findings")
    assert 'data-dims="date"' in section(page, "timeline")
    first = re.search(r'<tr class="fr"([^>]*)>', section(page, "findings")).group(1)
    keys = dict(re.findall(r'data-(\w+)="([^"]*)"', first))
    assert {k: json.loads(v.replace("&quot;", '"')) for k, v in keys.items()} == {
        "cat": ["courtesy"], "rule": ["missing-greeting"], "agent": ["小王"], "date": []}
    assert "日期" not in nav.split("f-reset")[0] or 'id="f-from"' in nav
    assert 'id="f-from"' not in render_report(summary_without_dates())  # no dates: no date filter


def test_sections_fold_and_long_tables_page() -> None:
    summary = summary_without_dates()
    summary["agents"] = [{"agent": f"坐席{n:03d}", "conversations": 1, "turns": 2, "findings": 1,
                          "per_100_turns": 50.0, "score": 90.0} for n in range(PAGE_SIZE + 7)]
    page = render_report(summary)
    for section_id in ("overview", "by-category", "top-rules", "rules", "phrases", "agents", "findings",
                       "conversations", "score"):
        assert re.match(rf'<section id="{section_id}">\n<details( open)?>\n<summary><h2>',
                        section(page, section_id)), section_id
    assert '<section id="rules">\n<details>' in page  # long detail tables start folded
    agents = section(page, "agents")
    assert agents.count('<tr class="fr"') == PAGE_SIZE + 7 and 'data-page-size="50"' in agents
    assert '<button type="button" class="prev">上一页</button>' in agents
    assert '<button type="button" class="next">下一页</button>' in agents
    assert page.count('<article class="conversation fr"') == 2
    assert page.count("<details open>\n<summary><h3>会话") == 1  # only the worst conversation unfolded


def test_agent_drill_down_and_its_data() -> None:
    summary = summary_with_dates()
    summary["agents"][0]["by_date"] = {"2024-01-05": 3, "2024-01-06": 2}
    summary["agents"][0]["by_category"] = {"forbidden": 4, "honorific": 1}
    page = render_report(summary)
    assert '<section id="drilldown" hidden>' in page
    assert '<button type="button" class="agent-link" data-open-agent="小王"' in section(page, "agents")
    assert 'data-open-agent="小王"' in section(page, "findings")
    data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>',
                                page, re.DOTALL).group(1))
    assert data["agents"]["小王"]["by_date"] == {"2024-01-05": 3, "2024-01-06": 2}
    assert data["agents"]["小王"]["by_category"] == {"forbidden": 4, "honorific": 1}
    assert data["agents"]["<i>小李</i>"]["score"] == 6.5 and "by_date" not in data["agents"]["<i>小李</i>"]
    assert data["byDateRule"]["2024-01-05"]["bu-zhi-dao"] == 5
    assert data["rules"]["bu-zhi-dao"] == '请勿直接说"不知道"'


def test_data_block_cannot_end_the_script() -> None:
    summary = summary_without_dates()
    summary["agents"][0]["agent"] = "</script><script>alert(1)</script>\ud800"
    page = render_report(summary)
    block = re.search(r'id="report-data">(.*?)</script>', page, re.DOTALL).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert "</script><script>alert(1)</script>\ufffd" in json.loads(block)["agents"]
    page.encode("utf-8")  # a lone surrogate does not break writing the page
