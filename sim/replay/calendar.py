"""Calendar helpers of the replay: the day of a time, its date, and the day header line."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only
    from sim.scenario.model import Scenario


def day_of(t: float) -> int:
    """Day number (1-based) of ``t``, consistent with :func:`format_time`'s rounding."""
    return round(t * 60) // (24 * 60) + 1


def date_of(scenario: Scenario, day: int) -> dt.date | None:
    if scenario.start_date is None:
        return None
    return scenario.start_date + dt.timedelta(days=day - 1)


def day_header(scenario: Scenario, day: int) -> str:
    """``"== D2 (2021-08-31) =="``, or ``"== D2 =="`` without a ``start_date``."""
    date = date_of(scenario, day)
    label = f"D{day} ({date.isoformat()})" if date else f"D{day}"
    rest = "  rest day" if day in scenario.calendar.rest_days else ""
    return f"== {label} =={rest}"
