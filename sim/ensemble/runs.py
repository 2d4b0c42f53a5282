"""Running an ensemble: ``n`` replications on an executor, statistics streamed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.chunks import chunks_for
from sim.ensemble.engines import batch_chunk_size, choose_engine
from sim.ensemble.executors import LocalExecutor
from sim.ensemble.layout import Layout
from sim.ensemble.records import Packed
from sim.ensemble.result import EnsembleResult, Progress
from sim.scenario.model import Scenario


def ensemble(scenario: Scenario, n: int, *, seed: int | None = None, jobs: int = 1,
             keep: int = 0, executor: Any = None, chunk: int | None = None,
             progress: Progress | None = None,
             until: Callable[[EnsembleStats], int] | None = None,
             observe: Callable[[Packed], None] | None = None, observe_runs: int | None = None,
             engine: str = "auto") -> EnsembleResult:
    """Run ``n`` replications and stream their statistics.

    ``executor`` is an :class:`~sim.ensemble.executors.Executor`; by default a local process pool
    of ``jobs`` workers (in-process when ``jobs == 1``). ``engine``: ``"auto"`` (the batch
    engine where it is exact, else the event engine), ``"event"`` or ``"batch"``
    (:class:`~sim.ensemble.engines.EngineError` where it is not exact); the numbers are
    the same. ``until`` runs them in rounds: given the statistics so far, it says how many
    completed replications to have after the next round (e.g. a ``PrecisionTarget``);
    they stop when it asks for no more, or at ``n``. Replication ``i`` is the same
    whatever the rounds: stopping at ``m`` gives the figures of ``ensemble(scenario, m)``.
    ``observe`` is given every chunk, in replication order, with each phase's critical
    chain (``Packed.phase_critical``) of the first ``observe_runs`` runs (all by
    default), worked out where the runs are (by either engine), for the risk indices.
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
    target = n if until is None else min(n, until(stats))
    indexed = 0 if observe is None else min(n, observe_runs or n)
    while done < target:
        plan = [(done + a, done + b) for a, b in chunks_for(target - done, runner.workers,
                                                            chunk)]
        for (start, stop), records in runner.map_chunks(scenario, run_seed, plan, keep,
                                                          engine=choice.name, indexed=indexed):
            if records is None:
                missing.extend(range(start, stop))
            else:
                _fold(stats, records, observe)
            done += stop - start
            if progress is not None:
                progress(done, n)
        if until is not None:  # the next round: what is still wanted, over missing runs
            target = min(n, done + max(0, until(stats) - stats.n))
    return EnsembleResult(scenario, run_seed, done, stats, tuple(missing),
                          executor=runner.name, jobs=runner.workers, engine=choice.name,
                          engine_reason=choice.reason)



def _fold(stats: EnsembleStats, records: Packed,
          observe: Callable[[Packed], None] | None) -> None:
    stats.add_all(records)
    if observe is not None:
        observe(records)
