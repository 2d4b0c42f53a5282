"""Property tests: random mutations of the bundled scenarios give a Scenario or a
ScenarioError, never any other exception."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import Scenario, ScenarioError, load_scenario, load_tree

BUNDLED = sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml"))
TREES = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in BUNDLED}
Tree = Any
Where = tuple[Any, ...]

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 50)
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "D1",
            "D2 10:00",
            "D9 25:00",
            "2h",
            "90min",
            "-1h",
            "all",
            "always",
            "tabletop/1",
            "note",
            "delay",
            "resource_down",
            "",
            "@",
            "a b",
        ]
    )
    | st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1))
)
JSONISH = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(max_size=8) | st.integers(0, 9) | st.none() | st.booleans(), inner, max_size=3
        )
    ),
    max_leaves=6,
)


def places(tree: Tree) -> list[Where]:
    """Every place in the tree: a path to each value (the root is ``()``)."""
    found: list[Where] = [()]
    todo: list[tuple[Tree, Where]] = [(tree, ())]
    while todo:
        node, where = todo.pop()
        items = (
            node.items()
            if isinstance(node, dict)
            else (enumerate(node) if isinstance(node, list) else ())
        )
        for key, child in items:
            found.append((*where, key))
            todo.append((child, (*where, key)))
    return found


def strings(tree: Tree) -> list[str]:
    """The texts of a tree (ids among them), to make mutations that refer to real things."""
    found = []
    for where in places(tree):
        value = get(tree, where)
        if isinstance(value, str):
            found.append(value)
        if where and isinstance(where[-1], str):
            found.append(where[-1])
    return found or ["x"]


def get(tree: Tree, where: Where) -> Tree:
    for key in where:
        tree = tree[key]
    return tree


def swap_type(value: Tree) -> Tree:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return dict(enumerate(value))
    if isinstance(value, dict):
        return list(value.values())
    return 0


MUTATIONS = ("delete", "replace", "rename", "duplicate", "swap", "reuse")


def mutate(tree: Tree, data: st.DataObject) -> Tree:
    tree = copy.deepcopy(tree)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        where = data.draw(st.sampled_from(places(tree)), label="where")
        kind = data.draw(st.sampled_from(MUTATIONS), label="kind")
        if not where:  # the root itself
            if kind in ("replace", "swap"):
                tree = data.draw(JSONISH) if kind == "replace" else swap_type(tree)
            continue
        parent, key = get(tree, where[:-1]), where[-1]
        value = parent[key]
        if kind == "delete":
            del parent[key]
        elif kind == "replace":
            parent[key] = data.draw(JSONISH, label="value")
        elif kind == "reuse":  # another text of the file: an id in the wrong place, say
            parent[key] = data.draw(st.sampled_from(strings(tree)), label="text")
        elif kind == "swap":
            parent[key] = swap_type(value)
        elif kind == "rename" and isinstance(parent, dict):
            new = data.draw(st.sampled_from(strings(tree)) | st.text(max_size=8), label="key")
            parent[new] = parent.pop(key)
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(value))
        elif kind == "duplicate" and isinstance(value, list) and value:
            value.append(copy.deepcopy(value[-1]))
    return tree


def check_outcome(load: Any, lines: int | None = None) -> None:
    try:
        scenario = load()
    except ScenarioError as exc:
        assert exc.problems
        assert any(p.severity == "error" for p in exc.problems)
        seen = [(p.code, p.path, p.message) for p in exc.problems]
        assert len(seen) == len(set(seen)), "a problem is reported twice"
        for problem in exc.problems:
            assert problem.message and problem.code
            assert problem.line >= 1 and problem.column >= 1
            if lines is not None:
                assert problem.line <= lines + 1
        assert str(exc)
    else:
        assert isinstance(scenario, Scenario)
        hash(scenario.activities)  # frozen all the way down


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("name", sorted(TREES))
@SETTINGS
@given(data=st.data())
def test_mutated_tree_loads_or_gives_problems(name: str, data: st.DataObject) -> None:
    tree = mutate(TREES[name], data)
    check_outcome(lambda: load_tree(tree))


@pytest.mark.parametrize("name", sorted(TREES))
@SETTINGS
@given(data=st.data())
def test_mutated_yaml_text_loads_or_gives_problems(name: str, data: st.DataObject) -> None:
    tree = mutate(TREES[name], data)
    text = yaml.dump(tree, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
    check_outcome(lambda: load_scenario(text), lines=text.count("\n"))


@settings(max_examples=200, deadline=None)
@given(tree=JSONISH)
def test_any_small_tree_loads_or_gives_problems(tree: Tree) -> None:
    check_outcome(lambda: load_tree(tree))
    if isinstance(tree, dict):
        check_outcome(lambda: load_tree({"format": "tabletop/1", **tree}))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_loads_or_gives_problems(text: str) -> None:
    check_outcome(lambda: load_scenario(text if "\n" in text else text + "\n"))


def test_mutations_do_change_the_outcome() -> None:
    """The mutations reach the checks: a known one turns a valid file into an error."""
    tree = copy.deepcopy(TREES["seminar.yaml"])
    assert isinstance(load_tree(tree), Scenario)
    tree["phases"][0]["activities"].append(copy.deepcopy(tree["phases"][0]["activities"][0]))
    with pytest.raises(ScenarioError) as info:
        load_tree(tree)
    assert [p.code for p in info.value.problems] == ["duplicate-id"]


def test_bundled_trees_were_read(repo_root: Path) -> None:
    assert set(TREES) == {"kazind21.yaml", "seminar.yaml", "training_week.yaml"}
    assert all(isinstance(tree, dict) for tree in TREES.values())
