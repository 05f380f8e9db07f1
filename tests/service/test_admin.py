"""API keys, CORS, and reloading packs (admin endpoint and SIGHUP) on a real server."""
from __future__ import annotations

import hashlib
import json
import os
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


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    # a browser's request (it carries Origin) gets the CORS headers, and still needs a key
    browser = {"Origin": "https://chat.example"}
    answer = httpx.post(srv.url + "/v1/check", json={"text": "好"}, headers={**browser, "X-API-Key": "k1"})
    assert answer.status_code == 200 and answer.headers.get("access-control-allow-origin") == "https://chat.example"
    assert httpx.post(srv.url + "/v1/check", json={"text": "好"}, headers=browser).status_code == 401


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
    assert ok["packs"] == [{"id": "team", "version": "2", "rules": 1, "sha256": sha256(pack)}]
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
    worker whose packs fail to load starts with the last packs that validated (stale, logged
    with the file:line), so the old rules keep serving until the pack is fixed."""
    pack = tmp_path / "team.yaml"
    write_pack(pack, "甲乙单", "1")
    srv = start_server("--pack", str(pack), "--workers", "2")
    before = _wait_for_workers(srv, lambda pids: len(pids) == 2)

    pack.write_text(pack.read_text(encoding="utf-8").replace("kind: phrase", "kind: nonsense"), encoding="utf-8")
    srv.process.send_signal(signal.SIGHUP)
    rolled = _wait_for_workers(srv, lambda pids: len(pids) == 2 and not pids & before)
    assert "team.yaml:8" in srv.output()  # the replacements found the pack broken
    for _ in range(10):  # whichever worker answers, the old rules serve
        assert flagged(srv.url, "甲乙单已处理") == {"甲乙单"}
    assert srv.process.poll() is None

    write_pack(pack, "丙丁单", "2")
    srv.process.send_signal(signal.SIGHUP)
    _wait_for_workers(srv, lambda pids: len(pids) == 2 and not pids & rolled)
    for _ in range(10):
        assert flagged(srv.url, "甲乙单和丙丁单已处理") == {"丙丁单"}


def _wait_for_workers(srv, done, timeout: float = 180.0) -> set[int]:
    """Poll the server's worker processes until `done(pids)`; the pids then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert srv.process.poll() is None, srv.output()
        pids = _workers(srv)
        if done(pids):
            return pids
        time.sleep(0.2)
    raise AssertionError(f"workers did not roll: {_workers(srv)}\n{srv.output()}")


def test_admin_token_only_in_a_header(start_server, tmp_path):
    """A token in the URL lands in proxy and access logs: refused even when it is right."""
    srv = start_server(env={"CSLINT_ADMIN_TOKEN": "s3cret"})
    assert httpx.post(srv.url + "/v1/admin/reload?apiKey=s3cret").status_code == 401
    assert httpx.post(srv.url + "/v1/admin/reload", headers={"Authorization": "Bearer s3cre"}).status_code == 401
    assert httpx.post(srv.url + "/v1/admin/reload", headers={"X-API-Key": "s3cret"}).status_code == 200


TWO_RULES = PACK + """  - id: team-word-2
    category: jargon
    severity: warning
    kind: phrase
    message: 内部用语
    description: 团队内部用语
    terms: [戊己单]
    examples:
      bad: ["[[戊己单]]已处理"]
      good: [已处理]
"""


def test_a_reload_that_drops_rules_is_visible(start_server, tmp_path):
    """A pack truncated into a smaller valid one: its digest and rule count change in /v1/packs
    and /readyz, and the reload is logged as a warning naming the loss."""
    pack = tmp_path / "team.yaml"
    pack.write_text(TWO_RULES.format(term="甲乙单", version="1"), encoding="utf-8")
    srv = start_server("--pack", str(pack), env={"CSLINT_ADMIN_TOKEN": "secret"})
    (info,) = httpx.get(srv.url + "/v1/packs").json()
    assert info["rules"] == 2 and info["sha256"] == sha256(pack)
    assert httpx.get(srv.url + "/readyz").json()["loaded"] == [
        {"id": "team", "version": "1", "rules": 2, "sha256": sha256(pack)}]

    whole = pack.read_text(encoding="utf-8")
    pack.write_text(whole[:whole.index("  - id: team-word-2")], encoding="utf-8")  # cut after rule 1
    answer = httpx.post(srv.url + "/v1/admin/reload", headers={"Authorization": "Bearer secret"})
    assert answer.status_code == 200
    (info,) = httpx.get(srv.url + "/v1/packs").json()
    assert info["rules"] == 1 and info["sha256"] == sha256(pack)
    assert httpx.get(srv.url + "/readyz").json()["loaded"][0]["rules"] == 1
    reloads = [json.loads(line) for line in srv.output().splitlines() if '"event": "reload"' in line]
    assert reloads and "team: 2 -> 1 rules" in reloads[-1]["warning"]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _workers(srv) -> set[int]:
    """uvicorn's worker processes (the parent also forks a multiprocessing resource tracker)."""
    return {pid for pid in _children(srv.process.pid)
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()}


def test_a_dead_worker_is_replaced_even_when_the_pack_on_disk_is_broken(start_server, tmp_path):
    """A worker replaced while the pack file is broken serves the last packs that validated
    (marked stale), instead of failing to start and taking the whole service down."""
    pack = tmp_path / "team.yaml"
    write_pack(pack, "甲乙单", "1")
    srv = start_server("--pack", str(pack), "--workers", "2")
    deadline = time.monotonic() + 30
    while len(_workers(srv)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = _workers(srv)
    assert len(workers) == 2

    pack.write_text(pack.read_text(encoding="utf-8").replace("kind: phrase", "kind: nonsense"), encoding="utf-8")
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (len(_workers(srv)) == 2 and victim not in _workers(srv)
                                               and '"stale": "serving the last packs' in srv.output()):
        assert srv.process.poll() is None, srv.output()
        time.sleep(0.2)
    assert '"stale": "serving the last packs that validated; on disk: ' in srv.output()
    assert "team.yaml:8" in srv.output()
    for _ in range(20):  # whichever worker answers, the last rules that validated serve
        assert flagged(srv.url, "甲乙单已处理") == {"甲乙单"}
    assert srv.process.poll() is None


def test_a_deeply_nested_pack_on_reload_is_422_with_file_and_line(start_server, tmp_path):
    pack = tmp_path / "team.yaml"
    write_pack(pack, "甲乙单", "1")
    srv = start_server("--pack", str(pack), env={"CSLINT_ADMIN_TOKEN": "secret"})
    pack.write_text(pack.read_text(encoding="utf-8") + "deep: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    answer = httpx.post(srv.url + "/v1/admin/reload", headers={"Authorization": "Bearer secret"})
    assert answer.status_code == 422 and "team.yaml:" in answer.json()["detail"]
    assert flagged(srv.url, "甲乙单已处理") == {"甲乙单"}
    assert 'status="500"' not in httpx.get(srv.url + "/metrics").text
