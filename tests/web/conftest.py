"""Headless Chromium (Debian's package, driven by Playwright) against a real `cslint serve`."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from live_server import Server


@pytest.fixture(scope="module")
def page_server():
    srv = Server("--pack", "default", "--pack", "telecom")
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


class Page:
    """One browser tab on the page, recording every URL it asks for."""

    def __init__(self, browser, url: str, width: int = 1280, height: int = 860) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        self.tab = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.tab.on("request", lambda request: self.requests.append(request.url))
        self.settled: list = []  # requests that finished or failed
        self.tab.on("requestfinished", lambda request: self.settled.append(request))
        self.tab.on("requestfailed", lambda request: self.settled.append(request))
        self.tab.on("pageerror", lambda error: self.errors.append(str(error)))
        self.tab.goto(url + "/")
        self.tab.wait_for_selector("body[data-state=empty]")

    def type_draft(self, text: str) -> None:
        """Replace the draft (as a paste would) and wait for the answer to that text."""
        self.tab.fill("#draft", text)
        self.wait_checked(text)

    def wait_checked(self, text: str | None = None) -> None:
        text = self.tab.input_value("#draft") if text is None else text
        state = "empty" if not text.strip() else "checked"
        self.tab.wait_for_function(
            "([state, text]) => document.body.dataset.state === state && document.querySelector('#draft').value === text",
            arg=[state, text])

    def categories(self) -> list[str]:
        return [m.get_attribute("data-category") for m in self.tab.locator("#highlights mark").all()]

    def count(self) -> int:
        return int(self.tab.locator("#count").get_attribute("data-count"))

    def draft(self) -> str:
        return self.tab.input_value("#draft")

    def hosts(self) -> set[str]:
        return {urlsplit(u).hostname for u in self.requests if not u.startswith("data:")}

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def open_page(browser, tmp_path):
    """open_page(server) -> Page; a screenshot of every page is saved to the test's tmp_path."""
    pages: list[Page] = []

    def open_(server, **size) -> Page:
        page = Page(browser, server.url, **size)
        pages.append(page)
        return page

    yield open_
    for index, page in enumerate(pages):
        page.tab.screenshot(path=str(tmp_path / f"page-{index}.png"), full_page=True)
        assert not page.errors, page.errors  # no JavaScript error on the page
        page.close()
