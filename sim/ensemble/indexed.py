"""An ensemble that also streams the schedule-risk indices (:mod:`sim.ensemble.indices`).

The indices need each run's event log (to walk back the chain that set each phase's
end), which the compact records do not carry: the runs come back whole from the
executor, chunk by chunk, are folded into :class:`~sim.ensemble.indices.IndexStats`
and dropped. The ensemble's own statistics get the same records as
:func:`sim.ensemble.runs.ensemble` gives them, so its answers are identical.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.chunks import chunks_for
from sim.ensemble.executors import LocalExecutor
from sim.ensemble.indices import IndexStats
from sim.ensemble.layout import Layout
from sim.ensemble.result import EnsembleResult, Progress
from sim.scenario.model import Scenario


def ensemble_with_indices(scenario: Scenario, n: int, *, seed: int | None = None,
                          jobs: int = 1, keep: int = 0, executor: Any = None,
                          chunk: int | None = None, progress: Progress | None = None
                          ) -> tuple[EnsembleResult, IndexStats]:
    """:func:`sim.ensemble.runs.ensemble`, and the indices of the same runs."""
    if n < 1:
        raise ValueError("an ensemble needs at least one replication")
    run_seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)
    runner = executor if executor is not None else LocalExecutor(jobs)
    stats = EnsembleStats(Layout.of(scenario), scenario.planned_end)
    indices = IndexStats.of(scenario)
    missing: list[int] = []
    done = 0
    for (start, stop), records in runner.map_chunks(scenario, run_seed,
                                                    chunks_for(n, runner.workers, chunk), n):
        if records is None:
            missing.extend(range(start, stop))
        else:
            indices.add_runs(r for r in records.full if r is not None)
            kept = tuple(r if i < keep else None
                         for i, r in zip(records.index, records.full, strict=True))
            stats.add_all(replace(records, full=kept))
        done += stop - start
        if progress is not None:
            progress(done, n)
    return (EnsembleResult(scenario, run_seed, n, stats, tuple(missing),
                           executor=runner.name, jobs=runner.workers), indices)
