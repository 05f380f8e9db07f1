"""A worker is ready, and serves the send path and the probes, without importing FastAPI (nor
pydantic, until a body needs judging); the
first request the front hands on builds the FastAPI app, which then serves with the same state.

Run in a fresh interpreter (this test process has FastAPI loaded already): the service under a
real uvicorn on 127.0.0.1 in a thread, requests from the main thread, `sys.modules` looked at
in between."""
from __future__ import annotations

import json
import subprocess
import sys

from live_server import free_port

SCRIPT = r"""
import json, sys, threading, time
import httpx, uvicorn
from cslint.service.front import Service, Settings
from cslint.service.server import uvicorn_options

port = int(sys.argv[1])
service = Service(Settings(packs=["default"]))
server = uvicorn.Server(uvicorn.Config(service, **uvicorn_options(host="127.0.0.1", port=port)))
thread = threading.Thread(target=server.run, daemon=True)
thread.start()
url = f"http://127.0.0.1:{port}"
deadline = time.monotonic() + 60
while not server.started:
    assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
    time.sleep(0.05)
seen = {}
with httpx.Client(base_url=url, timeout=30) as client:
    seen["readyz"] = client.get("/readyz").status_code
    seen["healthz"] = client.get("/healthz").json()
    seen["check"] = client.post("/v1/check", json={"text": "你好，这个我不知道"}).json()["pack"]
    seen["v2"] = client.post("/v2/check", data={"text": "你好", "language": "zh-CN"}).status_code
    seen["pydantic_before"] = "pydantic" in sys.modules
    seen["bad"] = client.post("/v1/check", json={"text": 1}).json()
    seen["metrics"] = "cslint_requests_total" in client.get("/metrics").text
    seen["fastapi_before"] = "fastapi" in sys.modules
    seen["packs"] = [p["id"] for p in client.get("/v1/packs").json()]
    seen["fastapi_after"] = "fastapi" in sys.modules
    seen["same_state"] = service.framework.state is service.state
    seen["counted"] = 'path="/v1/packs"' in client.get("/metrics").text
server.should_exit = True
thread.join(30)
print(json.dumps(seen))
"""


def test_ready_and_send_path_without_fastapi_then_app_built_on_demand() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(free_port())], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["readyz"] == 200
    assert seen["healthz"] == {"status": "ok"}
    assert seen["check"]["id"] == "default"
    assert seen["v2"] == 200
    assert seen["pydantic_before"] is False  # a plainly valid body needs no model
    assert seen["bad"]["error"] == "invalid_field"
    assert seen["metrics"]
    assert seen["fastapi_before"] is False
    assert seen["packs"] == ["default"]
    assert seen["fastapi_after"] is True
    assert seen["same_state"] is True
    assert seen["counted"]
