"""/v1 and health endpoints against a real uvicorn server (httpx as the client)."""
from __future__ import annotations

import subprocess
import sys

import pytest

import httpx


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["packs"] == ["default", "telecom"]


def test_check_returns_diagnostics_fix_and_pack(client):
    text = "你好，这个我不知道"
    body = client.post("/v1/check", json={"text": text}).json()
    by_rule = {d["rule_id"]: d for d in body["diagnostics"]}
    assert text[by_rule["declares-ignorance"]["start"]:by_rule["declares-ignorance"]["end"]] == "不知道"
    assert by_rule["ni-instead-of-nin"]["safe"] is True
    assert body["fixed"] == "您好，这个我不知道"
    assert body["pack"] == {"id": "default+telecom", "version": "1.0.0+1.0.0"}


def test_utf16_offsets_after_an_astral_emoji(client):
    text = "😅👍🏽这个我不知道"
    (diag,) = [d for d in client.post("/v1/check", json={"text": text}).json()["diagnostics"]
               if d["rule_id"] == "declares-ignorance"]
    assert text[diag["start"]:diag["end"]] == "不知道"
    utf16 = text.encode("utf-16-le")
    assert utf16[2 * diag["utf16_start"]:2 * diag["utf16_end"]].decode("utf-16-le") == "不知道"
    assert diag["utf16_start"] == diag["start"] + 3  # three astral code points before it


def test_pack_choice_and_selection(client):
    text = "您的套外流量超了，你看一下"
    both = {d["rule_id"] for d in client.post("/v1/check", json={"text": text}).json()["diagnostics"]}
    assert {"jargon-telecom", "ni-instead-of-nin"} <= both
    only_default = client.post("/v1/check", json={"text": text, "pack": "default"}).json()
    assert "jargon-telecom" not in {d["rule_id"] for d in only_default["diagnostics"]}
    assert only_default["pack"]["id"] == "default"
    no_honorific = client.post("/v1/check", json={"text": text, "disabled_categories": ["honorific"]}).json()
    assert "ni-instead-of-nin" not in {d["rule_id"] for d in no_honorific["diagnostics"]}


def test_packs_and_rules(client):
    packs = {p["id"]: p for p in client.get("/v1/packs").json()}
    assert packs["telecom"]["extends"] == ["default"] and packs["default"]["rules"] > 20
    rules = client.get("/v1/rules", params={"pack": "telecom"}).json()
    assert any(r["id"] == "jargon-telecom" and r["examples"]["bad"] for r in rules)


