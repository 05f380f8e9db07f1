"""The paste-a-draft page in a real headless Chromium against a real server."""
from __future__ import annotations

import re

import httpx

THREE_PROBLEMS = "你好，这个我不知道，您可以去营业厅办理携号转网。"  # 你好 / 不知道 / 携号转网


def test_three_problems_are_highlighted_in_their_categories(open_page, page_server):
    page = open_page(page_server)
    page.type_draft(THREE_PROBLEMS)
    assert page.categories() == ["honorific", "forbidden", "jargon"]
    assert page.count() == 3
    items = page.tab.locator("#findings li")
    assert [i.get_attribute("data-category") for i in items.all()] == ["honorific", "forbidden", "jargon"]
    assert "不知道" in items.nth(1).inner_text()
    # the marks sit exactly under their phrases (same text, same place as the textarea's text)
    marks = page.tab.locator("#highlights mark")
    assert [m.text_content() for m in marks.all()] == ["你好", "不知道", "携号转网"]
    legend = page.tab.locator("#legend").inner_text()
    assert all(name in legend for name in ("服务禁语", "语气", "术语", "口头禅与方言", "尊称", "文明用语"))
    assert page.hosts() == {"127.0.0.1"}  # self-contained: nothing fetched from anywhere else


def test_hovering_a_highlight_shows_its_message(open_page, page_server):
    page = open_page(page_server)
    page.type_draft(THREE_PROBLEMS)
    box = page.tab.locator("#highlights mark[data-category=forbidden]").bounding_box()
    page.tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.tab.locator("#tooltip")
    tooltip.wait_for(state="visible")
    assert "不知道" in tooltip.inner_text() and "服务禁语" in tooltip.inner_text()
    # the caret inside a highlight reads the same message (keyboard users)
    page.tab.focus("#draft")
    page.tab.evaluate("() => { const d = document.querySelector('#draft'); d.setSelectionRange(6, 6); }")
    page.tab.keyboard.press("ArrowRight")
    assert "服务禁语" in page.tab.locator("#caret-hint").inner_text()


def test_a_suggestion_applied_by_click_or_keyboard(open_page, page_server):
    page = open_page(page_server)
    page.type_draft(THREE_PROBLEMS)
    page.tab.locator("#findings li[data-category=forbidden] button.suggestion").click()
    page.wait_checked()
    assert "不知道" not in page.draft() and "我帮您查询确认一下，稍后给您答复" in page.draft()
    assert page.count() == 2
    caret = page.tab.evaluate("() => document.querySelector('#draft').selectionStart")
    assert caret == page.draft().index("稍后给您答复") + len("稍后给您答复")  # right after the rewrite

    button = page.tab.locator("#findings li[data-category=jargon] button.suggestion")
    button.focus()
    page.tab.keyboard.press("Enter")
    page.wait_checked()
    assert "携号转网" not in page.draft() and page.count() == 1


def test_fix_all_then_copy(open_page, page_server):
    page = open_page(page_server)
    page.type_draft("你好，订单已经发货了，你可以在订单详情里查看物流。")
    assert page.count() >= 2 and page.tab.locator("#fix-all").is_enabled()
    page.tab.click("#fix-all")
    page.wait_checked()
    assert page.draft() == "您好，订单已经发货了，您可以在订单详情里查看物流。"
    assert page.count() == 0 and page.tab.locator("#fix-all").is_disabled()
    page.tab.click("#copy")
    page.tab.wait_for_function("() => document.querySelector('#status').textContent.includes('已复制')")
    assert page.tab.evaluate("() => navigator.clipboard.readText()") == page.draft()


def test_traditional_draft_gets_traditional_suggestions(open_page, page_server):
    page = open_page(page_server)
    page.type_draft("您好，這個我不知道，請您稍等。")
    assert page.categories() == ["forbidden"]
    preview = page.tab.locator("#findings .proposal .preview").first.inner_text()
    assert "幫" in preview and "詢" in preview  # 我幫您查詢確認一下…


def test_empty_draft_is_a_clean_state(open_page, page_server):
    page = open_page(page_server)
    assert page.count() == 0 and page.tab.locator("#empty-state").is_visible()
    page.type_draft(THREE_PROBLEMS)
    assert page.count() == 3 and not page.tab.locator("#empty-state").is_visible()
    page.type_draft("")
    assert page.count() == 0 and page.categories() == []
    assert page.tab.locator("#empty-state").is_visible() and page.tab.locator("#error").is_hidden()


