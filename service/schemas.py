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
    enabled_rules: list[str] = []
    disabled_rules: list[str] = []
    disabled_categories: list[CategoryName] = []


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


class PackRef(BaseModel):
    id: str
    version: str


class CheckResponse(BaseModel):
    diagnostics: list[DiagnosticOut]
    fixed: str | None
    pack: PackRef


class PackInfo(BaseModel):
    id: str
    name: str
    version: str
    description: str
    extends: list[str]
    rules: int


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
