"""RunResult tables and KPIs derived from the event log, checked by hand on tiny runs."""

from __future__ import annotations

import textwrap

import pytest

from sim.engine import simulate
from sim.results import RunResult, group_steps, usage_steps
from sim.scenario import load_scenario

HEAD = "format: tabletop/1\nname: test\n"


def run(body: str, seed: int | None = None) -> RunResult:
    return simulate(load_scenario(HEAD + textwrap.dedent(body)), seed)


# a: 06-10 (hall 2, g 1); c: 06-09 (van, g 1); d waits for g 06-09, runs 09-10;
# b waits for the hall 06-10, runs 10-12. Everything is released at 06:00.
TINY = """
    days: 1
    dispatch: fifo
    resources:
      - {id: hall, capacity: 2}
      - {id: van, capacity: 1, hours: always}
      - {id: spare, capacity: 3}
    groups: [{id: g, headcount: 8, teams: 2}, {id: idle, headcount: 1}]
    phases:
      - id: p
        activities:
          - {id: a, duration: 4, needs: {hall: 2}, groups: {g: 1}, not_before: D1}
          - {id: b, duration: 2, needs: {hall: 1}, groups: {g: 1}, not_before: D1}
          - {id: c, duration: 3, needs: {van: 1}, groups: {g: 1}, not_before: D1}
          - {id: d, duration: 1, groups: {g: 1}, not_before: D1}
"""


def test_waits_and_what_was_waited_for() -> None:
    result = run(TINY)
    rows = {r.id: r for r in result.activities}
    assert [(i, rows[i].start_h, rows[i].end_h) for i in "abcd"] == [
        ("a", 6.0, 10.0), ("b", 10.0, 12.0), ("c", 6.0, 9.0), ("d", 9.0, 10.0)]
    assert {i: rows[i].ready_h for i in "abcd"} == dict.fromkeys("abcd", 6.0)
    assert {i: rows[i].waited_h for i in "abcd"} == {"a": 0.0, "b": 4.0, "c": 0.0, "d": 3.0}
    assert {i: rows[i].waited_for for i in "abcd"} == {
        "a": "", "b": "resource:hall", "c": "", "d": "group:g"}
    assert all(rows[i].paused_h == 0.0 and rows[i].interruptions == 0 for i in "abcd")


def test_resource_utilisation_is_busy_unit_hours_over_capacity_times_available_hours() -> None:
    result = run(TINY)
    hall, van, spare = (result.resources[i] for i in ("hall", "van", "spare"))
    # run ends at 12:00: the hall (working hours) was available 06-12, the van 00-12
    assert (hall.busy_unit_h, hall.available_h, hall.capacity) == (2 * 4 + 1 * 2, 6.0, 2)
    assert hall.utilisation == pytest.approx(10 / (2 * 6))
    assert (van.busy_unit_h, van.available_h) == (3.0, 12.0)
    assert van.utilisation == pytest.approx(3 / 12)
    assert (spare.busy_unit_h, spare.utilisation, spare.lost_unit_h) == (0.0, 0.0, 0.0)
    assert (hall.wait_h, van.wait_h) == (4.0, 0.0)
    assert result.summary()["resources"]["hall"]["utilisation"] == 0.8333


def test_bottlenecks_are_ranked_by_hours_waited() -> None:
    result = run(TINY)
    assert [(b.kind, b.id, b.wait_h) for b in result.bottlenecks] == [
        ("resource", "hall", 4.0), ("group", "g", 3.0)]
    assert result.calendar_wait_h == 0.0


def test_group_busy_by_day_and_steps() -> None:
    result = run(TINY)
    g = result.groups["g"]
    assert (g.busy_team_h, g.busy_by_day, g.wait_h, g.unavailable_h) == (10.0, (10.0,), 3.0, 0.0)
    assert result.groups["idle"].busy_by_day == (0.0,)
    assert group_steps(result, "g") == [(0.0, 0), (6.0, 2), (9.0, 2), (10.0, 1), (12.0, 0)]


