"""API keys, CORS, and reloading packs (admin endpoint and SIGHUP) on a real server."""
from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx

PACK = """id: team
name: team
version: "{version}"
rules:
  - id: team-word
    category: jargon
    severity: warning
    kind: phrase
    message: 内部用语
    description: 团队内部用语
    terms: [{term}]
    examples:
      bad: ["[[{term}]]已处理"]
      good: [已处理]
"""


def write_pack(path: Path, term: str, version: str) -> None:
    path.write_text(PACK.format(term=term, version=version), encoding="utf-8")


def flagged(url: str, text: str, **kw) -> set[str]:
    body = httpx.post(url + "/v1/check", json={"text": text}, **kw).json()
    return {d["text"] for d in body["diagnostics"]}


def test_api_keys_and_cors(start_server):
    srv = start_server(env={"CSLINT_API_KEYS": "k1,k2", "CSLINT_CORS_ORIGINS": "https://chat.example"})
    assert httpx.post(srv.url + "/v1/check", json={"text": "好"}).status_code == 401
    assert httpx.post(srv.url + "/v1/check", json={"text": "好"}, headers={"Authorization": "Bearer k2"}).status_code == 200
    assert httpx.post(srv.url + "/v1/check", json={"text": "好"}, headers={"X-API-Key": "k1"}).status_code == 200
    assert httpx.get(srv.url + "/healthz").status_code == 200  # probes need no key
    refused = httpx.post(srv.url + "/v2/check", data={"text": "好", "language": "zh-CN"})
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    assert httpx.post(srv.url + "/v2/check?apiKey=k1", data={"text": "好", "language": "zh-CN"}).status_code == 200
    assert httpx.get(srv.url + "/v1/packs", headers={"X-API-Key": "wrong"}).status_code == 401
    assert httpx.post(srv.url + "/v1/check/batch", json={"items": []}, headers={"X-API-Key": "k2"}).status_code == 200
    preflight = httpx.options(srv.url + "/v1/check", headers={
        "Origin": "https://chat.example", "Access-Control-Request-Method": "POST"})
    assert preflight.headers.get("access-control-allow-origin") == "https://chat.example"


def test_reload_refused_without_admin_token(client):
    response = client.post("/v1/admin/reload")
    assert response.status_code == 403 and "CSLINT_ADMIN_TOKEN" in response.json()["detail"]


def test_broken_pack_on_reload_keeps_the_live_rules(start_server, tmp_path):
    pack = tmp_path / "team.yaml"
    write_pack(pack, "甲乙单", "1")
    srv = start_server("--pack", str(pack), env={"CSLINT_ADMIN_TOKEN": "secret"})
    admin = {"Authorization": "Bearer secret"}
    assert flagged(srv.url, "甲乙单已处理") == {"甲乙单"}

    pack.write_text(pack.read_text(encoding="utf-8").replace("kind: phrase", "kind: nonsense"), encoding="utf-8")
    assert httpx.post(srv.url + "/v1/admin/reload").status_code == 401
    rejected = httpx.post(srv.url + "/v1/admin/reload", headers=admin)
    assert rejected.status_code == 422 and "team.yaml:8" in rejected.json()["detail"]
    assert flagged(srv.url, "甲乙单已处理") == {"甲乙单"}  # the old rules still serve

    write_pack(pack, "丙丁单", "2")
    ok = httpx.post(srv.url + "/v1/admin/reload", headers=admin).json()
    assert ok["packs"] == [{"id": "team", "version": "2"}]
    assert flagged(srv.url, "甲乙单和丙丁单已处理") == {"丙丁单"}


def test_sighup_reloads(start_server, tmp_path):
    pack = tmp_path / "team.yaml"
    write_pack(pack, "甲乙单", "1")
    srv = start_server("--pack", str(pack))
    write_pack(pack, "丙丁单", "2")
    srv.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and flagged(srv.url, "丙丁单已处理") != {"丙丁单"}:
        time.sleep(0.2)
    assert flagged(srv.url, "甲乙单和丙丁单已处理") == {"丙丁单"}


def test_sighup_with_several_workers_rolls_them_and_keeps_them_on_a_broken_pack(start_server, tmp_path):
    """With --workers N, uvicorn's parent replaces the workers one at a time on SIGHUP; a new
    worker whose packs fail to load never comes into service, so the old rules keep serving."""
    pack = tmp_path / "team.yaml"
    write_pack(pack, "甲乙单", "1")
    srv = start_server("--pack", str(pack), "--workers", "2")

    pack.write_text(pack.read_text(encoding="utf-8").replace("kind: phrase", "kind: nonsense"), encoding="utf-8")
    srv.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "team.yaml:8" not in srv.output():
        time.sleep(0.2)
    assert "team.yaml:8" in srv.output()  # a replacement worker tried, and failed on the pack
    for _ in range(10):  # whichever worker answers, the old rules serve
        assert flagged(srv.url, "甲乙单已处理") == {"甲乙单"}
    assert srv.process.poll() is None

    write_pack(pack, "丙丁单", "2")
    srv.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(flagged(srv.url, "丙丁单已处理") == {"丙丁单"} for _ in range(10)):
        time.sleep(0.5)
    for _ in range(10):
        assert flagged(srv.url, "甲乙单和丙丁单已处理") == {"丙丁单"}
