"""The schedule chart: segments, markers, limits, rows and the compact view.

The small scenario below has a schedule worked out by hand (working day 08-18):

    brief  D1 08:00-09:00, paused by N-1 (room down 09-10), 10:00-11:00
    long   D1 08:00-18:00, overnight pause, D2 08:00-12:00 (splittable, 14 h)
    close  D2 12:00-13:00 (after phase alpha)
    done   D2 13:00 (milestone)

N-1 and N-2 hit; N-3 (D3 10:00) comes after the end and is skipped.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.engine import simulate
from sim.plotting import activity_segments, gantt, inject_hits
from sim.plotting.rows import activity_layout, group_layout
from sim.results import RunResult
from sim.scenario import load_scenario, load_tree

SPEC = """
format: tabletop/1
name: "Gantt spec: cost $1 vs $2"
days: 3
calendar: {day_start: "08:00", day_end: "18:00"}
groups: [{id: team, name: "Team $A$", headcount: 5, teams: 2}]
resources: [{id: room, name: "Room $x$", capacity: 1}]
phases:
  - id: alpha
    name: "Alpha $phase$"
    due: "D1 12:00"
    activities:
      - {id: brief, name: "Brief $1", duration: 2, groups: {team: 1}, needs: {room: 1}}
      - {id: long, duration: 14, groups: {team: 1}, splittable: true}
  - id: beta
    after: [alpha]
    activities:
      - {id: close, duration: 1, groups: [team], needs: {room: 1}}
      - {id: done, duration: 0, after: [close]}
injects:
  - {id: N-1, at: "D1 09:00", kind: resource_down, target: room, for: 1h}
  - {id: N-2, at: "D2 09:00", kind: note, description: "A <b>visitor</b> & friends"}
  - {id: N-3, at: "D3 10:00", kind: note}
"""

BLOCK = """
format: tabletop/1
name: Validation block
days: 3
phases:
  - id: prep
    due: "D1 12:00"
    activities:
      - {id: setup, duration: 2}
  - id: block
    name: 24-hour block
    after: [prep]
    around_the_clock: true
    limit: 10h
    activities:
      - {id: stage_a, duration: 8}
      - {id: stage_b, duration: 6, after: [stage_a]}
