"""Monte Carlo ensembles: many replications, statistics streamed as runs come in.

Replication ``i`` of seed ``s`` draws every random number from streams keyed by
``(s, i, entity id)``, so results are identical whatever executor or worker
count runs them, and two variants run with the same seed share their draws
(common random numbers). Records are folded into the statistics in
replication order, so floating-point sums are identical too.

The parts: :mod:`~sim.ensemble.layout` and :mod:`~sim.ensemble.records` (what one run
gives), :mod:`~sim.ensemble.aggregate` (EnsembleStats), :mod:`~sim.ensemble.result`
(EnsembleResult, CompareResult), :mod:`~sim.ensemble.chunks` (run_chunk, chunks_for),
:mod:`~sim.ensemble.runs` (ensemble), :mod:`~sim.ensemble.executors`,
:mod:`~sim.ensemble.compare`, :mod:`~sim.ensemble.sweep`, the statistics in
:mod:`~sim.ensemble.stats`, and what the headlines are made of:
:mod:`~sim.ensemble.holds` (does a run hold as planned), :mod:`~sim.ensemble.phase_risk`
(risk per phase), :mod:`~sim.ensemble.precision` (intervals, replications needed,
``--until-precision``) and :mod:`~sim.ensemble.variants` (what a variant is called).
The names below are here for users; each is loaded on first use, so that reading
results (``sim.ensemble.stats``, ``risk``, ``labels``...) never loads the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.lazy import lazy_names

if TYPE_CHECKING:
    from sim.ensemble.aggregate import EnsembleStats
    from sim.ensemble.chunks import chunks_for, run_chunk
    from sim.ensemble.layout import Columns, Layout
    from sim.ensemble.records import Packed, Record, daily_utilisation, pack, record_of
    from sim.ensemble.result import CompareResult, EnsembleResult, Progress
    from sim.ensemble.runs import ensemble

# public name -> the module that defines it
_LAZY = {
    "EnsembleStats": "sim.ensemble.aggregate",
    "chunks_for": "sim.ensemble.chunks",
    "run_chunk": "sim.ensemble.chunks",
    "Columns": "sim.ensemble.layout",
    "Layout": "sim.ensemble.layout",
    "Packed": "sim.ensemble.records",
    "Record": "sim.ensemble.records",
    "daily_utilisation": "sim.ensemble.records",
    "pack": "sim.ensemble.records",
    "record_of": "sim.ensemble.records",
    "CompareResult": "sim.ensemble.result",
    "EnsembleResult": "sim.ensemble.result",
    "Progress": "sim.ensemble.result",
    "ensemble": "sim.ensemble.runs",
}

__all__ = ["Columns", "CompareResult", "EnsembleResult", "EnsembleStats", "Layout", "Packed",
           "Progress", "Record", "chunks_for", "daily_utilisation", "ensemble", "pack",
           "record_of", "run_chunk"]


__getattr__ = lazy_names(__name__, _LAZY)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
