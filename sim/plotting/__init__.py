"""Charts: pure functions ``results -> Figure`` (matplotlib lives only here).

Every function takes results (and, where it makes sense, an optional ``ax``) and
returns a :class:`matplotlib.figure.Figure` on an Agg canvas; none simulates and
none touches pyplot's global state. Render with :func:`figure_bytes` or
:func:`save_figure`.

The charts of a run are imported with the package; the risk, what-if and animation
charts (and what they import) on first use, so that ``tabletop run`` does not pay
for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.lazy import lazy_names
from sim.plotting.gantt import gantt
from sim.plotting.resources import group_workload, resource_usage, utilisation_heatmap
from sim.plotting.style import FORMATS, figure_bytes, pixel_size, save_figure
from sim.plotting.timeline import Segment, activity_segments, inject_hits

if TYPE_CHECKING:
    from sim.plotting.animate import write_animation
    from sim.plotting.compare_charts import compare_differences, compare_end_times
    from sim.plotting.risk import criticality, end_time_histogram, tornado, utilisation_bands
    from sim.plotting.risk_schedule import risk_gantt
    from sim.plotting.sweep_charts import sweep_chart

# Loaded on first use: the charts of a run do not pay for the others' imports.
_LAZY = {
    "write_animation": "sim.plotting.animate",
    "criticality": "sim.plotting.risk",
    "end_time_histogram": "sim.plotting.risk",
    "tornado": "sim.plotting.risk",
    "utilisation_bands": "sim.plotting.risk",
    "risk_gantt": "sim.plotting.risk_schedule",
    "compare_differences": "sim.plotting.compare_charts",
    "compare_end_times": "sim.plotting.compare_charts",
    "sweep_chart": "sim.plotting.sweep_charts",
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "FORMATS",
    "Segment",
    "activity_segments",
    "compare_differences",
    "compare_end_times",
    "criticality",
    "end_time_histogram",
    "figure_bytes",
    "gantt",
    "group_workload",
    "inject_hits",
    "pixel_size",
    "resource_usage",
    "risk_gantt",
    "save_figure",
    "sweep_chart",
    "tornado",
    "utilisation_bands",
    "utilisation_heatmap",
    "write_animation",
]
