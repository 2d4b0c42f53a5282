"""A run as iCalendar files (RFC 5545): one calendar per group and one per resource.

Each activity that ran is an event at its real date and clock time (``start_date`` and
``time_zone`` of the scenario: :mod:`sim.interchange.dates`). Everything in a file derives
from the run alone, so exporting the same run twice gives the same bytes:

- each event's ``UID`` is derived from the scenario's name, the activity (instance) id and
  the group or resource whose calendar holds it, never from a time or a random number,
  so a calendar that imports a file twice keeps one copy of each event;
- ``DTSTAMP`` (and ``LAST-MODIFIED``) is the run's own time, given by the caller (the
  command gives the time its run directory was written), not the moment of the export: a
  later run of the same scenario has a later stamp, so a calendar that already holds its
  events can tell the newer times. Without one it is the start of day 1.

Without a ``time_zone`` the times are *floating* (RFC 5545 section 3.3.5): the same clock
time wherever the calendar is opened, as a printed timetable reads.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar

from sim.core.files import slug
from sim.core.version import __version__
from sim.interchange.dates import RunClock, run_clock
from sim.interchange.schedule import Schedule, Scheduled, notes_of, printable, schedule_of
from sim.results import RunResult

# Fixed forever: a UID derived under it must be the same in every release.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tabletop-sim.invalid/ics-event")
PRODID = f"-//tabletop//tabletop-sim {__version__}//EN"


@dataclass(frozen=True)
class CalendarSet:
    """The ``.ics`` files of one run (name -> bytes), and what the reader should know."""

    files: dict[str, bytes]
    events: dict[str, int]  # file name -> number of events
    titles: dict[str, str]  # file name -> the group's or resource's name
    floating: bool  # no time zone: floating local times
    left_out: tuple[str, ...]  # activities that never finished, so have no event


def event_uid(scenario_name: str, activity_id: str, kind: str, member_id: str) -> str:
    """The stable UID of one activity's event in the calendar of one group or resource."""
    key = "\n".join((scenario_name, activity_id, kind, member_id))
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@tabletop"


def calendar_set(result: RunResult, plan: RunResult | None = None,
                 stamp: dt.datetime | None = None) -> CalendarSet:
    """The calendars of ``result``: ``group-<id>.ics`` for each group and
    ``resource-<id>.ics`` for each resource; ``plan`` adds the planned times to each event,
    ``stamp`` (an aware time: when the run was made) is every event's ``DTSTAMP``.

    Raises :class:`sim.interchange.dates.NoStartDate` when the scenario has no start date.
    """
    sc = result.scenario
    clock = run_clock(sc, "a calendar export")
    schedule = schedule_of(result, plan)
    when = (stamp or clock.utc(0.0)).astimezone(dt.UTC).replace(microsecond=0)
    members = [("group", g.id, g.name) for g in sc.groups]
    members += [("resource", r.id, r.name) for r in sc.resources]
    files: dict[str, bytes] = {}
    events: dict[str, int] = {}
    titles: dict[str, str] = {}
    for kind, ident, name in members:
        chosen = _members_items(schedule, kind, ident)
        file_name = _free_name(f"{kind}-{slug(ident)}.ics", files)
        cal = _calendar(sc.name, f"{sc.name}: {name}", clock, sc.time_zone)
        for item in chosen:
            cal.add_component(_event(item, clock, when, sc.name, kind, ident))
        if clock.zone is not None:
            cal.add_missing_timezones()  # the VTIMEZONE that the TZIDs name
        files[file_name] = cal.to_ical()
        events[file_name] = len(chosen)
        titles[file_name] = name
    return CalendarSet(files, events, titles, clock.zone is None, schedule.left_out)


def _members_items(schedule: Schedule, kind: str, ident: str) -> list[Scheduled]:
    chosen = [s for s in schedule.items
              if any(m[0] == ident for m in (s.groups if kind == "group" else s.resources))]
    return sorted(chosen, key=lambda s: (s.start_h, s.activity.order))


def _free_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name`` numbered when two ids give the same file name."""
    used = set(taken)
    stem, k = name.removesuffix(".ics"), 2
    while name in used:
        name, k = f"{stem}-{k}.ics", k + 1
    return name


def _calendar(scenario_name: str, title: str, clock: RunClock,
              zone: str | None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", printable(title))
    cal.add("x-wr-caldesc", printable(f"{scenario_name}: one simulated run, from D1 = "
                                      f"{clock.start_date.isoformat()}"))
    if zone is not None:
        cal.add("x-wr-timezone", zone)
    return cal


def _event(item: Scheduled, clock: RunClock, stamp: dt.datetime, scenario_name: str,
           kind: str, ident: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", event_uid(scenario_name, item.row.id, kind, ident))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    start, end = clock.at(item.start_h), clock.at(item.end_h)
    event.add("dtstart", start)
    if end > start:  # RFC 5545: DTEND is later than DTSTART; a milestone has none
        event.add("dtend", end)
    event.add("summary", printable(item.row.name))
    if item.resources:
        event.add("location", printable(", ".join(name for _, name, _ in item.resources)))
    event.add("description", printable("\n".join(notes_of(item))))
    event.add("categories", [printable(item.phase_name)])
    event.add("x-tabletop-activity", item.row.id)  # for scripts: the activity (instance) id
    return event
