"""Hostile input and unlucky clients against a real `cslint serve`: bounded answers, caps with
clear errors, a responsive event loop, no 500s, and connections that cannot be held open."""
from __future__ import annotations

import re
import socket
import threading
import time

import httpx
import pytest

from live_server import Server, running

FLAGGED_EVERYWHERE = "你" * 20_000  # every character is a finding (你 where 您 is due), no sentence end
# the attack as sent: a 60 KB form body, UTF-8 not percent-encoded (within the default 64 KiB)
FLOOD_FORM = ("text=" + FLAGGED_EVERYWHERE).encode()
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def defaults():
    """A server at the documented default limits, with short connection timeouts."""
    with running("--pack", "default", "--request-timeout", "1", "--write-timeout", "1", "--keep-alive", "1") as srv:
        yield srv


def server_errors(url: str) -> list[str]:
    metrics = httpx.get(url + "/metrics").text
    return [line for line in metrics.splitlines() if re.match(r'cslint_requests_total\{.*status="5\d\d"', line)]


def test_v2_answer_to_a_flood_of_findings_is_bounded(defaults):
    """20,000 flagged characters and no sentence end: matches are capped (LanguageTool's
    incompleteResults says so) and no match repeats the whole text as its sentence."""
    answer = httpx.post(defaults.url + "/v2/check", content=FLOOD_FORM, headers=FORM, timeout=60)
    assert answer.status_code == 200
    assert len(answer.content) < 4 * 1024 * 1024
    body = answer.json()
    assert len(body["matches"]) == 1000 and body["warnings"] == {"incompleteResults": True}
    assert max(len(m["sentence"]) for m in body["matches"]) <= 401
    assert max(len(m["context"]["text"]) for m in body["matches"]) <= 81
    normal = httpx.post(defaults.url + "/v2/check", data={"text": "你好，请稍等", "language": "zh-CN"}).json()
    assert normal["warnings"] == {"incompleteResults": False}


def test_v1_answer_to_a_flood_of_findings_is_bounded(defaults):
    body = httpx.post(defaults.url + "/v1/check", json={"text": FLAGGED_EVERYWHERE}, timeout=60).json()
    assert len(body["diagnostics"]) == 1000 and body["truncated"] is True
    assert body["fixed"] == "您" * 20_000  # the fix still covers the whole text
    assert httpx.post(defaults.url + "/v1/check", json={"text": "你好"}).json()["truncated"] is False


def test_sentence_is_the_sentence_when_it_is_short(defaults):
    text = "您好。这个我不知道！请稍等"
    (match,) = [m for m in httpx.post(defaults.url + "/v2/check", data={"text": text, "language": "zh-CN"}).json()["matches"]
                if m["rule"]["id"] == "declares-ignorance"]
    assert match["sentence"] == "这个我不知道！"


def multi_text_bodies(text: str, count: int) -> dict[str, dict]:
    """The same texts as a batch and as a conversation's agent turns."""
    return {"/v1/check/batch": {"items": [{"id": i, "text": text} for i in range(count)]},
            "/v1/conversations/check": {"turns": [{"role": "agent", "text": text} for _ in range(count)]}}


def test_batch_over_the_character_budget_is_413_with_the_limit(start_server):
    srv = start_server("--pack", "default", "--max-body", str(8 * 1024 * 1024))
    # 1.8 M characters, each text within --max-chars and the item count within the limits
    for path, body in multi_text_bodies("您好，" * 6_000, 100).items():
        answer = httpx.post(srv.url + path, json=body, timeout=60)
        assert answer.status_code == 413 and "100000" in answer.json()["detail"], path


def test_batch_over_the_diagnostics_budget_is_422_with_the_limit(defaults):
    for path, body in multi_text_bodies("你" * 300, 10).items():  # 3,000 findings in all
        answer = httpx.post(defaults.url + path, json=body, timeout=60)
        assert answer.status_code == 422 and "1000" in answer.json()["detail"], path


