"""FastAPI app factory: packs are loaded once per worker, before the app reports ready.

    uvicorn --factory cslint.service.app:create_app_from_env     (what `cslint serve` runs)

`create_app` builds the FastAPI app; `create_service` puts the send path's front in front of it
(service/direct.py `SendPath`), and that is what uvicorn serves.

Handlers that only run the check are `async def`: the check costs tens of microseconds, less
than a hop to the thread pool. No client input ever produces a 500: every error is a JSON body
`{"error", "detail"}` with 400, 404, 413 or 422.
"""
from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
import pydantic_core
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from cslint.checker import DEFAULT_MAX_CHARS, Checker
from cslint.conversation import check_conversation
from cslint.errors import InputError, PackError, TextTooLong
from cslint.model import Diagnostic, RulePack
from cslint.packs import load_packs, packs_dirs
from cslint.selection import CATEGORY_CODES, SEVERITY_CODES, Selection, SelectionError

from .auth import ApiKeys, KeyCheck, header_key, secret_matches
from .budget import DEFAULT_MAX_DIAGNOSTICS, DEFAULT_MAX_REQUEST_CHARS, fit_response, run_checks
from .direct import Call, DirectEndpoint, SendPath, documented_twin
from .limits import BodySizeLimit
from .lt_v2 import build_router, lt_check
from .observe import LINES, Metrics, Observe, Recorder, configure_access_log, log_event, log_reload, report_check
from .schemas import (BatchRequest, BatchResponse, BatchResult, CheckRequest, CheckResponse, ConversationRequest,
                      ConversationResponse, DiagnosticOut, ErrorBody, PackInfo, PackRef, RuleInfo, TurnResult)
from .snapshot import Digests, load_snapshot, pack_digest, save_snapshot, take_handed_over
from .utf16 import utf16_offsets

DEFAULT_MAX_BODY = 64 * 1024
STATIC_DIR = Path(__file__).parent / "static"
PAGE_HTML = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
DOCS_STATIC = "/docs/static"  # Swagger UI's own files
# the page is self-contained: it may load nothing but its own files and call nothing but this server
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"}


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
            raise HTTPException(404, f"unknown pack '{pack}' (loaded: {', '.join(self.by_id)})")
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


def diagnostic_json(diag: Diagnostic, to16) -> dict:
    """A diagnostic on the wire: the CLI's JSON fields plus UTF-16 offsets (DiagnosticOut), for
    the phrase and for each edit."""
    data = diag.to_dict()
    for edit in data["edits"]:
        edit["utf16_start"], edit["utf16_end"] = to16(edit["start"]), to16(edit["end"])
    return {**data, "utf16_start": to16(diag.start), "utf16_end": to16(diag.end)}


def json_response(content: dict) -> Response:
    """Plain dicts serialised by pydantic-core, as /v1/check does: no model built per diagnostic."""
    return Response(pydantic_core.to_json(content), media_type="application/json")


def check_total(texts: list[str], settings: Settings) -> int:
    """The characters of a multi-text request, refused with 413 over --max-request-chars."""
    chars = sum(len(t) for t in texts)
    if chars > settings.max_request_chars:
        raise HTTPException(413, f"the request holds {chars} characters to check, over the limit of "
                                 f"{settings.max_request_chars} per request: split it")
    return chars


class TooManyDiagnostics(Exception):
    pass


def count_diagnostics(total: int, more: int, limit: int) -> int:
    if total + more > limit:
        raise TooManyDiagnostics()
    return total + more


def too_many(limit: int) -> HTTPException:
    return HTTPException(422, f"over {limit} diagnostics in one request (the limit): "
                              "send fewer or shorter texts per request")


def input_error(exc: InputError) -> HTTPException:
    return HTTPException(413 if isinstance(exc, TextTooLong) else 422, str(exc))


CLIENT_ERRORS = {status: {"model": ErrorBody} for status in (400, 401, 404, 413, 422)}


def json_body(model: type[BaseModel]) -> dict:
    """The OpenAPI request body of a handler that reads its own body with `parse_json_body`."""
    schema = model.model_json_schema()
    return {"required": True, "content": {"application/json": {"schema": _inline_defs(schema, schema.pop("$defs", {}))}}}


def _inline_defs(node, defs: dict):
    """Replace `{"$ref": "#/$defs/X"}` by X itself (the wire models are not recursive)."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline_defs(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline_defs(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_defs(item, defs) for item in node]
    return node


def parse_json_body(model: type[BaseModel], raw: bytes):
    """Validate a JSON body straight from the bytes (pydantic's parser: also refuses lone
    surrogates, which json.loads lets through and no UTF-8 response can carry). Errors take the
    same 400/422 path as FastAPI's own body parameters."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the body could not be read as UTF-8 JSON") from None
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from None


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content=ErrorBody(error=error, detail=detail).model_dump())


