"""The engine's calendar and dependency rules, pinned by hand-computed schedules.

Times are hours from D1 00:00; the working day is 06:00-20:00 unless a test says
otherwise, so D1 06:00 = 6, D1 20:00 = 20, D2 06:00 = 30, D3 06:00 = 54.
"""

from __future__ import annotations

import textwrap

from sim.engine import simulate
from sim.results import RunResult
from sim.scenario import load_scenario

HEAD = "format: tabletop/1\nname: test\n"


def run(body: str, seed: int | None = None) -> RunResult:
    return simulate(load_scenario(HEAD + textwrap.dedent(body)), seed)


def schedule(result: RunResult) -> list[tuple[str, float | None, float | None]]:
    """``(id, start, end)`` in written order, rounded to the second."""
    return [(i, None if s is None else round(s, 6), None if e is None else round(e, 6))
            for i, s, e in result.schedule()]


def trace(result: RunResult, activity: str) -> list[tuple[str, float]]:
    """``(kind, t)`` of the start/pause/resume/finish records of one activity."""
    return [(e.kind, round(e.t, 6)) for e in result.events
            if e.activity == activity and e.kind in ("start", "pause", "resume", "finish")]


# ---------------------------------------------------------------- the working day


def test_an_activity_that_does_not_fit_waits_for_the_next_day() -> None:
    result = run("""
        days: 3
        phases:
          - id: p
            activities:
              - {id: a, duration: 10}
              - {id: b, duration: 5, after: [a]}
              - {id: c, duration: 4, after: [a]}
    """)
    # b is ready at 16:00 but 16 + 5 > 20; c fits exactly (16 + 4 = 20)
    assert schedule(result) == [("a", 6, 16), ("b", 30, 35), ("c", 16, 20)]
    blocked = [(e.activity, e.reason, e.t) for e in result.events if e.kind == "blocked"]
    assert ("b", "fit", 16.0) in blocked


def test_working_time_starts_at_day_start_and_nothing_starts_at_day_end() -> None:
    result = run("""
        days: 2
        calendar: {day_start: "08:00", day_end: "17:00"}
        phases:
          - id: p
            activities:
              - {id: a, duration: 9}
              - {id: b, duration: 1, after: [a]}
    """)
    assert schedule(result) == [("a", 8, 17), ("b", 32, 33)]


def test_a_splittable_activity_pauses_at_day_end_and_resumes_next_day() -> None:
    result = run("""
        days: 3
        phases:
          - id: p
            activities:
              - {id: a, duration: 20, splittable: true}
    """)
    assert schedule(result) == [("a", 6, 36)]
    assert trace(result, "a") == [("start", 6), ("pause", 20), ("resume", 30), ("finish", 36)]
    pause = next(e for e in result.events if e.kind == "pause")
    assert pause.reason == "day_end" and pause.amount == 6.0  # work left
    row = result.activity("a")
    assert (row.work_h, row.paused_h, row.interruptions) == (20.0, 10.0, 1)


def test_a_split_activity_resumes_before_fresh_starts() -> None:
    # x (splittable, 20h) and y both need the one hall; at D2 06:00 the rest of x resumes
    # first although y has the higher priority
    result = run("""
        days: 3
        dispatch: priority
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: p
            activities:
              - {id: x, duration: 20, splittable: true, needs: {hall: 1}}
              - {id: y, duration: 3, needs: {hall: 1}, priority: 5, not_before: "D1 07:00"}
    """)
    assert schedule(result) == [("x", 6, 36), ("y", 36, 39)]


def test_rest_days_are_skipped() -> None:
    result = run("""
        days: 4
        calendar: {rest_days: [2]}
        phases:
          - id: p
            activities:
              - {id: a, duration: 20, splittable: true}
              - {id: b, duration: 12}
              - {id: c, duration: 3, after: [b]}
    """)
    # a: 6h on D1, the rest on D3; c is ready D1 18:00, does not fit, D2 is a rest day
    assert schedule(result) == [("a", 6, 60), ("b", 6, 18), ("c", 54, 57)]
    assert trace(result, "a") == [("start", 6), ("pause", 20), ("resume", 54), ("finish", 60)]


