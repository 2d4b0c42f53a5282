"""``load_scenario``: file or text -> validated, immutable :class:`Scenario`."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from sim.scenario.checks import check
from sim.scenario.errors import Path, Problem, ScenarioError, did_you_mean
from sim.scenario.model import Scenario
from sim.scenario.resolve import resolve
from sim.scenario.schema import INJECT_KINDS, MODEL_AT_KEY, ScenarioSpec, allowed_keys
from sim.scenario.source import Source, read_source

_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_attributes_type": "a mapping",
}


def load_scenario(origin: str | FsPath) -> Scenario:
    """Read, check and resolve a scenario from a file path or from YAML/TOML/JSON text.

    Raises :class:`ScenarioError` listing every problem found (warnings included).
    """
    return load_source(read_source(origin))


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
    if not isinstance(tree, dict):
        found = type(tree).__name__ if tree is not None else "nothing"
        return None, [source.problem("not-a-scenario", "a scenario file is a mapping of keys "
                                     f"starting with `format: tabletop/1`, found {found}")]
    if "format" in tree and tree["format"] != "tabletop/1":
        return None, [source.problem("unknown-format", f"this reads format 'tabletop/1', found "
                                     f"{tree['format']!r}", ("format",))]
    problems: list[Problem] = []
    pruned: set[str] = set()
    for _attempt in range(4):
        try:
            spec = ScenarioSpec.model_validate(tree)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            problems += [_problem(source, err) for err in errors]
            tree = _prune(tree, [tuple(e["loc"]) for e in errors], pruned)
            if tree is None:
                return None, problems
            continue
        except RecursionError:
            return None, [source.problem("too-deep", "nested too deeply")]
        later = check(spec, source)
        if problems:  # what refers to a broken (removed) entry is not a new problem
            later = [p for p in later if p.severity == "error" and not (
                p.code == "unknown-reference" and any(f"{i!r}" in p.message for i in pruned))]
            return None, problems + later
        return spec, later
    return None, problems


def _prune(tree: Any, locs: list[tuple[Any, ...]], pruned: set[str]) -> Any:
    """A copy of ``tree`` without the list entries that hold errors, to check the rest.

    ``None`` when an error is not inside a list entry (nothing sensible is left to check).
    """
    import copy

    cut: set[tuple[Any, ...]] = set()
    for loc in locs:
        path, _ = _clean_loc(loc)
        last_index = max((i for i, part in enumerate(path) if isinstance(part, int)), default=-1)
        if last_index < 0 or path[0] not in ("groups", "resources", "phases", "injects"):
            return None
        cut.add(path[: last_index + 1])
    tree = copy.deepcopy(tree)
    for path in sorted(cut, key=lambda p: [str(x) for x in p], reverse=True):
        node = tree
        for part in path[:-1]:
            node = node[part]
        entry = node[path[-1]]
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            pruned.add(entry["id"])
        node[path[-1]] = None
    return _drop_none(tree, cut)


def _drop_none(tree: Any, cut: set[tuple[Any, ...]]) -> Any:
    parents = {path[:-1] for path in cut}
    for parent in parents:
        node = tree
        for part in parent:
            node = node[part]
        node[:] = [x for x in node if x is not None]
    return tree


def _file_order(problem: Problem) -> tuple[int, int, str]:
    return (problem.line, problem.column, problem.code)


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Path, bool]:
    """Drop pydantic's union tags; note whether the error is about a mapping key."""
    path: list[str | int] = []
    is_key = False
    for i, part in enumerate(loc):
        if part == "[key]":
            is_key = True
            continue
        if part in INJECT_KINDS and i == 2 and loc[0] == "injects":
            continue
        path.append(part)
    return tuple(path), is_key


def _found(value: Any) -> str:
    text = repr(value)
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    return text if len(text) <= 60 else text[:57] + "..."


def _parent_keys(path: Path, tree: Any) -> list[str]:
    names = [p for p in path[:-1] if isinstance(p, str)]
    context = names[-1] if names else ""
    if context == "injects":
        node = tree
        for part in path[:-1]:
            node = node[part] if isinstance(node, dict | list) else None
        kind = node.get("kind") if isinstance(node, dict) else None
        model = INJECT_KINDS.get(kind) if isinstance(kind, str) else None
        return allowed_keys(model) if model else ["kind", *allowed_keys(INJECT_KINDS["note"])]
    found = MODEL_AT_KEY.get(context)
    return allowed_keys(found) if found else []


def _problem(source: Source, err: Any) -> Problem:
    path, is_key = _clean_loc(tuple(err["loc"]))
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    name = str(path[-1]) if path else ""
    if kind == "missing":
        return source.problem("missing-key", f"required key `{name}` is missing", path)
    if kind == "extra_forbidden":
        allowed = _parent_keys(path, source.tree)
        guess = did_you_mean(name, allowed)
        hint = f"did you mean `{guess}`?" if guess else (
            "allowed: " + ", ".join(allowed) if allowed else None)
        return source.problem("unknown-key", f"unknown key `{name}`", path, key=True, hint=hint)
    if kind == "union_tag_invalid":
        guess = did_you_mean(str(ctx.get("tag")), INJECT_KINDS)
        return source.problem("bad-value", f"unknown inject kind {_found(ctx.get('tag'))}; "
                              f"expected one of {', '.join(INJECT_KINDS)}", (*path, "kind"),
                              hint=f"did you mean {guess!r}?" if guess else None)
    if kind == "union_tag_not_found":
        return source.problem("missing-key", "required key `kind` is missing "
                              f"(one of {', '.join(INJECT_KINDS)})", path)
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = [c.strip(" '") for c in expected.replace(" or ", ",").split(",")]
        guess = did_you_mean(str(value), choices)
        return source.problem("bad-value", f"expected {expected}, found {_found(value)}", path,
                              hint=f"did you mean {guess!r}?" if guess else None)
    if kind in _TYPE_WORDS:
        return source.problem("wrong-type", f"expected {_TYPE_WORDS[kind]}, found "
                              f"{_found(value)}", path, key=is_key)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
                "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        return source.problem("out-of-range", f"expected a number {sign} {bound}, found "
                              f"{_found(value)}", path)
    if kind in ("string_pattern_mismatch", "string_too_short", "string_too_long"):
        return source.problem("bad-id", f"expected an id (text without spaces or '@'), found "
                              f"{_found(value)}", path, key=is_key)
    if kind.startswith(("bad-", "wrong-")):
        return source.problem(kind, str(err["msg"]), path, key=is_key)
    return source.problem("bad-value", f"{err['msg']}, found {_found(value)}", path, key=is_key)
