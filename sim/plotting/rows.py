"""The rows of a schedule chart: which bars go on which row (pure Python, no matplotlib).

By activity: for each phase a summary row, then one row per activity (the
instances of an ``every_day`` activity share their base id's row). By group:
one row per team of each group, with each work segment put on free team rows.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sim.core import words
from sim.plotting.timeline import EPS, Segment, all_activities
from sim.results import PhaseRow, RunResult

RowKind = Literal["phase", "activity", "lane"]
MAX_ROWS = 400
LABEL_CHARS = 50


@dataclass(slots=True)
class Row:
    label: str
    kind: RowKind
    phase: str | None = None  # phase id (phase and activity rows)
    group: str | None = None  # group id (lane rows)
    activities: list[str] = field(default_factory=list)  # instance ids drawn on this row
    full: str = ""  # the whole name, when ``label`` is shortened

    @property
    def name(self) -> str:
        """The row's whole name (its label unless that was shortened)."""
        return self.full or self.label


@dataclass(slots=True)
class Layout:
    rows: list[Row]
    activity_rows: int  # rows the full view would need for activities
    compact: bool
    row_of: dict[str, int]  # activity instance -> row (activity view)
    blocks: dict[str, tuple[int, int]]  # phase -> (first row, last row)


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """At most ``limit`` characters, whole words from both ends kept: the ends tell
    similar names apart (see :func:`sim.core.words.shorten`)."""
    return words.shorten(text, limit)


def _row(label: str, kind: RowKind, phase: str | None = None, group: str | None = None,
         activities: list[str] | None = None) -> Row:
    """A row whose label is ``label`` shortened, with the whole name kept beside it."""
    short = shorten(label)
    return Row(short, kind, phase, group, activities or [],
               full=label if short != label else "")


def activity_layout(result: RunResult, *, max_rows: int = MAX_ROWS) -> Layout:
    """Rows by phase then activity; one row per phase when the activities need > ``max_rows``."""
    present = {row.id for row in result.activities}
    phase_names = {p.id: p.name for p in result.scenario.phases}
    bases: dict[str, dict[str, list[str]]] = {p.id: {} for p in result.scenario.phases}
    names: dict[str, str] = {}
    added: dict[str, str] = {a.id: i.id for i in result.scenario.injects for a in i.activities}
    for act in all_activities(result):
        if act.id not in present:
            continue
        bases.setdefault(act.phase, {}).setdefault(act.base_id, []).append(act.id)
        names.setdefault(act.base_id, act.name or act.base_id)
        if act.id in added:
            names[act.base_id] = f"+ {act.name or act.id} [{added[act.id]}]"
    needed = sum(len(b) for b in bases.values())
    compact = needed > max_rows
    rows: list[Row] = []
    row_of: dict[str, int] = {}
    blocks: dict[str, tuple[int, int]] = {}
    for phase_id, members in bases.items():
        first = len(rows)
        instances = [i for ids in members.values() for i in ids]
        rows.append(_row(words.squash(phase_names.get(phase_id, phase_id)), "phase", phase_id,
                         activities=instances if compact else []))
        if compact:
            for i in instances:
                row_of[i] = first
        else:
            for base, ids in members.items():
                label = names[base] if len(ids) == 1 else f"{names[base]} (×{len(ids)})"
                for i in ids:
                    row_of[i] = len(rows)
                rows.append(_row(words.squash(label), "activity", phase_id, activities=list(ids)))
        blocks[phase_id] = (first, len(rows) - 1)
    return Layout(rows, needed, compact, row_of, blocks)


def activity_bars(layout: Layout,
                  segments: dict[str, list[Segment]]) -> list[tuple[int, Segment]]:
    """``(row, segment)`` per work segment; in compact view, each phase's busy periods."""
    out: list[tuple[int, Segment]] = []
    for aid, segs in segments.items():
        index = layout.row_of.get(aid)
        if index is not None:
            out.extend((index, seg) for seg in segs)
    if not layout.compact:
        return out
    merged: list[tuple[int, Segment]] = []
    for index, row in enumerate(layout.rows):
        spans = union([(s.start, s.end) for r, s in out if r == index])
        merged.extend((index, Segment(row.phase or "", lo, hi)) for lo, hi in spans)
    return merged


