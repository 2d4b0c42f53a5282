"""Charts of a run: pure functions ``RunResult -> Figure`` (matplotlib lives only here).

Every function takes results (and, where it makes sense, an optional ``ax``) and
returns a :class:`matplotlib.figure.Figure` on an Agg canvas; none simulates and
none touches pyplot's global state. Render with :func:`figure_bytes` or
:func:`save_figure`.
"""

from sim.plotting.gantt import gantt
from sim.plotting.resources import group_workload, resource_usage, utilisation_heatmap
from sim.plotting.style import FORMATS, figure_bytes, pixel_size, save_figure
from sim.plotting.timeline import Segment, activity_segments, inject_hits

__all__ = [
    "FORMATS",
    "Segment",
    "activity_segments",
    "figure_bytes",
    "gantt",
    "group_workload",
    "inject_hits",
    "pixel_size",
    "resource_usage",
    "save_figure",
    "utilisation_heatmap",
]
