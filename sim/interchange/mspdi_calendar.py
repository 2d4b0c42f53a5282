"""The base calendar of an MSPDI file: the scenario's working day on all seven days, and its
rest days as non-working exceptions (Project 2007's ``WeekDay`` with ``DayType`` 0)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable

from sim.core.timefmt import format_clock
from sim.interchange.dates import RunClock
from sim.scenario.model import Scenario

CALENDAR_NAME = "tabletop working day"


def _clock_text(hours: float) -> str:
    """``"06:00:00"``; the end of the day (24:00) is written ``"00:00:00"``, as Project does."""
    return f"{format_clock(hours % 24)}:00"


def add_calendar(root: ET.Element, scenario: Scenario, q: Callable[[str], str],
                 clock: RunClock) -> None:
    """``<Calendars>`` with calendar UID 1, the one the project and its resources use."""

    def add(parent: ET.Element, tag: str, text: object) -> ET.Element:
        element = ET.SubElement(parent, q(tag))
        element.text = str(text)
        return element

    cal = scenario.calendar
    calendars = ET.SubElement(root, q("Calendars"))
    calendar = ET.SubElement(calendars, q("Calendar"))
    add(calendar, "UID", 1)
    add(calendar, "Name", CALENDAR_NAME)
    add(calendar, "IsBaseCalendar", 1)
    add(calendar, "BaseCalendarUID", -1)
    week = ET.SubElement(calendar, q("WeekDays"))
    for day_type in range(1, 8):  # 1 Sunday ... 7 Saturday: every day is a working day
        day = ET.SubElement(week, q("WeekDay"))
        add(day, "DayType", day_type)
        add(day, "DayWorking", 1)
        times = ET.SubElement(ET.SubElement(day, q("WorkingTimes")), q("WorkingTime"))
        add(times, "FromTime", _clock_text(cal.day_start))
        add(times, "ToTime", _clock_text(cal.day_end))
    for rest in sorted(cal.rest_days):
        day = ET.SubElement(week, q("WeekDay"))
        add(day, "DayType", 0)  # an exception for the period below
        add(day, "DayWorking", 0)
        period = ET.SubElement(day, q("TimePeriod"))
        midnight = clock.local((rest - 1) * 24.0)
        add(period, "FromDate", midnight.isoformat(timespec="seconds"))
        last = midnight + dt.timedelta(hours=23, minutes=59)
        add(period, "ToDate", last.isoformat(timespec="seconds"))
