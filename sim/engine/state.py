"""Run-time state of activities, phases, resources and groups during one run."""

from __future__ import annotations

from sim.scenario.model import Activity

PENDING, READY, RUNNING, PAUSED, DONE = range(5)
# Dispatch order: a rank (static rules) or (started?, ready time, written order) for fifo.
Key = int | tuple[float, float, float]
STATE_NAMES = ("pending", "ready", "running", "paused", "done")


class ActivityRun:
    """One activity instance while the simulation runs."""

    __slots__ = (
        "act", "blocked", "blocked_need", "blocked_on", "bound", "dep_ready", "dependents",
        "deps_left", "end_token", "first_start", "interruptions", "key", "pause_at", "paused",
        "phase", "ready_at", "recheck_at", "remaining", "seen", "seg_end", "seg_start", "stamp",
        "state", "work",
    )

    def __init__(self, act: Activity, work: float, bound: bool) -> None:
        self.act = act
        self.work = work  # total hours of work: drawn duration plus delays
        self.remaining = work  # work left at seg_start
        self.bound = bound  # keeps to the working day
        self.state = PENDING
        self.deps_left = 0
        self.dep_ready = 0.0  # latest (finish + lag) among dependencies so far
        self.dependents: list[tuple[ActivityRun, float]] = []
        self.ready_at: float | None = None
        self.first_start: float | None = None
        self.seg_start = 0.0
        self.seg_end = 0.0
        self.end_token = 0
        self.key: Key  # dispatch order, set by the engine
        self.blocked: tuple[str, str | None] | None = None
        # set with `blocked` (read only while it is set):
        self.blocked_on: GroupState | ResourceState | None  # what holds it, if not the day
        self.blocked_need: int  # teams or units of blocked_on it needs
        self.recheck_at: float  # check again from this time on, whatever else
        self.phase: PhaseRun | None = None
        self.stamp = 0  # bumped whenever the waiting index files it anew: older entries are stale
        self.seen = -1  # the last dispatch that looked at it
        # what its trace in the log says of its pauses (a lean run reads them from here)
        self.pause_at: float | None = None  # paused since
        self.paused = 0.0  # hours paused, up to the last resume
        self.interruptions = 0  # pauses


# A waiting activity filed under what holds it: (dispatch key, stamp, run). Keys are unique,
# so entries never compare runs; an entry whose stamp is not the run's is stale.
Entry = tuple[Key, int, ActivityRun]


class PhaseRun:
    __slots__ = ("after_left", "complete", "dependents", "end", "id", "left", "notified",
                 "phase_dependents", "start")

    def __init__(self, phase_id: str, start: float) -> None:
        self.id = phase_id
        self.start = start
        self.left = 0  # unfinished activities
        self.after_left = 0  # phases in `after` not yet complete
        self.complete = False
        self.end = 0.0  # when it last became complete
        self.notified = False  # phases after it told once; added work may end it again
        self.dependents: list[tuple[ActivityRun, float]] = []
        self.phase_dependents: list[PhaseRun] = []


class ResourceState:
    __slots__ = ("always", "blocker", "capacity", "free", "held", "id", "in_use", "last_change",
                 "now", "steps")

    def __init__(self, resource_id: str, capacity: int, always: bool) -> None:
        self.id = resource_id
        self.capacity = capacity
        self.now = capacity  # capacity after outages
        self.in_use = 0
        self.free = capacity  # now - in_use (negative while an outage leaves it overbooked)
        self.always = always
        self.last_change: str | None = None  # inject that last changed the capacity
        self.held: list[Entry] = []  # heap of the ready activities it holds back
        self.blocker = ("resource", resource_id)  # why those it holds back wait
        # (t, units in use, capacity) after each change, kept by a lean run (whose log has no
        # start records to read them from): sim.results.steps.read_steps's table
        self.steps: list[tuple[float, int, int]] | None = None


class GroupState:
    __slots__ = ("blocker", "down", "down_blocker", "free", "held", "id", "last_change", "teams")

    def __init__(self, group_id: str, teams: int) -> None:
        self.id = group_id
        self.teams = teams
        self.free = teams
        self.down = 0  # overlapping group_unavailable injects in force
        self.last_change: str | None = None
        self.held: list[Entry] = []  # heap of the ready activities it holds back
        self.blocker = ("group", group_id)  # why those it holds back wait
        self.down_blocker = ("group_unavailable", group_id)
