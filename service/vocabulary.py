"""The values of /v1/check's fields and the pack reference, without pydantic (service/wire.py and
service/schemas.py build their models on these; the send path reads them without the models)."""
from __future__ import annotations

from typing import Literal, NamedTuple, get_args

Channel = Literal["chat", "email"]
Position = Literal["opening", "middle", "closing", "single"]
CategoryName = Literal["forbidden", "tone", "jargon", "filler", "honorific", "courtesy"]

CHANNELS = frozenset(get_args(Channel))
POSITIONS = frozenset(get_args(Position))
CATEGORY_NAMES = frozenset(get_args(CategoryName))


class PackId(NamedTuple):
    """The pack(s) a check ran with, as an answer's `pack` names them (schemas.PackRef)."""

    id: str
    version: str
