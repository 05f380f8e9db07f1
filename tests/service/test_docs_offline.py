"""/docs works with no network beyond the server: Swagger UI's scripts and styles come from the
installed fastapi-offline package (served under /docs/static), never from a CDN. Checked in
headless Chromium with every request to another host aborted."""
from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest


class OfflineTab:
    """A browser tab that may reach 127.0.0.1 only; it records what it tried elsewhere and
    every JavaScript error."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context()
        self.tab = self.context.new_page()
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.tab.route("**/*", self._only_this_machine)
        self.tab.on("pageerror", lambda error: self.errors.append(str(error)))
        self.tab.on("console", lambda message: message.type == "error" and self.errors.append(message.text))

    def _only_this_machine(self, route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def offline_tab(browser):
    tab = OfflineTab(browser)
    yield tab
    tab.close()


def test_swagger_ui_renders_the_operations_offline(server, offline_tab):
    offline_tab.tab.goto(server.url + "/docs")
    operation = offline_tab.tab.locator('.opblock-summary-path[data-path="/v1/check"]')
    operation.first.wait_for(state="visible")
    assert offline_tab.tab.locator('.opblock-summary-path[data-path="/v2/check"]').count() >= 1  # GET and POST
    offline_tab.tab.wait_for_load_state("networkidle")
    assert offline_tab.blocked == []
    assert offline_tab.errors == []


def test_swagger_ui_can_try_a_check_offline(server, offline_tab):
    """The page is usable, not only drawn: "Try it out" on /v1/check reaches the server."""
    tab = offline_tab.tab
    tab.goto(server.url + "/docs")
    block = tab.locator('.opblock-post:has(.opblock-summary-path[data-path="/v1/check"])')
    block.locator(".opblock-summary").first.click()
    block.locator("button.try-out__btn").click()
    block.locator("textarea.body-param__text").fill('{"text": "这个我不知道"}')
    block.locator("button.execute").click()
    answer = block.locator(".live-responses-table tbody tr.response").first
    answer.wait_for(state="visible")
    assert answer.locator(".response-col_status").inner_text().strip() == "200"
    assert "diagnostics" in answer.locator(".response-col_description").inner_text()
    assert offline_tab.blocked == []
    assert offline_tab.errors == []


def test_no_redoc_page(client):
    """ReDoc's sidebar loads its logo from a CDN, so the service does not offer it."""
    assert client.get("/redoc").status_code == 404


def test_docs_pages_name_no_other_host(client):
    html = client.get("/docs").text
    assert "/docs/static/" in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    script = client.get("/docs/static/swagger-ui-bundle.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]


def test_the_page_keeps_its_content_security_policy(client):
    response = client.get("/")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert httpx.codes.is_success(client.get("/docs").status_code)
