"""LanguageTool-compatible API (/v2/languages, /v2/check), so existing LT clients work unchanged.

Offsets and lengths are UTF-16 code units, as LanguageTool (Java) sends them. Parameters come
form-encoded (or in the query string), parsed here from the raw body so no multipart library is
needed.
"""
from __future__ import annotations

import bisect
import json
from urllib.parse import parse_qs

import orjson

from cslint.errors import TextTooLong
from cslint.fix import Edit, resolve
from cslint.model import CATEGORY_DISPLAY_NAMES, Applicability, Diagnostic, Severity
from cslint.selection import Selection

from .budget import fit_response, run_checks
from .direct import Call, documented_twin
from .errors import HTTPError as HTTPException  # FastAPI-free: /v2/check is on the send path
from .observe import report_check
from .utf16 import utf16_offsets

LANGUAGES = [
    {"name": "Chinese", "code": "zh", "longCode": "zh-CN"},
    {"name": "Chinese (Taiwan)", "code": "zh", "longCode": "zh-TW"},
    {"name": "Chinese (Hong Kong)", "code": "zh", "longCode": "zh-HK"},
]
CATEGORY_NAMES = CATEGORY_DISPLAY_NAMES
ISSUE_TYPES = {"forbidden": "style", "tone": "style", "jargon": "terminology", "filler": "style",
               "honorific": "style", "courtesy": "style"}
CONTEXT_CHARS = 40  # characters of context on each side of a match
SENTENCE_CHARS = 200  # at most this many characters of `sentence` on each side of a match


