"""Durations, ``"D6 10:00"`` times and working-day arithmetic.

Simulation time is a float number of hours from ``D1 00:00``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

HOURS_PER_DAY = 24.0
EPS = 1e-9
DAY = HOURS_PER_DAY

_DURATION_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(min|m|h|d)\s*$")
_UNIT_HOURS = {"min": 1 / 60, "m": 1 / 60, "h": 1.0, "d": HOURS_PER_DAY}
_TIME_RE = re.compile(r"^D(\d{1,5})(?:\s+(\d{1,2}):(\d{2}))?$")
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


class TimeFormatError(ValueError):
    """A duration, time or clock string that cannot be read."""


def parse_duration(value: object) -> float:
    """Read a duration as hours: a number, or ``"90min"``, ``"2h"``, ``"1.5d"``."""
    if isinstance(value, bool):
        raise TimeFormatError(f"expected a duration, found {value!r}")
    if isinstance(value, int | float):
        try:
            hours = float(value)
        except OverflowError:  # an int too large for a float
            raise TimeFormatError("expected a finite duration, found a number too large") from None
    elif isinstance(value, str):
        match = _DURATION_RE.match(value)
        if match is None:
            raise TimeFormatError(
                f'expected a duration such as 2, "90min", "2h" or "1.5d", found {value!r}'
            )
        hours = float(match.group(1)) * _UNIT_HOURS[match.group(2)]
    else:
        raise TimeFormatError(f"expected a duration, found {type(value).__name__}")
    if not math.isfinite(hours):
        raise TimeFormatError(f"expected a finite duration, found {value!r}")
    if hours < 0:
        raise TimeFormatError(f"a duration is never negative, found {value!r}")
    return hours


def parse_clock(value: object) -> float:
    """Read ``"HH:MM"`` as hours after midnight (``"24:00"`` allowed)."""
    if not isinstance(value, str) or (match := _CLOCK_RE.match(value)) is None:
        raise TimeFormatError(f'expected a clock time "HH:MM", found {value!r}')
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute >= 60 or hour > 24 or (hour == 24 and minute):
        raise TimeFormatError(f"no such clock time: {value!r}")
    return hour + minute / 60


@dataclass(frozen=True, slots=True)
class DayTime:
    """A time written ``"D6 10:00"``; ``clock`` is ``None`` for ``"D6"`` (start of working day)."""

    day: int
    clock: float | None = None

    def hours(self, day_start: float) -> float:
        """Hours from ``D1 00:00``."""
        clock = day_start if self.clock is None else self.clock
        return (self.day - 1) * HOURS_PER_DAY + clock

    def __str__(self) -> str:
        if self.clock is None:
            return f"D{self.day}"
        return f"D{self.day} {format_clock(self.clock)}"


def parse_time(value: object) -> DayTime:
    """Read ``"D<day> HH:MM"`` or ``"D<day>"``."""
    if not isinstance(value, str) or (match := _TIME_RE.match(value.strip())) is None:
        raise TimeFormatError(f'expected a time such as "D6 10:00" or "D6", found {value!r}')
    day = int(match.group(1))
    if day < 1:
        raise TimeFormatError(f"days count from D1, found {value!r}")
    if match.group(2) is None:
        return DayTime(day)
    return DayTime(day, parse_clock(f"{match.group(2)}:{match.group(3)}"))


def format_clock(hours: float) -> str:
    """``10.5`` -> ``"10:30"``."""
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_time(hours: float) -> str:
    """Hours from ``D1 00:00`` -> ``"D12 17:30"`` (``"n/a"`` when not a finite time)."""
    if not math.isfinite(hours):
        return "n/a"
    minutes = round(hours * 60)
    day, rest = divmod(minutes, 24 * 60)
    return f"D{day + 1} {rest // 60:02d}:{rest % 60:02d}"


def format_duration(hours: float) -> str:
    """``0.75`` -> ``"45min"``; ``26.5`` -> ``"26h30"``; ``48`` -> ``"48h"``; ``98`` -> ``"4d 2h"``.

    Under 72 hours durations read in hours, as planners say them ("the 48-hour block");
    longer ones in days and hours.
    """
    if not math.isfinite(hours):
        return "n/a" if math.isnan(hours) else "unbounded"
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes}min"
    days, rest = divmod(minutes, 24 * 60)
    if minutes < 72 * 60:
        days, rest = 0, minutes
    h, m = divmod(rest, 60)
    text = f"{days}d " if days else ""
    if days and not rest:
        return text.strip()
    text += f"{h}h" + (f"{m:02d}" if m else "")
    return text.strip()


@dataclass(frozen=True, slots=True)
class Calendar:
    """The working day: its hours, and the rest days (numbered from 1)."""

    day_start: float = 6.0
    day_end: float = 20.0
    rest_days: frozenset[int] = frozenset()

    @property
    def day_length(self) -> float:
        return self.day_end - self.day_start

    def is_working_day(self, day: int) -> bool:
        return day not in self.rest_days


class WorkingTime:
    """Answers "is this working time?" and "when is the next working time?"."""

    __slots__ = ("day_end", "day_length", "day_start", "rest")

    def __init__(self, calendar: Calendar) -> None:
        self.day_start = calendar.day_start
        self.day_end = calendar.day_end
        self.day_length = calendar.day_end - calendar.day_start
        self.rest = calendar.rest_days

    def day_of(self, t: float) -> int:
        """Day number (1-based) of time ``t``."""
        return math.floor((t + EPS) / DAY) + 1

    def window(self, t: float) -> tuple[float, float] | None:
        """The working window ``(start, end)`` containing ``t``, if ``t`` is working time."""
        day = self.day_of(t)
        if day in self.rest:
            return None
        base = (day - 1) * DAY
        start, end = base + self.day_start, base + self.day_end
        if start - EPS <= t < end - EPS:
            return start, end
        return None

    def next_start(self, t: float) -> float:
        """The first working time at or after ``t``."""
        if self.window(t) is not None:
            return t
        day = self.day_of(t)
        base = (day - 1) * DAY
        if t < base + self.day_start - EPS and day not in self.rest:
            return base + self.day_start
        day += 1
        while day in self.rest:
            day += 1
        return (day - 1) * DAY + self.day_start

    def next_day_start(self, t: float) -> float:
        """The start of the first working day that begins after ``t``."""
        day = self.day_of(t)
        if t < (day - 1) * DAY + self.day_start - EPS and day not in self.rest:
            return (day - 1) * DAY + self.day_start
        day += 1
        while day in self.rest:
            day += 1
        return (day - 1) * DAY + self.day_start

    def working_hours(self, t0: float, t1: float) -> float:
        """Working hours between ``t0`` and ``t1``."""
        if t1 <= t0:
            return 0.0
        total = 0.0
        first, last = self.day_of(t0), self.day_of(t1)
        for day in range(first, last + 1):
            if day in self.rest:
                continue
            base = (day - 1) * DAY
            lo, hi = max(t0, base + self.day_start), min(t1, base + self.day_end)
            if hi > lo:
                total += hi - lo
        return total


def calendar_datetime(hours: float, start_date: dt.date) -> dt.datetime:
    """The calendar date and clock time of ``hours`` when D1 is ``start_date``, to the
    minute as :func:`format_time` rounds it (``D2 00:00`` is the day after D1)."""
    return dt.datetime.combine(start_date, dt.time()) + dt.timedelta(minutes=round(hours * 60))


def format_datetime(hours: float | None, start_date: dt.date | None) -> str:
    """``"2021-09-03 10:00"``; empty without a start date or a finite time."""
    if start_date is None or hours is None or not math.isfinite(hours):
        return ""
    return f"{calendar_datetime(hours, start_date):%Y-%m-%d %H:%M}"
