"""The simulation engine: ``simulate(scenario, seed) -> RunResult``."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sim.core.streams import Streams
from sim.core.timefmt import format_time
from sim.engine.core import Engine
from sim.engine.injects import schedule_injects
from sim.engine.recorder import Event
from sim.engine.state import DONE, PENDING, RUNNING, ActivityRun
from sim.results import RunResult, build_result
from sim.scenario.model import Activity, Scenario

__all__ = ["default_time_cap", "simulate"]


def default_time_cap(scenario: Scenario) -> float:
    """How long a run may go on before it is stopped as stuck: 3x the programme, >= 60 days."""
    return max(3 * scenario.horizon, scenario.horizon + 60 * 24.0)


def simulate(scenario: Scenario, seed: int | None = None, *, replication: int = 0,
             plan: bool = False, time_cap: float | None = None) -> RunResult:
    """Run the scenario once.

    ``seed`` defaults to the scenario's ``seed`` (else 0). ``replication`` selects an
    independent run of the same seed (used by ensembles). ``plan=True`` gives the plan:
    expected durations and no injects.
    """
    run_seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)

    stream_for = Streams(run_seed, replication)
    draws: dict[str, float] = {}

    def draw(act: Activity) -> float:
        if plan or not act.duration.is_random:
            return act.duration.expected()
        hours = draws[act.id] = act.duration.sample(stream_for(act.id))
        return hours

    with _collector_paused():
        return _run(scenario, run_seed, replication, plan, draw, draws, stream_for,
                    time_cap if time_cap is not None else default_time_cap(scenario))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a run.

    A run allocates many long-lived objects (event records, runs, SimPy events) and frees
    few; every full collection walks the whole heap (the scenario included), so the
    collector's cost per activity grows with the scenario. Reference counting still frees
    everything acyclic; cycles left by the run are collected after it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(scenario: Scenario, run_seed: int, replication: int, plan: bool,
         draw: Callable[[Activity], float], draws: dict[str, float], stream_for: Streams,
         time_cap: float) -> RunResult:
    engine = Engine(scenario, draw, time_cap)
    inject_draws = schedule_injects(engine, stream_for, enabled=not plan)
    engine.run()
    end = engine.env.now
    stuck = _explain_stuck(engine) if engine.unfinished or engine.pending_adds else []
    for activity_id, reason in stuck:
        engine.log(Event(end, "stuck", activity_id, reason=reason))
    if not plan:
        for inject in scenario.injects:
            if inject.id not in engine.fired:
                engine.log(Event(end, "inject_skipped", inject=inject.id, reason="after_end"))
    engine.close()
    result = build_result(scenario, run_seed, replication, engine.recorder.events,
                          capped=engine.capped, plan=plan)
    result.extra["draws"] = draws  # drawn durations of random activities (sensitivity)
    result.extra["inject_draws"] = inject_draws
    return result


def _explain_stuck(engine: Engine) -> list[tuple[str, str]]:
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
