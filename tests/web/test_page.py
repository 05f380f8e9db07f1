"""The paste-a-draft page in a real headless Chromium against a real server."""
from __future__ import annotations

import re

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
    suggestion = page.tab.locator("#findings button.suggestion").first.inner_text()
    assert "幫" in suggestion and "詢" in suggestion  # 我幫您查詢確認一下…


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
