"""Whether a replication holds as planned: every phase by its due time, every limit kept.

The flags come from the numbers a record already holds (its phase lateness, its limit
breaches and whether the programme ended on time), a column at a time, so the packed
records need no new column.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.ensemble.layout import Layout

EPS = 1e-9  # as in sim.results.build: a phase ending at its due time is on time


def phase_on_time(values: NDArray[np.float64], layout: Layout) -> NDArray[np.bool_]:
    """``[run, dated phase]``: the phase finished by its due time (an unfinished phase is
    not on time), for the phases of ``layout.dated`` in that order."""
    c = layout.columns
    late = values[:, c.phase_late]
    at = [layout.phases.index(p) for p in layout.dated]
    dated = late[:, at]
    with np.errstate(invalid="ignore"):
        return np.asarray(~np.isnan(dated) & (dated <= EPS), dtype=bool)


def limits_kept(values: NDArray[np.float64], layout: Layout) -> NDArray[np.bool_]:
    """``[run, limited phase]``: the phase stayed within its limit (an unfinished phase
    did not)."""
    return np.asarray(values[:, layout.columns.phase_breach] < 0.5, dtype=bool)


def holds_as_planned(values: NDArray[np.float64], layout: Layout) -> NDArray[np.bool_]:
    """``[run]``: the programme ended by its planned end, every phase with a due time
    finished by it and every phase with a limit stayed within it: the AND of
    :func:`phase_on_time`, :func:`limits_kept` and the programme's own on-time flag."""
    on_time = values[:, 2] > 0.5
    return np.asarray(on_time & phase_on_time(values, layout).all(axis=1)
                      & limits_kept(values, layout).all(axis=1), dtype=bool)
