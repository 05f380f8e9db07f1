"""Rule packs: YAML files -> validated RulePacks, with `extends` and `overrides` applied.

Every problem is reported as `file:line: rule <id>: <what is wrong>` (PackError). A pack is
named by a path to a .yaml file or by its id, looked up in the packs directories: the ones
given by the caller, the `CSLINT_PACKS` environment variable (os.pathsep-separated), then the
packs shipped with cslint.
"""
from __future__ import annotations

import json
import os
import pickle
import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Sequence

from .errors import PackError
from .fields import Fields, compose, node_line, to_python, yaml_failures
from .kinds import KINDS
from .model import CHANNELS, POSITIONS, Category, Example, Rule, RulePack, Scoring, Severity, SourcePos
from . import sequence as phrase_sequence
from .sequence import DEFAULT_MAX_GAP, SequenceSyntaxError, parse_sequence

PACK_KEYS = ("id", "name", "version", "description", "extends", "overrides", "allow", "scoring", "rules")
RULE_KEYS = ("id", "category", "severity", "kind", "message", "description", "examples")
OVERRIDE_KEYS = ("disable", "severity", "add_terms")
SCORING_KEYS = ("weights",)
EXAMPLE_KEYS = ("text", "fixed", "channel", "position")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MARKER = re.compile(r"\[\[(.*?)\]\]", re.S)
DEFAULT_PACK = "default"


# YAML folds a long `>` or plain scalar's line breaks into spaces, which inside Chinese prose are
# stray: a space between two non-ASCII characters is dropped (ASCII words keep theirs)
_FOLDED_SPACE = re.compile(r"(?<=[^\x00-\x7f])[ \t]+(?=[^\x00-\x7f])|(?<=[，。；：、！？（）“”])[ \t]+|[ \t]+(?=[，。；：、！？（）“”])")


def prose(text: str) -> str:
    """A message or description as written, without the spaces YAML folding left in Chinese."""
    return _FOLDED_SPACE.sub("", text.strip())


def builtin_packs_dir() -> Path:
    """The shipped packs: `rules/` in a source checkout, `lint/_packs` in an installed wheel."""
    checkout = Path(__file__).resolve().parent.parent / "rules"
    if (checkout / f"{DEFAULT_PACK}.yaml").is_file():
        return checkout
    return Path(__file__).resolve().parent / "_packs"


def packs_dirs(extra: Iterable[str | Path] = ()) -> list[Path]:
    dirs = [Path(d) for d in extra]
    env = os.environ.get("CSLINT_PACKS")
    if env:
        dirs += [Path(d) for d in env.split(os.pathsep) if d]
    dirs.append(builtin_packs_dir())
    return dirs


def find_pack(name: str, dirs: Sequence[Path]) -> Path:
    path = _find_pack(name, dirs)
    record = getattr(_reading, "record", None)
    if record is not None:
        record.lookups.append((name, [str(d) for d in dirs], str(path)))
    return path


def _find_pack(name: str, dirs: Sequence[Path]) -> Path:
    path = Path(name)
    if name.endswith((".yaml", ".yml")) or os.sep in name or "/" in name:
        if not path.is_file():
            raise PackError(name, None, "no such pack file")
        return path
    for directory in dirs:
        for suffix in (".yaml", ".yml"):
            candidate = directory / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
    raise PackError(name, None, f"unknown pack '{name}' (searched {', '.join(str(d) for d in dirs)})")


def available_packs(dirs: Sequence[Path]) -> dict[str, Path]:
    """Pack id -> file, for every pack in `dirs` (earlier directories win)."""
    found: dict[str, Path] = {}
    for directory in reversed(list(dirs)):
        if directory.is_dir():
            for path in sorted(directory.glob("*.y*ml")):
                found[path.stem] = path
    return found


# --- reading one file -------------------------------------------------------------------------

