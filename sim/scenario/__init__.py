"""Scenario files: load, validate and resolve format ``tabletop/1``."""

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import load_scenario, load_tree, read_tree
from sim.scenario.model import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "load_scenario", "load_tree", "read_tree"]
