"""What one request may cost the worker: characters checked, diagnostics sent, bytes answered,
and time on the event loop.

A reply of normal length is checked in tens of microseconds, right on the event loop. A long
text (thousands of characters, up to --max-chars) can take a second, and a batch many times
that, so those checks run in a worker thread: the loop, and with it /healthz and every other
client, keeps answering. Diagnostics and response bytes are capped because a text made of one
flagged character repeated would otherwise produce one diagnostic per character, each carrying
its context.
"""
from __future__ import annotations

import asyncio
from typing import Callable, TypeVar

DEFAULT_MAX_DIAGNOSTICS = 1_000  # per request, all texts of a batch or conversation together
DEFAULT_MAX_REQUEST_CHARS = 100_000  # per batch or conversation request, all texts together
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
OFF_LOOP_CHARS = 2_000  # texts longer than this (in one request, together) are checked in a thread

T = TypeVar("T")


async def run_checks(chars: int, work: Callable[[], T]) -> T:
    """`work()` on the event loop when it checks few characters, else in a worker thread."""
    if chars <= OFF_LOOP_CHARS:
        return work()
    return await asyncio.to_thread(work)


def fit_response(build: Callable[[int], bytes], count: int, max_bytes: int = MAX_RESPONSE_BYTES) -> tuple[bytes, bool]:
    """The JSON of as many of `count` items as fit in `max_bytes` (`build(n)` renders the first
    n), and whether any were left out. Items are bounded in size, so this rarely loops."""
    payload = build(count)
    shown = count
    while len(payload) > max_bytes and shown > 0:
        shown //= 2
        payload = build(shown)
    return payload, shown < count
