"""Reading a sheet's cells with their addresses: an ``.xlsx`` workbook (openpyxl) or a CSV.

Each cell keeps its value as the file holds it (text, number, date...), its address
(``C12``), the formula it holds (formulas are not evaluated: a cached result may be stale)
and the merged range it belongs to, so that the importer can say exactly which cell is
wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from sim.interchange.msel_problems import CellProblem, MselError

MAX_BYTES = 32 * 1024 * 1024  # an MSEL of thousands of injects is a few hundred kB
MAX_ROWS = 100_000
PREFERRED_SHEET = "MSEL"


@dataclass(frozen=True, slots=True)
class SheetCell:
    value: Any  # str, int, float, bool, datetime, date, time, timedelta or None
    row: int
    column: int
    formula: str | None = None
    merged: str | None = None  # "C5:C7" when the cell is part of merged cells

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    @property
    def blank(self) -> bool:
        return self.formula is None and (
            self.value is None or (isinstance(self.value, str) and not self.value.strip()))


@dataclass(frozen=True)
class Sheet:
    file: str
    name: str | None  # None for a CSV file
    rows: tuple[tuple[SheetCell, ...], ...]

    def where(self, ref: str) -> str:
        """``msel.xlsx:MSEL!C12`` (workbook) or ``msel.csv!C12`` (CSV)."""
        return f"{self.file}:{self.name}!{ref}" if self.name else f"{self.file}!{ref}"


def _fail(file: str, code: str, message: str) -> MselError:
    return MselError(file, [CellProblem(file, code, message)])


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The cells of ``path`` (``.xlsx``/``.xlsm`` or ``.csv``); ``sheet`` names the workbook
    sheet (default: ``MSEL`` if there is one, else the first)."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        raise _fail(name, "not-a-sheet", f"read an MSEL from .xlsx or .csv, not "
                    f"{suffix or 'a file without suffix'}")
    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
    except FileNotFoundError:
        raise _fail(name, "file-not-found", "no such file") from None
    except OSError as exc:
        raise _fail(name, "file-not-readable", exc.strerror or str(exc)) from None
    if data is None:
        raise _fail(name, "file-too-large", f"larger than {MAX_BYTES // 2**20} MiB")
    return _read_csv(name, data) if suffix == ".csv" else _read_xlsx(name, data, sheet)


def _read_csv(name: str, data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(f"{name}:{line}", "not-utf8",
                    f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the sheet as "
                    "CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    # Excel writes ";" where "," is the decimal mark; a tab-separated export also reads
    delimiter = max(",;\t", key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _fail(name, "not-a-sheet", f"not a readable CSV file: {exc}") from None
    if len(records) > MAX_ROWS:
        raise _fail(name, "too-large", f"more than {MAX_ROWS:,} rows")
    rows = tuple(
        tuple(SheetCell(value if value.strip() else None, r, c)
              for c, value in enumerate(record, start=1))
        for r, record in enumerate(records, start=1))
    return Sheet(name, None, rows)


def _read_xlsx(name: str, data: bytes, wanted: str | None) -> Sheet:
    try:
        book = load_workbook(io.BytesIO(data), data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _fail(name, "not-a-sheet", f"not a readable .xlsx workbook ({exc})") from None
    names = book.sheetnames
    if wanted is not None and wanted not in names:
        raise _fail(name, "unknown-sheet", f"no sheet {wanted!r}; the sheets are "
                    f"{', '.join(map(repr, names))}")
    title = wanted or (PREFERRED_SHEET if PREFERRED_SHEET in names else names[0])
    sheet = book[title]
    if not isinstance(sheet, Worksheet):
        raise _fail(name, "not-a-sheet", f"{title!r} is a chart sheet, not a sheet of cells")
    if sheet.max_row > MAX_ROWS:
        raise _fail(f"{name}:{title}", "too-large", f"more than {MAX_ROWS:,} rows")
    merged = _merged_cells(sheet)
    rows = tuple(  # iter_rows starts at A1
        tuple(_cell(cell.value, cell.data_type == "f", r, c, merged)
              for c, cell in enumerate(row, start=1))
        for r, row in enumerate(sheet.iter_rows(), start=1))
    return Sheet(name, title, rows)


def _merged_cells(sheet: Worksheet) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.size["rows"] * merged.size["columns"] > MAX_ROWS:
            continue  # a whole-column merge: no MSEL value lives there
        for row, column in merged.cells:
            found[(row, column)] = merged.coord
    return found


def _cell(value: Any, is_formula: bool, row: int, column: int,
          merged: dict[tuple[int, int], str]) -> SheetCell:
    formula = None
    if isinstance(value, ArrayFormula):
        formula, value = str(value.text or "an array formula"), None
    elif isinstance(value, DataTableFormula) or is_formula:
        formula, value = str(value) if isinstance(value, str) else "a table formula", None
    elif not isinstance(value, str | int | float | bool | dt.datetime | dt.date | dt.time
                        | dt.timedelta) and value is not None:
        value = str(value)
    return SheetCell(value, row, column, formula, merged.get((row, column)))
