"""RunResult: the event log of one run and the tables derived from it (pure data)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sim.results.eventlog import Event
from sim.results.rows import ActivityRow, Bottleneck, GroupRow, PhaseRow, ResourceRow
from sim.scenario.model import Scenario

INJECT_STATUS = {"inject": "hit", "inject_skipped": "skipped", "inject_missed": "missed"}


@dataclass(frozen=True)
class RunResult:
    scenario: Scenario
    seed: int
    replication: int
    events: tuple[Event, ...]
    activities: tuple[ActivityRow, ...]
    phases: dict[str, PhaseRow]
    resources: dict[str, ResourceRow]
    groups: dict[str, GroupRow]
    bottlenecks: tuple[Bottleneck, ...]
    end_h: float
    planned_end_h: float
    on_time: bool
    stuck: tuple[dict[str, str], ...] = ()
    capped: bool = False
    plan: bool = False
    calendar_wait_h: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    # (t, units in use, capacity) after each change, per resource (see usage_steps)
    usage: dict[str, list[tuple[float, int, int]]] = field(default_factory=dict, repr=False,
                                                          compare=False)

    @property
    def complete(self) -> bool:
        return not self.stuck

    def activity(self, activity_id: str) -> ActivityRow:
        for row in self.activities:
            if row.id == activity_id:
                return row
        raise KeyError(activity_id)

    def schedule(self) -> list[tuple[str, float | None, float | None]]:
        """``(id, start, end)`` per activity, in written order."""
        return [(a.id, a.start_h, a.end_h) for a in self.activities]

    def summary(self) -> dict[str, Any]:
        """The data of ``summary.json``."""
        return {
            "scenario": self.scenario.name,
            "file": self.scenario.file,
            "overrides": list(self.scenario.overrides),
            "seed": self.seed,
            "replication": self.replication,
            "complete": self.complete,
            "end_h": _r(self.end_h),
            "planned_end_h": _r(self.planned_end_h),
            "on_time": self.on_time,
            "late_h": _r(max(0.0, self.end_h - self.planned_end_h)),
            "phases": {
                p.id: {"start_h": _r(p.start_h), "end_h": _r(p.end_h), "due_h": _r(p.due_h),
                       "late_h": _r(p.late_h), "limit_h": _r(p.limit_h),
                       "duration_h": _r(p.duration_h), "breach": p.breach}
                for p in self.phases.values()
            },
            "resources": {
                r.id: {"capacity": r.capacity, "utilisation": _r(r.utilisation, 4),
                       "busy_unit_h": _r(r.busy_unit_h), "available_h": _r(r.available_h),
                       "lost_unit_h": _r(r.lost_unit_h), "wait_h": _r(r.wait_h)}
                for r in self.resources.values()
            },
            "groups": {
                g.id: {"teams": g.teams, "busy_team_h": _r(g.busy_team_h), "wait_h": _r(g.wait_h),
                       "unavailable_h": _r(g.unavailable_h)}
                for g in self.groups.values()
            },
            "bottlenecks": [asdict(b) | {"wait_h": _r(b.wait_h)} for b in self.bottlenecks],
            "calendar_wait_h": _r(self.calendar_wait_h),
            "stuck": list(self.stuck),
            "time_capped": self.capped,
            "injects": inject_outcomes(self),
        }


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def inject_outcomes(result: RunResult) -> list[dict[str, Any]]:
    """Each inject of the scenario: whether and when it hit."""
    seen: dict[str, dict[str, Any]] = {}
    for ev in result.events:
        if ev.inject and ev.kind in INJECT_STATUS:
            seen.setdefault(ev.inject, {"status": INJECT_STATUS[ev.kind], "t": _r(ev.t),
                                        "reason": ev.reason})
    return [{"id": i.id, "kind": i.kind, **seen.get(i.id, {"status": "not reached", "t": None,
                                                             "reason": None})}
            for i in result.scenario.injects]