def test_a_working_day_activity_longer_than_a_day_is_split_like_a_splittable_one() -> None:
    # a delay makes b's work (10 + 8 = 18h) longer than the 14h working day: it is never
    # stuck, it starts at the next working time and its work pauses at each day end
    result = run("""
        days: 3
        phases:
          - id: p
            activities:
              - {id: a, duration: 4}
              - {id: b, duration: 10, after: [a]}
        injects:
          - {id: M1, at: "D1 00:00", kind: delay, target: b, by: 8h}
    """)
    assert schedule(result) == [("a", 6, 10), ("b", 10, 38)]
    assert trace(result, "b") == [("start", 10), ("pause", 20), ("resume", 30), ("finish", 38)]
    assert result.activity("b").work_h == 18.0


# ---------------------------------------------------------------- around the clock


def test_an_around_the_clock_phase_with_always_resources_runs_through_the_night() -> None:
    result = run("""
        days: 3
        resources: [{id: van, capacity: 1, hours: always}]
        phases:
          - id: field
            around_the_clock: true
            start: "D1 18:00"
            activities:
              - {id: march, duration: 10, needs: {van: 1}}
              - {id: night, duration: 3, after: [march]}
              - {id: drive, duration: 2, needs: {van: 1}, after: [night]}
    """)
    assert schedule(result) == [("march", 18, 28), ("night", 28, 31), ("drive", 31, 33)]


def test_an_around_the_clock_phase_without_start_may_begin_at_midnight() -> None:
    result = run("""
        days: 2
        phases:
          - id: field
            around_the_clock: true
            activities:
              - {id: a, duration: 30}
    """)
    assert schedule(result) == [("a", 0, 30)]


def test_an_always_resource_in_a_working_day_phase_still_keeps_to_the_day() -> None:
    result = run("""
        days: 3
        resources: [{id: van, capacity: 1, hours: always}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 10, needs: {van: 1}, not_before: "D1 18:00"}
    """)
    assert schedule(result) == [("a", 30, 40)]


def test_a_working_hours_resource_inside_an_around_the_clock_phase_keeps_to_the_day() -> None:
    scenario = load_scenario(HEAD + textwrap.dedent("""
        days: 3
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: field
            around_the_clock: true
            start: "D1 18:00"
            activities:
              - {id: lecture, duration: 3, needs: {hall: 1}}
              - {id: walk, duration: 4}
              - {id: long_lecture, duration: 20, needs: {hall: 1}, after: [lecture],
                 splittable: true}
    """))
    assert any("working-hours-in-around-the-clock" in w for w in scenario.warnings)
    result = simulate(scenario)
    # lecture: 18:00 + 3 > 20:00, waits for D2 06:00; walk runs at once into the night;
    # long_lecture (splittable, 20h) works 09:00-20:00 on D2 (11h) and 9h on D3
    assert schedule(result) == [("lecture", 30, 33), ("walk", 18, 22),
                                ("long_lecture", 33, 63)]
    assert trace(result, "long_lecture") == [("start", 33), ("pause", 44), ("resume", 54),
                                             ("finish", 63)]


# ---------------------------------------------------------------- groups and teams


def test_a_group_with_two_teams_does_two_things_at_once() -> None:
    result = run("""
        days: 2
        groups: [{id: g, headcount: 20, teams: 2}, {id: h, headcount: 5}]
        phases:
          - id: p
            activities:
              - {id: x, duration: 2, groups: {g: 1}}
              - {id: y, duration: 3, groups: {g: 1}}
              - {id: whole, duration: 1, groups: [g]}
              - {id: solo1, duration: 1, groups: [h]}
              - {id: solo2, duration: 1, groups: [h]}
    """)
    assert schedule(result) == [("x", 6, 8), ("y", 6, 9), ("whole", 9, 10), ("solo1", 6, 7),
                                ("solo2", 7, 8)]
    assert result.groups["g"].busy_team_h == 2 + 3 + 2 * 1


# ---------------------------------------------------------------- dependencies


