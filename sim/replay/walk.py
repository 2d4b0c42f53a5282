"""The walk: read a run's event log once, record by record, and cut it into frames."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sim.core.timefmt import format_duration, format_time
from sim.replay.calendar import day_of
from sim.replay.frames import Frame, Replay
from sim.replay.state import RunState
from sim.replay.views import InjectView, Upcoming
from sim.replay.wording import (
    blocked_text,
    inject_effect,
    inject_line_text,
    narrative_line,
    summary_text,
    title_line,
    who_and_what,
)

if TYPE_CHECKING:  # annotations only
    from sim.results import RunResult
    from sim.results.eventlog import Event
    from sim.scenario.model import Activity

UPCOMING = 5  # how many next starts a frame lists

#: Reads one record into the state; returns its narrative line, if it makes one.
Handler = Callable[["Event"], "str | None"]


class _Walker:
    def __init__(self, result: RunResult, upcoming: int) -> None:
        self.result = result
        sc = result.scenario
        self.scenario = sc
        self.acts: dict[str, Activity] = {a.id: a for a in sc.activities}
        for inject in sc.injects:
            for act in inject.activities:
                self.acts[act.id] = act
        self.injects = {i.id: i for i in sc.injects}
        self.group_teams = {g.id: g.teams for g in sc.groups}
        self.state = RunState.at_start(sc)
        self.upcoming = upcoming
        self.starts = [(i, ev) for i, ev in enumerate(result.events)
                       if ev.kind == "start" and ev.activity]
        self.start_index = [i for i, _ev in self.starts]
        self.time_width = len(format_time(max((e.t for e in result.events), default=0.0)))
        self.moment_injects: list[InjectView] = []  # injects that hit at the moment read
        self.moment_stuck: list[str] = []  # activities found stuck at the moment read
        self.handlers: dict[str, Handler] = {
            "ready": self._ready, "blocked": self._blocked, "start": self._start,
            "resume": self._resume, "pause": self._pause, "finish": self._finish,
            "capacity": self._capacity, "group_unavailable": self._group_unavailable,
            "group_available": self._group_available, "inject": self._inject,
            "inject_missed": self._inject, "inject_skipped": self._inject_skipped,
            "added": self._added, "phase_end": self._phase_end, "stuck": self._stuck}

    def line(self, t: float, kind: str, text: str) -> str:
        return narrative_line(self.time_width, t, kind, text)

    def frames(self) -> Iterator[Frame]:
        events = self.result.events
        i = 0
        day = 0
        while i < len(events):
            t = events[i].t
            lines: list[str] = []
            self.moment_injects, self.moment_stuck = [], []
            while i < len(events) and events[i].t == t:
                line = self.apply(events[i])
                if line is not None:
                    lines.append(line)
                i += 1
            if not lines:
                continue
            frame_day = day_of(t)
            yield self.snapshot(t, frame_day, frame_day != day, lines, i)
            day = frame_day

    def apply(self, ev: Event) -> str | None:
        """Read one record into the state; its narrative line, if it makes one."""
        handler = self.handlers.get(ev.kind)
        return None if handler is None else handler(ev)

    # -------------------------------------------------------- activities

    def _ready(self, ev: Event) -> str | None:
        if ev.activity and ev.activity not in self.state.started:
            self.state.waiting.setdefault(ev.activity, ev.t)
        return None

    def _blocked(self, ev: Event) -> str | None:
        if ev.activity:
            self.state.blocked[ev.activity] = blocked_text(ev)
        return None

    def _start(self, ev: Event) -> str | None:
        st, aid = self.state, ev.activity
        if not aid:
            return None
        st.waiting.pop(aid, None)
        st.blocked.pop(aid, None)
        st.started.setdefault(aid, ev.t)
        st.running[aid] = ev.t
        phase = ev.phase or self._phase(aid)
        if phase:
            st.phases_started.add(phase)
        detail = who_and_what(self.group_teams, self.acts[aid]) if aid in self.acts else ""
        return self.line(ev.t, "start", f"{aid} ({detail})" if detail else aid)

    def _resume(self, ev: Event) -> str | None:
        if not ev.activity:
            return None
        self.state.paused.pop(ev.activity, None)
        self.state.blocked.pop(ev.activity, None)
        self.state.running[ev.activity] = ev.t
        return self.line(ev.t, "resume", ev.activity)

    def _pause(self, ev: Event) -> str | None:
        if not ev.activity:
            return None
        self.state.running.pop(ev.activity, None)
        why = "end of day" if ev.reason == "day_end" else (ev.inject or ev.reason or "")
        self.state.paused[ev.activity] = (ev.t, why)
        text = f"{ev.activity} ({why})" if why else ev.activity
        if ev.amount is not None:
            text += f" {format_duration(ev.amount)} left"
        return self.line(ev.t, "pause", text)

    def _finish(self, ev: Event) -> str | None:
        st, aid = self.state, ev.activity
        if not aid:
            return None
        for held in (st.running, st.paused, st.waiting, st.blocked):
            held.pop(aid, None)
        st.finished += 1
        text = aid
        if ev.amount is not None:
            text += f" ({format_duration(ev.amount)} of work)"
        return self.line(ev.t, "finish", text)

    def _added(self, ev: Event) -> str | None:
        if not ev.activity:
            return None
        text = f"{ev.activity} to {ev.phase}" if ev.phase else ev.activity
        return self.line(ev.t, "added", text + (f" ({ev.inject})" if ev.inject else ""))

    def _stuck(self, ev: Event) -> str | None:
        if not ev.activity:
            return None
        text = f"{ev.activity}: {ev.reason}" if ev.reason else ev.activity
        self.moment_stuck.append(text)
        return self.line(ev.t, "STUCK", text)

    def _phase(self, aid: str) -> str | None:
        act = self.acts.get(aid)
        return act.phase if act else None

    # -------------------------------------------------------- resources and groups

    def _capacity(self, ev: Event) -> str | None:
        if not ev.resource:
            return None
        st = self.state
        rid = str(ev.resource)
        new = int(ev.amount) if ev.amount is not None else st.capacity.get(rid, 0)
        old = st.capacity.get(rid, new)
        base = self._base(rid)
        taken = st.taken.setdefault(rid, {})
        key = ev.inject or ""
        if new < old:
            taken[key] = taken.get(key, 0) + (old - new)
            word = "down to"
        else:
            taken.pop(key, None)
            word = "back to" if new > old else "at"
        st.capacity[rid] = new
        return self.line(ev.t, "capacity", f"{rid} {word} {new} of {base}"
                         + (f" ({ev.inject})" if ev.inject else ""))

    def _base(self, rid: str) -> int:
        return next((r.capacity for r in self.scenario.resources if r.id == rid), 0)

    def _group_unavailable(self, ev: Event) -> str | None:
        if not ev.group:
            return None
        self.state.absent.setdefault(ev.group, []).append(ev.inject or "")
        return self.line(ev.t, "absent", ev.group + (f" ({ev.inject})" if ev.inject else ""))

    def _group_available(self, ev: Event) -> str | None:
        if not ev.group:
            return None
        held = self.state.absent.setdefault(ev.group, [])
        if ev.inject in held:
            held.remove(ev.inject)
        elif held:
            held.pop(0)
        return self.line(ev.t, "back", ev.group + (f" ({ev.inject})" if ev.inject else ""))

    # -------------------------------------------------------- injects and phases

    def _inject(self, ev: Event) -> str | None:
        if not ev.inject:
            return None
        view = self._inject_view(ev)
        self.moment_injects.append(view)
        return self.line(ev.t, "INJECT", inject_line_text(view))

    def _inject_skipped(self, ev: Event) -> str | None:
        if not ev.inject:
            return None
        why = {"probability": "did not happen in this run (probability)",
               "after_end": "after the end of the run"}.get(ev.reason or "", ev.reason or "")
        return self.line(ev.t, "skipped", f"{ev.inject}: {why}" if why else ev.inject)

    def _inject_view(self, ev: Event) -> InjectView:
        inject = self.injects.get(str(ev.inject))
        if inject is None:  # not in the scenario (should not happen): say what the log says
            return InjectView(id=str(ev.inject), kind=ev.reason or "", t=ev.t,
                              effect=ev.reason or "")
        hours = ev.amount if inject.kind == "delay" and ev.kind == "inject" else None
        missed = None
        if ev.kind == "inject_missed":
            missed = f"{ev.activity or inject.target} {ev.reason or 'already finished'}"
        return InjectView(id=inject.id, kind=inject.kind, t=ev.t,
                          effect=inject_effect(inject, hours), description=inject.description,
                          from_=inject.from_, to=inject.to,
                          expected_action=inject.expected_action, objective=inject.objective,
                          missed=missed)

    def _phase_end(self, ev: Event) -> str | None:
        if not ev.phase:
            return None
        self.state.phases_done.add(ev.phase)
        return self.line(ev.t, "phase", self._phase_text(ev.phase))

    def _phase_text(self, pid: str) -> str:
        row = self.result.phases.get(pid)
        text = f"{pid} complete"
        notes = []
        if row is not None:
            if row.due_h is not None and row.late_h is not None:
                verdict = "on time" if row.late_h <= 0 else f"late {format_duration(row.late_h)}"
                notes.append(f"due {format_time(row.due_h)}: {verdict}")
            if row.limit_h is not None and row.duration_h is not None:
                state = "BREACH" if row.breach else "within"
                notes.append(f"took {format_duration(row.duration_h)} of "
                             f"{format_duration(row.limit_h)} limit: {state}")
        return text + (f" ({'; '.join(notes)})" if notes else "")

    # -------------------------------------------------------- snapshot

    def snapshot(self, t: float, day: int, new_day: bool, lines: list[str],
                 next_index: int) -> Frame:
        st, sc = self.state, self.scenario
        return Frame(t=t, day=day, new_day=new_day, lines=tuple(lines),
                     groups=tuple(st.group_views(sc, self.acts)),
                     resources=tuple(st.resource_views(sc, self.acts)),
                     activities=tuple(st.activity_views(self.acts)),
                     upcoming=tuple(self._upcoming(next_index)),
                     injects=tuple(self.moment_injects), phases=tuple(st.phase_views(sc)),
                     finished=st.finished, stuck=tuple(self.moment_stuck))

    def _upcoming(self, next_index: int) -> Iterator[Upcoming]:
        k = bisect.bisect_left(self.start_index, next_index)
        for _i, ev in self.starts[k:k + self.upcoming]:
            aid = str(ev.activity)
            act = self.acts.get(aid)
            yield Upcoming(t=ev.t, activity=aid, name=act.name if act else aid)


def build_replay(result: RunResult, *, upcoming: int = UPCOMING) -> Replay:
    """The frames of a run, with its title and final summary line."""
    walker = _Walker(result, upcoming)
    frames = tuple(walker.frames())
    total = len(result.activities)
    return Replay(result=result, frames=frames, title=title_line(result),
                  summary=walker.line(result.end_h, "end", summary_text(result, total)),
                  total=total, time_width=walker.time_width)
