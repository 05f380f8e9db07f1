"""What `cslint serve` runs in a worker, without FastAPI: the packs, the send path, the probes.

    uvicorn --factory cslint.service.front:create_service_from_env     (what `cslint serve` runs)

A worker is ready once its packs are loaded and its send path is warm; FastAPI (over half a
second of imports and route building, more than everything else a worker loads) is not needed
for that. So `Service`, the ASGI app uvicorn runs, answers by itself (service/direct.py
`SendPath`): `POST /v1/check`, `GET|POST /v2/check`, `GET /healthz`, `GET /readyz` and `GET
/metrics`, and runs the lifespan (packs loaded before the server accepts a connection). The
FastAPI app of service/app.py (docs, the page, batches, conversations, /v1/packs, /v1/rules,
/v2/languages, admin reload, and any request the front hands on: a browser's under CORS, a HEAD,
an unknown path) is built on the first request that needs it, in a thread so the send path keeps
answering meanwhile, and shares this module's state (packs, settings, metrics): answers are the
same whichever of the two gives them.
"""
from __future__ import annotations

import asyncio
import gc
import importlib
import json
import os
import signal
import traceback
from dataclasses import dataclass, field
from typing import Any

import orjson

from cslint.checker import DEFAULT_MAX_CHARS, Checker
from cslint.errors import InputError, PackError, TextTooLong
from cslint.model import Diagnostic, RulePack
from cslint.packs import load_packs, packs_dirs
from cslint.selection import Selection, SelectionError

from .auth import KeyCheck
from .budget import DEFAULT_MAX_DIAGNOSTICS, DEFAULT_MAX_REQUEST_CHARS, fit_response, run_checks
from .direct import Answer, Call, SendPath
from .errors import HTTPError, InvalidBody, client_error, error_json
from .lt_v2 import lt_check
from .observe import LINES, Metrics, Recorder, configure_access_log, log_event, log_reload, report_check
from .vocabulary import CATEGORY_NAMES, CHANNELS, POSITIONS, PackId as PackRef
from .snapshot import Digests, load_snapshot, pack_digest, save_snapshot, take_handed_over
from .utf16 import utf16_offsets

DEFAULT_MAX_BODY = 64 * 1024
# the paths the metrics name (any other is counted as "other")
KNOWN_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/v1/check", "/v1/check/batch", "/v1/conversations/check",
                         "/v1/packs", "/v1/rules", "/v2/check", "/v2/languages"})
METRICS_TYPE = b"text/plain; version=0.0.4; charset=utf-8"


@dataclass
class Settings:
    packs: list[str] = field(default_factory=list)  # ids or paths; empty = the default pack
    packs_dirs: list[str] = field(default_factory=list)
    max_chars: int = DEFAULT_MAX_CHARS
    max_body: int = DEFAULT_MAX_BODY
    api_keys: frozenset[str] = frozenset()  # empty: /v1 is open
    admin_token: str | None = None  # None: /v1/admin/reload is refused
    cors_origins: list[str] = field(default_factory=list)
    log_text: bool = False  # put the checked text in the access log (off: privacy)
    max_diagnostics: int = DEFAULT_MAX_DIAGNOSTICS  # per request (see service/budget.py)
    max_request_chars: int = DEFAULT_MAX_REQUEST_CHARS  # per batch or conversation request
    snapshot: str | None = None  # where the last packs that validated are kept (service/snapshot.py)

    @classmethod
    def from_env(cls) -> "Settings":
        """`cslint serve` hands its options to every worker through CSLINT_SERVE_* variables."""
        split = lambda name: [p for p in os.environ.get(name, "").split(os.pathsep) if p]  # noqa: E731
        return cls(
            packs=split("CSLINT_SERVE_PACKS"),
            packs_dirs=split("CSLINT_SERVE_PACKS_DIRS"),
            max_chars=int(os.environ.get("CSLINT_MAX_CHARS", DEFAULT_MAX_CHARS)),
            max_body=int(os.environ.get("CSLINT_MAX_BODY", DEFAULT_MAX_BODY)),
            api_keys=frozenset(_api_keys_from_env()),
            admin_token=os.environ.get("CSLINT_ADMIN_TOKEN") or None,
            cors_origins=[o for o in os.environ.get("CSLINT_CORS_ORIGINS", "").split(",") if o],
            log_text=os.environ.get("CSLINT_ACCESS_LOG_TEXT", "").lower() in ("1", "true", "yes"),
            max_diagnostics=int(os.environ.get("CSLINT_MAX_DIAGNOSTICS", DEFAULT_MAX_DIAGNOSTICS)),
            max_request_chars=int(os.environ.get("CSLINT_MAX_REQUEST_CHARS", DEFAULT_MAX_REQUEST_CHARS)),
            snapshot=os.environ.get("CSLINT_PACK_SNAPSHOT") or None,
        )


