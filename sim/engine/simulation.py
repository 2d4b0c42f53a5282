"""One run of a scenario on SimPy: activities, their work, the clock and the event log.

Every change of state is one record of the event log. Allocation is the dispatcher's
(:mod:`sim.engine.dispatch`): an activity gets every group team and resource unit it
needs at once, or nothing. Dependencies and phases are :mod:`sim.engine.network`'s.
SimPy is used through its public API only: ``env.timeout`` with callbacks,
``env.peek``, ``env.step`` and ``env.run``. Time is in hours from D1 00:00.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy

from sim.core.timefmt import EPS, WorkingTime
from sim.engine.dispatch import Dispatcher, Window
from sim.engine.network import Network
from sim.engine.recorder import Event, Recorder
from sim.engine.state import (
    DONE,
    PAUSED,
    PENDING,
    READY,
    RUNNING,
    ActivityRun,
    GroupState,
    Key,
    PhaseRun,
    ResourceState,
)
from sim.engine.wiring import static_key
from sim.scenario.model import Activity, Phase, Scenario

INF = float("inf")
# a record from its fields in order: namedtuple's _make, a third of the cost of Event(...)
# with nine arguments, on the three records every activity writes
record = Event._make


def step(res: ResourceState, now: float) -> None:
    """Note ``res``'s use and capacity now in its step table (a step at the same time as
    the last one replaces it, as :func:`sim.results.steps.read_steps` does)."""
    steps = res.steps
    assert steps is not None
    row = (now, res.in_use, res.now)
    if steps[-1][0] == now:
        steps[-1] = row
    else:
        steps.append(row)


class Engine:
    """One run of a scenario. Build it, call :meth:`run`, read ``recorder.events``."""

    def __init__(self, scenario: Scenario, draw: Callable[[Activity], float],
                 time_cap: float, *, lean: bool = False) -> None:
        """``lean``: leave out the ``blocked`` records, which only the waiting tables and
        bottlenecks read (an ensemble's replications need neither), and the ``ready``,
        ``start`` and ``resume`` records: a lean run's activity and resource tables come
        from the engine's own counts (:mod:`sim.engine.lean`), the same numbers."""
        self.scenario = scenario
        self.env = simpy.Environment(initial_time=0.0)
        self.finished = False  # all work done and no inject will add more
        self.recorder = Recorder()
        self.log = self.recorder.events.append
        self.clock = WorkingTime(scenario.calendar)
        self.time_cap = time_cap
        self.resources = {r.id: ResourceState(r.id, r.capacity, r.always)
                          for r in scenario.resources}
        self.full = not lean  # the log has every record
        if lean:
            for res in self.resources.values():
                res.steps = [(0.0, 0, res.capacity)]
        self.groups = {g.id: GroupState(g.id, g.teams) for g in scenario.groups}
        self.dispatcher = Dispatcher(self.clock, self.groups, self.resources,
                                     None if lean else self.log,
                                     self._start, self._wake_at)
        self.running: set[ActivityRun] = set()  # working now (what injects may pause)
        self.pending_adds = 0
        self.wakeups: set[float] = set()
        self.capped = False
        self.fired: set[str] = set()
        self.rule = scenario.dispatch
        self.rank = scenario.dispatch_rank  # empty for fifo
        self.network = Network(scenario, draw, self.key, self._release, self.log,
                               {rid for rid, res in self.resources.items() if res.always})
        self.network.start(self.env.now)

    # ------------------------------------------------------------ what the others read

    @property
    def runs(self) -> dict[str, ActivityRun]:
        return self.network.runs

    @property
    def phases(self) -> dict[str, PhaseRun]:
        return self.network.phases

    @property
    def phase_model(self) -> dict[str, Phase]:
        return self.network.phase_model

    @property
    def unfinished(self) -> int:
        return self.network.unfinished

    def key(self, run: ActivityRun) -> Key:
        """Dispatch order: paused work first, then the dispatch rule, then written order
        (:func:`sim.engine.wiring.static_key`)."""
        ready = run.ready_at if run.ready_at is not None else 0.0
        return static_key(self.rank, run.act, run.first_start is not None, ready)

    # ------------------------------------------------------------ scheduling helpers

    def at(self, delay: float, callback: Callable[[Any], None]) -> None:
        """Call ``callback`` after ``delay`` hours."""
        self.env.timeout(max(delay, 0.0)).callbacks.append(callback)

    def request_dispatch(self) -> None:
        """Dispatch once everything that happens at this instant has happened."""
        self.dispatcher.pending = True

    def invalidate(self, *, dispatch: bool = True) -> None:
        """Capacity or availability changed other than by work ending: check every waiting
        activity again at the next dispatch (now, unless ``dispatch`` is false)."""
        self.dispatcher.invalidate()
        if dispatch:
            self.request_dispatch()

    def capacity_changed(self, res: ResourceState, inject_id: str) -> None:
        """``res``'s capacity is now ``res.now``: its record, and its step in a lean run."""
        self.log(Event(self.env.now, "capacity", resource=res.id, inject=inject_id,
                       amount=res.now))
        if res.steps is not None:
            step(res, self.env.now)

    def capacity_blocker(self, run: ActivityRun) -> tuple[str, str | None] | None:
        """The group or resource that keeps ``run`` from starting now, calendar aside."""
        return self.dispatcher.capacity_blocker(run)

    def _wake_at(self, t: float) -> None:
        if t not in self.wakeups:
            self.wakeups.add(t)
            self.at(t - self.env.now, lambda _e: self._woken(t))

    def _woken(self, t: float) -> None:
        self.wakeups.discard(t)
        self.request_dispatch()

    # ------------------------------------------------------------ readiness

    def _release(self, run: ActivityRun) -> None:
        """All dependencies are met: ready now, or at the release time."""
        when = run.dep_ready
        not_before = run.act.not_before
        if not_before > when:
            when = not_before
        if run.phase is not None and run.phase.start > when:
            when = run.phase.start
        now = self.env.now
        if when > now + EPS:
            self.at(when - now, lambda _e: self._make_ready(run, self.env.now))
        else:
            self._make_ready(run, now)

    def _make_ready(self, run: ActivityRun, now: float) -> None:
        run.state = READY
        run.ready_at = now
        if self.rule == "fifo":  # the other rules' keys were set when the run was created
            run.key = self.key(run)
        if self.full:
            act = run.act
            self.log(record((now, "ready", act.id, None, None, None, None, None, act.phase)))
        self.dispatcher.add(run)

    # ------------------------------------------------------------ work

    def _start(self, run: ActivityRun, now: float, window: Window) -> None:
        """Start (or resume) ``run`` now; ``window``: the working window now."""
        act = run.act
        groups = self.groups
        for gid, teams in act.groups:
            groups[gid].free -= teams
        resources = self.resources
        for rid, amount in act.needs:
            res = resources[rid]
            res.in_use += amount
            res.free -= amount
            if res.steps is not None:
                step(res, now)
        resumed = run.first_start is not None
        if not resumed:
            run.first_start = now
        elif run.pause_at is not None:
            run.paused += now - run.pause_at
            run.pause_at = None
        run.state = RUNNING
        run.blocked = None
        run.seg_start = now
        self.running.add(run)
        if self.full:
            self.log(record((now, "resume" if resumed else "start", act.id, None, None, None,
                             None, None, act.phase)))
        self._schedule_end(run, window, now)

    def _schedule_end(self, run: ActivityRun, window: Window, now: float) -> None:
        """Schedule the end of the running segment: finish, or pause at the end of the day.

        ``window``: the working window at ``run.seg_start``; ``now``: the time now.
        """
        end = run.seg_start + run.remaining
        split = False
        # a splittable activity, one longer than a day, or one a delay made run past the
        # end of the day: its work pauses at the end of the day (a bound activity never
        # works outside the working day)
        if run.bound and run.remaining > 0 and window is not None and end > window[1] + EPS:
            end, split = window[1], True
        run.end_token += 1
        run.seg_end = end
        event = self.env.timeout(end - now if end > now else 0.0, (run, run.end_token, split))
        event.callbacks.append(self._segment_over)

    def _segment_over(self, event: Any) -> None:
        run, token, split = event.value  # the value given to env.timeout
        if token != run.end_token or run.state != RUNNING:
            return
        if split:
            self.pause(run, "day_end")
        else:
            self._finish(run, self.env.now)

    def _free(self, run: ActivityRun, now: float) -> None:
        freed = self.dispatcher.freed
        for gid, teams in run.act.groups:
            group = self.groups[gid]
            group.free += teams
            freed.add(group)
        for rid, amount in run.act.needs:
            res = self.resources[rid]
            res.in_use -= amount
            res.free += amount
            freed.add(res)
            if res.steps is not None:
                step(res, now)
        self.running.discard(run)

    def _finish(self, run: ActivityRun, now: float) -> None:
        self._free(run, now)
        run.state = DONE
        run.remaining = 0.0
        run.seg_end = now
        act = run.act
        self.log(record((now, "finish", act.id, None, None, None, run.work, None, act.phase)))
        self.network.finished(run, now)
        if self.network.unfinished == 0:
            self.check_done()
        self.dispatcher.pending = True

    def check_done(self) -> None:
        """End the run when all work is done and no inject will add more."""
        if self.network.unfinished == 0 and self.pending_adds == 0 and not self.finished:
            self.finished = True

    def pause(self, run: ActivityRun, reason: str) -> None:
        """Stop running work, free its units, and queue the rest of its work."""
        now = self.env.now
        run.remaining = max(0.0, run.remaining - (now - run.seg_start))
        if run.remaining <= EPS:  # its work is done at this very moment: it finishes
            self._finish(run, now)
            return
        run.end_token += 1
        self._free(run, now)
        run.state = PAUSED
        run.pause_at = now
        run.interruptions += 1
        run.key = self.key(run)  # already started: precedence over fresh starts
        self.log(Event(now, "pause", run.act.id, reason=reason, amount=run.remaining,
                       phase=run.act.phase, inject=None if reason == "day_end" else reason))
        self.dispatcher.add(run)

    def add_work(self, run: ActivityRun, hours: float) -> None:
        """A delay: more work for an activity that has not finished."""
        run.work += hours
        run.remaining += hours
        run.recheck_at = -INF  # its fit in the working day changed: check it again
        if run.state == RUNNING:
            self._schedule_end(run, self.clock.window(run.seg_start), self.env.now)
        else:
            self.dispatcher.refile(run)

    def add_activity(self, act: Activity) -> None:
        """An activity that exists from now on (an ``add_activity`` inject)."""
        self.network.add(act, self.env.now)

    # ------------------------------------------------------------ the run

    def run(self) -> None:
        """Step until all work is done, nothing can happen any more, or the time cap."""
        env, cap, dispatcher = self.env, self.time_cap, self.dispatcher
        peek, step = env.peek, env.step
        now = env.now  # a step takes the clock to the time peek gave
        self.check_done()
        while not self.finished:
            when = peek()
            if dispatcher.pending and when > now:  # the instant is over: dispatch
                dispatcher.dispatch(now)
                continue
            if when == INF:
                break  # nothing left to happen and work remains: stuck
            if when > cap:  # the clock runs to the cap, where the run stops as stuck
                self.capped = True
                if cap > now:
                    env.run(until=cap)
                break
            step()
            now = when

    def close(self) -> None:
        """Drop the run-time state once the log is complete.

        Activity runs point at their phase and the engine's pending events point back at
        the engine; letting go of them here lets reference counting free a finished run at
        once, instead of leaving thousands of objects for the cyclic garbage collector.
        """
        self.network.close()
        self.dispatcher.clear()
        self.running.clear()

    def let_go(self) -> None:
        """The run is over and a result holds its log and step tables: let go of them, and
        of the parts that call back into the engine, which is then spent.

        The dispatcher and the network hold the engine's methods, and SimPy's pending
        events (an inject due after the end) callbacks into it: cycles that only the
        cyclic collector frees, a full one walking the whole heap. Without them, reference
        counting frees the engine as soon as the caller lets go of it; with pending
        events, what is left for the collector is the environment and a small engine.
        """
        self.recorder.events.clear()
        for res in self.resources.values():
            res.steps = None
        del self.dispatcher, self.network, self.env

    def unfinished_runs(self) -> list[ActivityRun]:
        return [r for r in self.network.runs.values() if r.state != DONE]


__all__ = ["DONE", "PAUSED", "PENDING", "READY", "RUNNING", "Engine"]
