"""Running an ensemble: ``n`` replications on an executor, statistics streamed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
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
    ``observe`` is given every chunk with the first ``observe_runs`` runs (all by
    default) whole, with their event logs, for analyses the compact records cannot
    serve; those runs come from the event engine (the batch engine keeps no log) and
    are dropped after it (but the first ``keep``), so the statistics are the same.
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
    whole = keep if observe is None else max(keep, min(n, observe_runs or n))
    while done < target:
        plan = [(done + a, done + b) for a, b in chunks_for(target - done, runner.workers,
                                                            chunk)]
        for (start, stop), records in runner.map_chunks(scenario, run_seed, plan, whole,
                                                          engine=choice.name):
            if records is None:
                missing.extend(range(start, stop))
            else:
                stats.add_all(records if observe is None else _observed(records, observe, keep))
            done += stop - start
            if progress is not None:
                progress(done, n)
        if until is not None:  # the next round: what is still wanted, over missing runs
            target = min(n, done + max(0, until(stats) - stats.n))
    return EnsembleResult(scenario, run_seed, done, stats, tuple(missing),
                          executor=runner.name, jobs=runner.workers, engine=choice.name,
                          engine_reason=choice.reason)


def _observed(records: Packed, observe: Callable[[Packed], None], keep: int) -> Packed:
    """The chunk shown to ``observe``, then without the whole runs past the first ``keep``."""
    observe(records)
    return replace(records, full=tuple(r if i < keep else None
                                       for i, r in zip(records.index, records.full, strict=True)))
