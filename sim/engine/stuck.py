"""Why a run ended with work left: one line per unfinished activity."""

from __future__ import annotations

from sim.core.timefmt import format_time
from sim.engine.simulation import Engine
from sim.engine.state import DONE, PENDING, RUNNING, ActivityRun


def explain_stuck(engine: Engine) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    prefix = f"time cap {format_time(engine.time_cap)} reached; " if engine.capped else ""
    for run in engine.unfinished_runs():
        out.append((run.act.id, prefix + _reason(engine, run)))
    return out


def _reason(engine: Engine, run: ActivityRun) -> str:
    if run.state == PENDING:
        waits = [d.target for d in run.act.after
                 if (engine.phases[d.target].complete is False if d.on_phase
                     else engine.runs.get(d.target) is None
                     or engine.runs[d.target].state != DONE)]
        waits += [f"phase {p}" for p in engine.phase_model[run.act.phase].after
                  if not engine.phases[p].complete]
        return "waits for unfinished " + ", ".join(waits) if waits else "waits for release"
    if run.state == RUNNING:
        return "still running"
    # what holds it beyond the working day, if anything: that is why it is stuck
    blocked = engine.capacity_blocker(run) or run.blocked
    if blocked is None:
        return "ready but not started"
    reason, name = blocked
    if reason == "resource" and name is not None:
        res = engine.resources[name]
        need = dict(run.act.needs)[name]
        text = f"needs {name} x{need}, capacity {res.now}"
        if res.last_change:
            text += f" since {res.last_change}"
        return text + (f", {res.in_use} in use" if res.in_use else "")
    if reason == "group_unavailable" and name is not None:
        return f"group {name} unavailable since {engine.groups[name].last_change}"
    if reason == "group" and name is not None:
        return f"needs group {name}, {engine.groups[name].free} teams free"
    return "waits for working time"