def read_pack_file(path: Path) -> tuple[Fields, list[Rule]]:
    """Parse and validate one pack file on its own (its `extends` are not resolved here)."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError(shown, None, f"cannot read: {exc.strerror}") from None
    record = getattr(_reading, "record", None)
    if record is not None:
        record.files.append((shown, _digest(raw)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PackError(shown, line, f"not valid UTF-8 (byte offset {exc.start})") from None
    header = Fields(compose(shown, text), shown, what="a mapping with id, name, version and rules")
    header.reject_unknown(PACK_KEYS)
    for key in ("id", "name", "version"):
        header.string(key)
    if not RULE_ID.match(header.string("id")):
        raise header.error("id", "pack 'id' must be lower case letters, digits, '.', '_' or '-'")
    header.string("description", "")
    header.string_list("extends", ())
    if header.has("overrides"):
        _parse_overrides(header)
    rules_node = header.raw("rules")
    if rules_node is None:
        rules_nodes = []
    elif not hasattr(rules_node, "value") or not isinstance(rules_node.value, list):
        raise header.error("rules", "'rules' must be a list of rules")
    else:
        rules_nodes = rules_node.value
    pack_id = header.string("id")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for node in rules_nodes:
        rule = _parse_rule(node, shown, pack_id)
        if rule.id in seen:
            raise PackError(shown, rule.source.line, f"duplicate rule id (first defined at line {seen[rule.id]})", rule.id)
        seen[rule.id] = rule.source.line
        rules.append(rule)
    return header, rules


def _parse_overrides(header: Fields) -> tuple[list[str], dict[str, Severity], dict[str, int]]:
    """(rules to disable, new severities, line of each severity) from `overrides`."""
    overrides = Fields(header.raw("overrides"), header.path, what="a mapping with disable, severity and add_terms")
    overrides.reject_unknown(OVERRIDE_KEYS)
    disable = overrides.string_list("disable", ())
    severities: dict[str, Severity] = {}
    lines: dict[str, int] = {}
    if overrides.has("severity"):
        table = Fields(overrides.raw("severity"), header.path, what="a mapping rule id: severity")
        for rule_id in table.nodes:
            severities[rule_id] = Severity(table.choice(rule_id, [s.value for s in Severity]))
            lines[rule_id] = node_line(table.raw(rule_id))
    return disable, severities, lines


def _add_terms(header: Fields, rules: list[Rule]) -> list[Rule]:
    """`overrides.add_terms: {rule-id: [terms] | {term: suggestion}}`: more phrases for a rule
    of an extended pack; they behave exactly like the rule's own terms."""
    overrides = Fields(header.raw("overrides"), header.path)
    if not overrides.has("add_terms"):
        return rules
    table = Fields(overrides.raw("add_terms"), header.path, what="a mapping rule id: terms")
    by_id = {r.id: i for i, r in enumerate(rules)}
    for rule_id in table.nodes:
        line = node_line(table.raw(rule_id))
        if rule_id not in by_id:
            raise PackError(header.path, line, f"add_terms names unknown rule '{rule_id}'")
        rule = rules[by_id[rule_id]]
        spec, added = KINDS[rule.kind].with_terms(rule, Fields(table.node, header.path), rule_id)
        rules[by_id[rule_id]] = replace(rule, spec=spec,
                                        changes=rule.changes + (f"+{added} terms ({Path(header.path).name}:{line})",))
    return rules


def _parse_allowed(header: Fields) -> tuple[phrase_sequence.Sequence, ...]:
    """`allow: [phrase, ...]`: an allowed phrase that covers a hit of any rule cancels it."""
    node = header.raw("allow")
    phrases = header.string_list("allow", ())
    items = list(getattr(node, "value", []))
    allowed = []
    for phrase, item in zip(phrases, items):
        try:
            allowed.append(parse_sequence(phrase, DEFAULT_MAX_GAP, True))
        except SequenceSyntaxError as exc:
            raise PackError(header.path, node_line(item), f"allow: {exc}") from None
    return tuple(allowed)


def _parse_scoring(header: Fields) -> Scoring:
    """`scoring: {weights: {error: 10, warning: 3, info: 1}}`: points a finding costs (see Scoring)."""
    scoring = Fields(header.raw("scoring"), header.path, what="a mapping with weights")
    scoring.reject_unknown(SCORING_KEYS)
    table = Fields(scoring.raw("weights"), header.path, what="a mapping severity: points")
    table.reject_unknown(tuple(s.value for s in Severity))
    defaults = Scoring().weights
    return Scoring(**{severity: table.integer(severity, points, low=0, high=100) for severity, points in defaults.items()})


def _parse_rule(node, path: str, pack_id: str) -> Rule:
    probe = Fields(node, path, what="a rule mapping")
    rule_id = probe.value("id", None)
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise probe.error("id" if probe.has("id") else None,
                          "rule 'id' must be lower case letters, digits, '.', '_' or '-'" if probe.has("id") else "missing required key 'id'")
    fields = Fields(node, path, rule_id)
    kind_name = fields.choice("kind", tuple(KINDS))
    kind = KINDS[kind_name]
    fields.reject_unknown(RULE_KEYS + kind.keys)
    category = Category(fields.choice("category", [c.value for c in Category]))
    severity = Severity(fields.choice("severity", [s.value for s in Severity]))
    spec = kind.parse(fields, category)
    examples = _parse_examples(fields)
    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        kind=kind_name,
        message=prose(fields.string("message")),
        description=prose(fields.string("description")),
        spec=spec,
        examples=examples,
        source=SourcePos(path, fields.line),
        pack_id=pack_id,
    )