def test_usage_steps_follow_starts_finishes_and_capacity() -> None:
    result = run(TINY)
    assert usage_steps(result, "hall") == [(0.0, 0, 2), (6.0, 2, 2), (10.0, 1, 2),
                                           (12.0, 0, 2)]
    assert usage_steps(result, "spare") == [(0.0, 0, 3)]


def test_busy_by_day_splits_work_at_midnight_and_paused_hours_count() -> None:
    result = run("""
        days: 3
        groups: [{id: g, headcount: 8}]
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 20, groups: [g], splittable: true}
              - {id: b, duration: 3, needs: {hall: 1}, after: [a]}
          - id: v
            around_the_clock: true
            start: "D3 22:00"
            activities:
              - {id: night, duration: 4, groups: [g]}
        injects:
          - {id: M1, at: "D2 13:00", kind: resource_down, target: hall, for: 1h}
    """)
    a, b = result.activity("a"), result.activity("b")
    assert (a.start_h, a.end_h, a.paused_h, a.interruptions, a.waited_h) == (6.0, 36.0, 10.0, 1,
                                                                             6.0)
    assert a.waited_for == "calendar"
    # b: 36-37 (1h), paused 37-38 by M1, then 2h more 38-40
    assert (b.start_h, b.end_h, b.paused_h, b.interruptions, b.work_h) == (36.0, 40.0, 1.0, 1,
                                                                           3.0)
    # the group: 14h on D1, 6h on D2, 2h on D3 (22:00-24:00) and 2h on D4
    assert result.groups["g"].busy_by_day == (14.0, 6.0, 2.0, 2.0)
    assert result.end_h == 74.0
    hall = result.resources["hall"]
    assert (hall.busy_unit_h, hall.lost_unit_h) == (3.0, 1.0)
    assert result.calendar_wait_h == 6.0 + 10.0 + 0.0


def test_fit_waits_count_as_calendar_waits() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities:
              - {id: a, duration: 10, not_before: D1}
              - {id: b, duration: 5, after: [a]}
    """)
    b = result.activity("b")
    assert (b.ready_h, b.start_h, b.waited_h, b.waited_for) == (16.0, 30.0, 14.0, "calendar")
    assert result.calendar_wait_h == 14.0 and result.bottlenecks == ()


def test_every_activity_has_a_row_with_its_phase_and_base_id() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities:
              - {id: x, name: Morning brief, duration: 1, every_day: {from: 1, to: 2}}
    """)
    assert [(r.id, r.base_id, r.name, r.phase) for r in result.activities] == [
        ("x@D1", "x", "Morning brief", "p"), ("x@D2", "x", "Morning brief", "p")]


def test_the_plan_uses_expected_durations_and_no_injects() -> None:
    body = """
        days: 2
        seed: 7
        phases:
          - id: p
            activities: [{id: a, duration: {triangular: [1, 2, 6]}}]
        injects:
          - {id: D1, at: "D1 06:30", kind: delay, target: a, by: 1h}
    """
    plan = simulate(load_scenario(HEAD + textwrap.dedent(body)), plan=True)
    assert plan.plan and plan.activity("a").work_h == 3.0 and plan.end_h == 9.0
    assert not [e for e in plan.events if e.inject]
    run7, run_default = run(body, seed=7), run(body)
    assert run7.seed == run_default.seed == 7 and run7.events == run_default.events
    assert run7.activity("a").work_h != 4.0


def test_replications_of_one_seed_are_independent_and_repeatable() -> None:
    scenario = load_scenario(HEAD + textwrap.dedent("""
        days: 2
        phases:
          - id: p
            activities: [{id: a, duration: {uniform: [1, 5]}}]
    """))
    works = [simulate(scenario, 3, replication=r).activity("a").work_h for r in range(4)]
    assert len(set(works)) == 4
    assert works == [simulate(scenario, 3, replication=r).activity("a").work_h
                     for r in range(4)]
    assert simulate(scenario, 3, replication=2).replication == 2
