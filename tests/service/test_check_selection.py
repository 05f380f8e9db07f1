"""/v1/check's select / ignore / extend_select against the real server (tests/live_server.py)."""
from __future__ import annotations

import pytest

TEXT = "你好，这个我不知道，你等一下"


def found(client, **fields) -> list[dict]:
    response = client.post("/v1/check", json={"text": TEXT, **fields})
    assert response.status_code == 200, response.text
    return response.json()["diagnostics"]


def test_select_and_ignore_change_the_answer(client):
    everything = found(client)
    categories = {d["category"] for d in everything}
    assert "forbidden" in categories and len(categories) > 1
    only_forbidden = found(client, select=["forbidden"])
    assert only_forbidden and {d["category"] for d in only_forbidden} == {"forbidden"}
    without_forbidden = found(client, ignore=["forbidden"])
    assert without_forbidden and "forbidden" not in {d["category"] for d in without_forbidden}
    assert len(only_forbidden) + len(without_forbidden) == len(everything)


def test_severity_codes_and_the_most_specific_code(client):
    errors = found(client, select=["error"])
    assert errors and {d["severity"] for d in errors} == {"error"}
    # a rule id outranks its category: ignore the category, bring one of its rules back
    back = found(client, ignore=["forbidden"], extend_select=["declares-ignorance"])
    assert "declares-ignorance" in {d["rule_id"] for d in back}
    assert {d["category"] for d in back if d["rule_id"] != "declares-ignorance"}.isdisjoint({"forbidden"})
    # ignore wins over select at the same specificity
    assert found(client, select=["forbidden"], ignore=["forbidden"]) == []


def test_the_older_fields_still_work_alongside(client):
    legacy = found(client, disabled_categories=["forbidden"])
    assert legacy == found(client, ignore=["forbidden"])
    assert {d["rule_id"] for d in found(client, disabled_rules=["declares-ignorance"], select=["forbidden"])} \
        .isdisjoint({"declares-ignorance"})


@pytest.mark.parametrize("field", ["select", "ignore", "extend_select"])
def test_unknown_code_is_a_422_naming_it(client, field):
    response = client.post("/v1/check", json={"text": TEXT, field: ["tone", "no-such-rule"]})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_field"
    assert f"{field}.1" in body["detail"] and "'no-such-rule'" in body["detail"]


def test_codes_must_be_strings(client):
    response = client.post("/v1/check", json={"text": TEXT, "select": "tone"})
    assert response.status_code == 422 and "select" in response.json()["detail"]


def test_the_schema_lists_the_codes_the_server_knows(client):
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/v1/check"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    for field in ("select", "ignore", "extend_select"):
        prop = body["properties"][field]
        (array,) = [node for node in [prop, *prop.get("anyOf", ())] if node.get("type") == "array"]
        codes = set(array["items"]["enum"])
        assert {"forbidden", "courtesy", "error", "info", "declares-ignorance"} <= codes
    rules = {r["id"] for r in client.get("/v1/rules").json()}
    assert rules <= codes