def _parse_examples(fields: Fields) -> tuple[Example, ...]:
    examples_fields = Fields(fields.raw("examples") or fields.node, fields.path, fields.rule_id,
                             what="a mapping with bad and good lists") if fields.has("examples") else None
    if examples_fields is None:
        raise fields.error(None, "missing required key 'examples' (at least one bad and one good)")
    examples_fields.reject_unknown(("bad", "good"))
    result: list[Example] = []
    for kind in ("bad", "good"):
        node = examples_fields.raw(kind)
        items = getattr(node, "value", None)
        if node is None or not isinstance(items, list) or not items:
            raise examples_fields.error(kind if node is not None else None, f"examples need at least one '{kind}' example")
        for item in items:
            result.append(_parse_example(item, fields, kind == "bad"))
    return tuple(result)


def _parse_example(node, fields: Fields, bad: bool) -> Example:
    line = node_line(node)
    where = SourcePos(fields.path, line)
    value = to_python(node)
    if isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, dict):
        raise PackError(fields.path, line, "an example is a string or a mapping with text", fields.rule_id)
    unknown = set(value) - set(EXAMPLE_KEYS)
    if unknown:
        raise PackError(fields.path, line, f"unknown example key '{sorted(unknown)[0]}'", fields.rule_id)
    text = value.get("text")
    if not isinstance(text, str) or not text:
        raise PackError(fields.path, line, "example 'text' must be a non-empty string", fields.rule_id)
    markers = MARKER.findall(text)
    if bad and len(markers) != 1:
        raise PackError(fields.path, line, "a bad example marks its flagged span once with [[ ]]", fields.rule_id)
    if not bad and markers:
        raise PackError(fields.path, line, "a good example has no [[ ]] marker", fields.rule_id)
    fixed = value.get("fixed")
    if fixed is not None and (not bad or not isinstance(fixed, str)):
        raise PackError(fields.path, line, "'fixed' belongs to bad examples and is a string", fields.rule_id)
    channel = value.get("channel")
    position = value.get("position")
    if channel is not None and channel not in CHANNELS:
        raise PackError(fields.path, line, f"example channel must be one of {', '.join(CHANNELS)}", fields.rule_id)
    if position is not None and position not in POSITIONS:
        raise PackError(fields.path, line, f"example position must be one of {', '.join(POSITIONS)}", fields.rule_id)
    return Example(text=text, bad=bad, fixed=fixed, channel=channel, position=position, source=where)


# --- resolving extends and overrides ----------------------------------------------------------

def load_pack(name: str, dirs: Sequence[Path] | None = None, _chain: tuple[str, ...] = ()) -> RulePack:
    """Load a pack by path or id, with the rules of the packs it extends (theirs first)."""
    dirs = packs_dirs() if dirs is None else list(dirs)
    path = find_pack(name, dirs)
    with yaml_failures(str(path)):
        return _load_pack_file(path, dirs, _chain)


def _load_pack_file(path: Path, dirs: list[Path], _chain: tuple[str, ...]) -> RulePack:
    key = str(path.resolve())
    if key in _chain:
        raise PackError(str(path), None, "'extends' forms a cycle: " + " -> ".join(Path(c).stem for c in _chain + (key,)))
    header, own_rules = read_pack_file(path)
    inherited: list[Rule] = []
    parents: list[RulePack] = []
    for parent_name in header.string_list("extends", ()):
        try:
            parent = load_pack(parent_name, [path.parent, *dirs], _chain + (key,))
        except PackError as exc:
            if exc.path == parent_name:  # the parent itself was not found
                raise header.error("extends", f"bad 'extends': {exc.detail}") from None
            raise
        parents.append(parent)
        for rule in parent.rules:
            if all(r.id != rule.id for r in inherited):
                inherited.append(rule)
    rules = list(inherited)
    for rule in own_rules:
        if any(r.id == rule.id for r in inherited):
            raise PackError(str(path), rule.source.line, "rule id already defined by an extended pack", rule.id)
        rules.append(rule)
    if header.has("overrides"):
        disable, severities, lines = _parse_overrides(header)
        known = {r.id for r in rules}
        for rule_id in [*disable, *severities]:
            if rule_id not in known:
                raise header.error("overrides", f"overrides name unknown rule '{rule_id}'")
        rules = [r if r.id not in severities else
                 replace(r, severity=severities[r.id],
                         changes=r.changes + (f"severity {severities[r.id].value} ({path.name}:{lines[r.id]})",))
                 for r in rules if r.id not in disable]
        rules = _add_terms(header, rules)
    allowed = tuple(a for parent in parents for a in parent.allowed) + (_parse_allowed(header) if header.has("allow") else ())
    scoring = _parse_scoring(header) if header.has("scoring") else None
    if scoring is None:  # inherited from the last extended pack that sets it
        scoring = next((p.scoring for p in reversed(parents) if p.scoring is not None), None)
    return RulePack(
        id=header.string("id"),
        name=header.string("name"),
        version=str(header.value("version")),
        description=prose(header.string("description", "")),
        rules=tuple(rules),
        extends=tuple(header.string_list("extends", ())),
        path=str(path),
        scoring=scoring,
        allowed=allowed,
    )


