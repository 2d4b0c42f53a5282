"""Read a scenario file into a plain tree, remembering where every value was written.

YAML is read event by event (safe: only plain data, no Python objects), so
that deep nesting, alias bombs and huge files give a clear problem instead
of a crash. TOML and JSON give the same tree.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from sim.scenario.errors import Path, Problem, ScenarioError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000

Position = tuple[int, int]


@dataclass
class Source:
    """A parsed file: its tree, and the line/column of each value and key."""

    name: str
    text: str
    tree: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Position:
        """Where the value (or with ``key=True`` the key) at ``path`` was written.

        Falls back to the nearest enclosing value that has a known position.
        """
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.values:
                return self.values[prefix]
            if prefix in self.keys:
                return self.keys[prefix]
        return (1, 1)

    def problem(
        self, code: str, message: str, path: Path = (), *, key: bool = False, **kw: Any
    ) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(code, message, path, self.name, line, column, **kw)


def read_source(origin: str | FsPath) -> Source:
    """Read a file path, or scenario text, into a :class:`Source`."""
    if isinstance(origin, FsPath) or _looks_like_path(origin):
        return _read_file(FsPath(origin))
    return parse_text(str(origin), "<text>")


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and len(text) < 4096 and (
        FsPath(text).exists() or text.endswith((".yaml", ".yml", ".toml", ".json"))
    )


def _fail(name: str, code: str, message: str, line: int = 1, column: int = 1) -> ScenarioError:
    return ScenarioError([Problem(code, message, (), name, line, column)])


def _read_file(path: FsPath) -> Source:
    name = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _fail(name, "file-not-found", "no such file") from None
    except IsADirectoryError:
        raise _fail(name, "file-not-readable", "this is a directory, not a scenario file") from None
    except OSError as exc:
        raise _fail(name, "file-not-readable", exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise _fail(
            name, "file-too-large", f"larger than {MAX_BYTES // (1024 * 1024)} MiB; "
            "a scenario file is a calendar, not a data dump"
        )
    text = decode(data, name)
    return parse_text(text, name, suffix=path.suffix.lower())


def decode(data: bytes, name: str) -> str:
    """UTF-8 text, or a problem naming the line of the first bad byte."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise _fail(name, "not-text", "binary data (NUL byte): not a text file", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(
            name, "not-utf8", f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line, column
        ) from None
    return text


def parse_text(text: str, name: str, suffix: str = "") -> Source:
    """Parse YAML, TOML or JSON text (chosen by suffix, else by content)."""
    if len(text) > MAX_BYTES:
        raise _fail(name, "file-too-large", f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if not text.strip():
        raise _fail(name, "empty-file",
                    "the file is empty; a scenario starts with `format: tabletop/1`")
    if suffix == ".toml":
        return _parse_toml(text, name)
    if suffix == ".json" or (not suffix and text.lstrip().startswith("{")):
        return _parse_json(text, name)
    return _parse_yaml(text, name)


# ---------------------------------------------------------------- YAML

_RESOLVER = yaml.SafeLoader("")
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class _Frame:
    container: dict[Any, Any] | list[Any]
    path: Path
    size: int = 1
    key: Any = None
    has_key: bool = False
    anchor: str | None = None
    mark: Any = None


def _parse_yaml(text: str, name: str) -> Source:
    source = Source(name, text, None)
    try:
        source.tree = _compose(text, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise _fail(name, "yaml-syntax", f"not valid YAML: {message}", line, column) from None
    except yaml.YAMLError as exc:
        raise _fail(name, "yaml-syntax", f"not valid YAML: {exc}") from None
    return source


_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+][0-9]+)?")
# plain words that YAML 1.1 reads as something other than text
_SPECIAL_WORDS = frozenset((
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
    "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
))


def _scalar(event: yaml.ScalarEvent, name: str) -> Any:
    """The value of a scalar; the common cases without PyYAML's resolver (a third of a load)."""
    if event.tag is None:
        value = event.value
        if event.style:  # quoted or block: always text
            return value
        first = value[:1]
        if first.isalpha() and value not in _SPECIAL_WORDS:
            return value
        if len(value) < 20 and _PLAIN_INT.fullmatch(value):
            return int(value)
        if _PLAIN_FLOAT.fullmatch(value):
            return float(value)
    return _resolved_scalar(event, name)


