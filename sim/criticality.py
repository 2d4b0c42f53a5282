"""The critical chain of one run: what actually held the end back, resource waits included."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sim.results import RunResult

EPS = 1e-7


def critical_chain(result: RunResult) -> list[str]:
    """Activity ids on the run's critical chain, from the last to finish backwards.

    From the activity that finished last, step back repeatedly: if it waited for a
    resource or a group, to the activity that freed it at that moment; otherwise to
    the dependency whose finish (plus lag) released it. The chain ends at an activity
    released by a phase start, a ``not_before`` or time 0.
    """
    rows = {r.id: r for r in result.activities}
    finished = [r for r in result.activities if r.end_h is not None]
    if not finished:
        return []
    scenario = result.scenario
    acts = {a.id: a for a in scenario.activities}
    for inject in scenario.injects:
        acts.update((a.id, a) for a in inject.activities)
    members: dict[str, list[str]] = defaultdict(list)
    for row in result.activities:
        members[row.phase].append(row.id)
    phase_after = {p.id: p.after for p in scenario.phases}
    freed_at: dict[float, list[str]] = defaultdict(list)
    for ev in result.events:
        if ev.kind in ("finish", "pause") and ev.activity is not None:
            freed_at[ev.t].append(ev.activity)

    def shares(a: str, b: str) -> bool:
        x, y = acts[a], acts[b]
        if {g for g, _ in x.groups} & {g for g, _ in y.groups}:
            return True
        return bool({r for r, _ in x.needs} & {r for r, _ in y.needs})

    def predecessors(aid: str) -> list[tuple[str, float]]:
        act = acts[aid]
        out: list[tuple[str, float]] = []
        for dep in act.after:
            if dep.on_phase:
                out += [(m, dep.lag) for m in members.get(dep.target, [])]
            else:
                out.append((dep.target, dep.lag))
        for phase in phase_after.get(act.phase, ()):
            out += [(m, 0.0) for m in members.get(phase, [])]
        return out

    current = max(finished, key=lambda r: (r.end_h or 0.0, -_order(acts, r.id))).id
    chain = [current]
    seen = {current}
    while True:
        row = rows[current]
        start, ready = row.start_h, row.ready_h
        if start is None or ready is None:
            break
        nxt: str | None = None
        if start > ready + EPS:
            freeing = [a for a in freed_at.get(start, []) if a != current and a in acts
                       and shares(a, current) and a not in seen]
            if freeing:
                nxt = freeing[0]
        if nxt is None:
            best, best_t = None, -1.0
            for pred, lag in predecessors(current):
                end = rows[pred].end_h if pred in rows else None
                if end is not None and end + lag > best_t and pred not in seen:
                    best, best_t = pred, end + lag
            if best is not None and best_t >= ready - EPS:
                nxt = best
        if nxt is None:
            break
        chain.append(nxt)
        seen.add(nxt)
        current = nxt
    return chain


def _order(acts: Mapping[str, object], aid: str) -> int:
    act = acts.get(aid)
    return int(getattr(act, "order", 0))
