"""report.html of a real `cslint scan`, opened from disk (file://) in headless Chromium via Playwright:
filters change what is shown, an agent drills down, a long table pages, no JavaScript error, no request
leaves the file. Under CI (CI=true) a missing browser fails instead of skipping, as in tests/web."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

AGENTS = 60  # more than a page (50 rows) of the agent table
BAD = ["您好，请问有什么可以帮您？", "这个我不知道，你去问快递吧", "还有其他问题吗？感谢您的耐心等待，祝您生活愉快"]
GOOD = ["您好，请问有什么可以帮您？", "已为您查询，明天送达", "还有其他问题吗？感谢您的耐心等待，祝您生活愉快"]




def transcript_rows() -> list[dict]:
    """120 conversations over 5 days, 60 agents; every other conversation has two findings. A59
    also answers d000 (day 1, two findings) and d001 (day 3, none): findings on days 1 and 5 only."""
    rows = []
    conversations = [(f"c{n:03d}", 1 + n % 5, BAD if n % 2 == 0 else GOOD, f"A{n % AGENTS:02d}") for n in range(120)]
    for cid, day, replies, agent in conversations + [("d000", 1, BAD, "A59"), ("d001", 3, GOOD, "A59")]:
        for turn, reply in enumerate(replies):
            base = {"session_id": cid, "time": f"2024-03-{day:02d}T10:00:00"}
            rows.append({**base, "seq": 2 * turn, "speaker": "客户", "content": "在吗，我的订单怎么还没到",
                         "agent_id": ""})
            rows.append({**base, "seq": 2 * turn + 1, "speaker": "坐席", "content": reply, "agent_id": agent})
    return rows


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scan")
    source = folder / "t.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in transcript_rows()),
                      encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "cslint", "scan", str(source), "--out", str(folder / "out"),
                          "--workers", "1"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return folder / "out" / "report.html"


@pytest.fixture()
def page(browser, report, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto(report.as_uri())
    tab.wait_for_selector("body[data-ready]")
    yield tab
    tab.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    context.close()
    assert errors == []  # no JavaScript error
    assert requests == [report.as_uri()]  # nothing fetched but the file itself


def matched(tab, section_id: str) -> int:
    return int(tab.get_attribute(f"#{section_id} .filterable", "data-matched"))


def shown_rows(tab, section_id: str) -> int:
    return tab.locator(f"#{section_id} .fr:not([hidden])").count()


def test_filters_change_what_is_shown(page) -> None:
    findings, conversations = matched(page, "findings"), matched(page, "conversations")
    assert findings == 20 and conversations == 10  # the 10 worst conversations, 2 findings each
    page.select_option("#f-cat", "forbidden")
    assert matched(page, "findings") == 10 and shown_rows(page, "findings") == 10
    assert matched(page, "rules") == 1 and matched(page, "phrases") == 1
    assert "类别：服务禁语" in page.inner_text("#f-status")
    assert page.locator("#conversations mark.faded").count() == 10  # the 你 marks, not forbidden
    page.select_option("#f-cat", "")
    page.select_option("#f-rule", "ni-instead-of-nin")
    assert matched(page, "findings") == 10
    assert page.locator("#f-rule option:checked").inner_text().endswith("称呼客户请用“您”")
    page.select_option("#f-rule", "")
    page.select_option("#f-agent", "A00")
    assert matched(page, "agents") == 1 and matched(page, "findings") == 2 and matched(page, "conversations") == 1
    note = page.locator("#rules .na")  # the rules table says it has no agent data
    assert note.get_attribute("hidden") is None and "客服" in note.text_content()
    page.select_option("#f-agent", "")
    page.select_option("#f-from", "2024-03-02")
    page.select_option("#f-to", "2024-03-03")
    assert matched(page, "timeline") == 2
    assert page.text_content("#rules .fr .count >> nth=0") == "24"  # 12 bad conversations a day
    page.click("#f-reset")
    assert matched(page, "findings") == 20 and matched(page, "timeline") == 5
    assert page.inner_text("#f-status") == "未筛选：显示全部"


def test_agent_drill_down(page) -> None:
    assert page.locator("#drilldown").is_hidden()
    page.click("#agents [data-open-agent='A00']")
    drill = page.locator("#drilldown")
    assert drill.is_visible() and drill.get_attribute("data-agent") == "A00"
    assert "客服详情：A00" in page.inner_text("#drill-title")
    assert page.locator("#drilldown tbody tr").count() == 2  # A00's findings
    assert page.locator("#drilldown article.conversation").count() == 1
    assert page.locator("#drilldown .turn.agent").count() == 3 and page.locator("#drilldown .turn.customer").count() == 3
    assert page.locator("#drilldown mark").count() == 2
    assert "每日趋势" in page.inner_text("#drilldown")
    bars = page.locator("#drilldown svg.trend-chart .day")  # A00 answered on one day: 4 findings
    assert bars.count() == 1 and bars.first.get_attribute("data-count") == "4"
    assert page.text_content("#drilldown svg.trend-chart .day title") == "2024-03-01：4 个问题"
    page.click("#drill-close")
    assert drill.is_hidden()


def test_agent_daily_trend_chart(page) -> None:
    """Every day from the agent's first to their last, days without findings at zero, drawn as SVG."""
    page.click("#agents [data-open-agent='A59']")
    chart = page.locator("#drilldown svg.trend-chart")
    assert chart.get_attribute("aria-label") == "该客服每日问题数（柱状图）"
    days = chart.locator(".day")
    assert [days.nth(i).get_attribute("data-date") for i in range(days.count())] == \
        ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"]
    assert [days.nth(i).get_attribute("data-count") for i in range(days.count())] == ["2", "0", "0", "0", "0"]
    heights = [float(days.nth(i).locator("rect").get_attribute("height")) for i in range(days.count())]
    assert heights[0] > 0 and heights[1:] == [0, 0, 0, 0]
    assert chart.locator(".axes text").all_text_contents() == ["0", "2", "2024-03-01", "2024-03-05"]
    assert "最多的一天：2024-03-01（2 个）" in page.inner_text("#drilldown .trend")
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100  # drawn, not collapsed


def test_long_table_pages(page) -> None:
    assert matched(page, "agents") == AGENTS and shown_rows(page, "agents") == 50
    status = page.locator("#agents .pager .status")
    assert status.inner_text().startswith("第 1 / 2 页")
    assert page.locator("#agents .pager .prev").is_disabled()
    page.click("#agents .pager .next")
    assert shown_rows(page, "agents") == AGENTS - 50 and status.inner_text().startswith("第 2 / 2 页")
    assert page.locator("#agents .pager .next").is_disabled()
    page.click("#agents .pager .prev")
    assert shown_rows(page, "agents") == 50


def test_sections_fold_and_rules_show_messages(page) -> None:
    assert page.locator("#findings details").first.get_attribute("open") is None
    page.click("#findings summary")
    assert page.locator("#findings details").first.get_attribute("open") == ""
    rule = page.locator("#rules .rule").first
    assert rule.get_attribute("title") in {"declares-ignorance", "ni-instead-of-nin"}
    assert "请" in rule.text_content()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