def _api_keys_from_env() -> list[str]:
    """CSLINT_API_KEYS (comma-separated) and/or CSLINT_API_KEYS_FILE (one key per line)."""
    keys = [k.strip() for k in os.environ.get("CSLINT_API_KEYS", "").split(",") if k.strip()]
    path = os.environ.get("CSLINT_API_KEYS_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            keys += [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    return keys


class Engines:
    """The loaded packs: one checker over all of them, and one per pack for `pack=`."""

    def __init__(self, settings: Settings, snapshot: tuple[list[RulePack], Digests] | None = None) -> None:
        """The packs from disk, or those of a snapshot (already validated)."""
        if snapshot is None:
            packs = load_packs(settings.packs, packs_dirs(settings.packs_dirs))
            digests = {p.id: pack_digest(p) for p in packs}
        else:
            packs, digests = snapshot
        self.packs = packs
        self.digests = digests
        self.stale: str | None = None  # why the packs on disk are not the ones served
        self.combined = Checker(packs, settings.max_chars)
        self.combined_ref = PackRef(id="+".join(p.id for p in packs), version="+".join(p.version for p in packs))
        # one jieba dictionary (the combined checker's, which knows every pack's terms) for all
        shared = self.combined.segmenter
        self.by_id = {p.id: (Checker([p], settings.max_chars, shared), PackRef(id=p.id, version=p.version))
                      for p in packs}
        if len(packs) == 1:
            self.by_id[packs[0].id] = (self.combined, self.combined_ref)
        shared.warm_up()

    def pick(self, pack: str | None) -> tuple[Checker, PackRef]:
        if pack is None:
            return self.combined, self.combined_ref
        if pack not in self.by_id:
            raise HTTPError(404, f"unknown pack '{pack}' (loaded: {', '.join(self.by_id)})")
        return self.by_id[pack]

    def summary(self) -> list[dict]:
        """What is loaded, for /readyz and the reload log: a truncated pack shows in its rule
        count and digest."""
        return [{"id": p.id, "version": p.version, "rules": len(p.rules), "sha256": self.digests[p.id]}
                for p in self.packs]


def start_engines(settings: Settings) -> Engines:
    """A worker's packs: from disk, or, when the packs on disk no longer validate, the last ones
    that did (see service/snapshot.py), so that a replaced worker never takes the service down.
    A worker in the `cslint serve` process itself takes the packs that process has just loaded."""
    handed = take_handed_over()
    if handed is not None:
        return Engines(settings, handed)  # `cslint serve` also saved them as the first snapshot
    try:
        engines = Engines(settings)
    except PackError as exc:
        snapshot = load_snapshot(settings.snapshot) if settings.snapshot else None
        if snapshot is None:
            raise
        engines = Engines(settings, snapshot)
        engines.stale = f"serving the last packs that validated; on disk: {exc}"
        return engines
    if settings.snapshot:
        save_snapshot(settings.snapshot, engines.packs, engines.digests)
    return engines


class SharedState:
    """What the front and the FastAPI app both read (the FastAPI app's `app.state` is this
    object): `engines` (None until loaded, replaced by a reload), `settings`, `recorder`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engines: Engines | None = None
        self.recorder: Recorder | None = None


# --- the send path's handlers (service/direct.py): a Call in, the JSON bytes out ---------------

def diagnostic_json(diag: Diagnostic, to16) -> dict:
    """A diagnostic on the wire: the CLI's JSON fields plus UTF-16 offsets (DiagnosticOut), for
    the phrase and for each edit."""
    data = diag.to_dict()
    for edit in data["edits"]:
        edit["utf16_start"], edit["utf16_end"] = to16(edit["start"]), to16(edit["end"])
    return {**data, "utf16_start": to16(diag.start), "utf16_end": to16(diag.end)}


def parse_json_body(model, raw: bytes):
    """Validate a JSON body straight from the bytes (pydantic's parser: also refuses lone
    surrogates, which json.loads lets through and no UTF-8 response can carry). Errors are
    answered as FastAPI's own body parameters' are (400 malformed, 422 the field at fault)."""
    from pydantic import ValidationError

    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, "the body could not be read as UTF-8 JSON") from None
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidBody(exc.errors(include_url=False, include_context=False)) from None


class PlainCheckRequest:
    """A /v1/check body that is plainly valid (see `check_request`), with CheckRequest's fields."""

    __slots__ = ("text", "channel", "position", "pack", "fix", "enabled_rules", "disabled_rules",
                 "disabled_categories", "select", "ignore", "extend_select")

    def __init__(self, text: str) -> None:
        self.text = text
        self.channel = "chat"
        self.position = "middle"
        self.pack = None
        self.fix = True
        self.enabled_rules = self.disabled_rules = self.disabled_categories = self.ignore = self.extend_select = ()
        self.select = None


_CHOICES = {"channel": CHANNELS, "position": POSITIONS}
_CATEGORIES = CATEGORY_NAMES
_STRING_LISTS = frozenset({"enabled_rules", "disabled_rules", "ignore", "extend_select"})


def check_request(raw: bytes) -> PlainCheckRequest | None:
    """The body of POST /v1/check when every field has exactly its type and one of its values
    (what clients send), read by orjson; None for any other body, valid or not (coercions such as
    `"fix": 1`), which `judged_request` reads with pydantic, so that it is accepted, or refused
    with its error, exactly as service/wire.py's CheckRequest says."""
    try:
        data = orjson.loads(raw)  # refuses invalid UTF-8 and lone surrogates, as pydantic does
    except orjson.JSONDecodeError:
        data = None
    if type(data) is dict:
        text = data.get("text")
        if type(text) is str:
            body = PlainCheckRequest(text)
            for name, value in data.items():
                if name == "text":
                    continue
                if name in _CHOICES:
                    if type(value) is not str or value not in _CHOICES[name]:
                        break
                elif name == "fix":
                    if type(value) is not bool:
                        break
                elif name == "pack":
                    if value is not None and type(value) is not str:
                        break
                elif name in _STRING_LISTS or name == "select":
                    if not (type(value) is list and all(type(code) is str for code in value)):
                        if name == "select" and value is None:
                            continue
                        break
                elif name == "disabled_categories":
                    if not (type(value) is list and all(type(code) is str and code in _CATEGORIES for code in value)):
                        break
                else:
                    break  # an unknown field (CheckRequest forbids extras): pydantic names it
                setattr(body, name, value)
            else:
                return body
    return None


_wire = None  # service/wire.py, once loaded


async def judged_request(raw: bytes):
    """A /v1/check body read by pydantic's CheckRequest, or its 400/422. The model (and pydantic)
    is loaded on the first such body, in a thread: the event loop keeps serving meanwhile."""
    global _wire
    if _wire is None:
        _wire = await asyncio.to_thread(importlib.import_module, f"{__package__}.wire")
    return parse_json_body(_wire.CheckRequest, raw)


def input_error(exc: InputError) -> HTTPError:
    return HTTPError(413 if isinstance(exc, TextTooLong) else 422, str(exc))


async def check(call: Call) -> bytes:
    """POST /v1/check: one reply's diagnostics, and the text with safe rewrites applied."""
    body = check_request(call.body) or await judged_request(call.body)
    state = call.app.state
    engines = state.engines
    checker, ref = engines.pick(body.pack)
    selection = request_selection(body, engines.combined)
    text = body.text
    try:
        result = await run_checks(len(text), lambda: checker.check(text, body.channel, body.position, selection))
    except InputError as exc:
        raise input_error(exc) from None
    report_check(call.scope, text, result.diagnostics)
    if result.diagnostics:
        to16 = utf16_offsets(text)
        diagnostics = [diagnostic_json(d, to16) for d in result.diagnostics[:state.settings.max_diagnostics]]
    else:
        diagnostics = []

    def render(shown: int) -> bytes:
        return orjson.dumps({"diagnostics": diagnostics[:shown],
                                      "truncated": shown < len(result.diagnostics),
                                      "fixed": result.fixed if body.fix else None,
                                      "script": result.script,
                                      "pack": {"id": ref.id, "version": ref.version}})

    return fit_response(render, len(diagnostics))[0]


SELECTION_FIELDS = ("select", "ignore", "extend_select")


def request_selection(body, every_rule: Checker) -> Selection | None:
    """The request's rules as one Selection (lint/selection.py): `select`, `ignore` and
    `extend_select` as on the command line, the older enabled_rules (extend) and disabled_rules /
    disabled_categories (ignore) folded in. A code that no loaded pack knows is a 422 naming it
    (one of another pack than the request's selects nothing, as in the schema's list)."""
    if body.select is None and not (body.ignore or body.extend_select or body.enabled_rules or body.disabled_rules
                                    or body.disabled_categories):
        return None  # the send path's usual request: nothing to work out
    known = frozenset(rule.id for rule in every_rule.rules)
    for field_name in SELECTION_FIELDS:
        for index, code in enumerate(getattr(body, field_name) or ()):
            try:
                Selection.from_codes(None, [code], (), known)
            except SelectionError as exc:
                raise InvalidBody([{"loc": ("body", field_name, index), "msg": str(exc),
                                    "type": "value_error"}]) from None
    selection = Selection.from_codes(body.select, [*body.ignore, *body.disabled_rules, *body.disabled_categories],
                                     [*body.extend_select, *body.enabled_rules])
    return None if selection.is_default else selection


async def healthz(call: Call) -> bytes:
    """GET /healthz: liveness, no work."""
    return b'{"status":"ok"}'


def readyz_answer(state: SharedState) -> tuple[int, bytes]:
    """GET /readyz: 200 with what is loaded, 503 before the packs are."""
    engines = state.engines
    if engines is None:
        return 503, error_json("not_ready", "packs are still loading")
    return 200, json.dumps({"status": "ready", "packs": [p.id for p in engines.packs], "loaded": engines.summary(),
                            "stale": engines.stale}, ensure_ascii=False, allow_nan=False, indent=None,
                           separators=(",", ":")).encode("utf-8")


async def readyz(call: Call) -> Answer:
    status, body = readyz_answer(call.app.state)
    return Answer(status, body)


async def metrics(call: Call) -> Answer:
    return Answer(200, call.app.state.recorder.metrics.render().encode("utf-8"), METRICS_TYPE)


WARM_UP_TEXT = "你好，这个我不知道，请稍等"


async def warm_send_path(app) -> None:
    """Pay the send path's one-off costs (pydantic's first validation of each model, the first
    windows segmented, the JSON rendering) before the worker says it is ready, not in the first
    requests it serves. `app`: what handlers see as `call.app` (state, version)."""
    body = json.dumps({"text": WARM_UP_TEXT}, ensure_ascii=False).encode()
    form = ("text=" + WARM_UP_TEXT + "&language=zh-CN").encode()
    scope = {"app": app, "type": "http", "state": {}, "query_string": b"",
             "headers": [(b"content-type", b"application/x-www-form-urlencoded")]}
    await check(Call(scope, body))
    await lt_check(Call(scope, form))


# --- the worker ------------------------------------------------------------------------------

class Service:
    """A worker's whole service: its state, its start-up and reload, and (as the ASGI app uvicorn
    runs) the front answering the send path and the probes, the FastAPI app the rest."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings = settings or Settings()
        self.state = SharedState(settings)
        self.version = _version()
        configure_access_log()
        self.state.recorder = Recorder(Metrics(), log_text=settings.log_text, known_paths=KNOWN_PATHS)
        self.framework: Any = None  # the FastAPI app, once built
        self._building: asyncio.Lock | None = None
        routes = {"/v1/check": (frozenset({"POST"}), check), "/v2/check": (frozenset({"GET", "POST"}), lt_check),
                  "/healthz": (frozenset({"GET"}), healthz), "/readyz": (frozenset({"GET"}), readyz),
                  "/metrics": (frozenset({"GET"}), metrics)}
        self.front = SendPath(self._to_framework, routes, context=self, recorder=self.state.recorder,
                              render_error=client_error, key_check=KeyCheck(settings.api_keys),
                              max_body=settings.max_body, cors=bool(settings.cors_origins))

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self.front(scope, receive, send)

    # the FastAPI app: built once, on the first request the front hands on

    async def _to_framework(self, scope, receive, send) -> None:
        app = self.framework
        if app is None:
            app = await self.build_framework()
        await app(scope, receive, send)

    async def build_framework(self):
        """The FastAPI app, built in a thread (imports, routes, schemas: the event loop keeps
        answering the send path meanwhile); concurrent callers wait for the one build."""
        if self._building is None:
            self._building = asyncio.Lock()
        async with self._building:
            if self.framework is None:
                self.framework = await asyncio.to_thread(self.make_framework)
        return self.framework

    def make_framework(self):
        from .app import create_app

        return create_app(self.settings, service=self)

    # start-up, reload, shutdown

    async def start(self, app=None) -> None:
        """Load the packs and warm the send path; what happens before the server accepts
        requests. `app`: what handlers see as `call.app` (the front, or a stand-alone FastAPI app)."""
        self.state.engines = start_engines(self.settings)
        await warm_send_path(app or self)
        # the heap built so far (modules, packs, jieba's tables) lives as long as the worker: kept
        # out of the collector's full passes, which would otherwise walk all of it now and then
        # (no gc.collect() first: at this point it finds nothing to free and costs ~40 ms)
        gc.freeze()
        log_event("start", ok=True, packs=self.state.engines.summary(), stale=self.state.engines.stale)
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(self._reload_on_sighup()))
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            pass  # no SIGHUP here (Windows has no signal.SIGHUP; not the main thread; no add_signal_handler)

    def stop(self) -> None:
        LINES.flush()  # the access log's last lines, before the worker exits

    async def reload(self, trigger: str) -> None:
        """Build new engines from disk; on any PackError the live ones keep serving. Every
        attempt is logged with what is loaded (rules, digest), and a loss of rules is a warning."""
        before = self.state.engines.summary()
        try:
            engines = await asyncio.to_thread(Engines, self.settings)
        except PackError as exc:
            log_event("reload", trigger=trigger, ok=False, error=str(exc), packs=before)
            raise
        self.state.engines = engines
        if self.framework is not None:
            self.framework.openapi_schema = None  # the rule ids it lists may have changed
        # the old engines were frozen with the rest of the start-up heap (start): free them
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        if self.settings.snapshot:
            await asyncio.to_thread(save_snapshot, self.settings.snapshot, engines.packs, engines.digests)
        log_reload(trigger, before, engines.summary())

    async def _reload_on_sighup(self) -> None:
        try:
            await self.reload("SIGHUP")
        except PackError:
            pass  # logged by reload()

    async def _lifespan(self, receive, send) -> None:
        """The ASGI lifespan protocol, as Starlette's router runs it."""
        started = False
        try:
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await self.start()
                    started = True
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    self.stop()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        except BaseException:
            text = traceback.format_exc()
            await send({"type": "lifespan.shutdown.failed" if started else "lifespan.startup.failed", "message": text})
            raise


def create_service(settings: Settings | None = None) -> Service:
    return Service(settings)


def create_service_from_env() -> Service:
    return Service(Settings.from_env())


def _version() -> str:
    from cslint import __version__

    return __version__

