"""Working-day arithmetic (lives in :mod:`sim.timefmt`)."""

from sim.timefmt import EPS, WorkingTime

__all__ = ["EPS", "WorkingTime"]
