"""The timetable as a table of plain cells, for ``timetable.csv``."""

from __future__ import annotations

from typing import Any

from sim.results.csvtimes import clock_cells, clock_columns
from sim.results.timetable import Timetable

TIMES = ("start_h", "end_h", "planned_start_h", "planned_end_h")
COLUMNS = ("day", "date", "group", "group_name", "teams", "activity", "name", "phase",
           "place", "start", "end", "planned", "change", "injects", "note",
           *TIMES, *clock_columns(TIMES))


def timetable_rows(table: Timetable) -> list[list[Any]]:
    """One list of cells per row of ``table``, in the order of :data:`COLUMNS`."""
    start_date = table.scenario.start_date
    out: list[list[Any]] = []
    for row in table.rows:
        date = table.date(row.day)
        times = [row.start_h, row.end_h, row.planned_start_h, row.planned_end_h]
        out.append([
            f"D{row.day}", date.isoformat() if date else "", row.group,
            table.group_names.get(row.group, ""), row.teams, row.activity, row.name,
            row.phase, "; ".join(row.places), row.start_clock, row.end_clock, row.planned,
            " ".join(row.changes), " ".join(row.injects), row.note, *times,
            *clock_cells(times, start_date),
        ])
    return out
