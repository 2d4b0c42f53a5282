"""What the event log says about each activity instance, gathered in one pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sim.results.eventlog import Event

Held = tuple[str, str]  # what holds an activity back: ("resource", id), ("group", id), (why, "")
HOLDS = frozenset(("blocked", "start", "resume", "stuck"))  # records that end a hold


class Trace:
    """One activity instance's record in the log.

    The defaults are class attributes, so making one costs no attribute writes: most
    activities change only a few of them.
    """

    ready: float | None = None
    start: float | None = None
    end: float | None = None
    work = 0.0
    paused = 0.0
    pause_at: float | None = None
    interruptions = 0
    blocked: Held | None = None  # what holds it now, since `since`
    since = 0.0
    waited_on: dict[Held, float] | None = None


def blocked_by(ev: Event) -> Held:
    """What a ``blocked`` record says holds the activity back."""
    if ev[3]:  # resource
        return ("resource", ev[3])
    if ev[4]:  # group
        return ("group", ev[4])
    return ("calendar" if ev[7] == "fit" else ev[7] or "calendar", "")


def read_traces(events: Iterable[Event]) -> tuple[dict[str, Trace], dict[Held, float],
                                                  list[Event]]:
    """Each activity's trace, the hours of waiting per reason while it was held, and the
    few records about no activity or about its being stuck (in log order).

    Hours still open at the end of the log (an activity that never started) are left
    to the caller, which knows where the run ends.
    """
    traces: dict[str, Trace] = {}
    waits: dict[Held, float] = defaultdict(float)
    others: list[Event] = []
    for ev in events:
        aid, kind = ev[2], ev[1]
        if aid is None:
            others.append(ev)
            continue
        trace = traces.get(aid)
        if trace is None:
            trace = traces[aid] = Trace()
        if kind == "finish":
            trace.end, trace.work = ev[0], ev[6] or 0.0
        elif kind == "ready":
            if trace.ready is None:
                trace.ready = ev[0]
        elif kind == "pause":
            trace.pause_at = ev[0]
            trace.interruptions += 1
        elif kind in HOLDS:
            if kind == "stuck":
                others.append(ev)
            if trace.blocked is not None:  # the reason it was held for ends now
                _release(trace, ev[0], waits)
            if kind == "blocked":
                trace.blocked, trace.since = blocked_by(ev), ev[0]
            elif kind == "start":
                if trace.start is None:
                    trace.start = ev[0]
            elif trace.pause_at is not None:  # resume, or stuck while paused
                trace.paused += ev[0] - trace.pause_at
                trace.pause_at = None
    return traces, waits, others


def _release(trace: Trace, t: float, waits: dict[Held, float]) -> None:
    """The hold on ``trace`` ends at ``t``: count its hours."""
    held = trace.blocked
    assert held is not None
    spent = t - trace.since
    waits[held] += spent
    if spent > 0:
        if trace.waited_on is None:
            trace.waited_on = {}
        trace.waited_on[held] = trace.waited_on.get(held, 0.0) + spent
    trace.blocked = None
