"""What the event log says about each activity for the timetable: its work segments, its
pauses, and the injects that added, delayed, paused or held it back (one pass)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sim.results.eventlog import Event
from sim.results.index import index_of
from sim.scenario.model import Inject, Scenario


@dataclass(slots=True)
class Pause:
    t: float
    inject: str | None  # None: the working day ended
    resumed: float | None = None


@dataclass(slots=True)
class LogNotes:
    """Per activity instance: what the timetable marks."""

    segments: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    pauses: dict[str, list[Pause]] = field(default_factory=dict)
    added: dict[str, str] = field(default_factory=dict)  # activity -> the inject that added it
    delayed: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # (inject, hours)
    # (t, inject) for each outage it waited through, from t on: a resource or group it
    # needed was taken by the inject
    held_by: dict[str, list[tuple[float, str]]] = field(default_factory=dict)


class _Reader:
    """The state a pass over the log keeps: what runs, what waits, what injects hold."""

    def __init__(self, scenario: Scenario) -> None:
        self.notes = LogNotes()
        self.capacity = {r.id: r.capacity for r in scenario.resources}
        self.injects = {i.id: i for i in scenario.injects}
        self.acts = index_of(scenario).acts
        self.present = {a.id for a in scenario.activities}  # added ones join when added
        self.finished: set[str] = set()
        self.open_at: dict[str, float] = {}
        self.waiting: dict[str, tuple[str, str]] = {}  # activity -> ("resource"|"group", id)
        self.taken_by: dict[tuple[str, str], str] = {}  # resource/group -> inject holding it

    def read(self, ev: Event) -> None:
        aid, kind = ev.activity, ev.kind
        if aid is not None and kind in ("start", "resume"):
            self.open_at.setdefault(aid, ev.t)
            self.waiting.pop(aid, None)
            if kind == "resume" and self.notes.pauses.get(aid):
                self.notes.pauses[aid][-1].resumed = ev.t
        elif aid is not None and kind in ("pause", "finish"):
            self.close(aid, ev.t)
            if kind == "finish":
                self.finished.add(aid)
            else:
                self.notes.pauses.setdefault(aid, []).append(Pause(ev.t, ev.inject))
        elif aid is not None and kind == "blocked":
            self._blocked(aid, ev)
        elif kind in ("capacity", "group_unavailable", "group_available"):
            self._taken(ev)
        elif kind == "inject" and ev.reason == "delay" and ev.inject in self.injects:
            self._delay(self.injects[ev.inject], ev)
        elif kind == "added" and aid is not None and ev.inject:
            self.present.add(aid)
            self.notes.added[aid] = ev.inject

    def close(self, aid: str, t: float) -> None:
        since = self.open_at.pop(aid, None)
        if since is not None:
            self.notes.segments.setdefault(aid, []).append((since, t))

    def _blocked(self, aid: str, ev: Event) -> None:
        key = ("resource", ev.resource) if ev.resource else ("group", ev.group) if ev.group \
            else None
        if key is None or key[1] is None:
            self.waiting.pop(aid, None)
            return
        held = (key[0], key[1])
        self.waiting[aid] = held
        if held in self.taken_by:
            self.notes.held_by.setdefault(aid, []).append((ev.t, self.taken_by[held]))

    def _taken(self, ev: Event) -> None:
        """An inject takes (or gives back) units of a resource, or sends a group away."""
        if ev.kind == "capacity" and ev.resource in self.capacity and ev.amount is not None:
            key = ("resource", ev.resource)
            down = ev.amount < self.capacity[ev.resource]
        elif ev.group is not None and ev.kind != "capacity":
            key, down = ("group", ev.group), ev.kind == "group_unavailable"
        else:
            return
        if not down or not ev.inject:
            self.taken_by.pop(key, None)
            return
        self.taken_by[key] = ev.inject
        for aid, held in self.waiting.items():  # those already waiting for it wait longer
            if held == key:
                self.notes.held_by.setdefault(aid, []).append((ev.t, ev.inject))

    def _delay(self, inject: Inject, ev: Event) -> None:
        """The instances a ``delay`` inject reached: as the engine picks them, those of its
        target that exist and are not finished when it hits."""
        target = inject.target
        for aid in self.present - self.finished:
            act = self.acts.get(aid)
            if act is None:
                continue
            if (act.phase == target if inject.target_kind == "phase"
                    else aid == target or (target not in self.acts and act.base_id == target)):
                self.notes.delayed.setdefault(aid, []).append((inject.id, ev.amount or 0.0))


def read_notes(scenario: Scenario, events: Iterable[Event], end: float) -> LogNotes:
    """:class:`LogNotes` of a run; work still running at the end of the log runs to ``end``."""
    reader = _Reader(scenario)
    for ev in events:
        reader.read(ev)
    for aid in list(reader.open_at):
        reader.close(aid, max(end, reader.open_at[aid]))
    return reader.notes
