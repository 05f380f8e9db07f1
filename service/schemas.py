"""The wire format of /v1 (pydantic models; FastAPI turns them into the OpenAPI schema)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# the send path's request model lives apart (the front imports it without the others)
from .wire import CategoryName, Channel, CheckRequest, Position  # noqa: F401

MAX_BATCH = 100


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | int | None = None
    text: str
    channel: Channel = "chat"
    position: Position = "middle"


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[BatchItem] = Field(max_length=MAX_BATCH)
    pack: str | None = None


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["agent", "customer"]
    text: str


class ConversationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel = "chat"
    turns: list[Turn] = Field(max_length=500)
    pack: str | None = None


class EditOut(BaseModel):
    start: int = Field(description="code-point offset of the span the edit replaces")
    end: int
    utf16_start: int
    utf16_end: int
    text: str = Field(description="the replacement ('' deletes; start == end inserts)")
    kind: Literal["fix", "proposal"] = Field(description="fix: the meaning is kept (applied by 全部修正 and `fixed`); "
                                                         "proposal: the meaning may change (apply only on request)")


class DiagnosticOut(BaseModel):
    rule_id: str
    category: CategoryName
    severity: Literal["error", "warning", "info"]
    start: int = Field(description="code-point offset into `text`")
    end: int
    utf16_start: int = Field(description="the same offset in UTF-16 code units (JavaScript)")
    utf16_end: int
    text: str
    message: str
    suggestions: list[str]
    safe: bool
    edits: list[EditOut] = Field(description="each suggestion as an edit of the text, in the same order")


class PackRef(BaseModel):  # on the wire; the engines hold service/wire.py's PackId
    id: str
    version: str


class CheckResponse(BaseModel):
    diagnostics: list[DiagnosticOut]
    truncated: bool = Field(default=False, description="more diagnostics were found than one response carries")
    script: Literal["simplified", "traditional-tw", "traditional-hk"] = Field(
        default="simplified", description="the script of the text: messages and suggestions follow it")
    fixed: str | None
    pack: PackRef


class PackInfo(BaseModel):
    id: str
    name: str
    version: str
    description: str
    extends: list[str]
    rules: int
    sha256: str = Field(description="SHA-256 of the pack's own file as loaded (compare with sha256sum)")


class RuleInfo(BaseModel):
    id: str
    pack: str
    category: CategoryName
    severity: str
    kind: str
    message: str
    description: str
    examples: dict[str, list[str]]


class ErrorBody(BaseModel):
    error: str
    detail: str


class BatchResult(BaseModel):
    id: str | int | None
    diagnostics: list[DiagnosticOut] = []
    fixed: str | None = None
    error: str | None = None


class BatchResponse(BaseModel):
    results: list[BatchResult]
    pack: PackRef


class TurnResult(BaseModel):
    index: int = Field(description="position of the turn in the request")
    position: Position
    diagnostics: list[DiagnosticOut]
    fixed: str


class ConversationResponse(BaseModel):
    turns: list[TurnResult]
    pack: PackRef
