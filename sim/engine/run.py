"""``simulate(scenario, seed) -> RunResult``: one run, from draws to the result tables."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from sim.core.streams import Streams
from sim.engine.injects import Fate, schedule_injects
from sim.engine.lean import lean_activity_rows
from sim.engine.recorder import Event
from sim.engine.simulation import Engine
from sim.engine.stuck import explain_stuck
from sim.results import RunResult, build_result
from sim.results.build import lean_result
from sim.scenario.model import Activity, Scenario


def default_time_cap(scenario: Scenario) -> float:
    """How long a run may go on before it is stopped as stuck: 3x the programme, >= 60 days."""
    return max(3 * scenario.horizon, scenario.horizon + 60 * 24.0)


def simulate(scenario: Scenario, seed: int | None = None, *, replication: int = 0,
             plan: bool = False, time_cap: float | None = None,
             durations: Mapping[str, float] | None = None,
             injects: Mapping[str, Fate] | None = None, lean: bool = False) -> RunResult:
    """Run the scenario once.

    ``seed`` defaults to the scenario's ``seed`` (else 0). ``replication`` selects an
    independent run of the same seed (used by ensembles). ``plan=True`` gives the plan:
    expected durations and no injects. ``durations``: the draws of random activities'
    durations when the caller has made them already (an ensemble makes them for many
    replications at once, :class:`sim.engine.batch.draws.Draws`: the same numbers), and
    ``injects`` the injects' fates, likewise.
    ``lean=True``: only what an ensemble's statistics read: no group table, waits or
    bottlenecks, and a log without ``ready``, ``start``, ``resume`` and ``blocked``
    records (the activity and resource tables are the engine's own counts,
    :mod:`sim.engine.lean`: the same numbers); a single run keeps the full log and tables.
    """
    run_seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)

    stream_for = Streams(run_seed, replication)
    draws: dict[str, float] = {}
    given = durations if durations is not None and not plan else {}

    def draw(act: Activity) -> float:
        if plan or not act.duration.is_random:
            return act.duration.expected()
        hours = given.get(act.id)
        if hours is None:
            hours = act.duration.sample(stream_for(act.id))
        draws[act.id] = hours
        return hours

    with collector_paused():
        return _run(scenario, run_seed, replication, plan, draw, draws, stream_for,
                    time_cap if time_cap is not None else default_time_cap(scenario),
                    lean, injects)


@contextmanager
def collector_paused() -> Iterator[None]:
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
         time_cap: float, lean: bool = False,
         fates: Mapping[str, Fate] | None = None) -> RunResult:
    engine = Engine(scenario, draw, time_cap, lean=lean)
    inject_draws = schedule_injects(engine, stream_for, enabled=not plan, given=fates)
    engine.run()
    end = engine.env.now
    stuck = explain_stuck(engine) if engine.unfinished or engine.pending_adds else []
    for activity_id, reason in stuck:
        engine.log(Event(end, "stuck", activity_id, reason=reason))
    if not plan:
        for inject in scenario.injects:
            if inject.id not in engine.fired:
                engine.log(Event(end, "inject_skipped", inject=inject.id, reason="after_end"))
    if lean:
        rows = lean_activity_rows(engine)
        engine.close()
        usage = {rid: res.steps or [] for rid, res in engine.resources.items()}
        result = lean_result(scenario, run_seed, replication, engine.recorder.events, rows,
                             usage, capped=engine.capped, plan=plan)
    else:
        engine.close()
        result = build_result(scenario, run_seed, replication, engine.recorder.events,
                              capped=engine.capped, plan=plan)
    engine.let_go()
    result.extra["draws"] = draws  # drawn durations of random activities (sensitivity)
    result.extra["inject_draws"] = inject_draws
    return result
