"""The words of the narrative: who takes part, what an inject does, why work waits,
the title line and the final verdict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.core.timefmt import format_duration, format_time
from sim.replay.views import InjectView

if TYPE_CHECKING:  # annotations only
    from sim.results import RunResult
    from sim.results.eventlog import Event
    from sim.scenario.model import Activity, Inject

KIND_WIDTH = 8  # width of the kind column of a narrative line

#: Event kinds that make a narrative line (``ready`` and ``blocked`` only change state).
TOLD = frozenset({"start", "pause", "resume", "finish", "capacity", "group_unavailable",
                  "group_available", "inject", "inject_skipped", "inject_missed", "added",
                  "phase_end", "stuck"})


def narrative_line(time_width: int, t: float, kind: str, text: str) -> str:
    """``"D1 11:00  pause    debrief (M-01)"``: time, kind and text in their columns."""
    return f"{format_time(t):<{time_width}}  {kind:<{KIND_WIDTH}} {text}"


def _team_text(scenario_groups: dict[str, int], groups: Sequence[tuple[str, int]]) -> str:
    parts = []
    for gid, teams in groups:
        whole = scenario_groups.get(gid, teams)
        parts.append(gid if teams >= whole else f"{gid} {teams}/{whole}")
    return ", ".join(parts)


def who_and_what(scenario_groups: dict[str, int], act: Activity) -> str:
    """``"blue, green; hall 1, interpreters 2"`` (groups; needs), empty when neither."""
    parts = []
    if act.groups:
        parts.append(_team_text(scenario_groups, act.groups))
    if act.needs:
        parts.append(", ".join(f"{rid} {amount}" for rid, amount in act.needs))
    return "; ".join(parts)


def inject_effect(inject: Inject, hours: float | None = None) -> str:
    """What an inject does, in a few words: ``"resource_down hall for 2h"``.

    ``hours`` is the delay drawn for a ``delay`` inject (from its log record).
    """
    if inject.kind == "resource_down":
        amount = f" x{inject.amount}" if inject.amount is not None else ""
        tail = ", work under way finishes" if inject.on_hit == "finish" else ""
        return f"resource_down {inject.target}{amount} for {format_duration(inject.duration)}{tail}"
    if inject.kind == "group_unavailable":
        return f"group_unavailable {inject.target} for {format_duration(inject.duration)}"
    if inject.kind == "delay":
        if hours is None:
            hours = inject.delay.expected() if inject.delay is not None else 0.0
        return f"delay {inject.target} by {format_duration(hours)}"
    if inject.kind == "add_activity":
        ids = ", ".join(a.id for a in inject.activities)
        return f"add_activity {ids} to {inject.phase}"
    return str(inject.kind)


def inject_line_text(view: InjectView) -> str:
    """The text of an ``INJECT`` narrative line (after the kind column)."""
    text = f"{view.id} {view.effect}"
    if view.description:
        text += f": {view.description}"
    for label, value in view.msel():
        text += f" | {label}: {value}"
    if view.missed:
        text += f" | no effect: {view.missed}"
    return text


def blocked_text(ev: Event) -> str:
    """Why an activity cannot (re)start, from a ``blocked`` record."""
    reason = ev.reason or ""
    if reason == "resource" and ev.resource:
        return f"needs {ev.resource}"
    if reason == "group" and ev.group:
        return f"{ev.group} busy"
    if reason == "group_unavailable" and ev.group:
        return f"{ev.group} absent"
    if reason == "calendar":
        return "waits for working time"
    if reason == "fit":
        return "does not fit in the rest of the day"
    return reason


def title_line(result: RunResult) -> str:
    sc = result.scenario
    days = f"{sc.days} day{'s' * (sc.days != 1)}"
    if sc.start_date is not None:
        days += f" from {sc.start_date.isoformat()}"
    n = len(sc.injects)
    return (f"{sc.name}: seed {result.seed}, {days}, planned end "
            f"{format_time(result.planned_end_h)}, {n} inject{'s' * (n != 1)}")


def _inject_counts(result: RunResult) -> str:
    """``"; injects: 2 of 3 hit (1 skipped)"``, empty when the scenario has none."""
    if not result.scenario.injects:
        return ""
    counts = {kind: len({e.inject for e in result.events if e.kind == kind and e.inject})
              for kind in ("inject", "inject_missed", "inject_skipped")}
    text = f"; injects: {counts['inject']} of {len(result.scenario.injects)} hit"
    extra = [f"{n} {word}" for n, word in ((counts["inject_missed"], "without effect"),
                                           (counts["inject_skipped"], "skipped")) if n]
    return text + (f" ({', '.join(extra)})" if extra else "")


def summary_text(result: RunResult, total: int | None = None) -> str:
    """The final verdict: when the run ended, on time or late, or what is stuck."""
    total = len(result.activities) if total is None else total
    injects = _inject_counts(result)
    planned = format_time(result.planned_end_h)
    if result.stuck:
        n = len(result.stuck)
        cap = " (time cap reached)" if result.capped else ""
        return (f"INCOMPLETE at {format_time(result.end_h)}: {n} "
                f"activit{'ies' if n != 1 else 'y'} stuck{cap}; planned end {planned}{injects}")
    verdict = ("on time" if result.on_time
               else f"LATE by {format_duration(result.end_h - result.planned_end_h)}")
    return (f"all {total} activit{'ies' if total != 1 else 'y'} finished "
            f"{format_time(result.end_h)}: {verdict} (planned end {planned}){injects}")
