"""tabletop: replay multi-day training-exercise programmes as a discrete-event simulation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario", "simulate"]


def __getattr__(name: str) -> Any:  # lazy: `import sim` stays cheap
    if name in ("load_scenario", "Scenario", "ScenarioError"):
        import sim.scenario

        return getattr(sim.scenario, name)
    if name == "simulate":
        from sim.engine import simulate

        return simulate
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
