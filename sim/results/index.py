"""What reading a scenario's event logs needs to know about the scenario, worked out once."""

from __future__ import annotations

from typing import NamedTuple

from sim.scenario.model import Activity, Scenario


class LogIndex(NamedTuple):
    """The scenario's activities and who uses what, for reading its logs."""

    acts: dict[str, Activity]  # the scenario's activities, then those injects may add
    added_by: dict[str, str]  # activity an inject may add -> the inject
    needs: dict[str, tuple[tuple[str, int], ...]]  # activity -> (resource, units), if any
    uses: dict[str, tuple[tuple[str, int], ...]]  # activity -> (group, teams), if any
    capacity: dict[str, int]  # resource -> capacity
    groups: tuple[str, ...]


def index_of(scenario: Scenario) -> LogIndex:
    """The scenario's :class:`LogIndex`, kept with the scenario after the first use."""
    found: LogIndex | None = scenario.__dict__.get("_results_index")
    if found is None:
        acts = {a.id: a for a in scenario.activities}
        added_by: dict[str, str] = {}
        for inject in scenario.injects:
            for a in inject.activities:
                acts[a.id] = a
                added_by[a.id] = inject.id
        found = LogIndex(acts, added_by, {a.id: a.needs for a in acts.values() if a.needs},
                         {a.id: a.groups for a in acts.values() if a.groups},
                         {r.id: r.capacity for r in scenario.resources},
                         tuple(g.id for g in scenario.groups))
        scenario.__dict__["_results_index"] = found  # as functools.cached_property does
    return found
