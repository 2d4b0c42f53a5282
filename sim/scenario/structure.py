"""Problems of structure (keys and types): pydantic's validation errors, in the file's terms.

Each error of :meth:`ScenarioSpec.model_validate` becomes a :class:`Problem` with a
code of docs/reference/errors.md, the path as the file writes it, its line and column,
and a hint where one helps ("did you mean `duration`?").
"""

from __future__ import annotations

from typing import Any

from sim.scenario.errors import Path, Problem, did_you_mean
from sim.scenario.schema import INJECT_KINDS, MODEL_AT_KEY, allowed_keys
from sim.scenario.source import Source

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
_BOUNDS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
           "less_than": "<"}


def clean_loc(loc: tuple[Any, ...]) -> tuple[Path, bool]:
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
    try:
        text = repr(value)
    except ValueError:  # an int with more digits than Python will print
        text = "a number too large"
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
            try:
                node = node[part]
            except (LookupError, TypeError):
                node = None
        kind = node.get("kind") if isinstance(node, dict) else None
        model = INJECT_KINDS.get(kind) if isinstance(kind, str) else None
        return allowed_keys(model) if model else ["kind", *allowed_keys(INJECT_KINDS["note"])]
    found = MODEL_AT_KEY.get(context)
    return allowed_keys(found) if found else []


def structure_problem(source: Source, err: Any, path: Path, is_key: bool) -> Problem:
    """One pydantic error (``path`` as in the file) as a problem the writer understands."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "invalid_key":  # pydantic's loc holds the key; the input is the key as written
        path = (*path[:-1], str(value))
        return source.problem("wrong-type", f"a key must be text, found {_found(value)}", path,
                              key=True, hint="write the key in quotes")
    if is_key and path:  # keys are remembered as text
        path = (*path[:-1], str(path[-1]))
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
    if kind in _BOUNDS:
        sign = _BOUNDS[kind]
        bound = next(iter(ctx.values()), "")
        return source.problem("out-of-range", f"expected a number {sign} {bound}, found "
                              f"{_found(value)}", path)
    if kind == "string_too_long":
        return source.problem("out-of-range", f"expected at most {ctx.get('max_length')} "
                              f"characters, found {len(str(value)):,}", path, key=is_key)
    if kind in ("string_pattern_mismatch", "string_too_short"):
        return source.problem("bad-id", f"expected an id (text without spaces or '@'), found "
                              f"{_found(value)}", path, key=is_key)
    if kind.startswith(("bad-", "wrong-")):
        return source.problem(kind, str(err["msg"]), path, key=is_key)
    return source.problem("bad-value", f"{err['msg']}, found {_found(value)}", path, key=is_key)
