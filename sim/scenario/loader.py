"""``load_scenario``: file or text -> validated, immutable :class:`Scenario`."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from sim.scenario.checks import check
from sim.scenario.errors import Path, Position, Problem, ScenarioError
from sim.scenario.model import Scenario
from sim.scenario.overrides import override_source
from sim.scenario.resolve import resolve
from sim.scenario.schema import ScenarioSpec, allowed_keys
from sim.scenario.source import Source, read_source
from sim.scenario.structure import clean_loc, structure_problem


def load_scenario(origin: str | FsPath, overrides: Sequence[str] = ()) -> Scenario:
    """Read, check and resolve a scenario from a file path or from YAML/TOML/JSON text.

    ``overrides`` are ``"key.path=value"`` changes (as ``--set`` on the command line),
    applied before the checks. Raises :class:`ScenarioError` listing every problem found
    (warnings included), or :class:`~sim.scenario.overrides.OverrideError` for a bad override.
    """
    source = read_source(origin)
    if overrides:
        source = override_source(source, overrides)
    return load_source(source)


def read_tree(origin: str | FsPath) -> Any:
    """The plain tree (dicts and lists) of a scenario file or text, unchecked.

    Change it and pass it to :func:`load_tree`; YAML, TOML and JSON all give the same tree.
    """
    return read_source(origin).tree


def load_tree(tree: Any, name: str = "<data>") -> Scenario:
    """Check and resolve a scenario given as an already-parsed tree (dicts and lists)."""
    return load_source(Source(name, "", tree))


def load_source(source: Source) -> Scenario:
    spec, problems = validate_source(source)
    errors = [p for p in problems if p.severity == "error"]
    if spec is None or errors:
        raise ScenarioError(sorted(problems, key=_file_order))
    warnings = tuple(p.format() for p in sorted(problems, key=_file_order))
    return resolve(spec, source.name, warnings)


def validate_source(source: Source) -> tuple[ScenarioSpec | None, list[Problem]]:
    """The file's model (if keys and types are right) and every problem found."""
    tree = source.tree
    if tree is None and source.text:  # only comments, or a bare `~`
        return None, [source.problem("empty-file", "the file holds no data (only comments?); "
                                     "a scenario starts with `format: tabletop/1`")]
    if not isinstance(tree, dict):
        found = type(tree).__name__ if tree is not None else "nothing"
        return None, [source.problem("not-a-scenario", "a scenario file is a mapping of keys "
                                     f"starting with `format: tabletop/1`, found {found}")]
    if "format" in tree and tree["format"] != "tabletop/1":
        return None, [source.problem("unknown-format", f"this reads format 'tabletop/1', found "
                                     f"{tree['format']!r}", ("format",))]
    problems: list[Problem] = []
    seen: set[Problem] = set()
    pruned: set[str] = set()
    cut: set[tuple[Any, ...]] = set()
    kept: dict[Path, list[int]] = {}
    for _attempt in range(4):
        try:
            spec = ScenarioSpec.model_validate(tree)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            cleaned = [clean_loc(tuple(e["loc"])) for e in errors]
            locs = [_original(path, kept) for path, _ in cleaned]
            for err, loc, (_, is_key) in zip(errors, locs, cleaned, strict=True):
                problem = structure_problem(source, err, loc, is_key)
                if problem not in seen:  # the same error found again in a pruned copy
                    seen.add(problem)
                    problems.append(problem)
            failed = [(loc, e["type"], e.get("input")) for loc, e in zip(locs, errors, strict=True)]
            before = len(cut)
            if not _cut(source.tree, failed, cut) or len(cut) == before:
                return None, problems
            tree, kept, ids = _prune(source.tree, cut)
            pruned |= ids
            continue
        except RecursionError:
            return None, [source.problem("too-deep", "nested too deeply")]
        later = check(spec, _PrunedSource(source.name, source.text, source.tree, source.values,
                                          source.keys, kept) if kept else source)
        if problems:  # what refers to a broken (removed) entry is not a new problem
            later = [p for p in later if p.severity == "error" and not (
                p.code == "unknown-reference" and any(f"{i!r}" in p.message for i in pruned))]
            return None, problems + later
        return spec, later
    return None, problems


_OPTIONAL = frozenset(allowed_keys(ScenarioSpec)) - {"format", "name", "days", "phases"}


def _cut(tree: Any, errors: list[tuple[Path, str, Any]], cut: set[tuple[Any, ...]]) -> bool:
    """Add to ``cut`` what to leave out to check the rest of the file (paths as in the file).

    An unknown key goes; any other error takes the deepest list entry holding it with it
    (an activity, a group, an ``after`` entry...), else the optional top-level key it is in.
    ``False`` when none of these applies (a required top-level key is wrong).
    """
    for path, kind, value in errors:
        if not path:
            return False
        if kind == "extra_forbidden":
            cut.add(path)
            continue
        if kind == "invalid_key":  # pydantic's loc holds str(key); the input is the key
            cut.add((*path[:-1], value))
            continue
        node, entry = tree, 0
        for i, part in enumerate(path):
            if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node, entry = node[part], i + 1
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                break
        if entry:
            cut.add(path[:entry])
        elif path[0] in _OPTIONAL:
            cut.add(path[:1])
        else:
            return False
    return True


def _prune(
    tree: Any, cut: set[tuple[Any, ...]]
) -> tuple[Any, dict[Path, list[int]], set[str]]:
    """A copy of ``tree`` without the ``cut`` list entries and keys, to check the rest.

    Also gives, for each shortened list, the indices in the file of the entries kept (so
    that problems found in the copy point at the right place), and the ids of the removed.
    """
    tree = copy.deepcopy(tree)
    removed: set[str] = set()
    by_parent: dict[Path, set[Any]] = {}
    for path in cut:
        by_parent.setdefault(path[:-1], set()).add(path[-1])
    kept: dict[Path, list[int]] = {}
    for parent in sorted(by_parent, key=len, reverse=True):  # inner lists first
        node = tree
        for part in parent:
            node = node[part]
        drop = by_parent[parent]
        if isinstance(node, dict):
            for key in drop:
                node.pop(key, None)
            continue
        for i in drop:
            if isinstance(node[i], dict) and isinstance(node[i].get("id"), str):
                removed.add(node[i]["id"])
        kept[parent] = [i for i in range(len(node)) if i not in drop]
        node[:] = [node[i] for i in kept[parent]]
    return tree, kept, removed


@dataclass
class _PrunedSource(Source):
    """The file, seen through a pruned copy of its tree: paths are mapped back to the file's."""

    kept: dict[Path, list[int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Position:
        return super().locate(_original(path, self.kept), key=key)

    def problem(
        self, code: str, message: str, path: Path = (), *, key: bool = False, **kw: Any
    ) -> Problem:
        path = _original(path, self.kept)
        line, column = super().locate(path, key=key)
        return Problem(code, message, path, self.name, line, column, **kw)


def _original(path: Path, kept: dict[Path, list[int]]) -> Path:
    """The path in the file of what is at ``path`` in a pruned copy."""
    if not kept:
        return path
    out: list[str | int] = []
    for part in path:
        indices = kept.get(tuple(out))
        if indices is not None and isinstance(part, int) and 0 <= part < len(indices):
            part = indices[part]
        out.append(part)
    return tuple(out)


def _file_order(problem: Problem) -> tuple[int, int, str]:
    return (problem.line, problem.column, problem.code)
