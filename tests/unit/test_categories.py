"""Category ids and display names are declared once (lint.model); the web page's JavaScript copy
and every Python surface agree with it."""
from __future__ import annotations

import re
from pathlib import Path

from cslint.model import CATEGORY_DISPLAY_NAMES, Category
from cslint.ruledoc import CATEGORY_TITLES
from cslint.scan.report import CATEGORY_NAMES as REPORT_NAMES
from cslint.service.lt_v2 import CATEGORY_NAMES as LT_NAMES

APP_JS = Path(__file__).resolve().parents[2] / "service" / "static" / "app.js"


def test_every_category_has_one_display_name():
    assert set(CATEGORY_DISPLAY_NAMES) == {c.value for c in Category}
    assert Category.FORBIDDEN.display_name == "服务禁语"
    assert REPORT_NAMES == LT_NAMES == CATEGORY_DISPLAY_NAMES
    assert CATEGORY_TITLES[Category.TONE] == "语气 (tone)"


def test_the_page_uses_the_same_names():
    source = APP_JS.read_text(encoding="utf-8")
    simplified = source[source.index("simplified: {"):]
    block = re.search(r"categories: \{(.*?)\}", simplified, re.S).group(1)
    assert dict(re.findall(r'(\w+): "([^"]+)"', block)) == CATEGORY_DISPLAY_NAMES
