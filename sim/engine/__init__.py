"""The simulation engine: ``simulate(scenario, seed) -> RunResult``.

:mod:`sim.engine.run` draws and runs; :mod:`sim.engine.simulation` is the SimPy model of
one run, :mod:`sim.engine.dispatch` the dispatcher, :mod:`sim.engine.network` the
dependencies and phases, :mod:`sim.engine.injects` the scripted events.
"""

from sim.engine.run import default_time_cap, simulate

__all__ = ["default_time_cap", "simulate"]
