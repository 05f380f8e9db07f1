"""Project settings for `cslint check`: found from the current directory upwards, overridden by flags.

Where settings come from, the nearest first (as ruff and flake8 look for theirs):

    .cslint.toml                 the whole file is cslint's settings
    pyproject.toml               the [tool.cslint] table (a pyproject.toml without one is skipped)

In each directory from the current one up to the root, `.cslint.toml` beats `pyproject.toml`; the
first file found is used and no other is merged in. Keys (all optional):

    packs = ["default", "team.yaml"]       rule packs (a path is relative to the config file)
    packs-dirs = ["rules"]                 where packs named by id are looked for (relative too)
    channel = "email"                      chat | email
    position = "closing"                   opening | middle | closing | single
    select = ["forbidden", "tone"]         rule ids, categories or severities (lint/selection.py)
    ignore = ["filler"]
    extend-select = ["some-rule"]
    fail-on = "warning"                    info | warning | error
    report-unused-disables = true          report `cslint: disable` markers that suppress nothing

    [per-file-overrides."email/*.txt"]     (in pyproject.toml: [tool.cslint.per-file-overrides."…"])
    channel = "email"                      any key above except packs, packs-dirs, report-unused-disables

`cslint check` and `cslint config` use every key. The other commands that load packs (`rules
list`, `rules show`, `serve`, `scan`, `eval`) take packs and packs-dirs from the file, and `scan`
its channel too, so a team's packs are the ones every command checks with.

A glob is matched against the checked file's path relative to the config file's directory (and,
when the glob holds no "/", against the file's name alone); every matching override applies in
the file's order (its select replaces, its ignore and extend-select add). On the command line `--select` replaces the configured select, while `--ignore`
and `--extend-select` add to the configured lists; every other flag replaces its key.

A broken file is a ConfigError: one line, `file:line: what is wrong`.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any, Mapping, Sequence

from .model import CHANNELS, POSITIONS, Severity


def _toml():
    """tomllib (tomli on 3.10), imported when a file is read: most runs find no configuration."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


CONFIG_NAMES = (".cslint.toml", "pyproject.toml")
DEFAULT = "default"
COMMAND_LINE = "command line"

_LISTS = ("packs", "packs-dirs", "select", "ignore", "extend-select")
_FLAGS = ("report-unused-disables",)
_CHOICES: dict[str, tuple[str, ...]] = {"channel": CHANNELS, "position": POSITIONS,
                                        "fail-on": tuple(s.value for s in Severity)}
TOP_KEYS = ("packs", "packs-dirs", "channel", "position", "select", "ignore", "extend-select", "fail-on",
            "report-unused-disables", "per-file-overrides")
OVERRIDE_KEYS = ("channel", "position", "select", "ignore", "extend-select", "fail-on")


class ConfigError(Exception):
    """A configuration file that cannot be used: `file:line: what is wrong`."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@dataclass(frozen=True)
class Settings:
    """The effective settings for one checked file, and where each came from."""

    packs: tuple[str, ...] = ()
    packs_dirs: tuple[str, ...] = ()
    channel: str = "chat"
    position: str = "middle"
    select: tuple[str, ...] | None = None  # None: not given (every rule)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: str = "info"
    report_unused_disables: bool = False
    sources: Mapping[str, str] = field(default_factory=dict)  # key -> file path, "default" or "command line"

    def source(self, key: str) -> str:
        return self.sources.get(key, DEFAULT)


@dataclass(frozen=True)
class Overrides:
    glob: str
    values: Mapping[str, Any]
    line: int | None


@dataclass(frozen=True)
class Config:
    """One validated configuration file (or none: `Config.empty()`)."""

    path: Path | None
    values: Mapping[str, Any]
    overrides: tuple[Overrides, ...] = ()
    lines: Mapping[str, int | None] = field(default_factory=dict)  # top-level key -> its line, for errors

    @classmethod
    def empty(cls) -> "Config":
        return cls(None, {})

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def settings(self, file: str | None = None, cli: Mapping[str, Any] | None = None) -> Settings:
        """The effective settings for `file` (None: without per-file overrides), flags on top."""
        settings = Settings()
        where = str(self.path) if self.path is not None else DEFAULT
        settings = _apply(settings, self.values, where)
        if file is not None:
            for override in self.overrides:
                if self._matches(override.glob, file):
                    settings = _apply(settings, override.values, f"{where} [{override.glob}]")
        return _apply(settings, {k: v for k, v in (cli or {}).items() if v is not None}, COMMAND_LINE, cli=True)

    def _matches(self, glob: str, file: str) -> bool:
        path = Path(file)
        try:
            relative = path.resolve().relative_to(self.root.resolve())
        except (ValueError, OSError):
            relative = path
        posix = PurePosixPath(*relative.parts).as_posix()
        return fnmatch(posix, glob) or ("/" not in glob and fnmatch(path.name, glob))


def _apply(settings: Settings, values: Mapping[str, Any], where: str, cli: bool = False) -> Settings:
    changes: dict[str, Any] = {}
    sources = dict(settings.sources)
    for key, value in values.items():
        name = key.replace("-", "_")
        if key in ("ignore", "extend-select") and (cli or settings.source(key) != DEFAULT):
            value = tuple(getattr(settings, name)) + tuple(value)  # these two add up
            where_now = where if settings.source(key) == DEFAULT else f"{settings.source(key)} + {where}"
        else:
            where_now = where
        changes[name] = tuple(value) if key in _LISTS else value
        sources[key] = where_now
    return replace(settings, **changes, sources=sources)


# --- finding and reading the file ---------------------------------------------------------------

def find_config(start: Path | None = None) -> Path | None:
    """The nearest .cslint.toml, or pyproject.toml with a [tool.cslint] table, from `start` upwards."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = _toml().loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, _toml().TOMLDecodeError):
        # a broken pyproject.toml that mentions us is still ours to report
        try:
            return "[tool.cslint" in path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "cslint" in tool


