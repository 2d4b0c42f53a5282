"""The frames of the animation: which moments are shown, and for how long (pure Python).

A clock grid of round steps (15 min … 1 day) over working time and any time work is
running (idle nights and rest days are skipped), chosen as fine as the frame budget
allows, plus a frame at every inject hit (held longer) and one at the end (held
longest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.plotting.rows import union
from sim.plotting.timeline import activity_segments, inject_hits
from sim.results import RunResult

DEFAULT_FRAMES = 150  # frame budget: the clock grid is as fine as this allows
FRAME_S = 0.12  # seconds per ordinary frame (GIF delays are whole centiseconds)
INJECT_HOLD_S = 2.0  # seconds an inject's first frame is held
END_HOLD_S = 3.0  # seconds the last frame is held
CAPTION_SLOTS = 2  # captions shown at once (the newest first)
NICE_STEPS_H = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 24.0)


@dataclass(frozen=True, slots=True)
class FrameSpec:
    """One picture of the animation."""

    t: float  # hours from D1 00:00; the state after everything that happened at t
    hits: tuple[str, ...]  # injects that hit at this frame
    captions: tuple[str, ...]  # injects whose caption is shown, newest first
    seconds: float  # how long the frame is shown


def active_spans(result: RunResult) -> list[tuple[float, float]]:
    """Times worth showing: working time, and any time work is running, to the end."""
    sc = result.scenario
    end = result.end_h
    cal = sc.calendar
    days = max(sc.days, int(end // 24) + 1)
    spans = [(24.0 * (d - 1) + cal.day_start, 24.0 * (d - 1) + cal.day_end)
             for d in range(1, days + 1) if d not in cal.rest_days]
    spans += [(s.start, s.end) for segs in activity_segments(result).values() for s in segs]
    return [(lo, min(hi, end)) for lo, hi in union(spans) if lo < end]


def _first_time(result: RunResult) -> float:
    starts = [e.t for e in result.events if e.kind == "start"]
    first = min(starts, default=0.0)
    spans = active_spans(result)
    if spans:
        first = min(first, spans[0][0])
    return max(0.0, float(int(first)))  # to the hour before


def _grid(spans: Sequence[tuple[float, float]], step: float, t0: float,
          end: float) -> list[float]:
    out: list[float] = []
    for lo, hi in spans:
        k = max(int(-(-max(lo, t0) // step)), 0)
        while k * step <= min(hi, end) + 1e-9:
            out.append(k * step)
            k += 1
    return out


def _frame_times(result: RunResult, frames: int) -> list[float]:
    """Start, end, every inject hit and the finest round clock grid that fits ``frames``."""
    end = result.end_h
    t0 = min(_first_time(result), end)
    # Times are keyed to the microhour, keeping the exact (largest) time of each key:
    # a frame at an event's time must not fall a rounding error before it.
    fixed: dict[float, float] = {}
    for t in (t0, end, *(h.t for h in inject_hits(result))):
        fixed[round(t, 6)] = max(t, fixed.get(round(t, 6), t))
    spans = active_spans(result)
    times = dict(fixed)
    steps = [*NICE_STEPS_H, *(24.0 * k for k in range(2, max(2, int(end // 24) + 2)))]
    for step in steps:
        times = {round(t, 6): t for t in _grid(spans, step, t0, end)} | fixed
        if len(times) <= frames:
            break
    return [times[key] for key in sorted(times)]


def plan_frames(result: RunResult, frames: int = DEFAULT_FRAMES, *,
                caption_frames: int | None = None) -> list[FrameSpec]:
    """The frames of the animation, in time order: at most ``frames`` of them, unless the
    inject hits alone need more.

    The clock grid is the finest round step (15 min, 30 min, 1 h, … 1 day) for which
    grid, inject hits, start and end fit in ``frames``; every inject hit has a frame of
    its own, so a run with more hits than ``frames`` has more frames. A caption stays
    for ``caption_frames`` frames (default: 1/12 of the budget, at least 3).
    """
    frames = max(frames, 2)
    caption_frames = caption_frames or max(3, frames // 12)
    ordered = _frame_times(result, frames)
    hits_at: dict[float, list[str]] = {}
    for hit in inject_hits(result):
        hits_at.setdefault(round(hit.t, 6), []).append(hit.id)
    out: list[FrameSpec] = []
    shown: list[tuple[int, str]] = []  # (frame index of the hit, inject id)
    for k, t in enumerate(ordered):
        now = hits_at.get(round(t, 6), [])
        shown = [(i, ident) for i, ident in shown if k - i < caption_frames]
        shown += [(k, ident) for ident in now]
        captions = tuple(ident for _i, ident in reversed(shown))[:CAPTION_SLOTS]
        seconds = END_HOLD_S if k == len(ordered) - 1 else INJECT_HOLD_S if now else FRAME_S
        out.append(FrameSpec(t=t, hits=tuple(now), captions=captions, seconds=seconds))
    return out
