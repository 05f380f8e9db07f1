"""The request model of /v1/check (pydantic), apart from the other wire models of service/schemas.py.

The send path reads a plainly valid body without it (service/front.py `check_request`) and loads
this module, and pydantic, only for a body it must judge: a worker is ready without either."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .vocabulary import CategoryName, Channel, Position  # noqa: F401 (also for schemas.py)


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