def load_config(path: Path) -> Config:
    """Read and validate one configuration file; ConfigError with file:line when it is broken."""
    name = str(path)
    try:
        source = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(name, None, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(name, None, f"not valid UTF-8 at byte offset {exc.start}") from None
    try:
        data = _toml().loads(source)
    except _toml().TOMLDecodeError as exc:
        raise _toml_error(name, exc, source) from None
    table_name = ""
    if path.name == "pyproject.toml":
        table_name = "tool.cslint"
        table = data.get("tool", {}).get("cslint") if isinstance(data.get("tool"), dict) else None
        if not isinstance(table, dict):
            raise ConfigError(name, _line_of(source, "cslint"), "[tool.cslint] must be a table")
        data = table
    lines = _Lines(source, table_name)
    values = _validate(data, TOP_KEYS, lines, name, "")
    overrides = []
    for glob, table in (values.pop("per-file-overrides", None) or {}).items():
        line = lines.find(glob)
        if not isinstance(table, dict):
            raise ConfigError(name, line, f"per-file-overrides.{glob!r} must be a table of settings")
        values_here = _validate(table, OVERRIDE_KEYS, lines, name, f"per-file-overrides.{glob}.", after=line)
        overrides.append(Overrides(glob, values_here, line))
    base = path.parent
    for key in ("packs", "packs-dirs"):
        if key in values:
            values[key] = [_relative(base, item, key == "packs-dirs") for item in values[key]]
    return Config(path, values, tuple(overrides), {key: lines.find(key) for key in values})


def _relative(base: Path, item: str, always: bool) -> str:
    """A path from the config file made usable from anywhere; a pack named by id stays as it is."""
    if always or item.endswith((".yaml", ".yml")) or "/" in item or os.sep in item:
        return str(base / item) if not Path(item).is_absolute() else item
    return item


def _validate(data: Mapping[str, Any], allowed: Sequence[str], lines: "_Lines", name: str,
              prefix: str, after: int | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = lines.find(key, after)
        if key not in allowed:
            hint = " (allowed: " + ", ".join(allowed) + ")"
            raise ConfigError(name, line, f"unknown key '{prefix}{key}'{hint}")
        if key == "per-file-overrides":
            if not isinstance(value, dict):
                raise ConfigError(name, line, "per-file-overrides must be a table of glob = {settings}")
        elif key in _LISTS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise ConfigError(name, line, f"{prefix}{key} must be a list of strings, not {_kind(value)}")
            for item in value:
                if not isinstance(item, str):
                    raise ConfigError(name, line, f"{prefix}{key} must be a list of strings, not hold {_kind(item)}")
        elif key in _FLAGS:
            if not isinstance(value, bool):
                raise ConfigError(name, line, f"{prefix}{key} must be true or false, not {_kind(value)}")
        else:
            choices = _CHOICES[key]
            if not isinstance(value, str):
                raise ConfigError(name, line, f"{prefix}{key} must be a string ({' | '.join(choices)}), not {_kind(value)}")
            if value not in choices:
                raise ConfigError(name, line, f"{prefix}{key} must be one of {', '.join(choices)}, not {value!r}")
        values[key] = value
    return values


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _toml_error(name: str, exc: Exception, source: str) -> ConfigError:
    """tomllib's message ends "(at line N, column M)": lift the line into file:line."""
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        return ConfigError(name, int(found.group(1)), f"invalid TOML: {message[:found.start()]} (column {found.group(2)})")
    found = re.search(r"\s*\(at end of document\)$", message)
    if found:
        return ConfigError(name, len(source.splitlines()) or None, f"invalid TOML: {message[:found.start()]} (at the end)")
    return ConfigError(name, None, f"invalid TOML: {message}")


class _Lines:
    """Best-effort line numbers for keys (tomllib keeps none): the first line, after cslint's
    table header in a pyproject.toml, that assigns the key or names it in a header."""

    def __init__(self, source: str, table: str) -> None:
        self.lines = source.splitlines()
        self.start = 0
        if table:
            for number, text in enumerate(self.lines):
                if text.strip().startswith(f"[{table}"):
                    self.start = number
                    break

    def find(self, key: str, after: int | None = None) -> int | None:
        """The 1-based line of `key` (searching from line `after` when given)."""
        quoted = re.escape(key)
        pattern = re.compile(rf"""^\s*(?:\[[^\]]*)?(?:["']{quoted}["']|(?<![\w-]){quoted}(?![\w-]))""")
        for number in range(self.start if after is None else after - 1, len(self.lines)):
            if pattern.search(self.lines[number]):
                return number + 1
        return None


def _line_of(source: str, word: str) -> int | None:
    for number, text in enumerate(source.splitlines(), 1):
        if word in text:
            return number
    return None


def resolve(config_file: str | None = None, isolated: bool = False, start: Path | None = None) -> Config:
    """The configuration a command uses: --isolated none, --config FILE that one, else discovery."""
    if isolated:
        return Config.empty()
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(config_file, None, "no such configuration file (--config)")
        return load_config(path)
    found = find_config(start)
    return load_config(found) if found is not None else Config.empty()
