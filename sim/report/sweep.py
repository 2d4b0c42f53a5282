"""The report of ``tabletop sweep``: one KPI across a grid of ensembles.

Everything comes from the rows of ``sweep.csv`` the caller computed: nothing is
simulated here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.ensemble.kpis import KPIS
from sim.report.charts import Builders, chart_formats, render_charts
from sim.report.document import Cell, Chart, Report, Table
from sim.report.format import DASH, pct, when
from sim.report.write import write_document

Row = Sequence[Any]


def sweep_cell(column: str, value: Any) -> Cell:
    """A value of ``sweep.csv`` in words: shares in percent, hours as day and clock time."""
    if isinstance(value, float) and not math.isfinite(value):
        return Cell("n/a")
    if column.startswith("p_") and isinstance(value, float):
        return Cell(pct(value))
    if column.endswith("_h") or column.endswith("_h_lo") or column.endswith("_h_hi"):
        return Cell(when(float(value)))
    return Cell(str(value))


def _extremes(rows: Sequence[Row], col: int, kpi: str) -> tuple[Row | None, Row | None]:
    """The best and the worst row by ``kpi`` (a share: higher is better; a time: lower)."""
    finite = [r for r in rows if isinstance(r[col], int | float) and math.isfinite(r[col])]
    higher = kpi.startswith("p_")
    best = max(finite, key=lambda r: r[col] if higher else -r[col], default=None)
    worst = min(finite, key=lambda r: r[col] if higher else -r[col], default=None)
    return best, worst


def build_sweep_report(names: Sequence[str], rows: Sequence[Row],
                       header: Sequence[str], kpi: str, *, scenario: str = "",
                       n: int | None = None, seed: int | None = None,
                       overrides: Sequence[str] = ()) -> Report:
    """The best and worst points by ``kpi`` and a table of every point."""
    col = header.index(kpi)
    best, worst = _extremes(rows, col, kpi)

    def point(r: Row | None) -> Cell:
        if r is None:
            return Cell(DASH)
        where = ", ".join(f"{k}={v}" for k, v in zip(names, r, strict=False))
        return Cell(f"{sweep_cell(kpi, r[col]).text} at {where}")

    meta = [*([f"Changed from the file at every point (--set): {', '.join(overrides)}"]
              if overrides else []),
            f"Varied: {', '.join(names)}",
            f"{len(rows)} points" + (f" × {n} replications" if n else "")
            + (f", seed {seed}" if seed is not None else "")
            + "; every point uses the same seed (common random numbers)"]
    kpis = [("Figure charted", Cell(f"{kpi}: {KPIS.get(kpi, kpi)}")),
            ("Best point", point(best)), ("Worst point", point(worst))]
    table = Table("Every point", tuple(header),
                  tuple(tuple(sweep_cell(h, v) for h, v in zip(header, r, strict=True))
                        for r in rows),
                  note="_lo/_hi: 95% confidence interval. Times are day and clock time "
                  "(hours from D1 00:00 in sweep.csv).", anchor="points")
    title = f"{scenario}: sweep" if scenario else "Sweep"
    return Report(title=title, meta=tuple(meta), kpis=tuple(kpis), tables=(table,),
                  charts=(Chart(f"sweep-{kpi}", f"{kpi} across the grid",
                                "One varied key: a line with its 95% CI band; two: a heatmap; "
                                "more: one dot per point, best first."),))


def _builders(names: Sequence[str], rows: Sequence[Row], header: Sequence[str], kpi: str,
              title: str | None) -> Builders:
    # matplotlib is heavy: loaded only when charts are drawn, not with the documents
    from sim.plotting.whatif import sweep_chart

    return {f"sweep-{kpi}": lambda: sweep_chart(names, rows, header, kpi, title=title)}


def write_sweep_chart(names: Sequence[str], rows: Sequence[Row],
                      header: Sequence[str], kpi: str, out: Path, *,
                      formats: Sequence[str] | None = None, dpi: float = 110,
                      title: str | None = None) -> list[Path]:
    """The chart of ``kpi`` across the sweep (``sweep-<kpi>.png`` etc.) and nothing else."""
    return render_charts(_builders(names, rows, header, kpi, title), out,
                         chart_formats(formats), dpi).paths


def write_sweep_report(names: Sequence[str], rows: Sequence[Row],
                       header: Sequence[str], kpi: str, out: Path, *, scenario: str = "",
                       n: int | None = None, seed: int | None = None,
                       formats: Sequence[str] | None = None, dpi: float = 110,
                       overrides: Sequence[str] = ()) -> list[Path]:
    """The sweep chart and report.html/.md listing every point."""
    report = build_sweep_report(names, rows, header, kpi, scenario=scenario, n=n, seed=seed,
                                overrides=overrides)
    return write_document(report, _builders(names, rows, header, kpi, scenario or None),
                          out, formats=formats, dpi=dpi,
                          footer=f"Made by tabletop from a sweep of {len(rows)} ensembles.")
