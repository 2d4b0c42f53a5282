"""tabletop: replay multi-day training-exercise programmes as a discrete-event simulation.

The names most scripts need, loaded on first use so that ``import sim`` stays cheap::

    from sim import load_scenario, simulate

Everything else lives in the layers: :mod:`sim.core`, :mod:`sim.scenario`,
:mod:`sim.results`, :mod:`sim.engine`, :mod:`sim.ensemble`, :mod:`sim.replay`,
:mod:`sim.plotting`, :mod:`sim.report` and :mod:`sim.cli`
(``docs/explanation/architecture.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.lazy import lazy_names
from sim.core.version import __version__

if TYPE_CHECKING:
    from sim.engine import simulate
    from sim.ensemble import ensemble
    from sim.scenario import Scenario, ScenarioError, load_scenario

# public name -> the module that defines it
_LAZY = {
    "load_scenario": "sim.scenario",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "simulate": "sim.engine",
    "ensemble": "sim.ensemble",
}

__all__ = ["Scenario", "ScenarioError", "__version__", "ensemble", "load_scenario", "simulate"]

__getattr__ = lazy_names(__name__, _LAZY)
