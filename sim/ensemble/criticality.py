"""The critical chain of one run: what actually held the end back, resource waits included."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from sim.results.eventlog import Event
from sim.results.result import RunResult
from sim.results.rows import ActivityRow
from sim.scenario.model import Scenario

EPS = 1e-7
_time = itemgetter(0)  # of an event record


@dataclass(frozen=True)
class ChainContext:
    """What the walk back needs from the scenario: worked out once, reused for every run."""

    predecessors: dict[str, tuple[tuple[str, float], ...]]
    uses: dict[str, frozenset[str]]  # "g:<group>" and "r:<resource>" of each activity
    order: dict[str, int]

    @classmethod
    def of(cls, scenario: Scenario) -> ChainContext:
        acts = list(scenario.activities) + [a for i in scenario.injects for a in i.activities]
        members: dict[str, list[str]] = defaultdict(list)
        for act in acts:
            members[act.phase].append(act.id)
        phase_after = {p.id: p.after for p in scenario.phases}
        predecessors: dict[str, tuple[tuple[str, float], ...]] = {}
        for act in acts:
            out: list[tuple[str, float]] = []
            for dep in act.after:
                if dep.on_phase:
                    out += [(m, dep.lag) for m in members.get(dep.target, [])]
                else:
                    out.append((dep.target, dep.lag))
            for phase in phase_after.get(act.phase, ()):
                out += [(m, 0.0) for m in members.get(phase, [])]
            predecessors[act.id] = tuple(out)
        uses = {a.id: frozenset([f"g:{g}" for g, _ in a.groups] + [f"r:{r}" for r, _ in a.needs])
                for a in acts}
        return cls(predecessors, uses, {a.id: a.order for a in acts})


def critical_chain(result: RunResult, context: ChainContext | None = None) -> list[str]:
    """Activity ids on the run's critical chain, from the last to finish backwards.

    From the activity that finished last, step back repeatedly: if it waited for a
    resource or a group, to the activity that freed it at that moment; otherwise to
    the dependency whose finish (plus lag) released it. The chain ends at an activity
    released by a phase start, a ``not_before`` or time 0. ``context`` (from
    :meth:`ChainContext.of`) saves working out the scenario's structure again.
    """
    ctx = context if context is not None else ChainContext.of(result.scenario)
    current = _last_finished(result, ctx)
    return [] if current is None else chain_from(result, current.id, ctx)


def phase_chains(result: RunResult, context: ChainContext | None = None) -> dict[str, list[str]]:
    """For each phase that finished, the chain that set its end: walked back (as in
    :func:`critical_chain`) from the phase's activity that finished last."""
    ctx = context if context is not None else ChainContext.of(result.scenario)
    rows = {r.id: r for r in result.activities}
    return {phase: chain_from(result, row.id, ctx, rows)
            for phase, row in _last_by_phase(result, ctx).items()}


def both_chains(result: RunResult,
                context: ChainContext) -> tuple[list[str], dict[str, list[str]]]:
    """:func:`critical_chain` and :func:`phase_chains` with one walk each: the
    activity that finished last is also the last of its phase (the first such in the
    same order), so the critical chain is that phase's chain."""
    found = phase_chains(result, context)
    current = _last_finished(result, context)
    return ([] if current is None else found[current.phase]), found


def _last_finished(result: RunResult, ctx: ChainContext) -> ActivityRow | None:
    """The activity that finished last (on a tie, the first in dispatch order)."""
    ends = [r.end_h for r in result.activities if r.end_h is not None]
    if not ends:
        return None
    last = max(ends)
    finished = [r for r in result.activities if r.end_h == last]  # usually one
    order = ctx.order
    return max(finished, key=lambda r: (r.end_h or 0.0, -order.get(r.id, 0)))


def _last_by_phase(result: RunResult, ctx: ChainContext) -> dict[str, ActivityRow]:
    last: dict[str, ActivityRow] = {}
    for r in result.activities:
        if r.end_h is None:
            continue
        best = last.get(r.phase)
        if best is None or (r.end_h, -ctx.order.get(r.id, 0)) > (
                best.end_h or 0.0, -ctx.order.get(best.id, 0)):
            last[r.phase] = r
    return last


def chain_from(result: RunResult, start: str, ctx: ChainContext,
               rows: dict[str, ActivityRow] | None = None) -> list[str]:
    """The chain of activities that held ``start`` back, ``start`` first."""
    if rows is None:
        rows = {r.id: r for r in result.activities}
    current = start
    chain = [current]
    seen = {current}
    while (nxt := _step_back(rows[current], rows, result.events, ctx, seen)) is not None:
        chain.append(nxt)
        seen.add(nxt)
        current = nxt
    return chain


def _step_back(row: ActivityRow, rows: dict[str, ActivityRow], events: Sequence[Event],
               ctx: ChainContext, seen: set[str]) -> str | None:
    """The activity that held ``row`` back last, if any not already on the chain."""
    start, ready = row.start_h, row.ready_h
    if start is None or ready is None:
        return None
    current = row.id
    if start > ready + EPS:  # it waited: for whoever freed what it shares, at its start
        uses = ctx.uses[current]
        for a in freed_at(events, start):
            if (a != current and a in ctx.order and not uses.isdisjoint(ctx.uses[a])
                    and a not in seen):
                return a
    best, best_t = None, -1.0  # else the dependency that released it
    for pred, lag in ctx.predecessors.get(current, ()):
        end = rows[pred].end_h if pred in rows else None
        if end is not None and end + lag > best_t and pred not in seen:
            best, best_t = pred, end + lag
    if best is not None and best_t >= ready - EPS:
        return best
    return None


def freed_at(events: Sequence[Event], t: float) -> list[str]:
    """Activities that finished or paused at ``t``, in log order (the log is in time
    order: a binary search finds the instant)."""
    out = []
    for i in range(bisect_left(events, t, key=_time), len(events)):
        ev = events[i]
        if ev[0] != t:
            break
        if (ev[1] == "finish" or ev[1] == "pause") and ev[2] is not None:
            out.append(ev[2])
    return out
