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


@dataclass(frozen=True, slots=True)
class Chart:
    name: str  # file stem: gantt, resources, heatmap, workload
    title: str
    caption: str


@dataclass(frozen=True)
class Report:
    title: str
    meta: tuple[str, ...]
    kpis: tuple[tuple[str, Cell], ...]
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = field(default=())
