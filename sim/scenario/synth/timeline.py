"""The generated programme's working day, and its times as a scenario file writes them.

The working day runs 06:00-20:00 and every seventh day is a rest day; times are
hours from ``D1 00:00``.
"""

from __future__ import annotations

DAY_START, DAY_END = 6.0, 20.0
DAY_HOURS = DAY_END - DAY_START  # working hours per day
MAX_DAYS = 3660  # the format's limit on `days`
REST_EVERY = 7  # every seventh day is a rest day


def is_rest(day: int) -> bool:
    return day % REST_EVERY == 0


def add_working_hours(t: float, hours: float) -> float:
    """The time ``hours`` working hours after ``t`` (working day 06:00-20:00, rest days off)."""
    day = int(t // 24) + 1
    clock = max(t - (day - 1) * 24.0, DAY_START)
    while True:
        if clock >= DAY_END or is_rest(day):
            day, clock = day + 1, DAY_START
            continue
        left = DAY_END - clock
        if hours <= left:
            return (day - 1) * 24.0 + clock + hours
        hours -= left
        day, clock = day + 1, DAY_START


def clock_text(hours: float) -> str:
    """``6.5`` -> ``"06:30"``."""
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def time_text(t: float) -> str:
    """Hours from D1 00:00 -> ``"D<day> HH:MM"``."""
    minutes = round(t * 60)
    day, rest = divmod(minutes, 24 * 60)
    return f"D{day + 1} {rest // 60:02d}:{rest % 60:02d}"


def cap_time(text: str, days: int) -> str:
    """A time no later than the end of the working day on day ``days``."""
    day = int(text[1:].split()[0])
    return text if day <= days else f"D{days} {clock_text(DAY_END)}"
