"""Generated ``tabletop/1`` scenarios of any size, for benchmarks and property tests.

``synth_tree`` (:mod:`~sim.scenario.synth.layered`): layered phases of parallel
chains, the shape of a training programme; ``contention_tree``
(:mod:`~sim.scenario.synth.contention`): a network where activities compete for
facilities; ``scenario_yaml`` (:mod:`~sim.scenario.synth.yaml_text`) writes a tree
as compact YAML, one activity per line.
"""

from sim.scenario.synth.contention import contention_tree
from sim.scenario.synth.layered import synth_tree
from sim.scenario.synth.timeline import DAY_HOURS, MAX_DAYS
from sim.scenario.synth.yaml_text import scenario_yaml

__all__ = ["DAY_HOURS", "MAX_DAYS", "contention_tree", "scenario_yaml", "synth_tree"]
