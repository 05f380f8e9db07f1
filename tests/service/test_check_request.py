"""/v1/check reads a plainly valid body with orjson (service/front.py check_request) and any other
with pydantic (judged_request): either way the request, or the error, is CheckRequest's."""
from __future__ import annotations

import json

import orjson
import pydantic_core
import pytest
from hypothesis import given, settings, strategies as st

from cslint.service.errors import HTTPError, InvalidBody, client_error
from cslint.service.front import PlainCheckRequest, check_request, parse_json_body
from cslint.service.wire import CheckRequest

FIELDS = list(CheckRequest.model_fields)
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=False), st.text(max_size=8),
    st.sampled_from(["chat", "email", "Chat", "opening", "middle", "closing", "single", "tone", "jargon",
                     "forbidden", "default", "declares-ignorance", "1", "true"]),
    st.lists(st.one_of(st.sampled_from(["tone", "jargon", "warning", "nope", "ni-instead-of-nin"]), st.integers(0, 1),
                       st.none()), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)
BODIES = st.dictionaries(st.sampled_from([*FIELDS, "extra", "Text"]), VALUES, max_size=6)


def outcome(parse, raw: bytes):
    try:
        request = parse(raw)
    except (HTTPError, InvalidBody) as exc:
        return ("error", client_error(exc))
    return ("ok", {name: list(value) if isinstance(value, (list, tuple)) else value
                   for name in FIELDS for value in [getattr(request, name)]})


def pydantic_only(raw: bytes):
    return parse_json_body(CheckRequest, raw)


def as_served(raw: bytes):
    """What /v1/check does: the plain reading, else pydantic's (judged_request, without its thread)."""
    return check_request(raw) or pydantic_only(raw)


@settings(max_examples=400, deadline=None)
@given(body=BODIES)
def test_any_body_reads_as_pydantic_reads_it(body) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert outcome(as_served, raw) == outcome(pydantic_only, raw)


@pytest.mark.parametrize("raw", [
    b'{"text": "\xe4\xbd\xa0\xe5\xa5\xbd"}', b' {"text": "a", "fix": false, "channel": "email"} ', b'{"text": 1, "text": "a"}',
    b'{"text": "a", "text": 1}', b'\xef\xbb\xbf{"text": "a"}', b'{"text": "\\ud800"}', b'{"text": "a\\u0000"}',
    b'{"text": "\xff"}', b'{"text": "a"', b'[]', b'"text"', b'', b'{"text": "a", "fix": 1}', b'{"text": NaN}',
    b'{"text": "a", "select": null}', b'{"text": "a", "select": []}', b'{"text": "a", "enabled_rules": null}',
    b'{"text": "a", "disabled_categories": ["tone", "bogus"]}', b'{"text": "a", "pack": null}',
])
def test_edge_bodies_read_as_pydantic_reads_them(raw: bytes) -> None:
    assert outcome(as_served, raw) == outcome(pydantic_only, raw)


def test_a_client_body_takes_the_plain_path() -> None:
    raw = json.dumps({"text": "你好", "channel": "email", "position": "closing", "fix": False,
                      "disabled_categories": ["tone"], "select": ["tone"]}, ensure_ascii=False).encode()
    assert isinstance(check_request(raw), PlainCheckRequest)


def test_the_plain_path_knows_the_models_values() -> None:
    from cslint.service.vocabulary import CATEGORY_NAMES, CHANNELS, POSITIONS

    for values, name in ((CHANNELS, "channel"), (POSITIONS, "position")):
        assert values == set(CheckRequest.model_json_schema()["properties"][name]["enum"])
    schema = CheckRequest.model_json_schema()
    assert CATEGORY_NAMES == set(schema["properties"]["disabled_categories"]["items"]["enum"])


def test_orjson_writes_what_pydantic_core_wrote() -> None:
    content = {"a": "x\x00\x1f\x7f\u2028😀/\\\"é\t\n你好", "b": [1, 2.5, 1.0, True, None, -0.0], "c": {}, "d": []}
    assert orjson.dumps(content) == pydantic_core.to_json(content)
