"""An MSEL sheet's cells -> the ``injects`` entries of a scenario, with the cell of each key.

The header row is the first of the first 20 rows that names the inject id or the scenario
time column; headers are matched as :mod:`sim.interchange.msel_columns` says. Rows whose
imported cells are all empty are skipped. Values are read as a scenario file writes them;
only what a spreadsheet does to values is undone here (a number typed in a text column is
its text, a real date is a calendar time, a CSV cell that holds a number is that number).
Whether the values make sense is left to the scenario loader, whose problems the caller
puts back at these cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.interchange.msel_columns import BY_KEY, INPUT_KEYS, REQUIRED, TEXT_KEYS, column_for
from sim.interchange.msel_problems import CellProblem
from sim.interchange.msel_sheet import Sheet, SheetCell
from sim.scenario.errors import ScenarioError
from sim.scenario.yaml_reader import read_yaml

HEADER_SEARCH = 20
_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_PERCENT = re.compile(r"^\s*(\d+(\.\d*)?|\.\d+)\s*%\s*$")
# the order keys are written in the scenario file
TREE_ORDER = ("id", "at", "kind", "target", "phase", "activity", "amount", "for", "on_hit",
              "by", "probability", "description", "from", "to", "expected_action",
              "objective", "mode", "notes")


class CellValueError(ValueError):
    """A cell whose value cannot stand for a scenario value: code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class ReadSheet:
    """The injects read from a sheet, and where each came from."""

    injects: list[dict[str, Any]] = field(default_factory=list)
    cells: list[dict[str, SheetCell]] = field(default_factory=list)  # per inject: key -> cell
    rows: list[int] = field(default_factory=list)  # the sheet row of each inject
    ignored: list[str] = field(default_factory=list)  # headers of columns not read
    problems: list[CellProblem] = field(default_factory=list)


def _header_row(sheet: Sheet, mapping: Mapping[str, str]) -> int | None:
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH]):
        keys = {column_for(str(c.value), mapping) for c in row if isinstance(c.value, str)}
        if keys & set(REQUIRED):
            return index
    return None


