"""The batch engine: every replication at once, where that is exact.

:func:`~sim.engine.batch.eligibility.batch_verdict` proves from the model that no
resource or group can bind and no inject changes capacity; then
:func:`~sim.engine.batch.schedule.batch_schedule` computes all replications as array
passes over the activity network (numpy, one number per replication), with the event
engine's draws (:mod:`~sim.engine.batch.draws`) and working-day rules
(:mod:`~sim.engine.batch.workday`).
"""

from sim.engine.batch.eligibility import Verdict, batch_verdict
from sim.engine.batch.graph import Graph
from sim.engine.batch.schedule import ActivityArrays, BatchSchedule, batch_schedule

__all__ = ["ActivityArrays", "BatchSchedule", "Graph", "Verdict", "batch_schedule",
           "batch_verdict"]
