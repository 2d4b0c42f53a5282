"""All replications at once: one pass over the activity network, arrays across runs.

For each activity, in an order where everything comes after what it waits for, the
arrays (one number per replication) of when it is ready, each segment of its work and
when it finishes, by the event engine's rules (see :mod:`sim.engine.simulation` and
:mod:`sim.engine.dispatch`): ready at the latest of its dependencies' ends plus lags,
its ``not_before`` and its phase's start; work that keeps to the working day waits for
working time, a piece that must fit in one day waits for a day it fits in, and work
that does not fit pauses at the end of the day and resumes at the next working time;
milestones and around-the-clock work ignore the calendar; a ``delay`` inject adds work
to whatever of its target has not finished when it fires. Every time is computed with
the same floating-point operations as the event engine's (SimPy schedules an event at
``now + (t - now)``, which is ``t`` exactly for ``0 <= now <= t``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sim.core.timefmt import EPS
from sim.engine.batch.draws import Draws
from sim.engine.batch.graph import Graph
from sim.engine.batch.workday import Mask, Times, WorkdayArrays
from sim.scenario.model import Activity, Scenario

INF = float("inf")
# A replication is left to the event engine when one of its times falls this close
# before a working day's start: there, another activity's event could let the
# dispatcher look at a waiting one a little early (a margin far above rounding error).
NEAR = 1e-6


@dataclass
class Delays:
    """The delay injects that may hit one activity: times, hours, and which fired."""

    at: list[Times] = field(default_factory=list)
    hours: list[Times] = field(default_factory=list)
    done: list[Mask] = field(default_factory=list)  # applied (or missed) already


@dataclass
class ActivityArrays:
    """One activity across replications."""

    ready: Times
    start: Times  # first start
    finish: Times
    segments: list[tuple[Times, Times]]  # (start, end) of each piece of work; NaN: none
    paused: list[Times]  # pause times (NaN: none), one array per piece that paused


@dataclass
class BatchSchedule:
    """What the batch engine gives for replications ``start..stop-1``."""

    start: int
    stop: int
    activities: list[ActivityArrays]
    work: dict[str, Times]  # drawn durations of random activities
    inject_draws: dict[str, tuple[NDArray[np.bool_], Times, Times]]
    uncertain: Mask  # replications the event engine must run instead


def batch_schedule(scenario: Scenario, graph: Graph, seed: int, start: int, stop: int,
                   time_cap: float) -> BatchSchedule:
    """The schedule of replications ``start..stop-1`` of ``seed``, as arrays."""
    draws = Draws(seed, start, stop)
    n = stop - start
    work = draws.durations(scenario.activities)
    inject_draws = {i.id: draws.inject(i) for i in scenario.injects}
    delays = _delays(scenario, inject_draws, n)
    clock = WorkdayArrays(scenario.calendar, int(time_cap // 24) + 2)
    always = {r.id for r in scenario.resources if r.always}
    phase_end = [np.zeros(n) for _ in scenario.phases]
    phases = {p.id: p for p in scenario.phases}
    out: list[ActivityArrays | None] = [None] * len(scenario.activities)
    for is_phase, i in graph.order:
        if is_phase:
            for a in graph.members[i]:
                phase_end[i] = np.maximum(phase_end[i], _done(out[a]).finish)
            for q in graph.phase_after[i]:
                phase_end[i] = np.maximum(phase_end[i], phase_end[q])
            continue
        act = scenario.activities[i]
        phase = phases[act.phase]
        ready = _ready(act, graph, i, out, phase_end, phase.start or 0.0, n)
        bound = not phase.around_the_clock or any(r not in always for r, _ in act.needs)
        out[i] = _work(clock, ready, work[i].copy(), (bound, act.splittable), delays[i],
                       time_cap)
    acts = [_done(a) for a in out]
    uncertain = _uncertain(clock, acts, delays, time_cap, n)
    random = {a.id: work[k] for k, a in enumerate(scenario.activities) if a.duration.is_random}
    return BatchSchedule(start, stop, acts, random, inject_draws, uncertain)


def _done(arrays: ActivityArrays | None) -> ActivityArrays:
    assert arrays is not None, "the order puts every activity after what it waits for"
    return arrays


def _ready(act: Activity, graph: Graph, i: int, out: list[ActivityArrays | None],
           phase_end: list[Times], phase_start: float, n: int) -> Times:
    """When the activity is ready: the engine's ``_release`` at its last dependency's end."""
    released = np.zeros(n)  # when the last thing it waits for ended (the release event)
    dep_ready = np.zeros(n)
    for is_phase, j, lag in graph.waits[i]:
        end = phase_end[j] if is_phase else _done(out[j]).finish
        released = np.maximum(released, end)
        dep_ready = np.maximum(dep_ready, end + lag)
    when = np.maximum(np.maximum(dep_ready, act.not_before), phase_start)
    return np.where(when > released + EPS, when, released)


def _work(clock: WorkdayArrays, ready: Times, rem: Times, kind: tuple[bool, bool],
          delays: Delays, time_cap: float) -> ActivityArrays:
    """Segments and finish of one activity ready at ``ready`` with ``rem`` hours of work;
    ``kind``: (keeps to the working day, splittable). Work still going on past the time
    cap is left unfinished (inf): the event engine runs those replications."""
    bound, splittable = kind
    n = len(ready)
    now = ready.copy()
    first, finish = np.full(n, np.nan), np.full(n, np.nan)
    segments: list[tuple[Times, Times]] = []
    paused: list[Times] = []
    active = np.ones(n, dtype=bool)
    while active.any():
        over = active & (now > time_cap)
        finish[over] = INF
        active &= ~over
        _apply(delays, now, active, rem)  # a delay fires before the dispatch at its instant
        go, wake = _decide(clock, now, rem, bound, splittable)
        go &= active
        blocked = active & ~go
        if blocked.any():  # looked at again when the day allows, or when a delay fires
            later = np.minimum(wake, _next_delay(delays, now, blocked))
        if go.any():
            first = np.where(go & np.isnan(first), now, first)
            seg_start = now.copy()
            end, split = _run_segment(clock, seg_start, rem, bound, delays, go)
            segments.append((np.where(go, seg_start, np.nan), np.where(go, end, np.nan)))
            pause = go & split
            left = np.maximum(0.0, rem - (end - seg_start))
            ends_now = pause & (left <= EPS)  # its work is done at that very moment
            rem = np.where(pause, np.where(ends_now, 0.0, left), rem)
            done = go & (~split | ends_now)
            finish = np.where(done, end, finish)
            if (pause & ~ends_now).any():
                paused.append(np.where(pause & ~ends_now, end, np.nan))
            now = np.where(go, end, now)
            active &= ~done
        if blocked.any():
            now = np.where(blocked, later, now)
    return ActivityArrays(ready, first, finish, segments, paused)


def _decide(clock: WorkdayArrays, now: Times, rem: Times, bound: bool,
            splittable: bool) -> tuple[Mask, Times]:
    """Whether the dispatcher starts the work at ``now`` (nothing binds), and if not,
    when the working day lets it look again (the dispatcher's ``_blocker``)."""
    if not bound:
        return np.ones(len(now), dtype=bool), now
    inside, _w0, w1 = clock.window(now)
    working = rem > 0
    calendar = working & ~inside
    long = splittable | (rem > clock.day_length + EPS)
    fit = working & inside & ~long & (now + rem > w1 + EPS)
    wake = np.where(calendar, clock.next_start(now), clock.next_day_start(now))
    return ~(calendar | fit), wake


def _segment_end(seg_start: Times, rem: Times, bound: bool, inside: Mask,
                 w1: Times) -> tuple[Times, Mask]:
    """The engine's ``_schedule_end``: finish, or pause at the end of the working day."""
    end = seg_start + rem
    if not bound:
        return end, np.zeros(len(end), dtype=bool)
    split = (rem > 0) & inside & (end > w1 + EPS)
    return np.where(split, w1, end), split


def _run_segment(clock: WorkdayArrays, seg_start: Times, rem: Times, bound: bool,
                 delays: Delays, go: Mask) -> tuple[Times, Mask]:
    """End of the piece of work started at ``seg_start``, delays that fire while it runs
    included (each adds to ``rem`` in place and moves the end, as ``add_work`` does)."""
    inside, _w0, w1 = clock.window(seg_start)
    end, split = _segment_end(seg_start, rem, bound, inside, w1)
    while _apply(delays, end, go, rem, one=True).any():
        end, split = _segment_end(seg_start, rem, bound, inside, w1)
    return end, split


def _apply(delays: Delays, limit: Times, mask: Mask, rem: Times, *,
           one: bool = False) -> Mask:
    """Add, in firing order, the delays not yet applied that fire at or before ``limit``
    (only the first of them with ``one``) to ``rem``; where something was added."""
    touched = np.zeros(len(limit), dtype=bool)
    while delays.at:
        best = np.full(len(limit), INF)
        pick = np.full(len(limit), -1)
        for k, (at, done) in enumerate(zip(delays.at, delays.done, strict=True)):
            due = mask & ~done & (at <= limit) & (at < best)
            best = np.where(due, at, best)
            pick = np.where(due, k, pick)
        hit = pick >= 0
        if not hit.any():
            break
        for k, hours in enumerate(delays.hours):
            now_k = pick == k
            rem[now_k] += hours[now_k]
            delays.done[k] |= now_k
        touched |= hit
        if one:
            break
    return touched


def _next_delay(delays: Delays, now: Times, mask: Mask) -> Times:
    """The next time a delay not yet applied fires after ``now`` (inf: none)."""
    nxt = np.full(len(now), INF)
    for at, done in zip(delays.at, delays.done, strict=True):
        nxt = np.where(mask & ~done & (at > now), np.minimum(nxt, at), nxt)
    return nxt


def _delays(scenario: Scenario,
            inject_draws: dict[str, tuple[NDArray[np.bool_], Times, Times]],
            n: int) -> list[Delays]:
    """The delays aimed at each activity (targets as :func:`sim.engine.injects._delay`)."""
    out = [Delays() for _ in scenario.activities]
    ids = {a.id for a in scenario.activities}
    for inject in scenario.injects:
        if inject.kind != "delay":
            continue
        target = str(inject.target)
        happens, when, hours = inject_draws[inject.id]
        for k, act in enumerate(scenario.activities):
            if inject.target_kind == "phase":
                hit = act.phase == target
            else:
                hit = act.id == target if target in ids else act.base_id == target
            if hit:
                out[k].at.append(when)
                out[k].hours.append(hours)
                out[k].done.append(~happens)
    return out


def _uncertain(clock: WorkdayArrays, acts: list[ActivityArrays], delays: list[Delays],
               time_cap: float, n: int) -> Mask:
    """Replications the event engine must run: one of their times lies just before a
    working day's start, or work runs past the time cap (the run would end stuck)."""
    odd = np.zeros(n, dtype=bool)
    for arrays, own in zip(acts, delays, strict=True):
        odd |= clock.near_day_start(arrays.ready, NEAR)
        odd |= ~(arrays.finish <= time_cap)
        for seg_start, seg_end in arrays.segments:
            odd |= clock.near_day_start(np.nan_to_num(seg_start), NEAR)
            odd |= clock.near_day_start(np.nan_to_num(seg_end), NEAR)
        for at in own.at:
            odd |= clock.near_day_start(at, NEAR)
    return odd