def _columns(sheet: Sheet, header: tuple[SheetCell, ...], mapping: Mapping[str, str],
             found: ReadSheet) -> dict[str, int]:
    """Column key -> index in the row; duplicate and missing columns go to problems."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        if not isinstance(cell.value, str) or not cell.value.strip():
            continue
        key = column_for(cell.value, mapping)
        if key is None or key == "ignore":
            found.ignored.append(cell.value.strip())
            continue
        if key in columns and key not in INPUT_KEYS and key != "phase":
            found.ignored.append(cell.value.strip())  # a second column not read anyway
            continue
        if key in columns:
            first = header[columns[key]]
            found.problems.append(CellProblem(
                sheet.where(cell.ref), "duplicate-column",
                f"{cell.value.strip()!r} is a second column for {BY_KEY[key].header} "
                f"(first: {first.ref} {str(first.value).strip()!r})",
                "rename one, or map it with --map 'HEADER=ignore'"))
            continue
        columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            column = BY_KEY[key]
            found.problems.append(CellProblem(
                sheet.where(header[0].ref if header else "A1"), "missing-column",
                f"no column for {column.header} (required)",
                f"a header such as {', '.join(repr(s) for s in column.synonyms[:6])}, "
                f"or --map 'YOUR HEADER={key}'"))
    return columns


def read_injects(sheet: Sheet, mapping: Mapping[str, str],
                 start_date: dt.date | None) -> ReadSheet:
    """The injects of ``sheet``; ``mapping`` is ``--map`` (normalised header -> key)."""
    found = ReadSheet()
    at = _header_row(sheet, mapping)
    if at is None:
        found.problems.append(CellProblem(
            sheet.where("A1"), "missing-column",
            f"no header row naming {BY_KEY['id'].header} or {BY_KEY['at'].header} in the "
            f"first {HEADER_SEARCH} rows", "see `tabletop msel template`, or use --map"))
        return found
    columns = _columns(sheet, sheet.rows[at], mapping, found)
    if found.problems:
        return found
    reported: set[str] = set()
    for row in sheet.rows[at + 1:]:
        cells = {k: row[i] for k, i in columns.items() if i < len(row)}
        used = {k: c for k, c in cells.items() if k in INPUT_KEYS}
        if all(c.blank for c in used.values()):
            continue  # an empty row (or one with only derived columns filled)
        if _kind(used.get("kind")) == "add_activity" and "phase" in cells:
            used["phase"] = cells["phase"]
        inject = _row_tree(sheet, used, start_date, found, reported)
        found.injects.append(inject)
        found.cells.append(used)
        found.rows.append(row[0].row if row else 0)
    return found


def _kind(cell: SheetCell | None) -> str | None:
    if cell is None or cell.blank or not isinstance(cell.value, str):
        return None
    return re.sub(r"[\s-]+", "_", cell.value.strip().casefold())


def _merged_problem(cell: SheetCell, cells: Mapping[str, SheetCell]) -> bool:
    """Merged cells are refused where a value is read from them: only the first row (or
    column) of a merge holds the value, so the others would silently read as empty."""
    if cell.merged is None:
        return False
    first, _, last = cell.merged.partition(":")
    rows = {int(re.sub(r"[A-Z]", "", ref)) for ref in (first, last)}
    return len(rows) > 1 or sum(c.merged == cell.merged for c in cells.values()) > 1


def _row_tree(sheet: Sheet, used: Mapping[str, SheetCell], start_date: dt.date | None,
              found: ReadSheet, reported: set[str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, cell in used.items():
        if _merged_problem(cell, used):
            if cell.merged not in reported:
                reported.add(cell.merged or "")
                found.problems.append(CellProblem(
                    sheet.where(cell.ref), "merged-cells",
                    f"cells {cell.merged} are merged: only the first holds the value",
                    "unmerge them and write the value in each row"))
            continue
        if cell.formula is not None:
            found.problems.append(CellProblem(
                sheet.where(cell.ref), "formula-cell",
                f"{BY_KEY[key].header} holds the formula {cell.formula[:60]!r}; formulas are "
                "not read (the result saved with the file may be stale, or missing)",
                "copy the column and paste it back as values"))
            continue
        if cell.blank:
            continue
        try:
            tree[key] = cell_value(key, cell.value, start_date, sheet.where(cell.ref))
        except CellValueError as exc:
            found.problems.append(CellProblem(sheet.where(cell.ref), exc.code, str(exc)))
    tree["kind"] = _kind(used.get("kind")) or tree.get("kind", "note")
    if "window_end" in tree:
        tree["at"] = {"between": [tree.get("at"), tree.pop("window_end")]}
    return {k: tree[k] for k in TREE_ORDER if k in tree}


def cell_value(key: str, value: Any, start_date: dt.date | None, where: str) -> Any:
    """The scenario value a cell of column ``key`` stands for."""
    if key in TEXT_KEYS:
        return _text(value, key)
    if key in ("at", "window_end"):
        return _time(value, start_date)
    if key == "probability":
        if isinstance(value, str) and (match := _PERCENT.match(value)):
            return float(match.group(1)) / 100
        return _number(value)
    if key == "amount":
        value = _number(value)
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if key in ("for", "by"):
        if isinstance(value, dt.time):  # "2:00" typed into Excel is a clock time
            return value.hour + value.minute / 60 + value.second / 3600
        if isinstance(value, dt.timedelta):
            return value.total_seconds() / 3600
        if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
            return _flow(value, where)
        return _number(value)
    if key == "activity" and isinstance(value, str):
        return _flow(value, where)
    return value


def _text(value: Any, key: str) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str) and key not in ("description", "expected_action", "objective",
                                              "notes", "from", "to", "mode"):
        return value.strip()  # ids and words: spaces around them are not part of them
    return value


def _number(value: Any) -> Any:
    """Text that is a number (every CSV cell is text) as that number."""
    if isinstance(value, str) and _NUMBER.match(value):
        text = value.strip()
        return float(text) if any(c in text for c in ".eE") else int(text)
    return value


def _time(value: Any, start_date: dt.date | None) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.time):
        raise CellValueError("bad-time", f"a clock time {value:%H:%M} without a day; write "
                             f'"D<day> HH:MM", such as "D3 {value:%H:%M}"')
    if isinstance(value, dt.date):
        if start_date is None:
            raise CellValueError("bad-time", f"a calendar date ({value:%Y-%m-%d}) needs the "
                                 'scenario\'s start_date; or write "D<day> HH:MM"')
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(
            value, dt.time())
        day = (moment.date() - start_date).days + 1
        if day < 1:
            raise CellValueError("bad-time", f"{moment:%Y-%m-%d} is before day 1 "
                                 f"({start_date:%Y-%m-%d}, the scenario's start_date)")
        return f"D{day} {moment:%H:%M}"
    return value


def _flow(text: str, where: str) -> Any:
    """A distribution or an activity written in YAML flow style, read as a scenario file
    is (same limits, plain data only)."""
    try:
        tree, _values, _keys = read_yaml(text, where)
    except ScenarioError as exc:
        problem = exc.problems[0]
        raise CellValueError(problem.code, problem.message) from None
    return tree