def test_batch_and_conversation_answers_keep_their_shape(defaults):
    body = httpx.post(defaults.url + "/v1/check/batch", json={"items": [
        {"id": "a", "text": "你好，这个我不知道"}, {"id": 2, "text": "x" * 30_000}]}).json()
    first, second = body["results"]
    assert first["id"] == "a" and first["error"] is None and first["fixed"] == "您好，这个我不知道"
    assert {d["rule_id"] for d in first["diagnostics"]} >= {"declares-ignorance", "ni-instead-of-nin"}
    assert second["id"] == 2 and second["diagnostics"] == [] and "20000" in second["error"]
    turns = httpx.post(defaults.url + "/v1/conversations/check", json={"turns": [
        {"role": "customer", "text": "在吗"}, {"role": "agent", "text": "你好"}]}).json()["turns"]
    assert turns[0]["index"] == 1 and turns[0]["position"] == "single" and turns[0]["diagnostics"]


def test_liveness_answers_while_a_worst_case_batch_runs(start_server):
    """Seconds of checking in one batch: /healthz is answered while it is still running (the
    checks run off the event loop). The old server answered only after the batch."""
    srv = start_server("--pack", "default", "--max-body", str(1024 * 1024), "--max-diagnostics", "1000000")
    items = [{"id": i, "text": "你" * 20_000} for i in range(5)]
    finished: list[str] = []

    def batch() -> None:
        httpx.post(srv.url + "/v1/check/batch", json={"items": items}, timeout=300)
        finished.append("batch")

    worker = threading.Thread(target=batch)
    worker.start()
    time.sleep(0.5)  # the batch is being checked
    for _ in range(3):
        assert httpx.get(srv.url + "/healthz", timeout=60).status_code == 200
        finished.append("healthz")
    worker.join()
    assert finished == ["healthz", "healthz", "healthz", "batch"]


def test_deeply_nested_data_is_a_400(defaults):
    data = '{"annotation": ' + "[" * 20_000 + "]" * 20_000 + "}"
    answer = httpx.post(defaults.url + "/v2/check", content=("language=zh-CN&data=" + data).encode(), headers=FORM)
    assert answer.status_code == 400 and "nested" in answer.json()["detail"]
    assert server_errors(defaults.url) == []


def _connect(srv: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", srv.port), timeout=10)


def _closed_by_server(sock: socket.socket) -> bool:
    """Read until the server closes; False if it keeps the connection open for 10 s."""
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


@pytest.mark.parametrize("sent", [
    b"",  # connected, never sent anything
    b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: appl",  # stopped inside the headers
    b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"te",
], ids=["idle", "partial-headers", "partial-body"])
def test_stalled_connections_are_closed(defaults, sent):
    with _connect(defaults) as sock:
        sock.sendall(sent)
        assert _closed_by_server(sock)


def test_idle_keep_alive_connection_is_closed(defaults):
    with _connect(defaults) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200 OK" in sock.recv(65536)
        assert _closed_by_server(sock)


def test_a_client_that_stops_reading_is_dropped(defaults):
    """Many pipelined requests with big answers, never read: the server's buffer fills and,
    after the write timeout, the connection is aborted instead of holding the answers."""
    body = FLOOD_FORM
    request = (b"POST /v2/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(10)
        sock.connect(("127.0.0.1", defaults.port))
        for _ in range(20):
            sock.sendall(request)
        one_answer = len(httpx.post(defaults.url + "/v2/check", content=body, headers=FORM, timeout=60).content)
        time.sleep(8)  # answers pile up unread; the write timeout is 1 s
        received = 0
        try:
            while chunk := sock.recv(1 << 20):
                received += len(chunk)
        except ConnectionResetError:
            pass
        except socket.timeout:
            pytest.fail(f"the server still holds the connection after reading {received} bytes")
    assert received < 20 * one_answer


def test_client_leaving_mid_body_is_not_a_server_error(defaults):
    for path in ("/v1/check", "/v1/check/batch", "/v1/conversations/check", "/v2/check"):
        with _connect(defaults) as sock:
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         "Content-Length: 1000\r\n\r\n{\"text\": \"你".encode())
            time.sleep(0.2)
    time.sleep(0.5)
    assert server_errors(defaults.url) == []
    metrics = httpx.get(defaults.url + "/metrics").text
    assert 'status="499"' in metrics
