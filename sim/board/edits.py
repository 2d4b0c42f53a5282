"""What-if edits from the board's forms: read from JSON, checked, applied to a scenario tree.

An edit is a small mapping such as ``{"op": "capacity", "resource": "range", "value": 2}``.
Each becomes the ``--set`` change the command line would make (same parsing, same type
rules: :mod:`sim.scenario.overrides`), or, for skipping an inject and adding a
disruption, a change to the ``injects`` list. The changed tree is then checked by the
scenario loader, so a bad value gets the same problem code as ``tabletop validate``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.board.errors import BoardError
from sim.scenario.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.loader import load_source
from sim.scenario.model import Scenario
from sim.scenario.overrides import Override, OverrideError, apply_overrides, parse_override
from sim.scenario.source import Source

# op -> (required fields, optional fields); every value is a short text or a number
OPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "skip": (("inject",), ()),
    "move": (("inject", "at"), ()),
    "length": (("inject", "value"), ()),
    "capacity": (("resource", "value"), ()),
    "headcount": (("group", "value"), ()),
    "teams": (("group", "value"), ()),
    "disruption": (("kind", "target", "at"), ("for", "by", "amount")),
    "set": (("key", "value"), ()),
}
DISRUPTIONS = ("resource_down", "group_unavailable", "delay")
MAX_VALUE = 200  # characters in one field
WHATIF_PREFIX = "WHATIF-"


@dataclass(frozen=True)
class Edit:
    """One what-if change, as the form sent it (values as text)."""

    op: str
    fields: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str:
        return dict(self.fields).get(name, "")

    def as_dict(self) -> dict[str, str]:
        return {"op": self.op, **dict(self.fields)}

    def label(self) -> str:
        """A short line for the list of edits: ``range capacity 2``."""
        f = dict(self.fields)
        if self.op == "skip":
            return f"skip {f['inject']}"
        if self.op == "move":
            return f"move {f['inject']} to {f['at']}"
        if self.op == "length":
            return f"{f['inject']} lasts {f['value']}"
        if self.op in ("capacity", "headcount", "teams"):
            return f"{f.get('resource') or f.get('group')} {self.op} {f['value']}"
        if self.op == "disruption":
            span = f.get("for") or f.get("by") or ""
            return f"add {f['kind']} {f['target']} at {f['at']}" + (f" for {span}" if span else "")
        return f"set {f['key']}={f['value']}"


def parse_edit(body: Any) -> Edit:
    """The edit a form posted, or a :class:`BoardError` naming the field at fault."""
    if not isinstance(body, Mapping):
        raise BoardError("an edit is a JSON object such as "
                         '{"op": "capacity", "resource": "range", "value": 2}', code="bad-edit")
    op = body.get("op")
    if not isinstance(op, str) or op not in OPS:
        guess = did_you_mean(str(op), OPS)
        hint = f"; did you mean {guess!r}?" if guess else f"; one of {', '.join(OPS)}"
        raise BoardError(f"unknown edit {op!r}{hint}", code="unknown-op", field="op")
    required, optional = OPS[op]
    unknown = sorted(set(body) - {"op", *required, *optional})
    if unknown:
        raise BoardError(f"{op}: no field {unknown[0]!r}", code="unknown-field", field=unknown[0])
    fields: list[tuple[str, str]] = []
    for name in (*required, *optional):
        value = body.get(name)
        if value is None or value == "":
            if name in required:
                raise BoardError(f"{op}: {name} is required", code="missing-field", field=name)
            continue
        fields.append((name, _text(op, name, value)))
    return Edit(op, tuple(fields))


def _text(op: str, name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BoardError(f"{op}: {name} must be text or a number", code="bad-type", field=name)
    text = str(value).strip()
    if len(text) > MAX_VALUE or "\n" in text:
        raise BoardError(f"{op}: {name} must be one line of at most {MAX_VALUE} characters",
                         code="bad-value", field=name)
    return text


def apply_edits(tree: Any, edits: Sequence[Edit]) -> Any:
    """A copy of the scenario tree with every edit applied, in order."""
    tree = copy.deepcopy(tree)
    for edit in edits:
        tree = apply_edit(tree, edit)
    return tree


def apply_edit(tree: Any, edit: Edit) -> Any:
    """``tree`` changed by one edit (changed in place for list edits; returned)."""
    f = dict(edit.fields)
    if edit.op == "skip":
        injects = tree.get("injects") or []
        injects.pop(_inject_index(injects, f["inject"]))
        return tree
    if edit.op == "disruption":
        tree.setdefault("injects", []).append(_disruption(tree, f))
        return tree
    if edit.op in ("move", "length"):
        _inject_index(tree.get("injects") or [], f["inject"])
        key = "at" if edit.op == "move" else _length_key(tree, f["inject"])
        return _set(tree, ("injects", f["inject"], key), f["at" if key == "at" else "value"],
                    "at" if key == "at" else "value")
    if edit.op == "capacity":
        _index(tree.get("resources"), f["resource"], "resource")
        return _set(tree, ("resources", f["resource"], "capacity"), f["value"], "value")
    if edit.op in ("headcount", "teams"):
        _index(tree.get("groups"), f["group"], "group")
        return _set(tree, ("groups", f["group"], edit.op), f["value"], "value")
    path = tuple(p for p in f["key"].split(".") if p)
    return _set(tree, path, f["value"], "key")


def _set(tree: Any, path: tuple[str, ...], raw: str, field: str) -> Any:
    """The ``--set path=raw`` change, with the command line's parsing and type rules."""
    text = f"{'.'.join(path)}={raw}"
    try:
        override = parse_override(text)
        return apply_overrides(tree, [Override(path, override.value, text, raw)])
    except OverrideError as exc:
        message = str(exc).removeprefix("--set ")
        raise BoardError(message, code="bad-set", field=field) from None


