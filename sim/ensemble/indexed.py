"""An ensemble that also streams the schedule-risk indices (:mod:`sim.ensemble.indices`).

The indices need each run's event log (to walk back the chain that set each phase's
end), which the compact records do not carry: the first ``INDEX_RUNS`` runs come back
whole from the executor, chunk by chunk, are folded into
:class:`~sim.ensemble.indices.IndexStats` and dropped. The ensemble's own statistics
get the same records as :func:`sim.ensemble.runs.ensemble` gives them, so its answers
are identical.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.indices import IndexStats
from sim.ensemble.result import EnsembleResult, Progress
from sim.ensemble.runs import ensemble
from sim.scenario.model import Scenario

# The indices read each run's event log, which only the event engine writes: they come
# from the first 1,000 replications (their intervals say how precise that is), so the
# rest can run on the batch engine where it is exact.
INDEX_RUNS = 1000


def ensemble_with_indices(scenario: Scenario, n: int, *, seed: int | None = None,
                          jobs: int = 1, keep: int = 0, executor: Any = None,
                          chunk: int | None = None, progress: Progress | None = None,
                          until: Callable[[EnsembleStats], int] | None = None,
                          engine: str = "auto", index_runs: int | None = INDEX_RUNS
                          ) -> tuple[EnsembleResult, IndexStats]:
    """:func:`sim.ensemble.runs.ensemble`, and the indices of its first ``index_runs``
    replications (``None``: all of them)."""
    indices = IndexStats.of(scenario)
    result = ensemble(scenario, n, seed=seed, jobs=jobs, keep=keep, executor=executor,
                      chunk=chunk, progress=progress, until=until, engine=engine,
                      observe_runs=index_runs,
                      observe=lambda records: indices.add_runs(
                          r for r in records.full if r is not None))
    return result, indices
