"""The columns of a CSV table that say its times for people.

Every time column in hours (``start_h``, hours from D1 00:00, kept for analysis) gets two
more, written after all the existing columns so that scripts reading by name or by
position keep working: ``start_at``, the day and clock time (``D6 10:00``), and
``start_datetime``, the calendar date and time (``2021-09-03 10:00``; empty when the
scenario has no ``start_date``). An empty or non-finite time gives empty cells.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from sim.core.timefmt import format_datetime, format_time


def clock_columns(time_columns: Sequence[str]) -> tuple[str, ...]:
    """``("start_h", "end_mean_h_lo")`` -> ``("start_at", "start_datetime", "end_mean_lo_at",
    "end_mean_lo_datetime")``: the names of the added columns."""
    names: list[str] = []
    for column in time_columns:
        stem = column.replace("_h_", "_") if "_h_" in column else column.removesuffix("_h")
        names += [f"{stem}_at", f"{stem}_datetime"]
    return tuple(names)


def clock_cells(hours: Sequence[float | None], start_date: dt.date | None) -> list[str]:
    """The cells of :func:`clock_columns` for one row's times, in the same order."""
    cells: list[str] = []
    for value in hours:
        if value is None or not math.isfinite(value):
            cells += ["", ""]
        else:
            cells += [format_time(value), format_datetime(value, start_date)]
    return cells


def day_date(day: int, start_date: dt.date | None) -> str:
    """The calendar date of day ``day`` (1-based), ISO; empty without a start date."""
    return "" if start_date is None else (start_date + dt.timedelta(days=day - 1)).isoformat()
