"""A run as a Microsoft Project XML file (MSPDI), for Microsoft Project and ProjectLibre.

The file holds:

- task 0, the project summary; one summary task per phase (WBS ``1``, ``2``...) with its
  activities below it (``1.1``, ``1.2``...), each at the run's actual start and finish;
- durations as *elapsed* time (``DurationFormat`` 6, "ehrs"): the run's activities pause
  overnight and for injects, so elapsed time is what reproduces their dates exactly; each
  activity is held at its start by a "start no earlier than" constraint, since what made
  it wait (a busy resource or group) is not a link;
- the ``after`` dependencies as finish-to-start links with their lags (elapsed, like the
  scenario's); a phase named in ``after`` links to that phase's summary task;
- resources (work resources, ``MaxUnits`` from their capacity) and the groups as
  resources too (``MaxUnits`` from their teams), and an assignment per activity and
  resource or group it uses;
- the plan's times (expected durations, no injects) as baseline 0, when a plan is given;
- one base calendar: the scenario's working day on every day, rest days off.

Element order follows the sequences of Microsoft's published schema (mspdi_pj12.xsd);
numbering (UID and ID) starts at 1, with task 0 the project summary, as Project writes it.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from sim.core.timefmt import format_clock
from sim.interchange.dates import RunClock, duration_text, run_clock
from sim.interchange.mspdi_calendar import add_calendar
from sim.interchange.schedule import Schedule, Scheduled, notes_of, printable, schedule_of
from sim.results import RunResult
from sim.results.rows import PhaseRow

NS = "http://schemas.microsoft.com/project"
SAVE_VERSION = "12"  # Project 2007: the version of the schema whose element order is used
FS_LINK = "1"  # PredecessorLink Type: 0 FF, 1 FS, 2 SF, 3 SS
ELAPSED_HOURS = "6"  # DurationFormat / LagFormat: 5 h, 6 eh (elapsed hours), 7 d
START_NO_EARLIER_THAN = "4"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _add(parent: ET.Element, tag: str, text: object) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    element.text = printable(str(text))
    return element


class _Dates:
    """MSPDI dateTimes: local wall-clock time without a zone, as Project writes them."""

    def __init__(self, clock: RunClock) -> None:
        self.clock = clock

    def __call__(self, hours: float) -> str:
        return self.clock.local(hours).isoformat(timespec="seconds")


def project_xml(result: RunResult, plan: RunResult | None = None) -> bytes:
    """The MSPDI document of ``result``: UTF-8 with its XML declaration.

    Raises :class:`sim.interchange.dates.NoStartDate` when the scenario has no start date.
    """
    sc = result.scenario
    clock = run_clock(sc, "a project file")
    dates = _Dates(clock)
    schedule = schedule_of(result, plan)
    root = ET.Element(_q("Project"))
    start = min((s.start_h for s in schedule.items), default=0.0)
    finish = max((s.end_h for s in schedule.items), default=0.0)
    _header(root, result, dates(start), dates(finish))
    add_calendar(root, sc, _q, clock)
    uids = _tasks(root, result, schedule, dates, plan)
    resource_uids = _resources(root, result)
    _assignments(root, schedule, uids, resource_uids, dates)
    ET.indent(root, space="  ")
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="UTF-8", xml_declaration=True,
                               default_namespace=NS)
    return buffer.getvalue() + b"\n"


def _header(root: ET.Element, result: RunResult, start: str, finish: str) -> None:
    sc = result.scenario
    cal = sc.calendar
    _add(root, "SaveVersion", SAVE_VERSION)
    _add(root, "Name", f"{sc.name}.xml"[:255])
    _add(root, "Title", sc.name[:512])
    _add(root, "Subject", f"one simulated run, seed {result.seed}"[:512])
    _add(root, "Author", "tabletop")
    _add(root, "ScheduleFromStart", 1)
    _add(root, "StartDate", start)
    _add(root, "FinishDate", finish)
    _add(root, "CurrencyCode", "USD")  # required by the schema; no costs are written
    _add(root, "CalendarUID", 1)
    _add(root, "DefaultStartTime", f"{format_clock(cal.day_start)}:00")
    _add(root, "DefaultFinishTime", f"{format_clock(cal.day_end % 24)}:00")
    minutes = round(cal.day_length * 60)
    _add(root, "MinutesPerDay", minutes)
    _add(root, "MinutesPerWeek", minutes * 7)
    _add(root, "DaysPerMonth", 30)
    _add(root, "DurationFormat", ELAPSED_HOURS)
    _add(root, "WorkFormat", 2)  # hours
    _add(root, "HonorConstraints", 1)
    _add(root, "WeekStartDay", 1)  # Monday


def _tasks(root: ET.Element, result: RunResult, schedule: Schedule, dates: _Dates,
           plan: RunResult | None) -> dict[str, int]:
    """Task 0, a summary task per phase and its activities; task UID of each id."""
    tasks = ET.SubElement(root, _q("Tasks"))
    items = schedule.items
    _summary_task(tasks, 0, "0", 0, result.scenario.name, items, dates)
    uids: dict[str, int] = {}
    phase_tasks: list[tuple[ET.Element, tuple[str, ...]]] = []
    activity_tasks: list[tuple[ET.Element, Scheduled]] = []
    for p_number, phase in enumerate(result.scenario.phases, start=1):
        members = [s for s in items if s.row.phase == phase.id]
        uids[phase.id] = len(uids) + 1
        task = _summary_task(tasks, uids[phase.id], str(p_number), 1, phase.name, members,
                             dates, result.phases.get(phase.id))
        phase_tasks.append((task, phase.after))
        for a_number, item in enumerate(members, start=1):
            uids[item.row.id] = len(uids) + 1
            task = _activity_task(tasks, uids[item.row.id], f"{p_number}.{a_number}", item,
                                  dates)
            activity_tasks.append((task, item))
    for task, after in phase_tasks:  # links last: a phase may wait for a later one
        for phase_id in after:
            _link(task, uids.get(phase_id), 0.0)
    for task, item in activity_tasks:
        _links_and_baseline(task, item, uids, dates, plan is not None)
    return uids


def _summary_task(tasks: ET.Element, uid: int, wbs: str, level: int, name: str,
                  members: Sequence[Scheduled], dates: _Dates,
                  row: PhaseRow | None = None) -> ET.Element:
    task = ET.SubElement(tasks, _q("Task"))
    _add(task, "UID", uid)
    _add(task, "ID", uid)
    _add(task, "Name", name[:512])
    _add(task, "Type", 1)  # fixed duration
    _add(task, "IsNull", 0)
    _add(task, "WBS", wbs)
    _add(task, "OutlineNumber", wbs)
    _add(task, "OutlineLevel", level)
    if members:
        start = min(s.start_h for s in members)
        end = max(s.end_h for s in members)
        _add(task, "Start", dates(start))
        _add(task, "Finish", dates(end))
        _add(task, "Duration", duration_text(end - start))
        _add(task, "DurationFormat", ELAPSED_HOURS)
    _add(task, "Milestone", 0)
    _add(task, "Summary", 1)
    if row is not None and row.due_h is not None:
        _add(task, "Deadline", dates(row.due_h))
    return task


def _activity_task(tasks: ET.Element, uid: int, wbs: str, item: Scheduled,
                   dates: _Dates) -> ET.Element:
    task = ET.SubElement(tasks, _q("Task"))
    _add(task, "UID", uid)
    _add(task, "ID", uid)
    day = item.activity.day  # an every_day instance: its rows would read alike without it
    name = item.row.name if day is None else f"{item.row.name} (D{day})"
    _add(task, "Name", name[:512])
    _add(task, "Type", 1)
    _add(task, "IsNull", 0)
    _add(task, "WBS", wbs)
    _add(task, "OutlineNumber", wbs)
    _add(task, "OutlineLevel", 2)
    _add(task, "Start", dates(item.start_h))
    _add(task, "Finish", dates(item.end_h))
    _add(task, "Duration", duration_text(item.end_h - item.start_h))
    _add(task, "DurationFormat", ELAPSED_HOURS)
    _add(task, "Work", duration_text(item.row.work_h))
    _add(task, "Milestone", int(item.end_h - item.start_h < 1 / 120))
    _add(task, "Summary", 0)
    _add(task, "ConstraintType", START_NO_EARLIER_THAN)
    _add(task, "ConstraintDate", dates(item.start_h))
    _add(task, "Notes", "\n".join(notes_of(item)))
    return task


def _links_and_baseline(task: ET.Element, item: Scheduled, uids: dict[str, int],
                        dates: _Dates, with_plan: bool) -> None:
    for dep in item.activity.after:
        _link(task, uids.get(dep.target), dep.lag)
    if with_plan and item.planned is not None:
        start, end = item.planned
        baseline = ET.SubElement(task, _q("Baseline"))
        _add(baseline, "Number", 0)
        _add(baseline, "Start", dates(start))
        _add(baseline, "Finish", dates(end))
        _add(baseline, "Duration", duration_text(end - start))
        _add(baseline, "DurationFormat", ELAPSED_HOURS)


def _link(task: ET.Element, predecessor: int | None, lag_h: float) -> None:
    """A finish-to-start link (skipped when the predecessor never ran: no task)."""
    if predecessor is None:
        return
    link = ET.SubElement(task, _q("PredecessorLink"))
    _add(link, "PredecessorUID", predecessor)
    _add(link, "Type", FS_LINK)
    _add(link, "CrossProject", 0)
    _add(link, "LinkLag", round(lag_h * 600))  # tenths of a minute
    _add(link, "LagFormat", ELAPSED_HOURS)


def _resources(root: ET.Element, result: RunResult) -> dict[str, int]:
    """The resources, then the groups, as work resources; resource UID of each id."""
    resources = ET.SubElement(root, _q("Resources"))
    sc = result.scenario
    entries = [(r.id, r.name, r.capacity, "facilities") for r in sc.resources]
    entries += [(g.id, g.name, g.teams, "participants") for g in sc.groups]
    uids: dict[str, int] = {}
    for ident, name, units, group in entries:
        uids[ident] = len(uids) + 1
        res = ET.SubElement(resources, _q("Resource"))
        _add(res, "UID", uids[ident])
        _add(res, "ID", uids[ident])
        _add(res, "Name", name[:512])
        _add(res, "Type", 1)  # work
        _add(res, "IsNull", 0)
        _add(res, "Group", group)
        _add(res, "MaxUnits", f"{units:.2f}")
        _add(res, "CalendarUID", 1)
    return uids


def _assignments(root: ET.Element, schedule: Schedule, task_uids: dict[str, int],
                 resource_uids: dict[str, int], dates: _Dates) -> None:
    assignments = ET.SubElement(root, _q("Assignments"))
    uid = 0
    for item in schedule.items:
        used = [(r, n) for r, _, n in item.resources] + [(g, n) for g, _, n in item.groups]
        for ident, units in used:
            uid += 1
            a = ET.SubElement(assignments, _q("Assignment"))
            _add(a, "UID", uid)
            _add(a, "TaskUID", task_uids[item.row.id])
            _add(a, "ResourceUID", resource_uids[ident])
            _add(a, "Finish", dates(item.end_h))
            _add(a, "Start", dates(item.start_h))
            _add(a, "Units", f"{units:.2f}")
            _add(a, "Work", duration_text(item.row.work_h * units))
