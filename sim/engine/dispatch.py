"""The dispatcher: the one place that decides which ready activity starts, and when.

An activity gets every group team and resource unit it needs at once, or nothing.
Ready activities are tried in dispatch order (:meth:`Engine.key`). One that cannot
start keeps the reason it was held for as long as that reason holds, and is not looked
at again before then: not before what holds it (a group or a resource) gains something,
and not before ``recheck_at``, the moment its place in the working day may change.

So that a dispatch costs what changed, not the length of the queue, waiting activities
are filed under what holds them (a heap per group and resource, in dispatch order) and
under the time they must be looked at again (one heap by ``recheck_at``). A dispatch
merges, in dispatch order, the activities made ready since the last one, those whose
time has come, and those held by something that was freed, and stops drawing from a
freed holder once it has nothing left to give. It looks at exactly the activities a
scan of the whole queue would look at, in the same order, so the schedule and the
event log are the same as with that scan.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heapify, heappop, heappush
from operator import attrgetter

from sim.core.timefmt import EPS, WorkingTime
from sim.engine.recorder import Event
from sim.engine.state import ActivityRun, Entry, GroupState, Key, ResourceState

INF = float("inf")
Holder = GroupState | ResourceState
Blocker = tuple[str, str | None]
Window = tuple[float, float] | None
Due = tuple[float, Key, int, ActivityRun]  # (recheck_at, key, stamp, run)
# a candidate of one dispatch: (key, source, run, holder, stamp); source 0 new, 1 due,
# 2 freed (then holder is what it was drawn from, and stamp that of its entry there)
Candidate = tuple[Key, int, ActivityRun, Holder | None, int]
NEW, DUE, FREED = 0, 1, 2
COMPACT_AT = 64  # a heap this long with mostly stale entries is rebuilt
# Below this many waiting activities a walk through them all is cheaper than keeping and
# merging the index (built when the queue reaches it, dropped below half of it); both look
# at the same activities in the same order (tests/test_engine_dispatch_index.py), so which
# one runs changes nothing but the time it takes.
WALK_BELOW = 32
# why a run cannot start, made once: comparing the same tuple again is an identity check
CALENDAR: Blocker = ("calendar", None)
FIT: Blocker = ("fit", None)

dispatch_key = attrgetter("key")


class Dispatcher:
    """The ready activities of one run, indexed by what holds them, and who starts."""

    def __init__(self, clock: WorkingTime, groups: dict[str, GroupState],
                 resources: dict[str, ResourceState], log: Callable[[Event], None] | None,
                 start: Callable[[ActivityRun, float, Window], None],
                 wake_at: Callable[[float], None]) -> None:
        self.clock = clock
        self.groups = groups
        self.resources = resources
        self.log = log  # of the blocked records; None: not kept (a lean run)
        self.start = start  # the engine starts (or resumes) the work
        self.wake_at = wake_at  # the engine schedules a dispatch at that time
        self.fresh: list[ActivityRun] = []  # ready since the last dispatch, not looked at
        self.waiting: set[ActivityRun] = set()  # ready and not running, fresh included
        self.due: list[Due] = []
        self.freed: set[Holder] = set()  # gained units since the last dispatch
        self.recheck_all = False
        self.pending = False  # a dispatch is due once the current instant is over
        self.window: Window = None  # the last working window seen
        self.count = 0  # dispatches so far (ActivityRun.seen)
        self.indexed = False  # the heaps are kept only while the queue is long

    # ------------------------------------------------------------ the queue

    def add(self, run: ActivityRun) -> None:
        """``run`` is ready (or paused) and not running: look at it at the next dispatch."""
        run.stamp += 1
        self.fresh.append(run)
        self.waiting.add(run)
        self.pending = True

    def refile(self, run: ActivityRun) -> None:
        """``run``'s fit in the working day changed (more work): look at it again."""
        if self.indexed and run in self.waiting and run.blocked is not None:
            self._file(run)

    def _file(self, run: ActivityRun) -> None:
        """File a held ``run`` under what holds it and under its ``recheck_at``."""
        run.stamp += 1
        entry = (run.key, run.stamp, run)
        on = run.blocked_on
        if on is not None:
            held = on.held
            heappush(held, entry)
            if len(held) > COMPACT_AT and len(held) > 4 * len(self.waiting):
                on.held = _live(held)
        if run.recheck_at < INF:
            heappush(self.due, (run.recheck_at, run.key, run.stamp, run))
            if len(self.due) > COMPACT_AT and len(self.due) > 4 * len(self.waiting):
                self.due = [d for d in self.due if d[2] == d[3].stamp]
                heapify(self.due)

    def invalidate(self) -> None:
        """Capacity or availability changed other than by work ending: look at every
        waiting activity again at the next dispatch."""
        self.recheck_all = True

    def clear(self) -> None:
        self.fresh.clear()
        self.waiting.clear()
        self._empty_heaps()

    def _empty_heaps(self) -> None:
        self.due = []
        holders: list[Holder] = [*self.groups.values(), *self.resources.values()]
        for holder in holders:
            holder.held = []

    # ------------------------------------------------------------ a dispatch

    def dispatch(self, now: float) -> None:
        """Start every ready activity that can start now, in dispatch order."""
        self.pending = False
        window = self.window
        if window is None or not window[0] - EPS <= now < window[1] - EPS:
            window = self.window = self.clock.window(now)  # the working window now, if any
        self.count += 1
        if self.recheck_all:
            self.recheck_all = False
            self._look_at_all(now, window)
        elif len(self.waiting) < WALK_BELOW:
            if self.indexed and len(self.waiting) < WALK_BELOW // 2:
                self._drop_index()
            self._walk(now, window)
        else:
            if not self.indexed:
                self._build_index()
            self._look_at_changed(now, window)
        self.freed.clear()

    def _look_at_all(self, now: float, window: Window) -> None:
        ordered = sorted(self.waiting, key=dispatch_key)
        self.clear()
        self.waiting.update(ordered)
        for run in ordered:
            self._evaluate(run, now, window)

    def _build_index(self) -> None:
        """File every held activity: the queue has grown long enough to need it."""
        self.indexed = True
        for run in sorted(self.waiting, key=dispatch_key):
            if run.blocked is not None:
                self._file(run)

    def _drop_index(self) -> None:
        """The queue is short again: walking it is cheaper than keeping the heaps."""
        self.indexed = False
        self._empty_heaps()

    def _walk(self, now: float, window: Window) -> None:
        """Every waiting activity that may start now, in dispatch order: not those still
        held for the same reason.

        Picked before they are sorted: while a dispatch runs, nothing but the activity
        looked at changes its own hold, nobody is freed and units are only taken, so an
        activity held when the dispatch begins is still held when its turn comes; one
        picked is checked again then (an earlier one may have taken what it needs).
        """
        self.fresh = []
        freed = self.freed
        picked = [run for run in self.waiting
                  if run.blocked is None or now >= run.recheck_at
                  or ((on := run.blocked_on) is not None and on in freed
                      and on.free >= run.blocked_need)]
        if len(picked) > 1:
            picked.sort(key=dispatch_key)
        for run in picked:
            if run.blocked is not None and now < run.recheck_at:
                on = run.blocked_on
                if on is None or on.free < run.blocked_need:
                    continue
            self._evaluate(run, now, window)

    def _look_at_changed(self, now: float, window: Window) -> None:
        cands: list[Candidate] = [(run.key, NEW, run, None, run.stamp) for run in self.fresh]
        self.fresh = []
        due = self.due
        while due and due[0][0] <= now:
            _, key, stamp, run = heappop(due)
            if stamp == run.stamp:
                cands.append((key, DUE, run, None, stamp))
        drawing = False
        for freed in self.freed:
            if freed.free > 0:
                drawing = _draw(freed, cands) or drawing
        if not drawing:  # nothing freed to draw from: the candidates in order, no merge
            self._look_at(sorted(cands), now, window)
            return
        heapify(cands)
        put_back: list[tuple[Holder, Entry]] = []
        seen = self.count
        while cands:
            key, _source, run, holder, stamp = heappop(cands)
            if holder is None:
                if run.seen != seen:
                    self._evaluate(run, now, window)
                continue
            if stamp == run.stamp:  # else it was looked at and filed anew (or started)
                if now < run.recheck_at and holder.free < run.blocked_need:
                    put_back.append((holder, (key, stamp, run)))  # still held, same reason
                else:
                    self._evaluate(run, now, window)
            if holder.free > 0:
                _draw(holder, cands)
        for holder, entry in put_back:
            heappush(holder.held, entry)

    def _look_at(self, cands: list[Candidate], now: float, window: Window) -> None:
        seen = self.count
        for cand in cands:
            run = cand[2]
            if run.seen != seen:
                self._evaluate(run, now, window)

    def _evaluate(self, run: ActivityRun, now: float, window: Window) -> None:
        run.seen = self.count
        blocked = run.blocked
        blocker = self._blocker(run, now, window)
        if blocker is None:
            run.stamp += 1  # its entries are stale from now on
            self.waiting.discard(run)
            self.start(run, now, window)
            return
        if blocker is not blocked and blocker != blocked:
            run.blocked = blocker
            if self.log is not None:
                reason, name = blocker
                self.log(Event._make((now, "blocked", run.act.id,
                                      name if reason == "resource" else None,
                                      name if reason in ("group", "group_unavailable") else None,
                                      None, None, reason, None)))
        if self.indexed:
            self._file(run)

    # ------------------------------------------------------------ why it cannot start

    def _blocker(self, run: ActivityRun, now: float, window: Window) -> Blocker | None:
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
                self.wake_at(wake)
                run.blocked_on, run.recheck_at = None, wake - EPS
                return CALENDAR
            close = window[1] - EPS  # from here on it is not working time
            if run.act.splittable or remaining > clock.day_length + EPS:
                recheck_at = close
            else:
                if now + remaining > window[1] + EPS:
                    self.wake_at(clock.next_day_start(now))
                    run.blocked_on, run.recheck_at = None, close
                    return FIT
                # it fits until then (less a margin far above rounding error)
                recheck_at = min(close, window[1] + EPS / 2 - remaining)
        run.recheck_at = recheck_at
        return self.capacity_blocker(run)

    def capacity_blocker(self, run: ActivityRun) -> Blocker | None:
        """The group or resource that keeps ``run`` from starting now, calendar aside.

        Notes it in ``run.blocked_on``, with the teams or units ``run`` needs of it.
        """
        groups = self.groups
        for gid, teams in run.act.groups:
            group = groups[gid]
            if group.down or group.free < teams:
                run.blocked_on, run.blocked_need = group, teams
                return group.down_blocker if group.down else group.blocker
        resources = self.resources
        for rid, amount in run.act.needs:
            res = resources[rid]
            if res.free < amount:
                run.blocked_on, run.blocked_need = res, amount
                return res.blocker
        return None


def _draw(holder: Holder, cands: list[Candidate]) -> bool:
    """Take the first live entry off ``holder``'s heap into the candidates, if any."""
    held = holder.held
    while held:
        key, stamp, run = heappop(held)
        if stamp == run.stamp:
            heappush(cands, (key, FREED, run, holder, stamp))
            return True
    return False


def _live(held: list[Entry]) -> list[Entry]:
    live = [e for e in held if e[1] == e[2].stamp]
    heapify(live)
    return live
