"""An ensemble that also streams the schedule-risk indices (:mod:`sim.ensemble.indices`).

The indices need the chain that set each phase's end, walked back through each run's
event log: the workers walk it where the run is (the batch engine on its arrays) and
send back only which activities were on it (``Packed.phase_critical``), which is
folded into :class:`~sim.ensemble.indices.IndexStats` chunk by chunk. The ensemble's
own statistics get the same records as :func:`sim.ensemble.runs.ensemble` gives them,
so its answers are identical.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.indices import IndexStats
from sim.ensemble.layout import Layout
from sim.ensemble.result import EnsembleResult, Progress
from sim.ensemble.runs import ensemble
from sim.scenario.model import Scenario

# The indices come from every replication by default: the chains are walked where the
# runs are (in the workers, by either engine), so they cost little.
INDEX_RUNS: int | None = None


def ensemble_with_indices(scenario: Scenario, n: int, *, seed: int | None = None,
                          jobs: int = 1, keep: int = 0, executor: Any = None,
                          chunk: int | None = None, progress: Progress | None = None,
                          until: Callable[[EnsembleStats], int] | None = None,
                          engine: str = "auto", index_runs: int | None = INDEX_RUNS
                          ) -> tuple[EnsembleResult, IndexStats]:
    """:func:`sim.ensemble.runs.ensemble`, and the indices of its first ``index_runs``
    replications (``None``: all of them)."""
    indices = IndexStats.of(scenario)
    layout = Layout.of(scenario)
    result = ensemble(scenario, n, seed=seed, jobs=jobs, keep=keep, executor=executor,
                      chunk=chunk, progress=progress, until=until, engine=engine,
                      observe_runs=index_runs,
                      observe=lambda packed: indices.add_packed(packed, layout))
    return result, indices
