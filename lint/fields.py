"""Typed access to one YAML mapping of a rule pack, keeping line numbers for errors.

Packs are read with `yaml.compose`, so every key still knows its line; a Fields object turns
one mapping node into checked Python values or a PackError that points at the key at fault.
PyYAML is imported on first use: a process that finds its packs in the cache (lint.packs) never
parses YAML.
"""
from __future__ import annotations

import reprlib
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .errors import PackError

if TYPE_CHECKING:
    from yaml.nodes import Node

_MISSING = object()


_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxstring = 2, 4, 4, 60


def shown(value: Any) -> str:
    """A short repr for messages: a value from YAML may be huge (aliases of aliases) or recursive."""
    return _SHOWN.repr(value)


def _nodes():
    import yaml.nodes

    return yaml.nodes


def to_python(node: Node) -> Any:
    from yaml.constructor import SafeConstructor

    return SafeConstructor().construct_object(node, deep=True)


def node_line(node: Node) -> int:
    return node.start_mark.line + 1


class Fields:
    def __init__(self, node: Node, path: str, rule_id: str | None = None, what: str = "a mapping"):
        self.path = path
        self.rule_id = rule_id
        self.node = node
        if not isinstance(node, _nodes().MappingNode):
            raise PackError(path, node_line(node), f"expected {what}", rule_id)
        self.nodes: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = to_python(key_node)
            if not isinstance(key, str):
                raise PackError(path, node_line(key_node), f"key {shown(key)} is not a string", rule_id)
            if key in self.nodes:
                raise PackError(path, node_line(key_node), f"duplicate key '{key}'", rule_id)
            self.nodes[key] = value_node

    @property
    def line(self) -> int:
        return node_line(self.node)

    def line_of(self, key: str) -> int:
        node = self.nodes.get(key)
        return node_line(node) if node is not None else self.line

    def error(self, key: str | None, message: str) -> PackError:
        line = self.line_of(key) if key else self.line
        return PackError(self.path, line, message, self.rule_id)

    def reject_unknown(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key, node in self.nodes.items():
            if key not in allowed:
                raise PackError(
                    self.path, node_line(node),
                    f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})", self.rule_id,
                )

    def has(self, key: str) -> bool:
        return key in self.nodes

    def raw(self, key: str) -> Node | None:
        return self.nodes.get(key)

    def value(self, key: str, default: Any = _MISSING) -> Any:
        node = self.nodes.get(key)
        if node is None:
            if default is _MISSING:
                raise self.error(None, f"missing required key '{key}'")
            return default
        return to_python(node)

    def string(self, key: str, default: Any = _MISSING, allow_empty: bool = False) -> str:
        value = self.value(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "version":
            value = str(value)
        if not isinstance(value, str):
            raise self.error(key, f"'{key}' must be a string, not {type(value).__name__}")
        if not allow_empty and not value.strip():
            raise self.error(key, f"'{key}' is empty")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.value(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"'{key}' must be true or false")
        return value

    def integer(self, key: str, default: int, low: int = 0, high: int = 10_000) -> int:
        value = self.value(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.error(key, f"'{key}' must be a whole number from {low} to {high}")
        return value

    def choice(self, key: str, choices: Iterable[str], default: Any = _MISSING) -> str:
        choices = tuple(choices)
        value = self.value(key, default)
        if value not in choices:
            raise self.error(key, f"'{key}' must be one of {', '.join(choices)}, not {shown(value)}")
        return value

    def string_list(self, key: str, default: Any = _MISSING, allow_empty_list: bool = True) -> list[str]:
        """A list of non-empty strings (a single string is accepted as a one-item list)."""
        node = self.nodes.get(key)
        if node is None:
            if default is _MISSING:
                raise self.error(None, f"missing required key '{key}'")
            return list(default)
        nodes = _nodes()
        items = node.value if isinstance(node, nodes.SequenceNode) else [node] if isinstance(node, nodes.ScalarNode) else None
        if items is None:
            raise self.error(key, f"'{key}' must be a list of strings")
        result = []
        for item in items:
            value = to_python(item)
            if not isinstance(value, str):
                raise PackError(self.path, node_line(item), f"'{key}' items must be strings, not {type(value).__name__}", self.rule_id)
            if not value.strip():
                raise PackError(self.path, node_line(item), f"'{key}' has an empty item", self.rule_id)
            result.append(value)
        if not result and not allow_empty_list:
            raise self.error(key, f"'{key}' is empty")
        return result


MAX_DEPTH = 64  # real packs nest about 6 levels; PyYAML's composer recurses once per level


@lru_cache(maxsize=1)
def _depth_limited_loader() -> type:
    import yaml
    import yaml.composer

    class DepthLimitedLoader(yaml.SafeLoader):
        """SafeLoader that refuses nesting deeper than MAX_DEPTH at the node that goes too deep,
        before the recursive composer (and later the constructor) can hit Python's recursion limit."""

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._depth = 0

        def compose_node(self, parent: Node | None, index: Any) -> Node | None:
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    mark = self.peek_event().start_mark
                    raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return DepthLimitedLoader


@contextmanager
def yaml_failures(path: str) -> Iterator[None]:
    """Whatever the YAML layer raises while a pack file is read (bad syntax, an unhashable key, a
    recursive alias, a structure too deep for Python) as a PackError naming the file, and the
    line where the error has one."""
    import yaml

    try:
        yield
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PackError(path, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise PackError(path, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise PackError(path, None, "invalid YAML: nested too deeply") from None


def compose(path: str, text: str) -> Node:
    """The pack file's node tree; PackError (see `yaml_failures`) when it cannot be read."""
    loader = _depth_limited_loader()(text)
    try:
        with yaml_failures(path):
            node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        raise PackError(path, 1, "the file is empty")
    return node
