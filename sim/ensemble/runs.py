"""Running an ensemble: ``n`` replications on an executor, statistics streamed in."""

from __future__ import annotations

from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.chunks import chunks_for
from sim.ensemble.engines import batch_chunk_size, choose_engine
from sim.ensemble.executors import LocalExecutor
from sim.ensemble.layout import Layout
from sim.ensemble.result import EnsembleResult, Progress
from sim.scenario.model import Scenario


def ensemble(scenario: Scenario, n: int, *, seed: int | None = None, jobs: int = 1,
             keep: int = 0, executor: Any = None, chunk: int | None = None,
             progress: Progress | None = None, engine: str = "auto") -> EnsembleResult:
    """Run ``n`` replications and stream their statistics.

    ``executor`` is an :class:`~sim.ensemble.executors.Executor`; by default a local process pool
    of ``jobs`` workers (in-process when ``jobs == 1``). ``engine``: ``"auto"`` (the batch
    engine where it is exact, else the event engine), ``"event"`` or ``"batch"``
    (:class:`~sim.ensemble.engines.EngineError` where it is not exact); the numbers are
    the same.
    """
    if n < 1:
        raise ValueError("an ensemble needs at least one replication")
    run_seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)
    runner = executor if executor is not None else LocalExecutor(jobs)
    choice = choose_engine(scenario, engine)
    if choice.name == "batch" and chunk is None:
        chunk = batch_chunk_size(n, runner.workers)
    stats = EnsembleStats(Layout.of(scenario), scenario.planned_end)
    missing: list[int] = []
    done = 0
    plan = chunks_for(n, runner.workers, chunk)
    for (start, stop), records in runner.map_chunks(scenario, run_seed, plan, keep,
                                                      engine=choice.name):
        if records is None:
            missing.extend(range(start, stop))
        else:
            stats.add_all(records)
        done += stop - start
        if progress is not None:
            progress(done, n)
    return EnsembleResult(scenario, run_seed, n, stats, tuple(missing),
                          executor=runner.name, jobs=runner.workers, engine=choice.name,
                          engine_reason=choice.reason)