def test_a_stale_answer_never_overwrites_a_newer_one(open_page, page_server):
    page = open_page(page_server)
    held = []

    def hold_the_first(route):
        if not held:
            held.append(route)  # answered only after the newer draft's answer is on screen
        else:
            route.continue_()

    page.tab.route(re.compile(r".*/v1/check$"), hold_the_first)
    page.tab.fill("#draft", THREE_PROBLEMS)
    page.tab.wait_for_function("() => document.body.dataset.state === 'checking'")
    page.type_draft("您好，已为您处理。")
    assert page.count() == 0
    stale = held[0].request
    try:
        held[0].continue_()
    except Exception:  # the page already gave up on that request
        pass
    for _ in range(100):  # until the browser reports that request's end (5 s at most)
        if stale in page.settled:
            break
        page.tab.wait_for_timeout(50)
    page.tab.wait_for_timeout(300)  # time for the page to handle that answer, were it to use it
    assert page.count() == 0 and page.categories() == [] and page.draft() == "您好，已为您处理。"


def test_server_gone_mid_session_shows_an_error(open_page, start_server):
    srv = start_server()
    page = open_page(srv)
    page.type_draft(THREE_PROBLEMS)
    srv.stop()
    page.tab.fill("#draft", THREE_PROBLEMS + "谢谢")
    error = page.tab.locator("#error")
    error.wait_for(state="visible")
    assert "无法连接" in error.inner_text()
    assert page.draft() == THREE_PROBLEMS + "谢谢"  # the draft is kept


def test_narrow_screen_has_no_horizontal_scroll(open_page, page_server):
    page = open_page(page_server, width=375, height=800)
    page.type_draft(THREE_PROBLEMS)
    assert page.tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert page.categories() == ["honorific", "forbidden", "jargon"]


def test_a_server_with_api_keys_asks_for_one(open_page, start_server):
    srv = start_server(env={"CSLINT_API_KEYS": "team-key"})
    page = open_page(srv)
    page.tab.locator("#key-row").wait_for(state="visible")
    page.tab.fill("#draft", THREE_PROBLEMS)
    page.tab.locator("#error").wait_for(state="visible")  # 401 until a key is given
    page.tab.fill("#api-key", "team-key")
    page.tab.keyboard.press("Enter")
    page.wait_checked(THREE_PROBLEMS)
    assert page.categories() == ["honorific", "forbidden"]  # default pack only: 携号转网 is telecom jargon
    assert page.tab.locator("#error").is_hidden()


# ---------------------------------------------------------------------------------------------
# suggestions are edits: fixes (one click) and proposals (a preview, then their own button)

def server_check(server, text: str) -> dict:
    """The server's answer for `text` with the page's default channel and position."""
    response = httpx.post(server.url + "/v1/check", json={"text": text, "channel": "chat", "position": "middle"},
                          timeout=30)
    response.raise_for_status()
    return response.json()


def edit_of(answer: dict, rule_id: str, kind: str = "proposal") -> dict:
    (diagnostic,) = [d for d in answer["diagnostics"] if d["rule_id"] == rule_id]
    return next(e for e in diagnostic["edits"] if e["kind"] == kind)


def apply(text: str, edit: dict) -> str:
    """An edit applied over its code-point span (Python's str indexes code points)."""
    return text[:edit["start"]] + edit["text"] + text[edit["end"]:]


def test_proposals_apply_their_own_edit_one_after_the_other(open_page, page_server):
    draft = "您好，这个我不知道，您自己去查吧"
    first = edit_of(server_check(page_server, draft), "declares-ignorance")
    after_first = apply(draft, first)
    second = edit_of(server_check(page_server, after_first), "pushes-work-back")
    expected = apply(after_first, second)

    page = open_page(page_server)
    page.type_draft(draft)
    item = page.tab.locator("#findings li[data-rule=declares-ignorance]")
    old = draft[first["start"]:first["end"]]
    assert item.locator(".preview").inner_text() == f"{old} → {first['text']}"  # the whole clause
    item.locator("button.apply-proposal").click()
    page.wait_checked(after_first)  # re-checked
    assert page.draft() == after_first

    page.tab.locator("#findings li[data-rule=pushes-work-back] button.apply-proposal").click()
    page.wait_checked(expected)
    assert page.draft() == expected
    assert "我我" not in expected and "不知道" not in expected and "自己去查" not in expected
    assert page.tab.locator("#findings li[data-rule=declares-ignorance]").count() == 0
    assert page.tab.locator("#findings li[data-rule=pushes-work-back]").count() == 0


def test_fix_all_applies_the_servers_fixed(open_page, page_server):
    draft = "喂，你好，订单已发货"
    fixed = server_check(page_server, draft)["fixed"]
    page = open_page(page_server)
    page.type_draft(draft)
    page.tab.click("#fix-all")
    page.wait_checked(fixed)
    assert page.draft() == fixed
    assert fixed.count("您好") == 1 and "喂" not in fixed


