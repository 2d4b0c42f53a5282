"""The JSON the page draws: the scenario and schedule, and the state at the clock's time.

The state at time t comes from :mod:`sim.replay` (the frame in force at t: who is where,
what runs, what waits and for what); the schedule from the run's activity table, with the
plan and the baseline beside each bar. The participant view is cut at the clock: no
future starts, no future injects, no expected actions.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

from sim.board.msel import View, coming, inject_times, msel_rows, revealed
from sim.board.state import Session
from sim.board.whatif import difference
from sim.core.timefmt import format_duration, format_time
from sim.replay import Frame, Replay, day_of
from sim.replay.calendar import date_of
from sim.results import RunResult
from sim.scenario.model import Scenario

STEPS = ("start", "back", "hour", "inject", "day", "end")


def clock_label(scenario: Scenario, t: float) -> dict[str, Any]:
    """``D4 09:00`` and its date, for the big clock."""
    day = day_of(t)
    date = date_of(scenario, day)
    return {"t_h": t, "time": format_time(t), "day": day,
            "date": date.strftime("%a %d %b %Y") if date else "",
            "rest_day": day in scenario.calendar.rest_days}


def scenario_json(scenario: Scenario, result: RunResult) -> dict[str, Any]:
    cal = scenario.calendar
    return {
        "name": scenario.name, "file": scenario.file, "days": scenario.days,
        "seed": result.seed, "day_start": cal.day_start, "day_end": cal.day_end,
        "rest_days": list(cal.rest_days), "planned_end_h": scenario.planned_end,
        "planned_end": format_time(scenario.planned_end),
        "start_date": scenario.start_date.isoformat() if scenario.start_date else None,
        "phases": [{"id": p.id, "name": p.name, "due_h": p.due, "due": _t(p.due)}
                   for p in scenario.phases],
        "groups": [{"id": g.id, "name": g.name, "headcount": g.headcount, "teams": g.teams}
                   for g in scenario.groups],
        "resources": [{"id": r.id, "name": r.name, "capacity": r.capacity}
                      for r in scenario.resources],
    }


def schedule(session: Session, view: View) -> list[dict[str, Any]]:
    """One row per activity: actual, planned and baseline times, and why it waited."""
    variant, t = session.current, session.t
    plan = {a.id: a for a in variant.plan.activities}
    base = {a.id: a for a in session.base.baseline.activities}
    acts = {a.id: a for a in variant.scenario.activities}
    for inj in variant.scenario.injects:
        acts.update({a.id: a for a in inj.activities})
    rows = []
    for row in variant.result.activities:
        act, p, b = acts.get(row.id), plan.get(row.id), base.get(row.id)
        start, end = row.start_h, row.end_h
        if view == "participant" and p is None and (start is None or start > t):
            continue  # added by an inject still to come: not even its name yet
        if view == "participant" and (start is None or start > t):
            start = end = None  # not yet begun: the room sees the plan only
        elif view == "participant" and end is not None and end > t:
            end = t
        rows.append({
            "id": row.id, "name": row.name, "phase": row.phase, "start_h": start,
            "end_h": end, "plan_start_h": p.start_h if p else None,
            "plan_end_h": p.end_h if p else None,
            "base_start_h": b.start_h if b else None, "base_end_h": b.end_h if b else None,
            "groups": [f"{g} ({n})" for g, n in act.groups] if act else [],
            "needs": [f"{r} {n}" for r, n in act.needs] if act else [],
            "waited_h": row.waited_h if view == "controller" else None,
            "waited_for": row.waited_for if view == "controller" else "",
            "added_by": row.added_by if view == "controller" else None,
        })
    return rows


def frame_at(replay: Replay, t: float) -> Frame | None:
    """The frame in force at ``t``: the last one at or before it."""
    times = [f.t for f in replay.frames]
    k = bisect.bisect_right(times, t + 1e-9)
    return replay.frames[k - 1] if k else None


def now_json(frame: Frame | None, view: View) -> dict[str, Any]:
    """Who is where, resources in use, what runs and what waits at the frame."""
    if frame is None:
        return {"groups": [], "resources": [], "running": [], "waiting": [], "upcoming": [],
                "phases": [], "finished": 0}
    acts = frame.activities
    names = {a.id: a.name for a in acts}
    return {
        "groups": [{"id": g.id, "name": g.name, "busy": g.busy, "teams": g.teams,
                    "where": [names.get(a, a) for a, _n in g.activities],
                    "where_ids": [a for a, _n in g.activities], "absent": g.absent}
                   for g in frame.groups],
        "resources": [{"id": r.id, "name": r.name, "in_use": r.in_use,
                       "capacity": r.capacity, "base": r.base, "reduced": r.reduced}
                      for r in frame.resources],
        "running": [{"id": a.id, "name": a.name, "since": format_time(a.since),
                     "needs": [f"{rid} {n}" for rid, n in a.needs]}
                    for a in acts if a.state == "running"],
        "waiting": [{"id": a.id, "name": a.name, "state": a.state, "since": format_time(a.since),
                     "why": a.note} for a in acts if a.state != "running"],
        "upcoming": [{"id": u.activity, "name": u.name, "time": format_time(u.t)}
                     for u in frame.upcoming] if view == "controller" else [],
        "phases": [{"id": p.id, "name": p.name, "state": p.state} for p in frame.phases],
        "finished": frame.finished,
    }


def state_json(session: Session, view: View) -> dict[str, Any]:
    """Everything that depends on the clock, for one view."""
    variant, t = session.current, session.t
    result = variant.result
    data = {
        "view": view, "clock": clock_label(variant.scenario, t),
        "scenario": scenario_json(variant.scenario, result),
        "wall_s": session.wall.elapsed(), "wall_paused": session.wall.paused_since is not None,
        "end_h": result.end_h, "horizon_h": max(result.end_h, variant.scenario.planned_end),
        "now": now_json(frame_at(session.replay, t), view),
        "revealed": revealed(result, t, session.held),
        "schedule": schedule(session, view), "total": len(result.activities),
        "version": variant.number,
    }
    if view == "controller":
        data["coming"] = coming(result, t, session.held)
    return data


def board_json(session: Session) -> dict[str, Any]:
    """The controller's static part: scenario, MSEL, edits and the difference."""
    variant = session.current
    skipped = {e.get("inject") for e in variant.edits if e.op == "skip"}
    return {
        "scenario": scenario_json(variant.scenario, variant.result),
        "msel": msel_rows(variant.result, skipped, session.held),
        "edits": [{"index": i, "label": e.label(), **e.as_dict()}
                  for i, e in enumerate(variant.edits)],
        "diff": difference(session.base.baseline, variant.result),
        "observations": [{"inject": o.inject, "time": format_time(o.t), "text": o.text}
                         for o in session.observations],
        "warnings": list(variant.scenario.warnings),
        "end": format_time(variant.result.end_h),
        "late": format_duration(max(0.0, variant.result.end_h - variant.scenario.planned_end)),
    }


def step_time(session: Session, step: str) -> float:
    """The clock time one step away: next hour, next inject, next day, start, end."""
    result, t = session.current.result, session.t
    sc = result.scenario
    if step == "start":
        return 0.0
    if step == "end":
        return result.end_h
    if step == "hour":
        return math.floor(t + 1e-9) + 1.0
    if step == "back":
        return max(0.0, math.ceil(t - 1e-9) - 1.0)
    if step == "day":
        today = (day_of(t) - 1) * 24.0 + sc.calendar.day_start
        return today if today > t + 1e-9 else today + 24.0
    later = sorted(v for v in inject_times(result).values() if v > t + 1e-9)
    return later[0] if later else t


def _t(hours: float | None) -> str:
    return "" if hours is None else format_time(hours)
