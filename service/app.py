"""The FastAPI app: docs, the page, batches, conversations, packs, rules, admin reload.

A worker runs service/front.py's `Service`, which answers the send path and the probes without
FastAPI and builds this app (`create_app(settings, service=…)`) on the first request it hands
on; the two share the service's state (packs, settings, metrics), and the routes the front
answers are registered here too, for the OpenAPI schema and /docs (and for the requests the front
hands on: a browser's under CORS, a HEAD). `create_app(settings)` alone gives a stand-alone app
with a lifespan of its own (tests, the docs check).

Handlers that only run the check are `async def`: the check costs tens of microseconds, less
than a hop to the thread pool. No client input ever produces a 500: every error is a JSON body
`{"error", "detail"}` with 400, 404, 413 or 422.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
import pydantic_core
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from cslint.conversation import check_conversation
from cslint.errors import InputError, PackError
from cslint.selection import CATEGORY_CODES, SEVERITY_CODES

from .auth import ApiKeys, header_key, secret_matches
from .budget import run_checks
from .direct import DirectEndpoint, documented_twin
from .errors import ERROR_NAMES, HTTPError, InvalidBody, client_error, http_error, validation_error  # noqa: F401
from .front import (DEFAULT_MAX_BODY, SELECTION_FIELDS, Engines, Service, Settings, check,  # noqa: F401
                    create_service, create_service_from_env, diagnostic_json, input_error, parse_json_body,
                    readyz_answer, request_selection, start_engines, warm_send_path)
from .limits import BodySizeLimit
from .lt_v2 import build_router, lt_check
from .observe import Observe, report_check
from .schemas import (BatchRequest, BatchResponse, CheckRequest, CheckResponse, ConversationRequest,
                      ConversationResponse, ErrorBody, PackInfo, RuleInfo)
from .utf16 import utf16_offsets

STATIC_DIR = Path(__file__).parent / "static"
PAGE_HTML = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
DOCS_STATIC = "/docs/static"  # Swagger UI's own files
# the page is self-contained: it may load nothing but its own files and call nothing but this server
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"}


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


def _error(status: int, error: str, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content=ErrorBody(error=error, detail=detail).model_dump())


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    """The FastAPI app over `service`'s state (what the front builds on demand); without one, a
    stand-alone app over a service of its own, whose lifespan loads the packs."""
    owned = service is None
    service = service or Service(settings)
    settings = service.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await service.start(app)  # before the server accepts requests
        yield
        service.stop()

    # /docs loads Swagger UI from the fastapi-offline package under /docs/static, not from a CDN: it
    # works offline and where public CDNs are blocked. No ReDoc: its sidebar loads a logo from a CDN.
    app = FastAPIOffline(title="cslint", version=service.version, lifespan=lifespan if owned else None,
                         static_url=DOCS_STATIC,
                         redoc_url=None,
                         swagger_ui_parameters={"validatorUrl": None},  # no badge from validator.swagger.io
                         description="Phrase-compliance checks for Chinese customer-service replies.")
    app.state = service.state  # engines, settings, recorder: the front's, shared
    if owned:
        service.framework = app  # a reload drops its cached schema
    app.add_middleware(BodySizeLimit, max_body=settings.max_body)
    if settings.api_keys:
        app.add_middleware(ApiKeys, keys=settings.api_keys)  # inside CORS: pre-flights carry no key
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["authorization", "content-type", "x-api-key"])
    app.add_middleware(Observe, recorder=service.state.recorder)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(*validation_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_exception(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(*http_error(exc))

    @app.exception_handler(InvalidBody)
    async def invalid_body(request: Request, exc: InvalidBody) -> JSONResponse:
        return _error(*validation_error(exc))

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
            await service.reload("admin")
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
    async def readyz(request: Request) -> Response:
        status, body = readyz_answer(service.state)
        return Response(body, status_code=status, media_type="application/json")

    @app.get("/metrics", summary="Prometheus metrics of the service (of every worker)",
             response_class=PlainTextResponse)
    async def metrics_endpoint() -> PlainTextResponse:
        return PlainTextResponse(service.state.recorder.metrics.render(), media_type="text/plain; version=0.0.4")

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


def create_app_from_env() -> Service:
    """What `cslint serve` runs (the front; it builds the app above when needed)."""
    return create_service_from_env()
