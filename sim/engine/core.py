"""The SimPy model: one dispatcher owns all allocation; every change of state is logged.

An activity gets every group team and resource unit it needs at once, or
nothing. Time is in hours from D1 00:00.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable
from heapq import heappop, heappush
from operator import attrgetter
from typing import Any

import simpy
from simpy.events import NORMAL, Timeout

from sim.core.timefmt import EPS, WorkingTime
from sim.engine.recorder import Event, Recorder
from sim.engine.state import (
    DONE,
    PAUSED,
    PENDING,
    READY,
    RUNNING,
    ActivityRun,
    GroupState,
    PhaseRun,
    ResourceState,
)
from sim.scenario.model import Activity, Scenario

_new = tuple.__new__  # builds an event record without NamedTuple's keyword handling
_new_timeout = object.__new__
INF = float("inf")


_dispatch_key = attrgetter("key")


class Engine:
    """One run of a scenario. Build it, call :meth:`run`, read ``recorder.events``."""

    def __init__(self, scenario: Scenario, draw: Callable[[Activity], float],
                 time_cap: float) -> None:
        self.scenario = scenario
        self.env = simpy.Environment(initial_time=0.0)
        self.timeout = self.env.timeout  # looked up once: each lookup builds a bound method
        self._on_segment_over = self._segment_over
        self._window: tuple[float, float] | None = None  # the last working window seen
        self.finished = False  # all work done and no inject will add more
        self.recorder = Recorder()
        self.log = self.recorder.events.append
        self.clock = WorkingTime(scenario.calendar)
        self.draw = draw
        self.time_cap = time_cap
        self.resources = {r.id: ResourceState(r.id, r.capacity, r.always)
                          for r in scenario.resources}
        self.groups = {g.id: GroupState(g.id, g.teams) for g in scenario.groups}
        self.phase_model = {p.id: p for p in scenario.phases}
        self.phases = {p.id: PhaseRun(p.id, p.start or 0.0) for p in scenario.phases}
        self.runs: dict[str, ActivityRun] = {}
        self.ready: list[ActivityRun] = []  # in dispatch order (insort by key)
        self.running: set[ActivityRun] = set()  # working now (what injects may pause)
        self.unfinished = 0
        self.pending_adds = 0
        self.dispatch_pending = False
        self.freed: set[GroupState | ResourceState] = set()  # gained units since the last dispatch
        self.recheck_all = False
        self.wakeups: set[float] = set()
        self.capped = False
        self.fired: set[str] = set()
        self.rule = scenario.dispatch
        self.fifo = scenario.dispatch == "fifo"
        plan = scenario.critical_path if scenario.dispatch == "critical_path" else None
        self.latest_start = plan.latest_start if plan else {}
        for phase_model in scenario.phases:
            phase_run = self.phases[phase_model.id]
            phase_run.after_left = len(phase_model.after)
            for other in phase_model.after:
                self.phases[other].phase_dependents.append(phase_run)
        # every run exists before any dependency is wired: `after` may name a later activity
        created = self._create_all(scenario.activities)
        for run in created:
            self._wire(run)
        for phase_run in self.phases.values():
            if phase_run.left == 0 and phase_run.after_left == 0:
                self._complete_phase(phase_run, 0.0)

    # ------------------------------------------------------------ set-up

    def _key(self, run: ActivityRun) -> tuple[float, ...]:
        """Dispatch order: paused work first, then the dispatch rule, then written order."""
        rule = self.rule
        if rule == "critical_path":
            primary = self.latest_start.get(run.act.id, 0.0)
        elif rule == "priority":
            primary = -run.act.priority
        else:
            primary = run.ready_at if run.ready_at is not None else 0.0
        return (0.0 if run.first_start is not None else 1.0, primary, float(run.act.order))

    def _register(self, act: Activity) -> ActivityRun:
        run = self._create(act)
        self._wire(run)
        return run

    def _create_all(self, acts: tuple[Activity, ...]) -> list[ActivityRun]:
        """The runs of ``acts``, each counted in its phase, not yet wired.

        A run keeps to the working day unless its phase is around the clock and all
        its resources are ``hours: always``.
        """
        runs, phases, draw = self.runs, self.phases, self.draw
        always = {rid for rid, res in self.resources.items() if res.always}
        day_bound = {p.id: not p.around_the_clock for p in self.phase_model.values()}
        key = self._key
        created = []
        for act in acts:
            bound = day_bound[act.phase] or any(r not in always for r, _ in act.needs)
            run = ActivityRun(act, draw(act), bound)
            run.key = key(run)  # the key it will have when it becomes ready (fifo: set then)
            runs[act.id] = run
            phase = phases[act.phase]
            run.phase = phase
            phase.left += 1
            created.append(run)
        self.unfinished += len(created)
        return created

    def _create(self, act: Activity) -> ActivityRun:
        """The run of one activity instance, counted in its phase, not yet wired."""
        return self._create_all((act,))[0]

    def _wire(self, run: ActivityRun) -> None:
        """Count the dependencies of ``run``; release it when none is left."""
        act = run.act
        now = self.env._now
        for dep in act.after:
            if dep.on_phase:
                target_phase = self.phases[dep.target]
                if target_phase.complete:
                    run.dep_ready = max(run.dep_ready, target_phase.end + dep.lag)
                else:
                    run.deps_left += 1
                    target_phase.dependents.append((run, dep.lag))
                continue
            target = self.runs.get(dep.target)
            if target is None or target.state == DONE:
                end = target.seg_end if target is not None else now
                run.dep_ready = max(run.dep_ready, end + dep.lag)
            else:
                run.deps_left += 1
                target.dependents.append((run, dep.lag))
        for other in self.phase_model[act.phase].after:
            if not self.phases[other].complete:
                run.deps_left += 1
                self.phases[other].dependents.append((run, 0.0))
        if run.deps_left == 0:
            self._release(run)

    # ------------------------------------------------------------ scheduling helpers

    def at(self, delay: float, callback: Callable[[Any], None]) -> None:
        """Call ``callback`` after ``delay`` hours."""
        event = self.timeout(max(delay, 0.0))
        event.callbacks.append(callback)

    def request_dispatch(self) -> None:
        """Dispatch once everything that happens at this instant has happened."""
        self.dispatch_pending = True

    def _wake_at(self, t: float) -> None:
        if t not in self.wakeups:
            self.wakeups.add(t)
            self.at(t - self.env._now, lambda _e: self._woken(t))

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
        if when > self.env._now + EPS:
            self.at(when - self.env._now, lambda _e: self._make_ready(run))
        else:
            self._make_ready(run)

    def _make_ready(self, run: ActivityRun) -> None:
        now = self.env._now
        run.state = READY
        run.ready_at = now
        if self.fifo:  # the other rules' keys were set when the run was created
            run.key = self._key(run)
        act = run.act
        self.log(_new(Event, (now, "ready", act.id, None, None, None, None, None, act.phase)))
        insort(self.ready, run, key=_dispatch_key)
        self.dispatch_pending = True

    def _enqueue(self, run: ActivityRun) -> None:
        insort(self.ready, run, key=_dispatch_key)
        self.request_dispatch()

    # ------------------------------------------------------------ the dispatcher

    def _dispatch(self) -> None:
        """Start every ready activity that can start now, in dispatch order.

        A waiting activity keeps the reason it was blocked for as long as that reason
        holds, and is not checked again before then: not before its blocker (a group or
        resource) gains something, and not before ``recheck_at``, the moment its place
        in the working day may change (the window closes, its work no longer fits, the
        next working day starts).
        """
        self.dispatch_pending = False
        ready = self.ready
        now = self.env._now
        window = self._window
        if window is None or not window[0] - EPS <= now < window[1] - EPS:
            window = self._window = self.clock.window(now)  # the working window now, if any
        freed = self.freed
        recheck = self.recheck_all
        self.recheck_all = False
        started = False
        keep: list[ActivityRun] = []
        log = self.log
        for run in ready:
            blocked = run.blocked
            if blocked is not None and now < run.recheck_at and not recheck:
                on = run.blocked_on  # None: held by the working day alone
                if on is None or on not in freed or on.free < run.blocked_need:
                    keep.append(run)  # still held, for the same reason
                    continue
            blocker = self._blocker(run, now, window)
            if blocker is None:
                self._start(run, now, window)
                started = True
                continue
            keep.append(run)
            if blocker != blocked:
                run.blocked = blocker
                reason, name = blocker
                log(_new(Event, (
                    now, "blocked", run.act.id, name if reason == "resource" else None,
                    name if reason in ("group", "group_unavailable") else None, None, None,
                    reason, None)))
        freed.clear()
        if started:
            self.ready = keep

    def _blocker(self, run: ActivityRun, now: float,
                 window: tuple[float, float] | None) -> tuple[str, str | None] | None:
        """Why ``run`` cannot start now (``None``: it can); ``window``: the working window now.

        Also notes what holds it (``run.blocked_on``: the group or resource state, or
        ``None`` for the working day) and until when that answer holds whatever the
        groups and resources do (``run.recheck_at``).
        """
        remaining = run.remaining
        recheck_at = INF
        if run.bound and remaining > 0:
            clock = self.clock
            if window is None:
                wake = clock.next_start(now)
                self._wake_at(wake)
                run.blocked_on, run.recheck_at = None, wake - EPS
                return ("calendar", None)
            close = window[1] - EPS  # from here on it is not working time
            if run.act.splittable or remaining > clock.day_length + EPS:
                recheck_at = close
            else:
                if now + remaining > window[1] + EPS:
                    self._wake_at(clock.next_day_start(now))
                    run.blocked_on, run.recheck_at = None, close
                    return ("fit", None)
                # it fits until then (less a margin far above rounding error)
                recheck_at = min(close, window[1] + EPS / 2 - remaining)
        run.recheck_at = recheck_at
        return self.capacity_blocker(run)

    def capacity_blocker(self, run: ActivityRun) -> tuple[str, str | None] | None:
        """The group or resource that keeps ``run`` from starting now, calendar aside.

        Notes it in ``run.blocked_on``, with the teams or units ``run`` needs of it.
        """
        groups = self.groups
        for gid, teams in run.act.groups:
            group = groups[gid]
            if group.down or group.free < teams:
                run.blocked_on, run.blocked_need = group, teams
                return ("group_unavailable" if group.down else "group", gid)
        resources = self.resources
        for rid, amount in run.act.needs:
            res = resources[rid]
            if res.free < amount:
                run.blocked_on, run.blocked_need = res, amount
                return ("resource", rid)
        return None

    def invalidate(self, *, dispatch: bool = True) -> None:
        """Capacity or availability changed other than by work ending: check every waiting
        activity again at the next dispatch (now, unless ``dispatch`` is false)."""
        self.recheck_all = True
        if dispatch:
            self.request_dispatch()

    # ------------------------------------------------------------ work

    def _start(self, run: ActivityRun, now: float, window: tuple[float, float] | None) -> None:
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
        resumed = run.first_start is not None
        if not resumed:
            run.first_start = now
        run.state = RUNNING
        run.blocked = None
        run.seg_start = now
        self.running.add(run)
        self.log(_new(Event, (now, "resume" if resumed else "start", act.id, None, None, None,
                              None, None, act.phase)))
        self._schedule_end(run, window)

    def _schedule_end(self, run: ActivityRun, window: tuple[float, float] | None) -> None:
        """Schedule the end of the running segment: finish, or pause at the end of the day.

        ``window``: the working window at ``run.seg_start``.
        """
        now = self.env._now
        end = run.seg_start + run.remaining
        split = False
        # a splittable activity, one longer than a day, or one a delay made run past the
        # end of the day: its work pauses at the end of the day (a bound activity never
        # works outside the working day)
        if run.bound and run.remaining > 0 and window is not None and end > window[1] + EPS:
            end, split = window[1], True
        run.end_token += 1
        run.seg_end = end
        # env.timeout(delay, value) with the callback, without its two Python calls
        event = _new_timeout(Timeout)
        event.env = env = self.env
        event.callbacks = [self._on_segment_over]
        event._value = (run, run.end_token, split)
        event._delay = delay = end - now if end > now else 0.0
        event._ok = True
        heappush(env._queue, (now + delay, NORMAL, next(env._eid), event))

    def _segment_over(self, event: Any) -> None:
        run, token, split = event._value
        if token != run.end_token or run.state != RUNNING:
            return
        if split:
            self.pause(run, "day_end")
        else:
            self._finish(run)

    def _free(self, run: ActivityRun) -> None:
        freed = self.freed
        for gid, teams in run.act.groups:
            group = self.groups[gid]
            group.free += teams
            freed.add(group)
        for rid, amount in run.act.needs:
            res = self.resources[rid]
            res.in_use -= amount
            res.free += amount
            freed.add(res)
        self.running.discard(run)

    def _finish(self, run: ActivityRun) -> None:
        now = self.env._now
        self._free(run)
        run.state = DONE
        run.remaining = 0.0
        run.seg_end = now
        act = run.act
        self.log(_new(Event, (now, "finish", act.id, None, None, None, run.work, None,
                              act.phase)))
        for dependent, lag in run.dependents:  # _dependency_met, inline: the hot path
            ready_from = now + lag
            if ready_from > dependent.dep_ready:
                dependent.dep_ready = ready_from
            dependent.deps_left -= 1
            if dependent.deps_left == 0 and dependent.state == PENDING:
                self._release(dependent)
        phase = run.phase
        assert phase is not None
        phase.left -= 1
        if phase.left == 0 and phase.after_left == 0 and not phase.complete:
            self._complete_phase(phase, now)
        self.unfinished -= 1
        if self.unfinished == 0:
            self.check_done()
        self.dispatch_pending = True

    def check_done(self) -> None:
        """End the run when all work is done and no inject will add more."""
        if self.unfinished == 0 and self.pending_adds == 0 and not self.finished:
            self.finished = True

    def pause(self, run: ActivityRun, reason: str) -> None:
        """Stop running work, free its units, and queue the rest of its work."""
        now = self.env._now
        run.remaining = max(0.0, run.remaining - (now - run.seg_start))
        if run.remaining <= EPS:  # its work is done at this very moment: it finishes
            self._finish(run)
            return
        run.end_token += 1
        self._free(run)
        run.state = PAUSED
        run.key = self._key(run)  # already started: precedence over fresh starts
        self.log(Event(now, "pause", run.act.id, reason=reason, amount=run.remaining,
                       phase=run.act.phase, inject=None if reason == "day_end" else reason))
        self._enqueue(run)

    def add_work(self, run: ActivityRun, hours: float) -> None:
        """A delay: more work for an activity that has not finished."""
        run.work += hours
        run.remaining += hours
        run.recheck_at = -INF  # its fit in the working day changed: check it again
        if run.state == RUNNING:
            self._schedule_end(run, self.clock.window(run.seg_start))

    def _dependency_met(self, run: ActivityRun, ready_from: float) -> None:
        run.dep_ready = max(run.dep_ready, ready_from)
        run.deps_left -= 1
        if run.deps_left == 0 and run.state == PENDING:
            self._release(run)

    def _complete_phase(self, phase: PhaseRun, now: float) -> None:
        phase.complete = True
        phase.end = now
        self.log(Event(now, "phase_end", phase=phase.id))
        # whoever waits now: those wired at the start, or (when added work reopened the
        # phase) activities added while it was open again
        dependents, phase.dependents = phase.dependents, []
        for run, lag in dependents:
            self._dependency_met(run, now + lag)
        if phase.notified:
            return
        phase.notified = True
        for other in phase.phase_dependents:
            other.after_left -= 1
            if other.after_left == 0 and other.left == 0 and not other.complete:
                self._complete_phase(other, now)

    # ------------------------------------------------------------ the run

    def run(self) -> None:
        """Step until all work is done, nothing can happen any more, or the time cap."""
        env, cap = self.env, self.time_cap
        self.check_done()
        queue = env._queue  # SimPy's event queue, read directly: peek() and step() inline
        while not self.finished:
            when = queue[0][0] if queue else INF
            if self.dispatch_pending and when > env._now:  # the instant is over: dispatch
                self._dispatch()
                continue
            if when == INF:
                break  # nothing left to happen and work remains: stuck
            if when > cap:  # the clock runs to the cap, where the run stops as stuck
                self.capped = True
                if cap > env._now:
                    env.run(until=cap)
                break
            env._now, _, _, event = heappop(queue)  # Environment.step, inline
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
            for callback in callbacks:
                callback(event)
            if not event._ok:  # our events never fail; if one did, fail loudly as SimPy does
                raise RuntimeError(f"simulation event failed: {event._value!r}")

    def add_activity(self, act: Activity) -> None:
        """An activity that exists from now on (an ``add_activity`` inject)."""
        phase = self.phases[act.phase]
        if phase.complete:  # the phase ends again when the added work ends
            phase.complete = False
        self._register(act)

    def close(self) -> None:
        """Drop the run-time state once the log is complete.

        Activity runs point at their phase and the engine's pending events point back at
        the engine; letting go of them here lets reference counting free a finished run at
        once, instead of leaving thousands of objects for the cyclic garbage collector.
        """
        for phase in self.phases.values():
            phase.dependents = []
            phase.phase_dependents = []
        for run in self.runs.values():
            run.dependents = []
            run.phase = None
        self.runs.clear()
        self.ready.clear()
        self.running.clear()

    def unfinished_runs(self) -> list[ActivityRun]:
        return [r for r in self.runs.values() if r.state != DONE]


__all__ = ["DONE", "PAUSED", "PENDING", "READY", "RUNNING", "Engine"]
