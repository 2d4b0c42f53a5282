"""TOML text -> a plain tree, with best-effort lines of its tables, keys and array items."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from sim.scenario.errors import Path, Positions, scenario_error
from sim.scenario.limits import check_depth

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"^(\s*)([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")


def read_toml(text: str, name: str) -> tuple[Any, Positions, Positions]:
    """The tree of a TOML text, and where (as far as known) each value and key was written."""
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POS.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        message = _TOML_POS.sub("", str(exc)).strip()
        raise scenario_error(name, "toml-syntax", f"not valid TOML: {message}",
                             line, column) from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        raise scenario_error(name, "toml-syntax", "not valid TOML: a number is too long") from None
    except RecursionError:
        raise scenario_error(name, "too-deep", "nested too deeply") from None
    check_depth(tree, name)
    values: Positions = {(): (1, 1)}
    keys: Positions = {}
    _toml_positions(text, values, keys)
    return tree, values, keys


def _toml_positions(text: str, values: Positions, keys: Positions) -> None:
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
            values.setdefault(table, (number, 1))
            continue
        if array_key is not None:  # a line of a multi-line array: its items are here
            items, closed = _array_items(stripped)
            column = len(line) - len(line.lstrip()) + 1
            for k in range(items):
                values.setdefault((*array_key, array_index + k), (number, column))
            array_index += items
            if closed:
                array_key = None
            continue
        key = _TOML_KEY.match(line)
        if key:
            path = (*table, key.group(2).strip('"'))
            column = len(key.group(1)) + 1
            keys.setdefault(path, (number, column))
            values.setdefault(path, (number, line.index("=") + 2))
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