def _params(call: Call) -> dict[str, list[str]]:
    try:
        params = parse_qs(call.query_string.decode("latin-1"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise HTTPException(400, "the query string is not valid UTF-8") from None
    if call.body and "application/x-www-form-urlencoded" in call.header(b"content-type"):
        try:
            form = parse_qs(call.body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise HTTPException(400, "the form body is not valid UTF-8") from None
        for key, values in form.items():
            params.setdefault(key, []).extend(values)
    return params


def _one(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


def _list(params: dict[str, list[str]], key: str) -> list[str]:
    value = _one(params, key)
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def _text_from_data(data: str) -> tuple[str, list[int], str]:
    """The text to check from LT's annotated `data`, and for each of its characters the
    position in the full document (text parts and markup) it came from."""
    try:
        annotation = json.loads(data)["annotation"]
        assert isinstance(annotation, list)
    except RecursionError:
        raise HTTPException(400, "Invalid 'data' parameter: nested too deeply") from None
    except (ValueError, KeyError, TypeError, AssertionError):
        raise HTTPException(400, "Invalid 'data' parameter: expected {\"annotation\": [...]}") from None
    text, where, doc, pos = [], [], [], 0
    for part in annotation:
        if not isinstance(part, dict):
            raise HTTPException(400, "Invalid 'data' parameter: every annotation item is an object")
        if isinstance(part.get("text"), str):
            text.append(part["text"])
            doc.append(part["text"])
            where.extend(range(pos, pos + len(part["text"])))
            pos += len(part["text"])
        elif isinstance(part.get("markup"), str):
            shown = part.get("interpretAs") if isinstance(part.get("interpretAs"), str) else ""
            text.append(shown)
            doc.append(part["markup"])
            where.extend([pos] * len(shown))
            pos += len(part["markup"])
        else:
            raise HTTPException(400, "Invalid 'data' parameter: an item needs 'text' or 'markup'")
    where.append(pos)
    document = "".join(doc)
    try:
        document.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise HTTPException(400, f"Invalid 'data' parameter: a lone UTF-16 surrogate at character {exc.start}") from None
    return "".join(text), where, document


def _issue_type(diag: Diagnostic) -> str:
    """LanguageTool clients colour by issueType: errors as grammar, jargon as terminology, the
    rest (warnings and hints) as style."""
    if diag.severity is Severity.ERROR:
        return "grammar"
    return ISSUE_TYPES[diag.category.value]


def _visible(text: str, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """An insertion as LanguageTool clients expect a match: a span of at least one character,
    its replacement rewriting that character too."""
    if start < end or not text:
        return start, end, replacement
    if start < len(text):
        return start, start + 1, replacement + text[start]
    return start - 1, start, text[start - 1] + replacement


def _replacements(resolved: list[tuple[Diagnostic, Edit]]) -> dict[int, Edit]:
    """Diagnostic id -> its edit, as LanguageTool matches carry them: an insertion right before
    another edit joins that edit (two matches must never overlap, or correct() drops one)."""
    replacing_at = {edit[0]: diag for diag, edit in resolved if edit[0] < edit[1]}
    chosen: dict[int, Edit] = {}
    prefixes: dict[int, str] = {}
    for diag, (start, end, text) in resolved:
        if start == end and start in replacing_at:
            key = id(replacing_at[start])
            prefixes[key] = prefixes.get(key, "") + text
            continue
        chosen[id(diag)] = (start, end, text)
    for key, prefix in prefixes.items():
        start, end, text = chosen[key]
        chosen[key] = (start, end, prefix + text)
    return chosen


def _match(diag: Diagnostic, edit: Edit | None, text: str, to_doc: list[int] | None, doc16, sentence_of) -> dict:
    """One match. With `edit` (chosen by the engine, no overlap with another) the match spans the
    edit and its one replacement is safe to apply verbatim: correct() gives the engine's text.
    Without it, the match spans the phrase and the rewrite is told in the message."""
    if edit is not None:
        start, end, replacement = _visible(text, *edit)
        replacements = [{"value": replacement}]
        message = diag.message
    else:
        start, end, _ = _visible(text, diag.start, diag.end, "")
        replacements = []
        advice = diag.suggestions[0].text if diag.suggestions else ""
        message = f"{diag.message}（建议：{advice}）" if advice else diag.message
    doc_start = to_doc[start] if to_doc else start
    doc_end = (to_doc[end - 1] + 1 if end > start else to_doc[start]) if to_doc else end
    c0 = max(0, start - CONTEXT_CHARS)
    c1 = min(len(text), end + CONTEXT_CHARS)
    context16 = utf16_offsets(text[c0:c1])
    return {
        "message": message,
        "shortMessage": CATEGORY_NAMES[diag.category.value],
        "replacements": replacements,
        "offset": doc16(doc_start),
        "length": doc16(doc_end) - doc16(doc_start),
        "context": {"text": text[c0:c1], "offset": context16(start - c0),
                    "length": context16(end - c0) - context16(start - c0)},
        "sentence": sentence_of(start, end),
        "type": {"typeName": "Other"},
        "rule": {
            "id": diag.rule_id,
            "description": diag.message,
            "issueType": _issue_type(diag),
            "category": {"id": diag.category.value, "name": CATEGORY_NAMES[diag.category.value]},
        },
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def _sentences(text: str):
    """A function giving the sentence around a span (bisect over sentence marks), cut to
    SENTENCE_CHARS on each side: a text with no sentence end must not be repeated whole in
    every match."""
    marks = [i for i, ch in enumerate(text) if ch in "。！？!?\n"]

    def sentence_of(pos: int, end_pos: int) -> str:
        k = bisect.bisect_left(marks, pos)  # marks before pos: marks[:k]
        start = marks[k - 1] + 1 if k else 0
        end = marks[k] + 1 if k < len(marks) else len(text)
        start = max(start, pos - SENTENCE_CHARS)
        end = min(end, max(end_pos, pos) + SENTENCE_CHARS)
        return text[start:end].strip()

    return sentence_of


async def lt_check(call: Call) -> bytes:
    """POST/GET /v2/check, the way LanguageTool answers it."""
    params = _params(call)
    texts, datas = params.get("text", []), params.get("data", [])
    if not texts and not datas:
        raise HTTPException(400, "Missing 'text' or 'data' parameter")
    if len(texts) + len(datas) > 1:
        raise HTTPException(400, "Set only 'text' or 'data', not both")
    language = _one(params, "language") or "auto"
    if language != "auto" and not language.lower().startswith("zh"):
        raise HTTPException(400, f"'{language}' is not a language supported by this server (zh-CN, zh-TW, zh-HK)")
    enabled_rules, enabled_categories = _list(params, "enabledRules"), _list(params, "enabledCategories")
    enabled_only = (_one(params, "enabledOnly") or "false").lower() == "true"
    if enabled_only and not (enabled_rules or enabled_categories):
        raise HTTPException(400, "You cannot specify 'enabledOnly' without enabledRules or enabledCategories")
    if texts:
        text, to_doc, document = texts[0], None, texts[0]
    else:
        text, to_doc, document = _text_from_data(datas[0])
    selection = Selection.of(enabled_rules=enabled_rules, disabled_rules=_list(params, "disabledRules"),
                             enabled_categories=enabled_categories,
                             disabled_categories=_list(params, "disabledCategories"), enabled_only=enabled_only)
    engines = call.app.state.engines
    limit = call.app.state.settings.max_diagnostics
    check = lambda: engines.combined.check(text, "chat", "middle", None if selection.is_default else selection)  # noqa: E731
    try:
        result = await run_checks(len(text), check)
    except TextTooLong as exc:  # the only input error possible here
        raise HTTPException(413, str(exc)) from None
    diagnostics = list(result.diagnostics)
    if (_one(params, "level") or "default") == "default":
        diagnostics = [d for d in diagnostics if d.severity is not Severity.INFO]
    report_check(call.scope, text, diagnostics)
    doc16 = utf16_offsets(document)
    sentence_of = _sentences(text)
    code = {"zh-tw": "zh-TW", "zh-hk": "zh-HK"}.get(language.lower(), "zh-CN")
    # the engine's one resolution of overlapping rewrites (fixes and proposals): what correct() applies
    chosen = _replacements(resolve(text, diagnostics, Applicability.DISPLAY))
    matches = [_match(d, chosen.get(id(d)), text, to_doc, doc16, sentence_of) for d in diagnostics[:limit]]
    matches.sort(key=lambda m: m["offset"])

    def render(shown: int) -> bytes:
        return orjson.dumps({
            "software": {"name": "cslint", "version": call.app.version, "buildDate": "", "apiVersion": 1,
                         "premium": False, "status": ""},
            # LanguageTool's own flag for a partial answer: more matches than one response carries
            "warnings": {"incompleteResults": shown < len(diagnostics)},
            "language": {"name": "Chinese", "code": code,
                         "detectedLanguage": {"name": "Chinese", "code": code, "confidence": 1.0}},
            "matches": matches[:shown],
        })

    return fit_response(render, len(matches))[0]


def build_router():
    """/v2/languages and /v2/check's documented twin, for the FastAPI app (service/app.py)."""
    from fastapi import APIRouter

    from .schemas import ErrorBody

    router = APIRouter()

    errors = {status: {"model": ErrorBody} for status in (400, 401, 413, 422)}

    @router.get("/v2/languages", summary="languages (LanguageTool API)", responses=errors)
    async def languages() -> list[dict]:
        return LANGUAGES

    router.add_api_route("/v2/check", documented_twin(lt_check), methods=["GET", "POST"], summary="check text (LanguageTool API)",
                         responses=errors)
    return router
