"""Runs that cannot finish end, and say which activities are stuck and why."""

from __future__ import annotations

import textwrap

from sim.engine import default_time_cap, simulate
from sim.scenario import load_scenario

HEAD = "format: tabletop/1\nname: test\n"

STUCK = HEAD + textwrap.dedent("""
    days: 2
    resources: [{id: range, capacity: 2}, {id: hall, capacity: 1}]
    groups: [{id: ind, headcount: 5}, {id: blue, headcount: 5}]
    phases:
      - id: p
        activities:
          - {id: shoot, duration: 2, needs: {range: 2}, not_before: "D1 08:00"}
          - {id: after_shoot, duration: 1, after: [shoot]}
          - {id: drill, duration: 1, groups: [ind], needs: {hall: 1}, not_before: "D1 08:00"}
          - {id: free, duration: 1, groups: [blue]}
      - id: q
        after: [p]
        activities:
          - {id: debrief, duration: 1}
    injects:
      - {id: M-04, at: "D1 07:00", kind: resource_down, target: range, for: 1000d}
      - {id: M-05, at: "D1 07:00", kind: group_unavailable, target: ind, for: 1000d}
""")


def test_a_resource_and_a_group_taken_away_for_good_leave_activities_stuck() -> None:
    scenario = load_scenario(STUCK)
    result = simulate(scenario)
    cap = default_time_cap(scenario)
    assert not result.complete and result.capped and not result.on_time
    reasons = {s["activity"]: s["reason"] for s in result.stuck}
    assert set(reasons) == {"shoot", "after_shoot", "drill", "debrief"}
    assert reasons["shoot"].endswith("needs range x2, capacity 0 since M-04")
    assert reasons["drill"].endswith("group ind unavailable since M-05")
    assert reasons["after_shoot"].endswith("waits for unfinished shoot")
    assert reasons["debrief"].endswith("waits for unfinished phase p")
    assert all(r.startswith("time cap D63 00:00 reached; ") for r in reasons.values())
    assert result.activity("free").end_h == 7.0
    assert result.end_h == cap == 62 * 24.0
    stuck = [(e.t, e.activity) for e in result.events if e.kind == "stuck"]
    assert stuck == [(cap, "shoot"), (cap, "after_shoot"), (cap, "drill"), (cap, "debrief")]
    summary = result.summary()
    assert summary["complete"] is False and len(summary["stuck"]) == 4


def test_the_stuck_reason_names_the_resource_even_when_the_run_stops_at_night() -> None:
    # shoot is released at 21:00 and waits for the working day when the run stops at 23:30
    late = STUCK.replace('needs: {range: 2}, not_before: "D1 08:00"',
                         'needs: {range: 2}, not_before: "D1 21:00"')
    assert late != STUCK
    result = simulate(load_scenario(late), time_cap=23.5)
    assert [e.reason for e in result.events if e.kind == "blocked" and e.activity == "shoot"] \
        == ["calendar"]
    reasons = {s["activity"]: s["reason"] for s in result.stuck}
    assert reasons["shoot"] == "time cap D1 23:30 reached; needs range x2, capacity 0 since M-04"
    assert result.end_h == 23.5


def test_a_time_cap_is_respected() -> None:
    scenario = load_scenario(HEAD + textwrap.dedent("""
        days: 3
        phases:
          - id: p
            activities:
              - {id: a, duration: 20, splittable: true}
              - {id: b, duration: 1, after: [a]}
    """))
    result = simulate(scenario, time_cap=10.0)
    assert result.capped and result.end_h == 10.0
    assert all(e.t <= 10.0 for e in result.events)
    reasons = {s["activity"]: s["reason"] for s in result.stuck}
    assert reasons == {"a": "time cap D1 10:00 reached; still running",
                       "b": "time cap D1 10:00 reached; waits for unfinished a"}
    full = simulate(scenario)
    assert full.complete and not full.capped and full.end_h == 37.0


def test_a_run_that_finishes_before_an_outage_ends_is_not_stuck() -> None:
    scenario = load_scenario(HEAD + textwrap.dedent("""
        days: 2
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: p
            activities: [{id: a, duration: 1}]
        injects:
          - {id: M1, at: "D1 06:30", kind: resource_down, target: hall, for: 1000d}
    """))
    result = simulate(scenario)
    assert result.complete and not result.capped and result.end_h == 7.0


def test_a_stuck_activity_row_says_what_it_waited_for_and_how_long_it_was_paused() -> None:
    scenario = load_scenario(HEAD + textwrap.dedent("""
        days: 2
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 4, needs: {hall: 1}}
              - {id: b, duration: 1, needs: {hall: 1}, not_before: "D1 08:00"}
        injects:
          - {id: M1, at: "D1 07:00", kind: resource_down, target: hall, for: 1000d}
    """))
    result = simulate(scenario, time_cap=24.0)
    a, b = result.activity("a"), result.activity("b")
    assert (a.start_h, a.end_h, a.paused_h, a.interruptions) == (6.0, None, 17.0, 1)
    assert (a.waited_for, b.waited_for, b.start_h) == ("resource:hall", "resource:hall", None)
    assert [(x.kind, x.id, x.wait_h) for x in result.bottlenecks] == [
        ("resource", "hall", 17.0 + 16.0)]
