"""JSON text -> a plain tree; positions are borrowed from the YAML reader.

JSON is (nearly always) YAML flow syntax, so reading the text again as YAML
gives the line and column of every value, and of a key written twice.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from sim.scenario.errors import Positions, ScenarioError, scenario_error
from sim.scenario.limits import check_depth
from sim.scenario.yaml_reader import read_yaml


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKey(key)
        mapping[key] = value
    return mapping


def read_json(text: str, name: str) -> tuple[Any, Positions, Positions]:
    """The tree of a JSON text, and where each value and each key was written."""
    try:
        tree = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:  # json would keep the last silently; YAML tells where it is
        try:
            read_yaml(text, name)
        except ScenarioError as found:
            if found.problems[0].code == "duplicate-key":
                raise found from None
        raise scenario_error(name, "duplicate-key", f"key {exc.args[0]!r} is written twice "
                             "in a mapping") from None
    except json.JSONDecodeError as exc:
        raise scenario_error(name, "json-syntax", f"not valid JSON: {exc.msg}",
                             exc.lineno, exc.colno) from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        raise scenario_error(name, "json-syntax", "not valid JSON: a number is too long") from None
    except RecursionError:
        raise scenario_error(name, "too-deep", "nested too deeply") from None
    values: Positions = {}
    keys: Positions = {}
    with contextlib.suppress(ScenarioError):  # then without positions: (1, 1) for all
        _, values, keys = read_yaml(text, name)
    check_depth(tree, name)
    return tree, values, keys