def test_a_proposal_shows_its_rewrite_and_fix_all_leaves_it(open_page, page_server):
    draft = "喂，你好，这个我不知道，你自己去查吧"
    answer = server_check(page_server, draft)
    edit = edit_of(answer, "declares-ignorance")
    page = open_page(page_server)
    page.type_draft(draft)
    proposal = page.tab.locator("#findings li[data-rule=declares-ignorance] .proposal")
    assert proposal.is_visible()
    assert "改写建议（意思可能改变）" in proposal.inner_text()
    assert proposal.locator(".preview").inner_text() == "这个我不知道 → 我帮您查询确认一下，稍后给您答复"
    assert edit["text"] == "我帮您查询确认一下，稍后给您答复"
    # a fix is a plain button reading the new text, outside any proposal
    fix = page.tab.locator("#findings li[data-rule=ni-instead-of-nin] button.suggestion.fix").first
    assert fix.inner_text() == "您好"
    assert page.tab.locator("#findings .proposal button.fix").count() == 0

    page.tab.click("#fix-all")
    page.wait_checked(answer["fixed"])
    assert page.draft() == answer["fixed"]
    assert "这个我不知道" in page.draft() and edit["text"] not in page.draft()  # proposals are never applied
    proposal.locator(".preview").wait_for(state="visible")  # still offered after the re-check
    assert "这个我不知道 → 我帮您查询确认一下" in proposal.inner_text()


def test_deletions_and_insertions_say_so(open_page, page_server):
    page = open_page(page_server)
    page.type_draft("您好，那个那个，您的订单已发货")
    assert page.tab.locator("#findings li[data-rule=repeated-filler] .preview").inner_text() == "删除“那个那个，”"
    page.tab.select_option("#position", "opening")
    page.tab.fill("#draft", "订单已发货")
    page.wait_checked("订单已发货")
    button = page.tab.locator("#findings li[data-rule=missing-greeting] button.suggestion.fix")
    assert button.inner_text() == "插入“您好，”"
    button.click()
    page.wait_checked("您好，订单已发货")
    assert page.count() == 0


def test_every_finding_shows_its_severity(open_page, page_server):
    page = open_page(page_server)
    page.type_draft("喂，你好，这批货包装得一塌糊涂")
    items = page.tab.locator("#findings li")
    labels = {i.get_attribute("data-rule"): i.locator(".severity").inner_text() for i in items.all()}
    assert labels == {"wei-as-greeting": "错误", "ni-instead-of-nin": "警告", "dialect-expression": "提示"}
    for item in items.all():
        assert item.locator(".severity").is_visible()
    # three different looks
    looks = {page.tab.evaluate(
        "(el) => { const s = getComputedStyle(el); return s.backgroundColor + '|' + s.borderStyle + '|' + s.color; }",
        item.locator(".severity").element_handle()) for item in items.all()}
    assert len(looks) == 3
    # the hover tooltip names the severity too
    box = page.tab.locator("#highlights mark[data-category=filler]").bounding_box()
    page.tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.tab.locator("#tooltip")
    tooltip.wait_for(state="visible")
    assert tooltip.locator(".severity").inner_text() == "提示" and "一塌糊涂" in tooltip.inner_text()
    assert "错误" in page.tab.locator("#severity-legend").inner_text()


def test_a_traditional_draft_switches_the_page_to_traditional(open_page, page_server):
    page = open_page(page_server)
    page.type_draft("這個我不知道，你自己去查吧")
    page.tab.wait_for_function("() => document.body.dataset.script === 'traditional'")
    assert page.tab.locator("#copy").inner_text() == "複製"
    assert page.tab.locator("#draft-label").inner_text() == "回覆草稿"
    assert page.tab.locator("h1").inner_text() == "客服回覆檢查"
    legend = page.tab.locator("#legend").inner_text()
    assert all(name in legend for name in ("服務禁語", "語氣", "術語", "口頭禪與方言", "尊稱", "文明用語"))
    assert "改寫建議（意思可能改變）" in page.tab.locator("#findings").inner_text()
    assert "採用此改寫" in page.tab.locator("#findings").inner_text()
    assert "錯誤" in page.tab.locator("#findings").inner_text()
    assert page.tab.locator("#status").inner_text() == f"發現 {page.count()} 個問題"
    assert page.tab.evaluate("() => document.documentElement.lang") in ("zh-TW", "zh-HK")
    # back to a Simplified draft: back to Simplified strings
    page.type_draft("您好，这个我不知道，请您稍等。")
    page.tab.wait_for_function("() => document.body.dataset.script === 'simplified'")
    assert page.tab.locator("#copy").inner_text() == "复制"