def _inject_index(injects: list[Any], inject_id: str) -> int:
    return _index(injects, inject_id, "inject")


def _index(entries: Any, entry_id: str, what: str) -> int:
    """Where the entry ``entry_id`` is in a list of the tree; the form field ``what`` else."""
    entries = entries if isinstance(entries, list) else []
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("id") == entry_id:
            return i
    ids = [str(e.get("id")) for e in entries if isinstance(e, dict)]
    guess = did_you_mean(entry_id, ids)
    hint = f"; did you mean {guess!r}?" if guess else ""
    raise BoardError(f"no {what} {entry_id!r}{hint}", code=f"unknown-{what}", field=what)


def _length_key(tree: Any, inject_id: str) -> str:
    entry = tree["injects"][_inject_index(tree["injects"], inject_id)]
    kind = entry.get("kind")
    if kind in ("resource_down", "group_unavailable"):
        return "for"
    if kind == "delay":
        return "by"
    raise BoardError(f"{inject_id} is a {kind} inject: it has no length to change",
                     code="no-length", field="value")


def _disruption(tree: Any, f: dict[str, str]) -> dict[str, Any]:
    kind = f["kind"]
    if kind not in DISRUPTIONS:
        raise BoardError(f"kind must be one of {', '.join(DISRUPTIONS)}", code="bad-value",
                         field="kind")
    span_key = "by" if kind == "delay" else "for"
    if not f.get(span_key):
        raise BoardError(f"a {kind} needs `{span_key}` (e.g. 3h)", code="missing-field",
                         field=span_key)
    taken = {e.get("id") for e in tree.get("injects") or [] if isinstance(e, dict)}
    n = 1
    while f"{WHATIF_PREFIX}{n}" in taken:
        n += 1
    entry: dict[str, Any] = {"id": f"{WHATIF_PREFIX}{n}", "at": f["at"], "kind": kind,
                             "target": f["target"], span_key: _value(f[span_key])}
    if f.get("amount") and kind == "resource_down":
        entry["amount"] = _value(f["amount"])
    entry["description"] = f"What-if added at the board: {kind} {f['target']}"
    return entry


def _value(raw: str) -> Any:
    """A field's text read as YAML would read it on the command line (``2`` is a number)."""
    value = parse_override(f"v={raw}").value
    return raw if isinstance(value, int) and ":" in raw else value


# the form field a scenario problem belongs to, by the last key of its path
_FIELD_OF_KEY = {"capacity": "value", "headcount": "value", "teams": "value", "at": "at",
                 "target": "target", "amount": "amount", "kind": "kind"}


def check_tree(tree: Any, name: str, edit: Edit | None = None) -> Scenario:
    """The checked scenario of an edited tree; its first problem as a :class:`BoardError`."""
    try:
        return load_source(Source(name, "", tree))
    except ScenarioError as exc:
        errors = [p for p in exc.problems if p.severity == "error"] or list(exc.problems)
        first = errors[0]
        raise BoardError(first.message, code=first.code, field=_field(first, edit),
                         problems=[_problem(p) for p in errors]) from None


def _problem(problem: Problem) -> dict[str, Any]:
    data = problem.as_dict()
    for key in ("file", "line", "column"):  # a tree from the board has no file positions
        data.pop(key, None)
    return data


def _field(problem: Problem, edit: Edit | None) -> str | None:
    if edit is None:
        return None
    keys = [p for p in problem.path if isinstance(p, str)]
    last = keys[-1] if keys else ""
    if edit.op == "disruption" and last in ("for", "by", "amount", "at", "target", "kind"):
        return last
    if edit.op == "set":
        return "value"
    if last in ("for", "by"):
        return "value"
    field = _FIELD_OF_KEY.get(last)
    fields = dict(edit.fields)
    if field in fields:
        return field
    return "value" if "value" in fields else next(iter(fields), None)
