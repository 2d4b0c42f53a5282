"""Per-browser state: each browser (a cookie) has its own edits, clock, holds and notes.

Two browsers editing at once never see each other's changes: every session keeps its own
variant of the served scenario. Sessions are few (a room has one or two laptops); the
oldest is dropped past :data:`MAX_SESSIONS` so that a stream of new cookies cannot fill
the memory.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sim.board.edits import Edit
from sim.board.errors import BoardError
from sim.board.whatif import Base, Variant, run_variant
from sim.replay import Replay, build_replay

MAX_SESSIONS = 32
MAX_OBSERVATIONS = 500
MAX_EDITS = 100
MAX_TEXT = 2000  # characters in one observation

Clock = Callable[[], float]


@dataclass
class WallClock:
    """The room's clock since the session started, with pause and resume."""

    now: Clock = time.monotonic
    started: float = 0.0
    paused_since: float | None = None
    paused_total: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.now()

    def elapsed(self) -> float:
        """Seconds since the start, pauses left out."""
        end = self.paused_since if self.paused_since is not None else self.now()
        return max(0.0, end - self.started - self.paused_total)

    def pause(self) -> None:
        if self.paused_since is None:
            self.paused_since = self.now()

    def resume(self) -> None:
        if self.paused_since is not None:
            self.paused_total += self.now() - self.paused_since
            self.paused_since = None

    def reset(self) -> None:
        self.started, self.paused_total = self.now(), 0.0
        self.paused_since = None


@dataclass(frozen=True)
class Observation:
    inject: str
    t: float  # exercise time when it was recorded
    text: str


@dataclass
class Session:
    """One browser's board: the served base, its edits and their re-run, clock and notes."""

    base: Base
    wall: WallClock = field(default_factory=WallClock)
    t: float = 0.0  # exercise clock, hours from D1 00:00
    variant: Variant | None = None
    held: set[str] = field(default_factory=set)
    observations: list[Observation] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    risk: Any = None  # the session's RiskJob, if one was started

    def __post_init__(self) -> None:
        if self.variant is None:
            self.variant = run_variant(self.base, ())

    @property
    def current(self) -> Variant:
        assert self.variant is not None  # set in __post_init__
        return self.variant

    @property
    def edits(self) -> tuple[Edit, ...]:
        return self.current.edits

    def set_edits(self, edits: list[Edit]) -> Variant:
        """Re-run with ``edits`` (all checked first: on a problem nothing changes)."""
        if len(edits) > MAX_EDITS:
            raise BoardError(f"at most {MAX_EDITS} edits at once", code="too-many", status=400)
        variant = run_variant(self.base, edits)
        self.variant = variant
        self.__dict__.pop("replay", None)
        return variant

    def toggle(self, inject_id: str) -> Variant:
        """Skip the inject, or bring it back if it is skipped."""
        edits = list(self.edits)
        skip = [e for e in edits if e.op == "skip" and e.get("inject") == inject_id]
        if skip:
            return self.set_edits([e for e in edits if e not in skip])
        return self.set_edits([*edits, Edit("skip", (("inject", inject_id),))])

    def open(self, base: Base) -> None:
        """Serve another scenario in this session: edits, holds and notes start afresh."""
        self.base, self.variant, self.t = base, None, 0.0
        self.held.clear()
        self.observations.clear()
        self.__post_init__()
        self.__dict__.pop("replay", None)

    @cached_property
    def replay(self) -> Replay:
        """The variant's replay (the state at any time), built once per variant."""
        return build_replay(self.current.result)

    def observe(self, inject_id: str, text: str) -> Observation:
        if inject_id not in {i.id for i in self.current.scenario.injects}:
            raise BoardError(f"no inject {inject_id!r}", code="unknown-inject", field="inject")
        text = text.strip()
        if not text or len(text) > MAX_TEXT:
            raise BoardError(f"an observation is 1 to {MAX_TEXT} characters", code="bad-value",
                             field="text")
        if len(self.observations) >= MAX_OBSERVATIONS:
            raise BoardError("too many observations in this session", code="too-many")
        note = Observation(inject_id, self.t, text)
        self.observations.append(note)
        return note


class SessionStore:
    """Sessions by cookie value; the least recently used goes past ``limit``."""

    def __init__(self, base: Base, limit: int = MAX_SESSIONS) -> None:
        self.base = base
        self.limit = limit
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str | None) -> tuple[str, Session]:
        """The session of cookie ``key``, or a new one (with its new key)."""
        with self.lock:
            if key and key in self.sessions:
                self.sessions.move_to_end(key)
                return key, self.sessions[key]
            key = secrets.token_urlsafe(18)
            session = Session(self.base)
            self.sessions[key] = session
            while len(self.sessions) > self.limit:
                _old, dropped = self.sessions.popitem(last=False)
                if dropped.risk is not None:
                    dropped.risk.cancel()
            return key, session
