"""Errors with a place: a rule pack's file:line, or the input the caller gave."""
from __future__ import annotations


class PackError(Exception):
    """A rule pack failed validation: `file:line: rule <id>: <what is wrong>`."""

    def __init__(self, path: str, line: int | None, message: str, rule_id: str | None = None):
        self.path = path
        self.line = line
        self.rule_id = rule_id
        self.detail = message
        where = f"{path}:{line}" if line is not None else path
        who = f"rule {rule_id}: " if rule_id else ""
        super().__init__(f"{where}: {who}{message}")


class InputError(ValueError):
    """The text to check cannot be checked (too long, not text, unknown channel or position)."""


class TextTooLong(InputError):
    """The text is over the engine's character limit (HTTP answers 413 for it)."""
