"""A lean run's activity table, from the engine's own counts rather than its log.

A lean run (an ensemble's replication, :func:`sim.engine.simulate` with ``lean=True``)
writes no ``ready``, ``start``, ``resume`` or ``blocked`` records: its activity rows and
resource step tables are what the engine kept as it ran. They are the numbers
:func:`sim.results.build_result` reads from a full log (tests/test_engine_lean.py): the
first ready and start times, the finish time and the work done, the hours between each
pause and the next resume (or the end of a run that stops while the activity is paused),
and, with no ``blocked`` records, no ``waited_for``.
"""

from __future__ import annotations

from sim.engine.simulation import Engine
from sim.engine.state import DONE
from sim.results.index import index_of
from sim.results.rows import ActivityRow


def lean_activity_rows(engine: Engine) -> list[ActivityRow]:
    """One row per activity instance, the scenario's first in written order, as
    :func:`sim.results.build.activity_rows` gives them from the full log."""
    index = index_of(engine.scenario)
    added_by = index.added_by
    runs = engine.runs
    end = engine.env.now  # where a run that stops unfinished is stuck
    rows = []
    make = ActivityRow._make
    for aid, act in index.acts.items():
        run = runs.get(aid)
        if run is None:
            if aid not in added_by:
                rows.append(make((aid, act.base_id, act.name, act.phase, None, None, None,
                                  0.0, 0.0, 0.0, 0, "", None)))
            continue
        r, s = run.ready_at, run.first_start
        if aid in added_by and r is None and s is None:
            continue
        done = run.state == DONE
        paused = run.paused
        if run.pause_at is not None and not done:  # its stuck record ends the pause
            paused += end - run.pause_at
        rows.append(make((
            aid, act.base_id, act.name, act.phase, r, s, run.seg_end if done else None,
            run.work if done else 0.0, (s - r) if (s is not None and r is not None) else 0.0,
            paused, run.interruptions, "", added_by.get(aid),
        )))
    return rows
