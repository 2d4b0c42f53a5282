"""What-if: two variants run with common random numbers, compared replication by replication."""

from __future__ import annotations

from typing import Any

from sim.ensemble.aggregate import EnsembleStats
from sim.ensemble.chunks import chunks_for
from sim.ensemble.executors import LocalExecutor
from sim.ensemble.holds import holds_as_planned, phase_on_time
from sim.ensemble.layout import Layout
from sim.ensemble.paired import PairedStats
from sim.ensemble.records import Packed
from sim.ensemble.result import CompareResult, EnsembleResult, Progress
from sim.scenario.model import Scenario

__all__ = ["CompareResult", "compare"]


def compare(a: Scenario, b: Scenario, n: int, *, seed: int | None = None, jobs: int = 1,
            executor_a: Any = None, executor_b: Any = None,
            progress: Progress | None = None) -> CompareResult:
    """Run ``n`` replications of each variant with the same seed and pair them up."""
    if n < 1:
        raise ValueError("a comparison needs at least one replication")
    run_seed = seed if seed is not None else (a.seed if a.seed is not None else 0)
    ex_a = executor_a or LocalExecutor(jobs)
    ex_b = executor_b or LocalExecutor(jobs)
    lay_a, lay_b = Layout.of(a), Layout.of(b)
    st_a, st_b = EnsembleStats(lay_a, a.planned_end), EnsembleStats(lay_b, b.planned_end)
    shared = tuple(p for p in lay_a.phases if p in lay_b.phases)
    paired = PairedStats(shared, tuple(p for p in lay_a.limited if p in lay_b.limited))
    plan = chunks_for(n, ex_a.workers)
    missing_a: list[int] = []
    missing_b: list[int] = []
    done = 0
    stream_a = ex_a.map_chunks(a, run_seed, plan, 0)
    stream_b = ex_b.map_chunks(b, run_seed, plan, 0)
    for ((start, stop), recs_a), (_chunk, recs_b) in zip(stream_a, stream_b, strict=True):
        if recs_a is None:
            missing_a.extend(range(start, stop))
        if recs_b is None:
            missing_b.extend(range(start, stop))
        if recs_a is not None:
            st_a.add_all(recs_a)
        if recs_b is not None:
            st_b.add_all(recs_b)
        if recs_a is not None and recs_b is not None:
            for ra, rb in zip(recs_a.records(lay_a), recs_b.records(lay_b), strict=True):
                paired.add(ra, rb, lay_a.phases, lay_b.phases, lay_a.limited, lay_b.limited)
            for fa, fb in zip(_plan_flags(recs_a, lay_a), _plan_flags(recs_b, lay_b),
                              strict=True):
                paired.add_plan(fa[0], fb[0], fa[1], fb[1])
        done += stop - start
        if progress is not None:
            progress(done, n)
    return CompareResult(
        EnsembleResult(a, run_seed, n, st_a, tuple(missing_a), ex_a.name, ex_a.workers),
        EnsembleResult(b, run_seed, n, st_b, tuple(missing_b), ex_b.name, ex_b.workers),
        paired,
    )


def _plan_flags(chunk: Packed, layout: Layout) -> list[tuple[bool, dict[str, bool]]]:
    """Per run of a chunk: held as planned, and each phase with a due time on time."""
    holds = holds_as_planned(chunk.values, layout).tolist()
    on_time = phase_on_time(chunk.values, layout).tolist()
    return [(h, dict(zip(layout.dated, row, strict=True)))
            for h, row in zip(holds, on_time, strict=True)]