def test_lags_delay_the_dependent_and_may_carry_it_into_the_next_day() -> None:
    result = run("""
        days: 3
        phases:
          - id: p
            activities:
              - {id: a, duration: 2}
              - {id: b, duration: 1, after: [{id: a, lag: 2h}]}
              - {id: c, duration: 1, after: [{id: b, lag: "12h"}]}
              - {id: d, duration: 1, after: [a, {id: b, lag: 90min}]}
    """)
    # b ready 8 + 2 = 10; c ready 11 + 12 = 23 (night) -> D2 06:00; d ready 11 + 1.5
    assert schedule(result) == [("a", 6, 8), ("b", 10, 11), ("c", 30, 31), ("d", 12.5, 13.5)]
    assert result.activity("c").ready_h == 23.0


def test_an_activity_may_name_a_later_written_activity_in_after() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities:
              - {id: second, duration: 2, after: [first]}
              - {id: first, duration: 3}
          - id: q
            activities:
              - {id: third, duration: 1, after: [fourth]}
          - id: r
            activities:
              - {id: fourth, duration: 1, after: [second]}
    """)
    assert schedule(result) == [("second", 9, 11), ("first", 6, 9), ("third", 12, 13),
                                ("fourth", 11, 12)]


def test_phase_after_and_start_and_activity_after_a_phase() -> None:
    result = run("""
        days: 3
        phases:
          - id: p1
            activities:
              - {id: a, duration: 3}
              - {id: a2, duration: 1}
          - id: p2
            after: [p1]
            activities:
              - {id: b, duration: 2}
          - id: p3
            start: "D2 08:00"
            activities:
              - {id: c, duration: 1}
          - id: p4
            start: D2
            activities:
              - {id: d, duration: 1}
          - id: p5
            activities:
              - {id: e, duration: 1, after: [p1]}
              - {id: f, duration: 1, after: [{id: p2, lag: 1h}]}
              - {id: g, duration: 1, not_before: "D1 12:30"}
    """)
    assert schedule(result) == [
        ("a", 6, 9), ("a2", 6, 7), ("b", 9, 11), ("c", 32, 33), ("d", 30, 31),
        ("e", 9, 10), ("f", 12, 13), ("g", 12.5, 13.5),
    ]
    ends = [(e.phase, e.t) for e in result.events if e.kind == "phase_end"]
    assert ends[:2] == [("p1", 9.0), ("p2", 11.0)]


def test_a_phase_waits_for_a_phase_after_another_phase() -> None:
    result = run("""
        days: 2
        phases:
          - id: p1
            activities: [{id: a, duration: 2}]
          - id: p2
            after: [p1]
            activities: [{id: b, duration: 2}]
          - id: p3
            after: [p2]
            activities: [{id: c, duration: 2}]
    """)
    assert schedule(result) == [("a", 6, 8), ("b", 8, 10), ("c", 10, 12)]


def test_every_day_instances_one_per_working_day_and_after_the_base_waits_for_all() -> None:
    result = run("""
        days: 4
        calendar: {rest_days: [2]}
        phases:
          - id: p
            activities:
              - {id: brief, duration: 1, every_day: {from: 1, to: 4}}
              - {id: wrap, duration: 1, after: [brief]}
    """)
    assert schedule(result) == [
        ("brief@D1", 6, 7), ("brief@D3", 54, 55), ("brief@D4", 78, 79), ("wrap", 79, 80),
    ]
    assert result.activity("brief@D3").base_id == "brief"


def test_every_day_instances_start_no_earlier_than_their_own_day_even_when_free() -> None:
    result = run("""
        days: 3
        phases:
          - id: p
            activities:
              - {id: roll, duration: 2, every_day: {from: 2, to: 3}, not_before: "D1 10:00"}
    """)
    assert schedule(result) == [("roll@D2", 30, 32), ("roll@D3", 54, 56)]


def test_zero_duration_milestones_ignore_the_calendar() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities:
              - {id: kickoff, duration: 0}
              - {id: a, duration: 14, after: [kickoff]}
              - {id: done, duration: 0, after: [a]}
              - {id: b, duration: 1, after: [done]}
          - id: night
            start: "D1 23:00"
            activities:
              - {id: midnight_check, duration: 0}
    """)
    assert schedule(result) == [("kickoff", 0, 0), ("a", 6, 20), ("done", 20, 20),
                                ("b", 30, 31), ("midnight_check", 23, 23)]
