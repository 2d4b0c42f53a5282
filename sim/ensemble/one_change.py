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
from dataclasses import dataclass, replace
from typing import Any, Literal

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_source
from sim.scenario.model import Activity, Scenario
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
    """The scenario with one more unit of resource ``ident`` (or team of group ``ident``).

    Made from the loaded scenario (as fast as a run, instead of loading the file again):
    a resource's capacity is used as written; a group gets a team more, and so does each
    activity that lists the group whole (it takes all of the group's teams). The result
    is the scenario :func:`unit_variants` would load (``tests/test_drivers.py`` checks)."""
    if kind == "resource":  # capacity is used as it is written: no need to load again
        resources = tuple(replace(r, capacity=r.capacity + 1) if r.id == ident else r
                          for r in scenario.resources)
        return Variant("resource", ident, "+1 unit", replace(scenario, resources=resources))
    whole = _listed_whole(source.tree, ident)
    groups = tuple(replace(g, teams=g.teams + 1) if g.id == ident else g
                   for g in scenario.groups)

    def more(act: Activity) -> Activity:
        if act.base_id not in whole:
            return act
        return replace(act, groups=tuple((g, n + 1 if g == ident else n) for g, n in act.groups))

    injects = tuple(replace(i, activities=tuple(map(more, i.activities)))
                    for i in scenario.injects)
    return Variant("group", ident, "+1 team", replace(
        scenario, groups=groups, activities=tuple(map(more, scenario.activities)),
        injects=injects))


def _listed_whole(tree: Any, group: str) -> frozenset[str]:
    """Ids (as written) of the activities that list ``group`` whole: they take all its
    teams, one more included."""
    written: list[Any] = []
    for phase in tree.get("phases") or []:
        if isinstance(phase, dict):
            written += phase.get("activities") or []
    written += [i.get("activity") for i in tree.get("injects") or [] if isinstance(i, dict)]
    return frozenset(str(a["id"]) for a in written if isinstance(a, dict)
                     and isinstance(a.get("groups"), list) and group in a["groups"])
