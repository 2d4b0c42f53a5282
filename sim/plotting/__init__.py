"""Charts: pure functions ``results -> Figure`` (matplotlib lives only here).

Every function takes results (and, where it makes sense, an optional ``ax``) and
returns a :class:`matplotlib.figure.Figure` on an Agg canvas; none simulates and
none touches pyplot's global state. Render with :func:`figure_bytes` or
:func:`save_figure`.
"""

from sim.plotting.animate import write_animation
from sim.plotting.gantt import gantt
from sim.plotting.resources import group_workload, resource_usage, utilisation_heatmap
from sim.plotting.risk import criticality, end_time_histogram, tornado, utilisation_bands
from sim.plotting.risk_schedule import risk_gantt
from sim.plotting.style import FORMATS, figure_bytes, pixel_size, save_figure
from sim.plotting.timeline import Segment, activity_segments, inject_hits
from sim.plotting.whatif import compare_differences, compare_end_times, sweep_chart

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
