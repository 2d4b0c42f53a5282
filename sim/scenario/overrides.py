"""``--set key.path=value``: change one existing value of a scenario, keeping its type.

Paths walk the scenario tree; list entries are named by their ``id`` (or by
position): ``resources.range.capacity=2``, ``phases.validation.limit=52h``,
``phases.training.activities.range_practice.duration={triangular: [3, 4, 6]}``,
``calendar.day_end=21:00``, ``injects.M-03.probability=0.2``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from sim.scenario.errors import did_you_mean
from sim.scenario.source import Source


class OverrideError(ValueError):
    """A ``--set`` that names no existing key or changes a value's type."""


@dataclass(frozen=True)
class Override:
    path: tuple[str, ...]
    value: Any
    text: str
    raw: str = ""

    def __str__(self) -> str:
        return self.text


def parse_override(text: str) -> Override:
    """``"resources.range.capacity=2"`` -> path and YAML-parsed value."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise OverrideError(f"--set {text!r}: expected KEY.PATH=VALUE, e.g. "
                            "resources.range.capacity=2")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return Override(tuple(p for p in key.split(".") if p), value, text, raw.strip())


def parse_values(text: str) -> tuple[tuple[str, ...], list[Any]]:
    """``"resources.range.capacity=1,2,3"`` -> path and values (for sweeps)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip() or not raw.strip():
        raise OverrideError(f"--vary {text!r}: expected KEY.PATH=V1,V2,..., e.g. "
                            "resources.range.capacity=1,2,3")
    if raw.strip().startswith("["):
        values = yaml.safe_load(raw)
    else:  # "18:00" stays text (YAML 1.1 would read it as the number 1080)
        values = [v.strip() if ":" in v else yaml.safe_load(v) for v in raw.split(",")]
    if not isinstance(values, list) or not values:
        raise OverrideError(f"--vary {text!r}: no values")
    return tuple(p for p in key.strip().split(".") if p), values


def _child(node: Any, part: str, where: str) -> tuple[Any, str | int]:
    if isinstance(node, dict):
        if part in node:
            return node[part], part
        guess = did_you_mean(part, [str(k) for k in node])
        keys = ", ".join(map(str, node))
        hint = f"; did you mean {guess!r}?" if guess else f"; keys here: {keys}"
        raise OverrideError(f"{where}: no key {part!r}{hint}")
    if isinstance(node, list):
        ids = [e.get("id") for e in node if isinstance(e, dict)]
        for i, entry in enumerate(node):
            if isinstance(entry, dict) and entry.get("id") == part:
                return entry, i
        if part.isdigit() and int(part) < len(node):
            return node[int(part)], int(part)
        guess = did_you_mean(part, [str(i) for i in ids if i is not None])
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise OverrideError(f"{where}: no entry with id {part!r}{hint}")
    raise OverrideError(f"{where}: {part!r} is inside a value that has no keys")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "nothing" if value is None else type(value).__name__


# A duration may be written as a number, as text with a unit, or as a distribution.
_INTERCHANGEABLE = {"number", "text", "mapping"}


def _same_kind(old: Any, new: Any) -> bool:
    """Same kind of value (the full check of the changed scenario follows)."""
    a, b = _kind(old), _kind(new)
    return a == b or {a, b} <= _INTERCHANGEABLE


def apply_overrides(tree: Any, overrides: Sequence[Override | str]) -> Any:
    """A copy of ``tree`` with each override applied (the original is not changed).

    Overrides are :class:`Override` records or ``"key.path=value"`` strings.
    """
    if not overrides:
        return tree
    tree = copy.deepcopy(tree)
    for item in overrides:
        ov = parse_override(item) if isinstance(item, str) else item
        if not ov.path:
            raise OverrideError(f"--set {ov.text!r}: empty key path")
        node = tree
        where = "scenario"
        for part in ov.path[:-1]:
            node, _ = _child(node, part, where)
            where = f"{where}.{part}" if where != "scenario" else part
        old, key = _child(node, ov.path[-1], where)
        value = ov.value
        if isinstance(old, str) and isinstance(value, int) and ":" in ov.raw:
            value = ov.raw  # "21:00" is text, not YAML 1.1's base-60 number
        if not _same_kind(old, value):
            raise OverrideError(f"--set {ov.text}: {'.'.join(ov.path)} is {_kind(old)} "
                                f"({old!r}); {ov.value!r} ({_kind(ov.value)}) would change "
                                "its type")
        node[key] = value
    return tree


def override_source(source: Source, overrides: Sequence[Override | str]) -> Source:
    """The same source (positions kept for error messages) with ``overrides`` applied."""
    if not overrides:
        return source
    tree = apply_overrides(source.tree, overrides)
    return Source(source.name, source.text, tree, source.values, source.keys)
