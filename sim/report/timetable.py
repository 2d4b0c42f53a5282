"""The timetable section of the run report: each day on a page of its own when printed,
one table per group, with what the injects changed against the plan."""

from __future__ import annotations

from sim.report.document import Cell, Page, Section, Table
from sim.report.format import DASH
from sim.results.timetable import NO_GROUP, Sheet, Timetable
from sim.scenario.model import Inject

NOTE = ("Who does what, where and when, day by day; each day starts a new page when "
        "printed. Planned: the plan run (expected durations, no injects). Changes: what "
        "the run changed against the plan (moved, added, delayed or paused), naming the "
        "inject that caused it when the event log says so. The same rows as CSV: "
        "`tabletop timetable RUN -o timetable.csv`.")


def timetable_section(table: Timetable) -> Section:
    """One page per day with rows, one table per group on it."""
    pages = []
    for day in table.days():
        sheets = [s for s in table.sheets() if s.day == day]
        pages.append(Page(table.day_title(day), f"day-{day}",
                          tuple(_sheet_table(table, s) for s in sheets)))
    note = NOTE if table.against_plan else NOTE.replace(
        "Planned: the plan run (expected durations, no injects). ", "No plan was given, "
        "so nothing is marked moved. ")
    if not pages:
        note = "No activity started in this run. " + note
    return Section("Timetable", "timetable", note, tuple(pages))


def inject_words(inject: Inject) -> str:
    """``M-01: Power cut in the hall.``, or ``M-02 (delay).`` without a description."""
    if not inject.description:
        return f"{inject.id} ({inject.kind})."
    return f"{inject.id}: {' '.join(inject.description.split()).rstrip('.')}."


def _sheet_table(table: Timetable, sheet: Sheet) -> Table:
    headers = ("Time", "Activity", "Place", *(("Planned",) if table.against_plan else ()),
               "Changes")
    rows = []
    for row in sheet.rows:
        planned = (Cell(row.planned or DASH),) if table.against_plan else ()
        rows.append((Cell(f"{row.start_clock}–{row.end_clock}"), Cell(row.name),
                     Cell(", ".join(row.places) or DASH), *planned,
                     Cell(row.note, "bad" if row.injects else "")))
    injects = {i.id: i for i in table.scenario.injects}
    named = dict.fromkeys(i for row in sheet.rows for i in row.injects if i in injects)
    note = " ".join(inject_words(injects[i]) for i in named)
    group = "none" if sheet.group == NO_GROUP else sheet.group
    return Table(f"D{sheet.day} · {table.group_title(sheet.group)}", headers, tuple(rows),
                 note=note, anchor=f"day-{sheet.day}-{group}",
                 nowrap=(0, 3) if table.against_plan else (0,))
