"""The wire format of /v1 (pydantic models; FastAPI turns them into the OpenAPI schema)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["chat", "email"]
Position = Literal["opening", "middle", "closing", "single"]
CategoryName = Literal["forbidden", "tone", "jargon", "filler", "honorific", "courtesy"]


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    channel: Channel = "chat"
    position: Position = "middle"
    pack: str | None = Field(default=None, description="id of a loaded pack (default: all loaded packs)")
    fix: bool = Field(default=True, description="include `fixed`, the text with safe rewrites applied")
    # default_factory, not `= []`: pydantic deep-copies a mutable default on every request
    enabled_rules: list[str] = Field(default_factory=list)
    disabled_rules: list[str] = Field(default_factory=list)
    disabled_categories: list[CategoryName] = Field(default_factory=list)
    # the selection model of the CLI and config (lint/selection.py): rule ids, categories or
    # severities; the most specific code wins (rule > category > severity), ignore wins a tie
    select: list[str] | None = Field(default=None, description="run only the rules these codes name "
                                     "(rule ids, categories or severities); absent: every rule")
    ignore: list[str] = Field(default_factory=list, description="skip the rules these codes name")
    extend_select: list[str] = Field(default_factory=list, description="run these rules too (beats a less specific ignore)")


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


class PackRef(BaseModel):
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
