"""One-change variants of a scenario: a unit more or less of each resource and group, and
each inject removed (what :mod:`sim.ensemble.drivers` measures the effect of).

A variant is the scenario's source with one value changed and loaded again, so it is
checked like any file (an activity asking for more units or teams than are left makes
the variant impossible, not a broken run) and a group listed whole in an activity
still takes all of its teams. The unit of a resource is one unit of its ``capacity``;
the unit of a group is one team (``teams``: how many activities it can take part in at
once; ``headcount`` only labels the group). Removing an inject sets its probability to
0: its random streams, and every other entity's, stay the same.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_source
from sim.scenario.model import Scenario
from sim.scenario.source import Source

Kind = Literal["resource", "group", "inject"]


@dataclass(frozen=True)
class Variant:
    """The scenario with one change, or why that change cannot be made."""

    kind: Kind
    id: str
    change: str  # "+1 unit", "-1 unit", "+1 team", "-1 team", "removed"
    scenario: Scenario | None
    why_not: str = ""

    @property
    def label(self) -> str:
        return f"{self.id} {self.change}"


def unit_variants(source: Source, scenario: Scenario, *, kinds: tuple[Kind, ...] = (
        "resource", "group", "inject")) -> list[Variant]:
    """Every one-change variant of ``scenario`` (whose source is ``source``), in the
    order resources, groups, injects, each as written."""
    out: list[Variant] = []
    if "resource" in kinds:
        for res in scenario.resources:
            for step in (1, -1):
                out.append(_changed(source, "resource", res.id, f"{step:+d} unit", "resources",
                                    "capacity", res.capacity + step, res.capacity + step >= 1))
    if "group" in kinds:
        for grp in scenario.groups:
            for step in (1, -1):
                out.append(_changed(source, "group", grp.id, f"{step:+d} team", "groups",
                                    "teams", grp.teams + step, grp.teams + step >= 1))
    if "inject" in kinds:
        for inj in scenario.injects:
            out.append(_changed(source, "inject", inj.id, "removed", "injects", "probability",
                                0.0, True))
    return out


def _changed(source: Source, kind: Kind, ident: str, change: str, section: str, key: str,
             value: float, allowed: bool) -> Variant:
    if not allowed:
        return Variant(kind, ident, change, None, f"{key} would fall below 1")

    def edit(entry: dict[str, Any]) -> None:
        entry[key] = value

    try:
        scenario = load_source(_edited(source, section, ident, edit))
    except ScenarioError as exc:
        first = next((p for p in exc.problems if p.severity == "error"), None)
        why = first.message if first is not None else "the changed scenario is not valid"
        return Variant(kind, ident, change, None, why)
    return Variant(kind, ident, change, scenario)


def _edited(source: Source, section: str, ident: str,
            edit: Callable[[dict[str, Any]], None]) -> Source:
    """The source with ``edit`` applied to the entry ``ident`` of list ``section``."""
    tree = copy.deepcopy(source.tree)
    for entry in tree.get(section, []):
        if isinstance(entry, dict) and entry.get("id") == ident:
            edit(entry)
    return Source(source.name, source.text, tree, source.values, source.keys)


def one_more(source: Source, scenario: Scenario, kind: str, ident: str) -> Variant:
    """The scenario with one more unit of resource ``ident`` (or team of group ``ident``)."""
    if kind == "resource":
        res = next(r for r in scenario.resources if r.id == ident)
        return _changed(source, "resource", ident, "+1 unit", "resources", "capacity",
                        res.capacity + 1, True)
    grp = next(g for g in scenario.groups if g.id == ident)
    return _changed(source, "group", ident, "+1 team", "groups", "teams", grp.teams + 1, True)