def pause_lines(bars: Sequence[tuple[int, Segment]]) -> list[list[tuple[float, float]]]:
    """A line across each gap where an activity's work was paused, on its row."""
    by_key: dict[tuple[int, str], list[Segment]] = {}
    for row, seg in bars:
        by_key.setdefault((row, seg.activity), []).append(seg)
    lines: list[list[tuple[float, float]]] = []
    for (row, _aid), segs in by_key.items():
        ordered = sorted(segs, key=lambda s: s.start)
        lines += [[(a.end, float(row)), (b.start, float(row))]
                  for a, b in itertools.pairwise(ordered) if b.start > a.end]
    return lines


def group_layout(result: RunResult,
                 segments: dict[str, list[Segment]]) -> tuple[list[Row],
                                                               list[tuple[int, Segment]]]:
    """One row per team of each group, and ``(row, segment)`` placements of the work on them."""
    acts = {a.id: a for a in all_activities(result)}
    rows: list[Row] = []
    placed: list[tuple[int, Segment]] = []
    for group in result.scenario.groups:
        first = len(rows)
        for team in range(group.teams):
            label = group.name if group.teams == 1 else f"{group.name} · team {team + 1}"
            rows.append(_row(words.squash(label), "lane", group=group.id))
        work = sorted(
            ((seg, dict(acts[aid].groups).get(group.id, 0))
             for aid, segs in segments.items() if aid in acts for seg in segs),
            key=lambda item: (item[0].start, item[0].end, item[0].activity))
        for lane, seg in _assign_lanes([(s, n) for s, n in work if n > 0], group.teams):
            placed.append((first + lane, seg))
            rows[first + lane].activities.append(seg.activity)
    return rows, placed


def _assign_lanes(work: Sequence[tuple[Segment, int]], lanes: int) -> list[tuple[int, Segment]]:
    """Interval partitioning: each segment takes ``n`` lanes free at its start.

    Lanes an activity used before are preferred, so a paused activity resumes on the
    same rows. If too few lanes are free (it cannot happen in a consistent log), the
    earliest-free ones are shared.
    """
    free_at = [0.0] * lanes
    used: dict[str, list[int]] = defaultdict(list)
    out: list[tuple[int, Segment]] = []
    for seg, n in work:
        n = min(n, lanes)
        free = [k for k in range(lanes) if free_at[k] <= seg.start + EPS]
        preferred = [k for k in used[seg.activity] if k in free]
        chosen = (preferred + [k for k in free if k not in preferred])[:n]
        if len(chosen) < n:
            rest = sorted((k for k in range(lanes) if k not in chosen), key=lambda k: free_at[k])
            chosen += rest[: n - len(chosen)]
        for k in sorted(chosen):
            free_at[k] = max(free_at[k], seg.end)
            out.append((k, seg))
        used[seg.activity] = sorted(chosen)
    return out


def union(spans: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Merge overlapping or touching intervals."""
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + EPS:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def rect(x0: float, x1: float, y: float, height: float) -> list[tuple[float, float]]:
    """The corners of a bar from ``x0`` to ``x1`` centred on row ``y``."""
    return [(x0, y - height / 2), (x0, y + height / 2), (x1, y + height / 2),
            (x1, y - height / 2)]


def phase_extents(result: RunResult, layout: Layout, segments: dict[str, list[Segment]],
                  ) -> Iterator[tuple[str, int, int, PhaseRow, float, float]]:
    """Each phase block with work: ``(id, first row, last row, phase row, start, end)``.

    Start and end are the phase's own; for an unfinished phase, the span of its work.
    """
    for phase_id, (first, last) in layout.blocks.items():
        row = result.phases.get(phase_id)
        ids = [a for r in layout.rows[first: last + 1] for a in r.activities]
        work = union([(s.start, s.end) for a in ids for s in segments.get(a, [])])
        if row is None or not work:
            continue
        start = row.start_h if row.start_h is not None else work[0][0]
        end = row.end_h if row.end_h is not None else max(hi for _lo, hi in work)
        yield phase_id, first, last, row, start, end
