"""Real dates for a run's times: hours from ``D1 00:00`` on the scenario's ``start_date``.

A run's clock counts hours from midnight at the start of day 1, and its days are calendar
days: ``"D6 10:00"`` is ten o'clock on the sixth day, whatever the season. So hour ``h`` is
the local wall-clock time ``start_date 00:00 + h``, and a time zone, when the scenario
names one, only says where that wall clock hangs (a 10:00 session stays at 10:00 across a
change to summer time). Times are rounded to the minute, as ``format_time`` shows them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sim.core.errors import TabletopError
from sim.scenario.model import Scenario


class NoStartDate(TabletopError):
    """The scenario of a run has no ``start_date``, so its times have no calendar dates."""


@dataclass(frozen=True, slots=True)
class RunClock:
    """Turns a run's hours into dates: naive local times, or aware ones in ``zone``."""

    start_date: dt.date
    zone: zoneinfo.ZoneInfo | None = None

    def local(self, hours: float) -> dt.datetime:
        """The wall-clock time of ``hours`` (naive), rounded to the minute."""
        midnight = dt.datetime.combine(self.start_date, dt.time())
        return midnight + dt.timedelta(minutes=round(hours * 60))

    def at(self, hours: float) -> dt.datetime:
        """:meth:`local`, carrying the zone when there is one (floating without)."""
        moment = self.local(hours)
        return moment if self.zone is None else moment.replace(tzinfo=self.zone)

    def utc(self, hours: float) -> dt.datetime:
        """The moment of ``hours`` in UTC; a run without a zone is read as UTC."""
        moment = self.local(hours)
        if self.zone is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.replace(tzinfo=self.zone).astimezone(dt.UTC)


def run_clock(scenario: Scenario, what: str) -> RunClock:
    """The clock of ``scenario``; :class:`NoStartDate` (naming ``what`` needs it) without one."""
    if scenario.start_date is None:
        raise NoStartDate(
            f"{scenario.file}: the scenario has no start_date, so its times have no calendar "
            f"dates; {what} needs them. Add the date of day 1 at the top level of the "
            "scenario, e.g. `start_date: 2021-08-30` (and `time_zone: Asia/Almaty` for the "
            "zone of its clock times), then run it again")
    zone = zoneinfo.ZoneInfo(scenario.time_zone) if scenario.time_zone else None
    return RunClock(scenario.start_date, zone)


def duration_text(hours: float) -> str:
    """``26.5`` -> ``"PT26H30M0S"``: an ISO 8601 duration, rounded to the minute."""
    minutes = round(max(hours, 0.0) * 60)
    return f"PT{minutes // 60}H{minutes % 60}M0S"
