"""MSEL rows -> an ``.xlsx`` workbook (openpyxl) or a UTF-8 CSV, and the empty template.

The workbook has the sheet ``MSEL`` (a header row, frozen, with filters; calendar times as
real spreadsheet dates) and the sheet ``Columns`` saying what each column holds and
whether ``msel import`` reads it back. The CSV starts with a UTF-8 byte-order mark, so
that Excel opens it as UTF-8; ``msel import`` reads it with or without one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sim.core.errors import OutputError
from sim.interchange.msel_columns import Column
from sim.interchange.msel_rows import Cell, Row

MSEL_SHEET = "MSEL"
COLUMNS_SHEET = "Columns"
DATE_FORMAT = "ddd yyyy-mm-dd hh:mm"
LINE_HEIGHT = 15  # points per line of 11-point text
_WIDE = {"description": 48, "expected_action": 36, "objective": 30, "notes": 24,
         "activity": 40, "logged_effect": 40, "delayed": 40, "from": 22, "to": 22,
         "phase": 18, "datetime": 20}
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_ROLE_WORDS = {"input": "yes", "derived": "no (computed on export)",
               "effect": "no (what the run did)"}


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number
    return str(value)


def csv_text(rows: Sequence[Row], columns: Sequence[Column]) -> str:
    """The rows as CSV text (the caller writes it as UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(c.key)) for c in columns])
    return "\ufeff" + buffer.getvalue()


def _fill_msel(sheet: Worksheet, rows: Sequence[Row], columns: Sequence[Column]) -> None:
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.row_dimensions[1].height = 2 * LINE_HEIGHT  # room for a two-line header
    for row in rows:
        sheet.append([row.get(c.key) for c in columns])
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = _WIDE.get(column.key, 13)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that starts with "=", not a formula
            if column.key == "datetime":
                cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(horizontal="left", vertical="top",
                                       wrap_text=column.key in _WIDE)
    for number, row in enumerate(rows, start=2):
        sheet.row_dimensions[number].height = LINE_HEIGHT * _lines(row, columns)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    _print_setup(sheet)


def _lines(row: Row, columns: Sequence[Column]) -> int:
    """How many lines the row's wrapped text takes (spreadsheets do not size rows that a
    program wrote; LibreOffice and Excel then show one line and hide the rest)."""
    most = 1
    for column in columns:
        value = row.get(column.key)
        if column.key in _WIDE and isinstance(value, str):
            per_line = max(1, int(_WIDE[column.key] * 0.9))  # words wrap before the edge
            most = max(most, sum(-(-max(len(part), 1) // per_line)
                                 for part in value.split("\n")))
    return min(most, 15)


def _print_setup(sheet: Worksheet) -> None:
    """Landscape A4, all columns on the page width, the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"


def _fill_columns(sheet: Worksheet, columns: Sequence[Column]) -> None:
    sheet.append(["Column", "Read back by msel import", "Key", "What it holds",
                  "Also recognised as"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for number, column in enumerate(columns, start=2):
        synonyms = ", ".join(column.synonyms)
        read = "add_activity rows only" if column.key == "phase" else _ROLE_WORDS[column.role]
        sheet.append([column.header, read, column.key, column.help, synonyms])
        lines = max(-(-len(column.help) // 80), -(-len(synonyms) // 44), 1)
        sheet.row_dimensions[number].height = LINE_HEIGHT * lines
    for letter, width in zip("ABCDE", (20, 24, 16, 90, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    _print_setup(sheet)


def xlsx_bytes(rows: Sequence[Row], columns: Sequence[Column], title: str) -> bytes:
    """The workbook: the ``MSEL`` sheet and the ``Columns`` sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = MSEL_SHEET
    _fill_msel(sheet, rows, columns)
    _fill_columns(book.create_sheet(COLUMNS_SHEET), columns)
    book.properties.title = title
    book.properties.creator = "tabletop"
    # fixed times: the same scenario gives the same bytes
    book.properties.created = book.properties.modified = dt.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    try:
        book.save(buffer)
    except ValueError as exc:  # openpyxl refuses control characters in text
        raise OutputError(f"cannot write the workbook: {exc} (nothing was written)") from None
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed member times and "modified" property (openpyxl stamps
    both with the clock when it saves), so that the same MSEL gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            target.writestr(member, data)
    return out.getvalue()


def sheet_bytes(path: Path, rows: Sequence[Row], columns: Sequence[Column],
                title: str) -> bytes:
    """The file for ``path``, by its suffix: ``.xlsx`` or ``.csv``."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return xlsx_bytes(rows, columns, title)
    if suffix == ".csv":
        return csv_text(rows, columns).encode("utf-8")
    raise OutputError(f"{path}: write an MSEL as .xlsx or .csv, not {suffix or 'no suffix'} "
                      "(nothing was written)")
