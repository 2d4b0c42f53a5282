"""The state of a run at time t, as its event log is read, and the views a frame takes of it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.replay.views import (
    ActivityState,
    ActivityView,
    GroupView,
    PhaseState,
    PhaseView,
    ResourceView,
)

if TYPE_CHECKING:  # annotations only
    from sim.scenario.model import Activity, Scenario


@dataclass
class RunState:
    """What is running, paused, waiting, held and done at the time the log has reached."""

    capacity: dict[str, int]
    taken: dict[str, dict[str, int]]  # resource -> inject -> units it holds
    absent: dict[str, list[str]]  # group -> injects in force
    running: dict[str, float] = field(default_factory=dict)  # id -> since
    paused: dict[str, tuple[float, str]] = field(default_factory=dict)  # id -> (since, why)
    waiting: dict[str, float] = field(default_factory=dict)  # ready, not started: id -> since
    blocked: dict[str, str] = field(default_factory=dict)  # id -> why it cannot (re)start
    started: dict[str, float] = field(default_factory=dict)
    finished: int = 0
    phases_started: set[str] = field(default_factory=set)
    phases_done: set[str] = field(default_factory=set)

    @classmethod
    def at_start(cls, scenario: Scenario) -> RunState:
        """Nothing started, every resource at the capacity the scenario writes."""
        return cls(capacity={r.id: r.capacity for r in scenario.resources},
                   taken={r.id: {} for r in scenario.resources},
                   absent={g.id: [] for g in scenario.groups})

    def group_views(self, scenario: Scenario,
                    acts: Mapping[str, Activity]) -> Iterator[GroupView]:
        for g in scenario.groups:
            taking = [(aid, dict(acts[aid].groups)[g.id]) for aid in self.running
                      if aid in acts and g.id in dict(acts[aid].groups)]
            yield GroupView(id=g.id, name=g.name, teams=g.teams,
                            busy=sum(n for _a, n in taking), activities=tuple(taking),
                            absent_by=tuple(self.absent.get(g.id, ())))

    def resource_views(self, scenario: Scenario,
                       acts: Mapping[str, Activity]) -> Iterator[ResourceView]:
        for r in scenario.resources:
            in_use = sum(dict(acts[aid].needs).get(r.id, 0) for aid in self.running
                         if aid in acts)
            yield ResourceView(
                id=r.id, name=r.name, base=r.capacity,
                capacity=self.capacity.get(r.id, r.capacity), in_use=in_use,
                down_by=tuple(k for k, v in self.taken.get(r.id, {}).items() if v))

    def activity_views(self, acts: Mapping[str, Activity]) -> Iterator[ActivityView]:
        """Running, then paused, then waiting activities."""

        def view(aid: str, state: ActivityState, since: float, note: str) -> ActivityView:
            act = acts.get(aid)
            return ActivityView(id=aid, name=act.name if act else aid,
                                phase=act.phase if act else "", state=state, since=since,
                                started=self.started.get(aid), note=note,
                                groups=act.groups if act else (), needs=act.needs if act else ())

        for aid, since in self.running.items():
            yield view(aid, "running", since, "")
        for aid, (since, why) in self.paused.items():
            note = ", ".join(x for x in (why, self.blocked.get(aid, "")) if x)
            yield view(aid, "paused", since, note)
        for aid, since in self.waiting.items():
            yield view(aid, "waiting", since, self.blocked.get(aid, ""))

    def phase_views(self, scenario: Scenario) -> Iterator[PhaseView]:
        for phase in scenario.phases:
            state: PhaseState = ("done" if phase.id in self.phases_done else
                                 "active" if phase.id in self.phases_started else "pending")
            yield PhaseView(id=phase.id, name=phase.name, state=state)