"""


@pytest.fixture(scope="module")
def spec() -> tuple[RunResult, RunResult]:
    scenario = load_scenario(SPEC)
    return simulate(scenario), simulate(scenario, plan=True)


def by_gid(fig: Figure, gid: str) -> list[Any]:
    return [a for a in fig.axes[0].get_children() if a.get_gid() == gid]


def polygons(fig: Figure, gid: str) -> int:
    found = by_gid(fig, gid)
    assert all(isinstance(c, PolyCollection) for c in found)
    return sum(len(c.get_paths()) for c in found)


def test_segments_are_split_by_pauses(spec: tuple[RunResult, RunResult]) -> None:
    result, plan = spec
    got = {a: [(s.start, s.end) for s in segs] for a, segs in activity_segments(result).items()}
    assert got == {"brief": [(8.0, 9.0), (10.0, 11.0)], "long": [(8.0, 18.0), (32.0, 36.0)],
                   "close": [(36.0, 37.0)], "done": [(37.0, 37.0)]}
    planned = {a: [(s.start, s.end) for s in segs] for a, segs in activity_segments(plan).items()}
    assert planned["brief"] == [(8.0, 10.0)]


def test_one_bar_per_segment_and_milestones_as_markers(
        spec: tuple[RunResult, RunResult]) -> None:
    result, plan = spec
    fig = gantt(result, plan)
    segments = [s for segs in activity_segments(result).values() for s in segs]
    bars = polygons(fig, "actual-bars")
    (milestones,) = by_gid(fig, "actual-milestones")
    assert bars == sum(1 for s in segments if s.end > s.start) == 5
    assert len(milestones.get_xdata()) == 1
    assert bars + len(milestones.get_xdata()) == len(segments)
    assert polygons(fig, "plan-bars") == 4  # brief unbroken in the plan
    (pauses,) = by_gid(fig, "pauses")
    assert isinstance(pauses, LineCollection)
    assert len(pauses.get_segments()) == 2  # brief's inject gap, long's night


def test_one_marker_and_label_per_inject_that_hit(spec: tuple[RunResult, RunResult]) -> None:
    result, plan = spec
    fig = gantt(result, plan)
    (markers,) = by_gid(fig, "inject-markers")
    assert isinstance(markers, Line2D)
    hits = inject_hits(result)
    assert [h.id for h in hits] == ["N-1", "N-2"]
    assert np.asarray(markers.get_xdata()).tolist() == [9.0, 33.0]
    assert sorted(t.get_text() for t in by_gid(fig, "inject-label")) == ["N-1", "N-2"]


def test_x_axis_spans_the_whole_programme(spec: tuple[RunResult, RunResult]) -> None:
    result, plan = spec
    ax = gantt(result, plan).axes[0]
    left, right = ax.get_xlim()
    assert left == 0.0
    assert right >= max(result.planned_end_h, result.end_h, plan.end_h) == 66.0
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["D1", "D2", "D3"]


def test_due_lateness_and_phase_rows(spec: tuple[RunResult, RunResult]) -> None:
    result, plan = spec
    fig = gantt(result, plan)
    (due,) = by_gid(fig, "due")
    assert [seg[0][0] for seg in due.get_segments()] == [12.0]
    assert polygons(fig, "late") == 1  # alpha ended D2 12:00, due D1 12:00
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() is None]
    assert labels[:3] == [r"Alpha \$phase\$", r"Brief \$1", "long"]  # \$: drawn as typed


def test_limit_bracket_and_breach() -> None:
    result = simulate(load_tree_text(BLOCK))
    block = result.phases["block"]
    assert block.duration_h == 14.0 and block.breach
    fig = gantt(result)
    assert by_gid(fig, "limit") and polygons(fig, "breach") == 1
    (label,) = by_gid(fig, "limit-label")
    assert label.get_text() == "limit 10h: took 14h, BREACH +4h"


def test_no_breach_no_highlight() -> None:
    tree = yaml_tree(BLOCK)
    tree["phases"][1]["limit"] = "20h"
    fig = gantt(simulate(load_tree(tree)))
    assert by_gid(fig, "limit") and not by_gid(fig, "breach")
    (label,) = by_gid(fig, "limit-label")
    assert "BREACH" not in label.get_text()


def test_every_day_instances_share_a_row() -> None:
    tree = yaml_tree(BLOCK)
    tree["phases"][0]["activities"].append(
        {"id": "standup", "duration": 0.5, "every_day": {"from": 1, "to": 3}})
    result = simulate(load_tree(tree))
    layout = activity_layout(result)
    rows = {layout.row_of[f"standup@D{d}"] for d in (1, 2, 3)}
    assert len(rows) == 1
    assert layout.rows[rows.pop()].label.endswith("(×3)")
    assert polygons(gantt(result), "actual-bars") == 3 + 1 + 2  # standups, setup, stages


def big_tree(phases: int, per_phase: int, days: int = 20) -> dict[str, Any]:
    blocks = [{"id": f"p{p}", "name": f"Block {p}", **({"after": [f"p{p - 1}"]} if p else {}),
               "activities": [{"id": f"p{p}_a{k}", "name": f"Session {k} of block {p}",
                               "duration": 0.5 + (k % 4) * 0.25, "groups": {"g": 1},
                               "needs": {"room": 1}} for k in range(per_phase)]}
              for p in range(phases)]
    return {"format": "tabletop/1", "name": "Big programme", "days": days,
            "groups": [{"id": "g", "headcount": 40, "teams": 4}],
            "resources": [{"id": "room", "capacity": 3}], "phases": blocks}


def test_three_hundred_activities_get_taller_not_smaller() -> None:
    result = simulate(load_tree(big_tree(10, 30)))
    fig = gantt(result)
    labels = [t for t in fig.axes[0].texts if t.get_gid() is None]
    assert len(labels) == 300 + 10  # every activity and phase has its row
    assert fig.get_size_inches()[1] >= 310 * 0.16
    assert min(float(t.get_fontsize()) for t in labels) >= 5.5
    assert "COMPACT" not in fig.get_suptitle()


def test_compact_view_above_the_threshold_says_so_and_keeps_everything() -> None:
    result = simulate(load_tree(big_tree(6, 70)))
    layout = activity_layout(result)
    assert layout.compact and layout.activity_rows == 420
    assert len(layout.rows) == 6
    assert set(layout.row_of) == {a.id for a in result.activities}  # none dropped
    fig = gantt(result)
    assert "COMPACT VIEW" in fig.get_suptitle() and "420 activity rows" in fig.get_suptitle()
    drawn = [(c.get_paths()) for c in by_gid(fig, "actual-bars")]
    assert sum(len(p) for p in drawn) >= 6


def test_compact_threshold_is_a_parameter(spec: tuple[RunResult, RunResult]) -> None:
    result, plan = spec
    fig = gantt(result, plan, max_rows=2)
    assert "COMPACT VIEW" in fig.get_suptitle()
    assert "COMPACT" not in gantt(result, plan).get_suptitle()


def test_by_group_one_row_per_team_and_no_overlap(spec: tuple[RunResult, RunResult]) -> None:
    result, plan = spec
    rows, placed = group_layout(result, activity_segments(result))
    assert [r.label for r in rows] == ["Team $A$ · team 1", "Team $A$ · team 2"]
    # brief and long each take one team (2 segments each); close takes both teams
    assert len(placed) == 2 + 2 + 2
    for lane in range(len(rows)):
        spans = sorted((s.start, s.end) for k, s in placed if k == lane)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    fig = gantt(result, plan, by="group")
    assert polygons(fig, "actual-bars") == 6
    assert "by group" in fig.get_suptitle()


def test_draws_into_a_given_axes(spec: tuple[RunResult, RunResult]) -> None:
    from sim.plotting.style import new_figure

    result, plan = spec
    fig = new_figure(12, 5)
    ax = fig.add_subplot()
    assert gantt(result, plan, ax=ax) is fig
    assert next(t.get_text() for t in ax.get_yticklabels()) == r"Alpha \$phase\$"


def test_rejects_unknown_row_mode(spec: tuple[RunResult, RunResult]) -> None:
    with pytest.raises(ValueError, match="by must be"):
        gantt(spec[0], by="resource")  # type: ignore[arg-type]


def yaml_tree(text: str) -> dict[str, Any]:
    import yaml

    tree = yaml.safe_load(text)
    assert isinstance(tree, dict)
    return tree


def load_tree_text(text: str) -> Any:
    return load_tree(yaml_tree(text))
