"""The send path's request model (pydantic), apart from the other wire models of service/schemas.py:
a worker builds only this one before it is ready (the rest come with the FastAPI app)."""
from __future__ import annotations

from typing import Literal, NamedTuple

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


class PackId(NamedTuple):
    """The pack(s) a check ran with, as an answer's `pack` names them (schemas.PackRef)."""

    id: str
    version: str