@pytest.mark.parametrize("request_kwargs,status,error", [
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "malformed_json"),
    ({"content": b'{"text": "\xff\xfe"}', "headers": {"content-type": "application/json"}}, 400, None),
    ({"content": b'{"text": "a\\ud800b"}', "headers": {"content-type": "application/json"}}, 400, "malformed_json"),
    ({"content": b"[1, 2]", "headers": {"content-type": "application/json"}}, 422, "invalid_field"),
    ({"json": {"text": 3}}, 422, "invalid_field"),
    ({"json": {"text": "好", "colour": "red"}}, 422, "invalid_field"),
    ({"json": {"text": "好", "channel": "phone"}}, 422, "invalid_field"),
    ({"json": {"text": "好", "pack": "nope"}}, 404, "not_found"),
    ({"json": {"text": "好" * 600}}, 413, "too_large"),
    ({"json": {"text": "好" * 3000}}, 413, "too_large"),  # body over --max-body
])
def test_client_errors_are_json_never_500(client, request_kwargs, status, error):
    response = client.post("/v1/check", **request_kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail"} and body["detail"]
    if error:
        assert body["error"] == error


@pytest.mark.parametrize("path,body", [
    ("/v1/check", rb'{"text": "\ud800\u4e0d\u77e5\u9053"}'),  # JSON escapes: a lone surrogate, then 不知道
    ("/v1/check/batch", rb'{"items": [{"text": "\ud800\u4e0d\u77e5\u9053"}]}'),
    ("/v1/conversations/check", rb'{"turns": [{"role": "agent", "text": "\udfff\u4e0d\u77e5\u9053"}]}'),
])
def test_lone_surrogates_are_a_400_not_a_500(client, path, body):
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"] == "malformed_json", response.text


def test_text_limit_is_named_in_the_message(client):
    detail = client.post("/v1/check", json={"text": "好" * 600}).json()["detail"]
    assert "500" in detail


def test_broken_pack_refuses_to_start(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: b\nname: b\nversion: '1'\nrules:\n  - id: x\n    kind: nope\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "cslint", "serve", "--pack", str(broken), "--port", "9"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "broken.yaml:6" in run.stderr


def test_two_workers_serve(start_server):
    srv = start_server("--workers", "2")
    for _ in range(6):
        assert httpx.post(srv.url + "/v1/check", json={"text": "喂，在吗"}).json()["diagnostics"]


def test_batch_keeps_order_and_reports_bad_items(client):
    items = [{"id": "a", "text": "你好"}, {"id": "b", "text": "好" * 600}, {"id": 3, "text": "好的"}]
    body = client.post("/v1/check/batch", json={"items": items}).json()
    assert [r["id"] for r in body["results"]] == ["a", "b", 3]
    assert body["results"][0]["fixed"] == "您好"
    assert "500" in body["results"][1]["error"] and body["results"][2]["diagnostics"] == []
    too_many = client.post("/v1/check/batch", json={"items": [{"text": "好"}] * 101})
    assert too_many.status_code == 422


def test_conversation_positions_and_customer_jargon(client):
    turns = [
        {"role": "customer", "text": "我的工单怎么还没处理"},
        {"role": "agent", "text": "在的，您的工单正在处理"},
        {"role": "customer", "text": "好"},
        {"role": "agent", "text": "好的，已经加急了"},
    ]
    body = client.post("/v1/conversations/check", json={"turns": turns}).json()
    first, last = body["turns"]
    assert (first["index"], first["position"], last["index"], last["position"]) == (1, "opening", 3, "closing")
    assert {d["rule_id"] for d in first["diagnostics"]} == {"missing-greeting"}  # 工单: the customer said it
    assert {d["rule_id"] for d in last["diagnostics"]} == {"missing-closing"}


def _metric(text: str, prefix: str) -> float:
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(prefix)]
    return values[0] if values else 0.0


def test_metrics_count_requests_and_categories(client):
    before = client.get("/metrics").text
    client.post("/v1/check", json={"text": "你好，这个我不知道"})
    client.post("/v2/check", data={"text": "这个我不知道", "language": "zh-CN"})
    text = client.get("/metrics").text
    assert 'cslint_requests_total{method="POST",path="/v1/check",status="200"}' in text
    forbidden = 'cslint_diagnostics_total{category="forbidden"}'
    assert _metric(text, forbidden) == _metric(before, forbidden) + 2  # one from /v1, one from /v2
    buckets = [_metric(text, f'cslint_request_duration_seconds_bucket{{path="/v1/check",le="{le}"}}')
               for le in ("0.0005", "0.001", "0.005", "0.1", "1.0", "+Inf")]
    assert buckets == sorted(buckets) and buckets[-1] == _metric(text, 'cslint_request_duration_seconds_count{path="/v1/check"}')


def test_access_log_can_carry_the_text_when_configured(start_server):
    srv = start_server(env={"CSLINT_ACCESS_LOG_TEXT": "1"})
    httpx.post(srv.url + "/v1/check", json={"text": "这个我不知道"})
    srv.stop()
    import json as _json
    entries = [_json.loads(l) for l in srv.output().splitlines() if l.startswith("{")]
    assert [e["text"] for e in entries if e.get("path") == "/v1/check"] == ["这个我不知道"]


def test_access_log_is_json_without_the_text(start_server):
    srv = start_server()
    httpx.post(srv.url + "/v1/check", json={"text": "秘密内容不知道"})
    srv.stop()
    lines = [l for l in srv.output().splitlines() if l.startswith("{")]
    import json as _json
    entries = [_json.loads(l) for l in lines]
    check = [e for e in entries if e.get("path") == "/v1/check"]
    assert check and check[0]["status"] == 200 and check[0]["diagnostics"] >= 1
    assert "秘密" not in "\n".join(lines)