def _resolved_scalar(event: yaml.ScalarEvent, name: str) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        implicit = event.implicit if tag is None else (False, False)
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, implicit)  # type: ignore[no-untyped-call]
    if tag == _MERGE_TAG:
        return "<<"
    if tag not in _PLAIN_TAGS:
        mark: Any = event.start_mark  # never None for parsed events
        raise _fail(
            name, "yaml-unsupported", f"tag {tag!r} is not allowed: plain data only",
            mark.line + 1, mark.column + 1,
        )
    start: Any = event.start_mark
    end: Any = event.end_mark
    node = yaml.ScalarNode(tag, event.value, start, end, event.style)
    try:  # the constructor itself: construct_object would keep every node in a cache
        return _RESOLVER.yaml_constructors[tag](_RESOLVER, node)
    except (ValueError, OverflowError):  # "2021-02-30", an int of 5000 digits: keep the text
        return event.value


def _compose(text: str, source: Source) -> Any:
    name = source.name
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    root: Any = None
    documents = 0
    total = 0

    def place(value: Any, size: int, mark: Any, anchor: str | None) -> None:
        nonlocal root, total
        total += size
        if total > MAX_NODES:
            raise _fail(name, "too-large", f"expands to more than {MAX_NODES:,} values "
                        "(aliases repeated too often?)", mark.line + 1, mark.column + 1)
        if anchor:
            anchors[anchor] = (value, size)
        pos = (mark.line + 1, mark.column + 1)
        if not stack:
            root = value
            source.values[()] = pos
            return
        frame = stack[-1]
        frame.size += size
        container = frame.container
        if isinstance(container, list):
            source.values[(*frame.path, len(container))] = pos
            container.append(value)
        elif not frame.has_key:
            if isinstance(value, dict | list):
                raise _fail(name, "yaml-unsupported", "a mapping key must be plain text",
                            *pos)
            if value in container and value != "<<":
                raise _fail(name, "duplicate-key", f"key {value!r} is written twice in this "
                            "mapping", *pos)
            frame.key, frame.has_key = value, True
            source.keys[(*frame.path, str(value))] = pos
        else:
            key = frame.key
            container[key] = _merge(value) if key == "<<" else value
            frame.has_key = False
            source.values[(*frame.path, str(key))] = pos

    def child_path() -> Path:
        if not stack:
            return ()
        frame = stack[-1]
        if isinstance(frame.container, list):
            return (*frame.path, len(frame.container))
        return (*frame.path, str(frame.key))

    scalar_event = yaml.ScalarEvent
    for event in yaml.parse(text, Loader=_EventLoader):
        mark: Any = event.start_mark  # never None for parsed events
        if type(event) is scalar_event:  # by far the most common event: test it first
            place(_scalar(event, name), 1, mark, event.anchor)
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _fail(name, "yaml-unsupported", "more than one YAML document in the file",
                            mark.line + 1, 1)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _fail(name, "yaml-syntax", f"unknown alias *{event.anchor}",
                            mark.line + 1, mark.column + 1)
            value, size = anchors[event.anchor]
            place(value, size, mark, None)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _fail(name, "too-deep", f"nested more than {MAX_DEPTH} levels deep",
                            mark.line + 1, mark.column + 1)
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise _fail(name, "yaml-unsupported", f"tag {event.tag!r} is not allowed",
                            mark.line + 1, mark.column + 1)
            container: dict[Any, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            frame = _Frame(container, child_path(), anchor=event.anchor, mark=mark)
            stack.append(frame)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = stack.pop()
            value = frame.container
            if isinstance(value, dict) and "<<" in value:
                merged = value.pop("<<")
                for k, v in merged.items():
                    value.setdefault(k, v)
            place(value, frame.size, frame.mark, frame.anchor)
    return root


def _merge(value: Any) -> dict[Any, Any]:
    """Collect the mappings of a YAML merge key ``<<``."""
    items = value if isinstance(value, list) else [value]
    merged: dict[Any, Any] = {}
    for item in items:
        if isinstance(item, dict):
            for k, v in item.items():
                merged.setdefault(k, v)
    return merged


# ---------------------------------------------------------------- JSON

class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKey(key)
        mapping[key] = value
    return mapping


def _parse_json(text: str, name: str) -> Source:
    try:
        tree = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:  # json would keep the last silently; YAML tells where it is
        try:
            _parse_yaml(text, name)
        except ScenarioError as found:
            if found.problems[0].code == "duplicate-key":
                raise found from None
        raise _fail(name, "duplicate-key", f"key {exc.args[0]!r} is written twice in a "
                    "mapping") from None
    except json.JSONDecodeError as exc:
        raise _fail(name, "json-syntax", f"not valid JSON: {exc.msg}",
                    exc.lineno, exc.colno) from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        raise _fail(name, "json-syntax", "not valid JSON: a number is too long") from None
    except RecursionError:
        raise _fail(name, "too-deep", "nested too deeply") from None
    source = Source(name, text, tree)
    try:  # JSON is (nearly always) YAML flow syntax: borrow the YAML positions
        positions = _parse_yaml(text, name)
        source.values, source.keys = positions.values, positions.keys
    except ScenarioError:
        pass
    if _depth(tree) > MAX_DEPTH:
        raise _fail(name, "too-deep", f"nested more than {MAX_DEPTH} levels deep")
    return source


def _depth(tree: Any) -> int:
    deepest, todo = 0, [(tree, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        if isinstance(node, dict):
            todo.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            todo.extend((v, depth + 1) for v in node)
    return deepest


# ---------------------------------------------------------------- TOML

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"^(\s*)([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")


def _parse_toml(text: str, name: str) -> Source:
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POS.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        message = _TOML_POS.sub("", str(exc)).strip()
        raise _fail(name, "toml-syntax", f"not valid TOML: {message}", line, column) from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        raise _fail(name, "toml-syntax", "not valid TOML: a number is too long") from None
    except RecursionError:
        raise _fail(name, "too-deep", "nested too deeply") from None
    if _depth(tree) > MAX_DEPTH:
        raise _fail(name, "too-deep", f"nested more than {MAX_DEPTH} levels deep")
    source = Source(name, text, tree, {(): (1, 1)})
    _toml_positions(text, source)
    return source


def _toml_positions(text: str, source: Source) -> None:
    """Best-effort line numbers for TOML tables, keys and array-of-table items."""
    counters: dict[Path, int] = {}
    table: Path = ()
    array_key: Path | None = None
    array_index = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _TOML_TABLE.match(line) if stripped.startswith("[") and array_key is None else None
        if header:
            parts = [p.strip().strip('"') for p in header.group(2).split(".")]
            resolved: Path = ()
            for part in parts[:-1]:
                resolved = (*resolved, part)
                if resolved in counters:
                    resolved = (*resolved, counters[resolved])
            last = (*resolved, parts[-1])
            if header.group(1) == "[[":
                counters[last] = counters.get(last, -1) + 1
                for stale in [k for k in counters
                              if len(k) > len(last) and k[: len(last)] == last]:
                    del counters[stale]
                table = (*last, counters[last])
            else:
                table = last
            source.values.setdefault(table, (number, 1))
            continue
        if array_key is not None:  # a line of a multi-line array: its items are here
            items, closed = _array_items(stripped)
            column = len(line) - len(line.lstrip()) + 1
            for k in range(items):
                source.values.setdefault((*array_key, array_index + k), (number, column))
            array_index += items
            if closed:
                array_key = None
            continue
        key = _TOML_KEY.match(line)
        if key:
            path = (*table, key.group(2).strip('"'))
            column = len(key.group(1)) + 1
            source.keys.setdefault(path, (number, column))
            source.values.setdefault(path, (number, line.index("=") + 2))
            rest = line[line.index("=") + 1 :].strip()
            if rest.startswith("[") and not _complete_value(rest):
                array_key, array_index = path, 0


def _array_items(text: str) -> tuple[int, bool]:
    """How many items of a multi-line array a line holds, and whether it closes the array."""
    if text.startswith("]"):
        return 0, True
    for end, closed in (("]", False), ("", True)):
        try:
            return len(tomllib.loads(f"x = [{text}{end}")["x"]), closed
        except tomllib.TOMLDecodeError:
            continue
    return 1, False


def _complete_value(text: str) -> bool:
    """Whether a TOML value (and any comment after it) ends on this line."""
    try:
        tomllib.loads("x = " + text)
    except tomllib.TOMLDecodeError:
        return False
    return True
