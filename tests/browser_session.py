"""Headless Chromium (Debian's package, driven by Playwright) for the browser tests: the page
(tests/web) and the scan report (tests/scan). Under CI (CI=true) a missing browser fails the
test instead of skipping it: CI must run the browser tests."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from typing import Iterator

import pytest


def chromium_path() -> str | None:
    explicit = os.environ.get("CSLINT_CHROMIUM")
    if explicit:
        return explicit
    return next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


@contextmanager
def chromium() -> Iterator[object]:
    """A launched headless Chromium for the length of a `with` block (a Playwright Browser)."""
    path = chromium_path()
    if path is None:
        message = "no Chromium (scripts/setup-browser installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
