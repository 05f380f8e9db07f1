"""Readers for YAML and JSON: every string value is a reply, named by its key path
(`greetings[2].text`). Keys themselves, numbers and booleans are not replies.

Each string's characters are aligned with the file text they came from (escapes, quotes,
indentation and folded line breaks in between), so a finding points at its line and column and
an edit lands on the right bytes (lint/fix_files.py).
"""
from __future__ import annotations

import json
import re
from typing import Iterator

import yaml

from .model import BLOCK, DOUBLE_QUOTED, PLAIN, SINGLE_QUOTED, LineIndex, Reply, SourceError

_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_STR_TAG = "tag:yaml.org,2002:str"


def join_key(parent: str, key: object) -> str:
    """`parent.key`, `parent[3]`, or `parent["odd key"]` for keys that are not plain names."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    name = str(key)
    if _IDENTIFIER.fullmatch(name):
        return f"{parent}.{name}" if parent else name
    return f"{parent}[{json.dumps(name, ensure_ascii=False)}]"


def _escape_length(raw: str, at: int) -> int:
    """How many characters the backslash escape at `raw[at]` takes (\\n, \\u4f60, \\U0001F600, \\x41)."""
    kind = raw[at + 1] if at + 1 < len(raw) else ""
    return {"x": 4, "u": 6, "U": 10}.get(kind, 2)


def align(value: str, text: str, start: int, end: int, style: str) -> tuple[int, ...]:
    """For each character of `value`, where it starts in `text[start:end]` (the scalar as written),
    plus one past the end. Characters that the value does not keep (quotes, indentation, the
    block header, folded line breaks) are stepped over; a folded line break that became a space
    maps to the break."""
    i = start
    if style in (DOUBLE_QUOTED, SINGLE_QUOTED):
        i += 1
        end -= 1
    elif style == BLOCK:
        newline = text.find("\n", start, end)
        i = newline + 1 if newline >= 0 else end
    offsets: list[int] = []
    after = i
    for char in value:
        while i < end:
            here = text[i]
            if style == DOUBLE_QUOTED and here == "\\":
                if text[i + 1:i + 2] in ("\n", "\r"):  # an escaped line break: nothing in the value
                    i += 2
                    while i < end and text[i] in " \t\r\n":
                        i += 1
                    continue
                width = _escape_length(text, i)
                offsets.append(i)
                i += width
                break
            if style == SINGLE_QUOTED and text.startswith("''", i) and char == "'":
                offsets.append(i)
                i += 2
                break
            if here == char or (char in " \n" and here in "\r\n"):
                offsets.append(i)
                i += 1 + (here == "\r" and text[i + 1:i + 2] == "\n")
                break
            i += 1
        else:
            offsets.append(end)
        after = i
    offsets.append(min(after, end))
    return tuple(offsets)


# --- YAML ---------------------------------------------------------------------------------------

_YAML_STYLES = {None: PLAIN, "": PLAIN, "'": SINGLE_QUOTED, '"': DOUBLE_QUOTED, "|": BLOCK, ">": BLOCK}


def _yaml_strings(node: yaml.Node, key: str, seen: set[int]) -> Iterator[tuple[str, yaml.ScalarNode]]:
    """The string scalars under `node` with their key paths; a node met again through an alias
    (*name) is yielded once, where it is written."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            yield from _yaml_strings(value_node, join_key(key, name), seen)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            yield from _yaml_strings(item, join_key(key, number), seen)
    elif isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG and node.value.strip():
        yield key, node


def read_yaml(path: str, text: str) -> list[Reply]:
    """Every non-blank string of every document (a key path starts with `[n]` from the second
    document on)."""
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise SourceError(path, f"not valid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise SourceError(path, f"not valid YAML: {exc}") from None
    lines = LineIndex(text)
    replies = []
    for number, document in enumerate(documents):
        if document is None:
            continue
        for key, node in _yaml_strings(document, f"[{number}]" if number else "", set()):
            style = _YAML_STYLES.get(node.style, PLAIN)
            start, end = node.start_mark.index, node.end_mark.index
            offsets = align(node.value, text, start, end, style)
            replies.append(Reply(node.value, path, offsets, key or None, style, (start, end), lines=lines))
    return replies


# --- JSON ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


def read_json(path: str, text: str) -> list[Reply]:
    """Every non-blank string value (not the keys), checked as JSON first for a clear error."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise SourceError(path, "not valid JSON: nested too deeply") from None
    lines = LineIndex(text)
    replies = []
    # a stack of containers: ["{", key or None] or ["[", next index]
    stack: list[list] = []
    expecting_key = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            stack.append([token, None if token == "{" else 0])
            expecting_key = token == "{"
            continue
        if token in "}]":
            stack.pop()
            continue
        if token == ":":
            continue
        if token == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
            expecting_key = bool(stack) and stack[-1][0] == "{"
            continue
        if expecting_key:
            stack[-1][1] = json.loads(token)
            expecting_key = False
            continue
        key = _json_key(stack)
        if token.startswith('"'):
            value = json.loads(token)
            if value.strip():
                offsets = align(value, text, match.start(), match.end(), DOUBLE_QUOTED)
                replies.append(Reply(value, path, offsets, key or None, DOUBLE_QUOTED,
                                     (match.start(), match.end()), lines=lines))
    return replies


def _json_key(stack: list[list]) -> str:
    key = ""
    for kind, current in stack:
        key = join_key(key, current if kind == "[" else str(current))
    return key
