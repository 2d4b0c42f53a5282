"""What an inject did in a run: its outcome and logged effect (from the event log), and the
activities it delayed (against the same run without it, which the caller simulates)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.timefmt import format_duration, format_time
from sim.results import RunResult, inject_outcomes

MINUTE = 1 / 60  # shifts under half a minute are rounding, not a delay


@dataclass(frozen=True, slots=True)
class Effect:
    """The effect columns of one inject in a run."""

    outcome: str
    logged: str
    delayed: str = ""
    end_delay_h: float | None = None


def outcomes(run: RunResult) -> dict[str, str]:
    """Each inject's outcome in words: ``hit D4 11:23``, ``skipped (probability)``..."""
    words: dict[str, str] = {}
    for row in inject_outcomes(run):
        status, t, reason = row["status"], row["t"], row["reason"]
        if status == "hit":
            words[row["id"]] = f"hit {format_time(t)}"
        elif status in ("skipped", "missed"):
            words[row["id"]] = f"{status} ({reason})" if reason else status
        else:
            words[row["id"]] = status
    return words


def logged_effects(run: RunResult) -> dict[str, str]:
    """Per inject, what the event log records for it, as one line of text."""
    capacity = {r.id: r.capacity for r in run.scenario.resources}
    parts: dict[str, list[str]] = {}
    paused: dict[str, list[str]] = {}
    added: dict[str, list[str]] = {}
    for ev in run.events:
        if ev.kind == "capacity" and ev.resource is not None and ev.amount is not None:
            before, capacity[ev.resource] = capacity.get(ev.resource), int(ev.amount)
            if ev.inject:
                parts.setdefault(ev.inject, []).append(
                    f"{ev.resource} {before}→{int(ev.amount)} at {format_time(ev.t)}")
        if not ev.inject:
            continue
        if ev.kind == "inject" and ev.reason == "delay" and ev.amount is not None:
            parts.setdefault(ev.inject, []).append(
                f"{format_duration(ev.amount)} of work added to {ev.activity}")
        elif ev.kind in ("group_unavailable", "group_available"):
            word = "away" if ev.kind == "group_unavailable" else "back"
            parts.setdefault(ev.inject, []).append(f"{ev.group} {word} at {format_time(ev.t)}")
        elif ev.kind == "pause" and ev.activity:
            paused.setdefault(ev.inject, []).append(ev.activity)
        elif ev.kind == "added" and ev.activity:
            added.setdefault(ev.inject, []).append(ev.activity)
        elif ev.kind == "inject_missed":
            parts.setdefault(ev.inject, []).append(f"{ev.activity}: {ev.reason}")
    for source, word in ((paused, "paused"), (added, "added")):
        for inject, names in source.items():
            parts.setdefault(inject, []).append(f"{word}: {', '.join(dict.fromkeys(names))}")
    return {inject: "; ".join(texts) for inject, texts in parts.items()}


def delayed_activities(run: RunResult, without: RunResult) -> list[tuple[str, float]]:
    """Activities that finished later in ``run`` than in ``without`` (the same seed without
    one inject), with the hours, most first; ties in written order."""
    before = {a.id: a.end_h for a in without.activities}
    shifts = []
    for order, row in enumerate(run.activities):
        then = before.get(row.id)
        if row.end_h is None or then is None:  # added by the inject, or never finished
            continue
        if row.end_h - then >= MINUTE / 2:
            shifts.append((-(row.end_h - then), order, row.id))
    return [(name, -shift) for shift, _order, name in sorted(shifts)]


def effects(run: RunResult, without: dict[str, RunResult]) -> dict[str, Effect]:
    """The effect columns of every inject of ``run``; ``without[id]`` is the same run
    without inject ``id`` (injects missing from it get no delay columns)."""
    said, logged = outcomes(run), logged_effects(run)
    found: dict[str, Effect] = {}
    for inject in run.scenario.injects:
        other = without.get(inject.id)
        delayed, end_delay = "", None
        if other is not None:
            shifts = delayed_activities(run, other)
            delayed = "; ".join(f"{name} +{format_duration(h)}" for name, h in shifts)
            end_delay = round(run.end_h - other.end_h, 4)
        found[inject.id] = Effect(said.get(inject.id, "not reached"),
                                  logged.get(inject.id, ""), delayed, end_delay)
    return found