ERROR_NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "too_large", 422: "pack_rejected"}


def validation_error(exc: RequestValidationError) -> tuple[int, str, str]:
    """(status, error, detail) of a body that failed validation: 400 for malformed JSON, else 422
    naming the first field at fault."""
    errors = exc.errors()
    invalid_json = [e for e in errors if e.get("type") == "json_invalid"]
    if invalid_json:
        reason = str(invalid_json[0].get("msg", "")).removeprefix("Invalid JSON: ")
        return 400, "malformed_json", "the body is not valid JSON" + (f": {reason}" if reason else "")
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    return 422, "invalid_field", f"{where}: {first.get('msg', 'invalid value')}"


def http_error(exc: StarletteHTTPException) -> tuple[int, str, str]:
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    if exc.status_code == 400 and "parsing the body" in detail:
        detail = "the body could not be read as UTF-8 JSON"
    return exc.status_code, ERROR_NAMES.get(exc.status_code, "error"), detail


def client_error(exc: Exception) -> tuple[int, bytes] | None:
    """The status and JSON body the app's exception handlers give `exc` (the send path answers
    with them itself), or None for an exception that is not a client error."""
    if isinstance(exc, RequestValidationError):
        status, error, detail = validation_error(exc)
    elif isinstance(exc, StarletteHTTPException):
        status, error, detail = http_error(exc)
    else:
        return None
    return status, _error(status, error, detail).body


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    async def reload(trigger: str) -> None:
        """Build new engines from disk; on any PackError the live ones keep serving. Every
        attempt is logged with what is loaded (rules, digest), and a loss of rules is a warning."""
        before = app.state.engines.summary()
        try:
            engines = await asyncio.to_thread(Engines, settings)
        except PackError as exc:
            log_event("reload", trigger=trigger, ok=False, error=str(exc), packs=before)
            raise
        app.state.engines = engines
        app.openapi_schema = None  # the rule ids it lists may have changed (document_selection_codes)
        # the old engines were frozen with the rest of the start-up heap (lifespan): free them
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        if settings.snapshot:
            await asyncio.to_thread(save_snapshot, settings.snapshot, engines.packs, engines.digests)
        log_reload(trigger, before, engines.summary())

    async def reload_on_sighup() -> None:
        try:
            await reload("SIGHUP")
        except PackError:
            pass  # logged by reload()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.engines = start_engines(settings)  # before the server accepts requests
        await warm_send_path(app)
        # the heap built so far (modules, packs, jieba's tables) lives as long as the worker: kept
        # out of the collector's full passes, which would otherwise walk all of it now and then
        # (no gc.collect() first: at this point it finds nothing to free and costs ~40 ms)
        gc.freeze()
        log_event("start", ok=True, packs=app.state.engines.summary(), stale=app.state.engines.stale)
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(reload_on_sighup()))
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            pass  # no SIGHUP here (Windows has no signal.SIGHUP; not the main thread; no add_signal_handler)
        yield
        LINES.flush()  # the access log's last lines, before the worker exits

    # /docs loads Swagger UI from the fastapi-offline package under /docs/static, not from a CDN: it
    # works offline and where public CDNs are blocked. No ReDoc: its sidebar loads a logo from a CDN.
    app = FastAPIOffline(title="cslint", version=_version(), lifespan=lifespan, static_url=DOCS_STATIC,
                         redoc_url=None,
                         swagger_ui_parameters={"validatorUrl": None},  # no badge from validator.swagger.io
                         description="Phrase-compliance checks for Chinese customer-service replies.")
    app.state.settings = settings
    app.add_middleware(BodySizeLimit, max_body=settings.max_body)
    if settings.api_keys:
        app.add_middleware(ApiKeys, keys=settings.api_keys)  # inside CORS: pre-flights carry no key
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["authorization", "content-type", "x-api-key"])
    metrics = Metrics()
    app.state.recorder = Recorder(metrics, log_text=settings.log_text, known_paths={
        "/healthz", "/readyz", "/metrics", "/v1/check", "/v1/check/batch", "/v1/conversations/check",
        "/v1/packs", "/v1/rules", "/v2/check", "/v2/languages"})
    app.add_middleware(Observe, recorder=app.state.recorder)
    configure_access_log()

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(*validation_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_exception(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(*http_error(exc))

    @app.post("/v1/admin/reload", summary="reload packs from disk (admin token)", responses={
        401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    async def admin_reload(request: Request) -> dict:
        if settings.admin_token is None:
            raise HTTPException(403, "reload is disabled: set CSLINT_ADMIN_TOKEN to enable it")
        # a header only: a token in the URL ends up in proxy and access logs
        if not secret_matches(header_key(request.scope["headers"]), settings.admin_token):
            raise HTTPException(401, "wrong or missing admin token (Authorization: Bearer or X-API-Key; "
                                     "never in the URL)")
        try:
            await reload("admin")
        except PackError as exc:
            raise HTTPException(422, f"pack rejected, the live packs keep serving: {exc}") from None
        return {"status": "reloaded", "packs": request.app.state.engines.summary()}

    app.include_router(build_router())

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        """The paste-a-draft page for agents (service/static/)."""
        return HTMLResponse(PAGE_HTML, headers=PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", summary="liveness: answers without doing any work")
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", summary="readiness: packs loaded")
    async def readyz(request: Request) -> JSONResponse:
        engines = getattr(request.app.state, "engines", None)
        if engines is None:
            return _error(503, "not_ready", "packs are still loading")
        return JSONResponse({"status": "ready", "packs": [p.id for p in engines.packs],
                             "loaded": engines.summary(), "stale": engines.stale})

    @app.get("/metrics", summary="Prometheus metrics of the service (of every worker)",
             response_class=PlainTextResponse)
    async def metrics_endpoint() -> PlainTextResponse:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    app.add_api_route("/v1/check", documented_twin(check), methods=["POST"], response_model=CheckResponse,
                      openapi_extra={"requestBody": json_body(CheckRequest)}, responses=CLIENT_ERRORS,
                      summary="check one reply")

    @app.post("/v1/check/batch", response_model=BatchResponse, openapi_extra={"requestBody": json_body(BatchRequest)},
              responses=CLIENT_ERRORS)
    async def check_batch(request: Request) -> Response:
        body = parse_json_body(BatchRequest, await request.body())
        checker, ref = request.app.state.engines.pick(body.pack)
        chars = check_total([item.text for item in body.items], settings)

        def work() -> list[dict]:
            results, total = [], 0
            for item in body.items:
                try:
                    result = checker.check(item.text, item.channel, item.position)
                except InputError as exc:
                    results.append({"id": item.id, "diagnostics": [], "fixed": None, "error": str(exc)})
                    continue
                total = count_diagnostics(total, len(result.diagnostics), settings.max_diagnostics)
                report_check(request.scope, item.text, result.diagnostics)
                to16 = utf16_offsets(item.text)
                results.append({"id": item.id, "diagnostics": [diagnostic_json(d, to16) for d in result.diagnostics],
                                "fixed": result.fixed, "error": None})
            return results

        try:
            results = await run_checks(chars, work)
        except TooManyDiagnostics:
            raise too_many(settings.max_diagnostics) from None
        return json_response({"results": results, "pack": {"id": ref.id, "version": ref.version}})

    @app.post("/v1/conversations/check", response_model=ConversationResponse,
              openapi_extra={"requestBody": json_body(ConversationRequest)}, responses=CLIENT_ERRORS)
    async def conversations_check(request: Request) -> Response:
        body = parse_json_body(ConversationRequest, await request.body())
        checker, ref = request.app.state.engines.pick(body.pack)
        chars = check_total([t.text for t in body.turns], settings)

        def work() -> list[dict]:
            turns, total = [], 0
            for index, position, text, result in check_conversation(checker, [(t.role, t.text) for t in body.turns],
                                                                     body.channel):
                total = count_diagnostics(total, len(result.diagnostics), settings.max_diagnostics)
                report_check(request.scope, text, result.diagnostics)
                to16 = utf16_offsets(text)
                turns.append({"index": index, "position": position, "fixed": result.fixed,
                              "diagnostics": [diagnostic_json(d, to16) for d in result.diagnostics]})
            return turns

        try:
            turns = await run_checks(chars, work)
        except InputError as exc:
            raise input_error(exc) from None
        except TooManyDiagnostics:
            raise too_many(settings.max_diagnostics) from None
        return json_response({"turns": turns, "pack": {"id": ref.id, "version": ref.version}})

    @app.get("/v1/packs", response_model=list[PackInfo])
    async def packs(request: Request) -> list[PackInfo]:
        engines = request.app.state.engines
        return [PackInfo(id=p.id, name=p.name, version=p.version, description=p.description,
                         extends=list(p.extends), rules=len(p.rules), sha256=engines.digests[p.id])
                for p in engines.packs]

    @app.get("/v1/rules", response_model=list[RuleInfo], responses={404: {"model": ErrorBody}})
    async def rules(request: Request, pack: str | None = None) -> list[RuleInfo]:
        checker, _ = request.app.state.engines.pick(pack)
        return [RuleInfo(id=r.id, pack=r.pack_id, category=r.category.value, severity=r.severity.value,
                         kind=r.kind, message=r.message, description=r.description,
                         examples={"bad": [e.text for e in r.examples if e.bad],
                                   "good": [e.text for e in r.examples if not e.bad]})
                for r in checker.rules]

    # requests to the send-path endpoints skip the framework (see service/direct.py)
    app.router.routes.insert(0, Route("/v1/check", DirectEndpoint(check), methods=["POST"]))
    document_selection_codes(app)
    app.router.routes.insert(0, Route("/v2/check", DirectEndpoint(lt_check), methods=["GET", "POST"]))
    return app


async def check(call: Call) -> bytes:
    """POST /v1/check: one reply's diagnostics, and the text with safe rewrites applied."""
    body = parse_json_body(CheckRequest, call.body)
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
        return pydantic_core.to_json({"diagnostics": diagnostics[:shown],
                                      "truncated": shown < len(result.diagnostics),
                                      "fixed": result.fixed if body.fix else None,
                                      "script": result.script,
                                      "pack": {"id": ref.id, "version": ref.version}})

    return fit_response(render, len(diagnostics))[0]


SELECTION_FIELDS = ("select", "ignore", "extend_select")


def document_selection_codes(app: FastAPI) -> None:
    """/openapi.json lists the codes `select`, `ignore` and `extend_select` accept (the loaded
    rules' ids, the categories, the severities): a client generated from the schema then sends
    only codes the server knows. Worked out when the schema is first asked for, and again after
    a reload (which sets `app.openapi_schema` back to None)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = build()
            engines = getattr(app.state, "engines", None)
            if engines is None:  # asked before the packs are loaded (no lifespan): plain strings, not kept
                app.openapi_schema = None
                return schema
            codes = [*CATEGORY_CODES, *SEVERITY_CODES, *sorted(r.id for r in engines.combined.rules)]
            body = schema["paths"]["/v1/check"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            for field in SELECTION_FIELDS:
                prop = body["properties"][field]
                for node in [prop, *prop.get("anyOf", ())]:
                    if node.get("type") == "array":
                        node["items"] = {"type": "string", "enum": codes}
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def request_selection(body: CheckRequest, every_rule: Checker) -> Selection | None:
    """The request's rules as one Selection (lint/selection.py): `select`, `ignore` and
    `extend_select` as on the command line, the older enabled_rules (extend) and disabled_rules /
    disabled_categories (ignore) folded in. A code that no loaded pack knows is a 422 naming it
    (one of another pack than the request's selects nothing, as in the schema's list)."""
    if body.select is None and not (body.ignore or body.extend_select or body.enabled_rules or body.disabled_rules
                                    or body.disabled_categories):
        return None  # the send path's usual request: nothing to work out
    known = frozenset(rule.id for rule in every_rule.rules)
    for field in SELECTION_FIELDS:
        for index, code in enumerate(getattr(body, field) or ()):
            try:
                Selection.from_codes(None, [code], (), known)
            except SelectionError as exc:
                raise RequestValidationError([{"loc": ("body", field, index), "msg": str(exc),
                                               "type": "value_error"}]) from None
    selection = Selection.from_codes(body.select, [*body.ignore, *body.disabled_rules, *body.disabled_categories],
                                     [*body.extend_select, *body.enabled_rules])
    return None if selection.is_default else selection


WARM_UP_TEXT = "你好，这个我不知道，请稍等"


async def warm_send_path(app: FastAPI) -> None:
    """Pay the send path's one-off costs (pydantic's first validation of each model, the first
    windows segmented, the JSON rendering) before the worker says it is ready, not in the first
    requests it serves."""
    body = json.dumps({"text": WARM_UP_TEXT}, ensure_ascii=False).encode()
    form = ("text=" + WARM_UP_TEXT + "&language=zh-CN").encode()
    scope = {"app": app, "type": "http", "state": {}, "query_string": b"",
             "headers": [(b"content-type", b"application/x-www-form-urlencoded")]}
    await check(Call(scope, body))
    await lt_check(Call(scope, form))


async def healthz_direct(call: Call) -> bytes:
    return b'{"status":"ok"}'


def create_service(settings: Settings | None = None) -> SendPath:
    """The app `cslint serve` runs: the send path (/v1/check, /v2/check, /healthz) answered by
    `SendPath` without the framework, everything else by `create_app(settings)`."""
    settings = settings or Settings()
    app = create_app(settings)
    routes = {"/v1/check": (frozenset({"POST"}), check), "/v2/check": (frozenset({"GET", "POST"}), lt_check),
              "/healthz": (frozenset({"GET"}), healthz_direct)}
    return SendPath(app, routes, recorder=app.state.recorder, render_error=client_error,
                    key_check=KeyCheck(settings.api_keys), max_body=settings.max_body, cors=bool(settings.cors_origins))


def create_app_from_env() -> SendPath:
    return create_service(Settings.from_env())


def _version() -> str:
    from cslint import __version__

    return __version__
