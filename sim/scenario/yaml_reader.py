"""YAML text -> a plain tree, with the line and column of every value and key.

The text is read event by event (``yaml.parse``: plain data only, no Python
objects), so that deep nesting, alias bombs and huge files give a clear problem
instead of a crash. PyYAML's safe loader types each scalar, YAML 1.1 as it reads
it (``yes`` is true, ``1:30`` is 90, ``2021-08-30`` a date); a tag other than
those of plain data is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from sim.scenario.errors import Path, Positions, ScenarioError, scenario_error
from sim.scenario.limits import MAX_DEPTH, MAX_NODES

_PLAIN_TAGS = frozenset({
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
})
_MERGE_TAG = "tag:yaml.org,2002:merge"
_CONTAINER_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
MERGE = "<<"  # a merge key, as the tree holds it until its mapping ends
_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What PyYAML's constructors raise on text they cannot type: an impossible date
# ("2021-02-30"), an int of 5000 digits, or a wrong explicit tag ("!!bool y",
# "!!int ''", "!!timestamp soon"). The text is kept as written; the checks then
# say what was expected there.
_UNTYPABLE = (ValueError, OverflowError, LookupError, AttributeError)
_REMEMBERED = 50_000  # distinct scalars whose type is remembered at once
_MISSING = object()


def read_yaml(text: str, name: str) -> tuple[Any, Positions, Positions]:
    """The tree of a YAML text, and where each value and each key was written."""
    builder = _TreeBuilder(name)
    try:
        tree = builder.build(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise scenario_error(name, "yaml-syntax", f"not valid YAML: {message}",
                             line, column) from None
    except yaml.YAMLError as exc:
        raise scenario_error(name, "yaml-syntax", f"not valid YAML: {exc}") from None
    return tree, builder.values, builder.keys


def _fail(name: str, code: str, message: str, mark: Any) -> ScenarioError:
    return scenario_error(name, code, message, mark.line + 1, mark.column + 1)


class _ScalarTypes:
    """Scalar values as PyYAML's safe loader types them, each distinct untagged one once.

    Most scalars of a scenario repeat (keys, numbers, ids written again in
    ``after``), so remembering the answer saves most of the resolver's work.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.loader = yaml.SafeLoader("")
        # untagged scalars, by text: plain ones, and quoted or block ones
        self.known: tuple[dict[str, Any], dict[str, Any]] = ({}, {})

    def value(self, event: yaml.ScalarEvent) -> Any:
        if event.tag is not None:  # rare: typed each time
            return self._construct(event)
        known = self.known[0 if event.implicit[0] else 1]
        found = known.get(event.value, _MISSING)
        if found is _MISSING:
            found = self._construct(event)
            if len(known) >= _REMEMBERED:  # bounded memory for files of unique values
                known.clear()
            known[event.value] = found
        return found

    def _construct(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":  # "!": the non-specific tag, i.e. text
            implicit = event.implicit if tag is None else (False, False)
            tag = self.loader.resolve(yaml.ScalarNode, event.value, implicit)  # type: ignore[no-untyped-call]
        if tag == _MERGE_TAG:
            return MERGE
        if tag not in _PLAIN_TAGS:
            raise _fail(self.name, "yaml-unsupported",
                        f"tag {tag!r} is not allowed: plain data only", event.start_mark)
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        try:  # construct_document, not construct_object: no cache of every node read
            return self.loader.construct_document(node)
        except _UNTYPABLE:
            return event.value


@dataclass
class _Frame:
    """A mapping or list being read."""

    container: dict[Any, Any] | list[Any]
    path: Path
    anchor: str | None
    mark: Any
    size: int = 1  # values in it, itself included and aliases expanded (for its anchor)
    key: Any = None
    has_key: bool = False


class _TreeBuilder:
    """Builds the tree from parser events, counting values and keeping positions."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: Positions = {}
        self.keys: Positions = {}
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.root: Any = None
        self.documents = 0
        self.count = 0  # values read so far: each once, an alias as many as it repeats
        self.scalars = _ScalarTypes(name)

    def build(self, text: str) -> Any:
        handlers: dict[type[yaml.Event], Callable[[Any], None]] = {
            yaml.AliasEvent: self.alias,
            yaml.MappingStartEvent: self.start,
            yaml.SequenceStartEvent: self.start,
            yaml.MappingEndEvent: self.end,
            yaml.SequenceEndEvent: self.end,
            yaml.DocumentStartEvent: self.document,
        }
        scalar_event, typed, place = yaml.ScalarEvent, self.scalars.value, self._place
        for event in yaml.parse(text, Loader=_EventLoader):
            if type(event) is scalar_event:  # most events are scalars: no dispatch for them
                value = typed(event)
                self._count(1, event.start_mark)
                place(value, 1, event.start_mark, event.anchor)
                continue
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
        return self.root

    def document(self, event: yaml.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            mark: Any = event.start_mark
            raise scenario_error(self.name, "yaml-unsupported",
                                 "more than one YAML document in the file", mark.line + 1, 1)

    def alias(self, event: yaml.AliasEvent) -> None:
        if event.anchor not in self.anchors:
            raise _fail(self.name, "yaml-syntax", f"unknown alias *{event.anchor}",
                        event.start_mark)
        value, size = self.anchors[event.anchor]
        self._count(size, event.start_mark)
        self._place(value, size, event.start_mark, None)

    def start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        mark = event.start_mark
        if len(self.stack) >= MAX_DEPTH:
            raise _fail(self.name, "too-deep", f"nested more than {MAX_DEPTH} levels deep", mark)
        if event.tag not in _CONTAINER_TAGS:
            raise _fail(self.name, "yaml-unsupported", f"tag {event.tag!r} is not allowed", mark)
        self._count(1, mark)
        container: dict[Any, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else []
        )
        self.stack.append(_Frame(container, self._child_path(), event.anchor, mark))

    def end(self, _event: yaml.MappingEndEvent | yaml.SequenceEndEvent) -> None:
        frame = self.stack.pop()
        value = frame.container
        if isinstance(value, dict) and MERGE in value:
            for k, v in value.pop(MERGE).items():
                value.setdefault(k, v)
        self._place(value, frame.size, frame.mark, frame.anchor)

    def _count(self, size: int, mark: Any) -> None:
        self.count += size
        if self.count > MAX_NODES:
            raise _fail(self.name, "too-large", f"expands to more than {MAX_NODES:,} values "
                        "(aliases repeated too often?)", mark)

    def _child_path(self) -> Path:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            return (*frame.path, len(frame.container))
        return (*frame.path, str(frame.key))

    def _place(self, value: Any, size: int, mark: Any, anchor: str | None) -> None:
        """Put a value read (or repeated by an alias) into the container being read."""
        if anchor:
            self.anchors[anchor] = (value, size)
        pos = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.root = value
            self.values[()] = pos
            return
        frame = self.stack[-1]
        frame.size += size
        container = frame.container
        if isinstance(container, list):
            self.values[(*frame.path, len(container))] = pos
            container.append(value)
        elif not frame.has_key:
            if isinstance(value, dict | list):
                raise _fail(self.name, "yaml-unsupported", "a mapping key must be plain text",
                            mark)
            if value in container and value != MERGE:
                raise _fail(self.name, "duplicate-key",
                            f"key {value!r} is written twice in this mapping", mark)
            frame.key, frame.has_key = value, True
            self.keys[(*frame.path, str(value))] = pos
        else:
            key = frame.key
            container[key] = _merged(value) if key == MERGE else value
            frame.has_key = False
            self.values[(*frame.path, str(key))] = pos


def _merged(value: Any) -> dict[Any, Any]:
    """The mappings of a merge key ``<<`` as one (the first one's keys win)."""
    items = value if isinstance(value, list) else [value]
    merged: dict[Any, Any] = {}
    for item in items:
        if isinstance(item, dict):
            for k, v in item.items():
                merged.setdefault(k, v)
    return merged
