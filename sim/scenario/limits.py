"""The limits every reader keeps, so that a runaway or hostile file gives a problem, not a crash."""

from __future__ import annotations

from typing import Any

from sim.scenario.errors import scenario_error

MAX_BYTES = 8 * 1024 * 1024  # a file, or text given directly
MAX_DEPTH = 64  # levels of nesting; a scenario needs about 6
MAX_NODES = 2_000_000  # YAML values once aliases are expanded: each value counts once


def nesting_depth(tree: Any, limit: int = MAX_DEPTH) -> int:
    """How deep ``tree`` nests (a scalar is 1), counted no further than ``limit + 1``."""
    deepest, todo = 0, [(tree, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        if isinstance(node, dict):
            todo.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            todo.extend((v, depth + 1) for v in node)
    return deepest


def check_depth(tree: Any, name: str) -> None:
    """Refuse a tree (read from JSON or TOML) nested more than :data:`MAX_DEPTH` levels."""
    if nesting_depth(tree) > MAX_DEPTH:
        raise scenario_error(name, "too-deep", f"nested more than {MAX_DEPTH} levels deep")
