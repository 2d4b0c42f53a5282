"""HTML and Markdown documents from results: the run report and the reports of
``tabletop mc``, ``compare`` and ``sweep``.

Each document is a :class:`Report` of plain tables (:mod:`sim.report.document`) built
from results the caller made (a run and its plan, an ensemble and its summary, a
comparison, the rows of a sweep): nothing here runs the engine. It is rendered twice
from the same cells, as ``report.html`` (one self-contained page: styles inline,
images embedded, no network) and ``report.md`` (charts linked as image files), so both
say the same things. matplotlib is loaded (through :mod:`sim.plotting`) only when
charts are drawn, and each name below on first use: ``tabletop mc`` does not pay for
the compare, sweep and run documents' modules.

Modules: ``document`` (the model), ``format`` and ``meta`` (shared words), ``html`` and
``markdown`` (rendering), ``charts`` and ``write`` (files), and one per document:
``run`` (with ``injects``, the MSEL table), ``ensemble``, ``compare``, ``sweep``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.lazy import lazy_names

if TYPE_CHECKING:
    from sim.report.charts import Builders, RenderedCharts, chart_formats, render_charts
    from sim.report.compare import (
        CRN,
        build_compare_report,
        changed,
        compare_charts,
        compare_phase_table,
        diff_cell,
        side_by_side_table,
        write_compare_report,
    )
    from sim.report.document import Cell, Chart, Flag, Report, Table
    from sim.report.ensemble import (
        QUANTILES,
        advice_table,
        build_risk_report,
        criticality_table,
        limit_table,
        phase_lateness_table,
        risk_charts,
        risk_kpis,
        sensitivity_table,
        utilisation_table,
        write_risk_report,
    )
    from sim.report.format import (
        DASH,
        named,
        pct,
        points,
        quantile_cell,
        ranges,
        share_ci,
        signed,
        span,
        time_ci,
        when,
        whole_pct,
    )
    from sim.report.html import RUN_FOOTER, render_html
    from sim.report.injects import inject_table, scripted_time
    from sim.report.markdown import render_markdown
    from sim.report.meta import executor_words, incomplete_note, scenario_meta
    from sim.report.run import (
        By,
        bottleneck_table,
        build_report,
        group_table,
        kpis,
        phase_table,
        resource_table,
        run_charts,
        stuck_table,
        write_charts_and_report,
    )
    from sim.report.sweep import (
        build_sweep_report,
        sweep_cell,
        write_sweep_chart,
        write_sweep_report,
    )
    from sim.report.write import write_document

# the module that defines each public name, loaded on first use
_MODULES = {
    "sim.report.charts": ("Builders", "RenderedCharts", "chart_formats", "render_charts"),
    "sim.report.compare": (
        "CRN", "build_compare_report", "changed", "compare_charts", "compare_phase_table",
        "diff_cell", "side_by_side_table", "write_compare_report",
    ),
    "sim.report.document": ("Cell", "Chart", "Flag", "Report", "Table"),
    "sim.report.ensemble": (
        "QUANTILES", "advice_table", "build_risk_report", "criticality_table", "limit_table",
        "phase_lateness_table", "risk_charts", "risk_kpis", "sensitivity_table",
        "utilisation_table", "write_risk_report",
    ),
    "sim.report.format": (
        "DASH", "named", "pct", "points", "quantile_cell", "ranges", "share_ci", "signed", "span",
        "time_ci", "when", "whole_pct",
    ),
    "sim.report.html": ("RUN_FOOTER", "render_html"),
    "sim.report.injects": ("inject_table", "scripted_time"),
    "sim.report.markdown": ("render_markdown",),
    "sim.report.meta": ("executor_words", "incomplete_note", "scenario_meta"),
    "sim.report.run": (
        "By", "bottleneck_table", "build_report", "group_table", "kpis", "phase_table",
        "resource_table", "run_charts", "stuck_table", "write_charts_and_report",
    ),
    "sim.report.sweep": (
        "build_sweep_report", "sweep_cell", "write_sweep_chart", "write_sweep_report",
    ),
    "sim.report.write": ("write_document",),
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}

__getattr__ = lazy_names(__name__, _LAZY)

__all__ = [
    "CRN", "DASH", "QUANTILES", "RUN_FOOTER", "Builders", "By", "Cell", "Chart", "Flag",
    "RenderedCharts", "Report", "Table", "advice_table", "bottleneck_table",
    "build_compare_report", "build_report", "build_risk_report", "build_sweep_report",
    "changed", "chart_formats", "compare_charts", "compare_phase_table",
    "criticality_table", "diff_cell", "executor_words", "group_table", "incomplete_note",
    "inject_table", "kpis", "limit_table", "named", "pct", "phase_lateness_table",
    "phase_table", "points", "quantile_cell", "ranges", "render_charts", "render_html",
    "render_markdown", "resource_table", "risk_charts", "risk_kpis", "run_charts",
    "scenario_meta", "scripted_time", "sensitivity_table", "share_ci", "side_by_side_table",
    "signed", "span", "stuck_table", "sweep_cell", "time_ci", "utilisation_table", "when",
    "whole_pct", "write_charts_and_report", "write_compare_report", "write_document",
    "write_risk_report", "write_sweep_chart", "write_sweep_report",
]
