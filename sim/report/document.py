"""The document model: what a report says, as plain tables, before any rendering.

A :class:`Report` is rendered twice (:mod:`sim.report.html`, :mod:`sim.report.markdown`)
from the same cells, so both renderings say the same things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Flag = Literal["", "good", "bad"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One value as printed; ``flag`` marks it good (green) or bad (bold, vermillion)."""

    text: str
    flag: Flag = ""


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    anchor: str = ""
    nowrap: tuple[int, ...] = ()  # columns whose cells keep to one line in HTML (times)


@dataclass(frozen=True, slots=True)
class Chart:
    name: str  # file stem: gantt, resources, heatmap, workload
    title: str
    caption: str


@dataclass(frozen=True, slots=True)
class Page:
    """Tables under one heading that starts a new page when printed (a day of a timetable)."""

    title: str
    anchor: str
    tables: tuple[Table, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a report after the charts, made of pages (the timetable, day by day)."""

    title: str
    anchor: str
    note: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class Report:
    title: str
    meta: tuple[str, ...]
    kpis: tuple[tuple[str, Cell], ...]
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = field(default=())
    sections: tuple[Section, ...] = ()
    contents: bool = False  # a table of contents under the title, linking every part


def contents(report: Report) -> list[tuple[int, str, str]]:
    """``(level, title, anchor)`` of each part a table of contents links: the key figures,
    each table, the charts, each section and its pages (level 2)."""
    entries = [(1, "Key figures", "kpis")]
    entries += [(1, t.title, t.anchor) for t in report.tables if t.anchor]
    if report.charts:
        entries.append((1, "Charts", "charts"))
    for section in report.sections:
        entries.append((1, section.title, section.anchor))
        entries += [(2, page.title, page.anchor) for page in section.pages]
    return entries
