"""Running an ensemble: ``n`` replications on an executor, statistics streamed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.chunks import chunks_for
from sim.ensemble.executors import LocalExecutor
from sim.ensemble.layout import Layout
from sim.ensemble.result import EnsembleResult, Progress
from sim.scenario.model import Scenario


def ensemble(scenario: Scenario, n: int, *, seed: int | None = None, jobs: int = 1,
             keep: int = 0, executor: Any = None, chunk: int | None = None,
             progress: Progress | None = None,
             until: Callable[[EnsembleStats], int] | None = None) -> EnsembleResult:
    """Run ``n`` replications and stream their statistics.

    ``executor`` is an :class:`~sim.ensemble.executors.Executor`; by default a local process pool
    of ``jobs`` workers (in-process when ``jobs == 1``). ``until`` runs them in rounds:
    given the statistics so far, it says how many completed replications to have after
    the next round (e.g. :class:`~sim.ensemble.precision.PrecisionTarget`); the rounds
    stop when it asks for no more, or at ``n``. Replication ``i`` is the same whatever
    the rounds, so stopping at ``m`` gives the figures of ``ensemble(scenario, m)``.
    """
    if n < 1:
        raise ValueError("an ensemble needs at least one replication")
    run_seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)
    runner = executor if executor is not None else LocalExecutor(jobs)
    stats = EnsembleStats(Layout.of(scenario), scenario.planned_end)
    missing: list[int] = []
    done = 0
    target = n if until is None else min(n, until(stats))
    while done < target:
        plan = [(done + a, done + b) for a, b in chunks_for(target - done, runner.workers,
                                                            chunk)]
        for (start, stop), records in runner.map_chunks(scenario, run_seed, plan, keep):
            if records is None:
                missing.extend(range(start, stop))
            else:
                stats.add_all(records)
            done += stop - start
            if progress is not None:
                progress(done, n)
        if until is not None:  # the next round: what is still wanted, over missing runs
            target = min(n, done + max(0, until(stats) - stats.n))
    return EnsembleResult(scenario, run_seed, done, stats, tuple(missing),
                          executor=runner.name, jobs=runner.workers)