def load_packs(names: Sequence[str] = (), dirs: Sequence[Path] | None = None) -> list[RulePack]:
    """The packs named (the default pack when none), through the cache of loaded packs."""
    names = list(names or [DEFAULT_PACK])
    dirs = packs_dirs() if dirs is None else list(dirs)
    cache = PackCache(names, dirs)
    packs = cache.load()
    if packs is None:
        _reading.record = cache
        try:
            packs = [load_pack(name, dirs) for name in names]
        finally:
            _reading.record = None
        cache.save(packs)
    return packs


# --- the cache of loaded packs ----------------------------------------------------------------

_reading = threading.local()  # .record: the PackCache noting what a load_packs call reads


def _digest(data: bytes) -> str:
    from hashlib import sha1

    return sha1(data).hexdigest()


class PackCache:
    """Loaded and validated packs kept in the cache directory (lint.cachefiles), so a fresh
    process unpickles them (~10 ms) instead of parsing and checking the YAML again (~0.2 s).

    The file is named after the pack names and directories asked for, and holds a JSON header
    line then the pickled packs. The header says what the packs were made from: every pack
    lookup (a name in a list of directories and the file it found), the digest of every file
    read, and the code and data the parse depends on (lint.cachefiles.code_fingerprint and
    OpenCC's character tables, which fold the terms). It is used only when all of that is still
    so: the files are read and digested again and every lookup is repeated, so an edited pack,
    a pack added earlier in the search path or a new cslint means a parse, and a fresh file.
    """

    VERSION = 1

    def __init__(self, names: Sequence[str], dirs: Sequence[Path]) -> None:
        from .cachefiles import cache_dir

        self.names = list(names)
        self.dirs = [str(d) for d in dirs]
        where = [*self.names, *self.dirs]
        # a relative name or directory means something else in another folder
        relative = any(not os.path.isabs(p) for p in where if p.endswith((".yaml", ".yml")) or os.sep in p or "/" in p)
        place = [os.getcwd()] if relative or any(not os.path.isabs(d) for d in self.dirs) else []
        self.path = cache_dir() / f"packs-{_digest(json.dumps([where, place]).encode())[:20]}.pickle"
        self.lookups: list[tuple[str, list[str], str]] = []
        self.files: list[tuple[str, str]] = []

    def _context(self) -> list[str]:
        from .cachefiles import code_fingerprint
        from .normalize import _OPENCC_DICT_DIR

        tables = []
        for name in ("TSCharacters.txt", "STCharacters.txt"):
            try:
                stat = os.stat(_OPENCC_DICT_DIR / name)
                tables.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
            except OSError:
                tables.append(f"{name}:missing")
        return [str(self.VERSION), code_fingerprint(), *tables, *self.names, *self.dirs]

    def load(self) -> list[RulePack] | None:
        """The cached packs, or None when there are none or they may be stale."""
        from .cachefiles import read_own

        data = read_own(self.path)
        if data is None:
            return None
        try:
            head, _, body = data.partition(b"\n")
            header = json.loads(head)
            if header["context"] != self._context():
                return None
            for name, dirs, found in header["lookups"]:
                if str(_find_pack(name, [Path(d) for d in dirs])) != found:
                    return None
            for shown, digest in header["files"]:
                if _digest(Path(shown).read_bytes()) != digest:
                    return None
            if _digest(body) != header["body"]:
                return None
            packs = pickle.loads(body)
        except Exception:  # a damaged or foreign file, a pack gone: parse them again
            return None
        if not isinstance(packs, list) or not all(isinstance(p, RulePack) for p in packs):
            return None
        return packs

    def save(self, packs: list[RulePack]) -> None:
        from .cachefiles import write_atomic

        try:
            body = pickle.dumps(packs, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a spec that cannot be pickled: no cache, nothing else changes
            return
        header = {"context": self._context(), "lookups": self.lookups, "files": self.files, "body": _digest(body)}
        write_atomic(self.path, json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + body)
