"""What-if charts: two variants compared run by run (:mod:`sim.plotting.compare_charts`),
and a KPI across a sweep's grid (:mod:`sim.plotting.sweep_charts`)."""

from __future__ import annotations

from sim.plotting.compare_charts import (
    compare_differences,
    compare_end_times,
    difference_rows,
    variant_words,
)
from sim.plotting.sweep_charts import kpi_words, short_names, sweep_chart

__all__ = ["compare_differences", "compare_end_times", "difference_rows", "kpi_words",
           "short_names", "sweep_chart", "variant_words"]
