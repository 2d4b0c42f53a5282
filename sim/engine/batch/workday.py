"""The working day of :class:`sim.core.timefmt.WorkingTime`, for arrays of times.

Every function answers exactly what its scalar namesake answers for each element (the
same operations on the same doubles, ``EPS`` included), so the batch engine decides at
each time what the event engine's dispatcher decides there.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.core.timefmt import DAY, EPS, Calendar

Times = NDArray[np.float64]
Mask = NDArray[np.bool_]


class WorkdayArrays:
    """Working windows and next working starts of many times at once."""

    def __init__(self, calendar: Calendar, last_day: int) -> None:
        self.day_start = calendar.day_start
        self.day_end = calendar.day_end
        self.day_length = calendar.day_end - calendar.day_start
        top = max([last_day, *calendar.rest_days]) + 2
        rest = np.zeros(top + 2, dtype=bool)
        for day in calendar.rest_days:
            rest[day] = True
        self.rest = rest
        # the first working day after each day (numbered from 1)
        following = np.zeros(top + 2, dtype=np.int64)
        nxt = top + 1
        for day in range(top, -1, -1):
            following[day] = nxt
            if not rest[day]:
                nxt = day
        self.following = following
        self.top = top

    def _day(self, t: Times) -> NDArray[np.int64]:
        day = (np.floor((t + EPS) / DAY) + 1).astype(np.int64)
        return np.minimum(day, self.top)

    def window(self, t: Times) -> tuple[Mask, Times, Times]:
        """Whether each ``t`` is working time, and its window's start and end."""
        day = self._day(t)
        base = (day - 1) * DAY
        start = np.asarray(base + self.day_start, dtype=np.float64)
        end = np.asarray(base + self.day_end, dtype=np.float64)
        inside = ~self.rest[day] & (start - EPS <= t) & (t < end - EPS)
        return inside, start, end

    def next_start(self, t: Times) -> Times:
        """:meth:`WorkingTime.next_start` of each ``t``."""
        inside, _s, _e = self.window(t)
        return np.where(inside, t, self.next_day_start(t))

    def next_day_start(self, t: Times) -> Times:
        """:meth:`WorkingTime.next_day_start` of each ``t``."""
        day = self._day(t)
        base = (day - 1) * DAY
        today = (t < base + self.day_start - EPS) & ~self.rest[day]
        later = self.following[day]
        return np.where(today, base + self.day_start, (later - 1) * DAY + self.day_start)

    def near_day_start(self, t: Times, margin: float) -> Mask:
        """Times just before (within ``margin``) some day's start: where an event of
        another activity might let the dispatcher look at a waiting one early."""
        k = np.ceil((t - self.day_start) / DAY)
        gap = (k * DAY + self.day_start) - t
        return (gap > 0) & (gap <= margin)
