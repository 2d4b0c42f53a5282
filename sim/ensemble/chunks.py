"""Units of work: which replications run together, and running one such chunk."""

from __future__ import annotations

import numpy as np

from sim.engine import simulate
from sim.engine.batch.draws import Draws
from sim.engine.run import collector_paused
from sim.ensemble.batch_records import batch_chunk
from sim.ensemble.layout import Layout
from sim.ensemble.records import Packed, pack, record_of
from sim.scenario.model import Scenario


def run_chunk(scenario: Scenario, seed: int, start: int, stop: int,
              keep: int = 0, layout: Layout | None = None, engine: str = "event",
              indexed: int = 0) -> Packed:
    """Replications ``start..stop-1`` (a unit of work for any executor).

    ``layout``: :meth:`Layout.of` the scenario, when the caller keeps it between chunks.
    ``engine``: ``"event"``, or ``"batch"`` for a scenario the batch engine is exact for
    (:func:`sim.engine.batch.batch_verdict`): the same numbers, all at once.
    Replications below ``keep`` come back whole; those below ``indexed`` with each
    phase's critical chain (``Packed.phase_critical``), worked out here, where the
    run's event log is, so that only the chains cross to the caller.
    """
    if layout is None:
        layout = Layout.of(scenario)
    if engine == "batch":
        return batch_chunk(scenario, seed, start, stop, keep, layout, indexed)
    draws = Draws(seed, start, stop)
    given = chunk_durations(scenario, draws)
    fates = chunk_fates(scenario, draws)
    with collector_paused():
        return pack([record_of(simulate(scenario, seed, replication=i,
                                        durations=given[i - start], injects=fates[i - start],
                                        lean=i >= keep),
                               layout, keep=i < keep, chains=i < indexed)
                     for i in range(start, stop)], layout)


def chunk_fates(scenario: Scenario, draws: Draws) -> list[dict[str, tuple[bool, float, float]]]:
    """Each inject's fate (happens, time, delay hours) in the replications of ``draws``,
    drawn at once as :func:`chunk_durations` does."""
    out: list[dict[str, tuple[bool, float, float]]] = [{} for _ in range(draws.n)]
    for inject in scenario.injects:
        happens, when, delay = draws.inject(inject)
        for k, fate in enumerate(zip(happens.tolist(), when.tolist(), delay.tolist(),
                                     strict=True)):
            out[k][inject.id] = fate
    return out


def chunk_durations(scenario: Scenario, draws: Draws) -> list[dict[str, float]]:
    """The random activities' drawn durations in the replications of ``draws``, made at
    once: what each replication's own streams give, without a generator per draw."""
    random = [a for a in scenario.activities if a.duration.is_random]
    if not random:
        return [{} for _ in range(draws.n)]
    columns = draws.durations(random)
    ids = [a.id for a in random]
    return [dict(zip(ids, row, strict=True)) for row in np.stack(columns, axis=1).tolist()]


def chunks_for(n: int, workers: int, size: int | None = None) -> list[tuple[int, int]]:
    """Split replications ``0..n-1`` into chunks: big enough to amortise, enough to balance.

    With no ``size`` given, chunks hold up to 50 runs and grow smaller towards the end
    (a quarter of each worker's share of what is left, down to 5), so the workers
    finish nearly together. Statistics do not depend on how runs are chunked.
    """
    if size:
        return [(start, min(n, start + size)) for start in range(0, n, size)]
    share = 4 * max(1, workers)
    least = max(1, min(5, n // share))
    chunks = []
    start = 0
    while start < n:
        step = max(least, min(50, (n - start) // share))
        chunks.append((start, min(n, start + step)))
        start += step
    return chunks
