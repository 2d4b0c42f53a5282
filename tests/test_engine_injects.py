"""The scripted events list (MSEL) as the engine plays it, pinned by hand-computed schedules.

Working day 06:00-20:00: D1 06:00 = 6, D2 06:00 = 30.
"""

from __future__ import annotations

import textwrap

import pytest

from sim.engine import simulate
from sim.results import RunResult, inject_outcomes, usage_steps
from sim.scenario import Scenario, load_scenario

HEAD = "format: tabletop/1\nname: test\n"


def load(body: str) -> Scenario:
    return load_scenario(HEAD + textwrap.dedent(body))


def run(body: str, seed: int | None = None) -> RunResult:
    return simulate(load(body), seed)


def schedule(result: RunResult) -> list[tuple[str, float | None, float | None]]:
    return [(i, None if s is None else round(s, 6), None if e is None else round(e, 6))
            for i, s, e in result.schedule()]


def trace(result: RunResult, activity: str) -> list[tuple[str, float]]:
    return [(e.kind, round(e.t, 6)) for e in result.events
            if e.activity == activity and e.kind in ("start", "pause", "resume", "finish")]


def status(result: RunResult, inject: str) -> str:
    return str(next(o["status"] for o in inject_outcomes(result) if o["id"] == inject))


HALL = """
        days: 3
        resources: [{id: hall, capacity: 1}]
"""

# ---------------------------------------------------------------- resource_down


def test_resource_down_pause_resumes_only_the_remaining_work() -> None:
    result = run(HALL + """
        phases:
          - id: p
            activities:
              - {id: a, duration: 4, needs: {hall: 1}}
        injects:
          - {id: M1, at: "D1 07:00", kind: resource_down, target: hall, for: 2h}
    """)
    assert trace(result, "a") == [("start", 6), ("pause", 7), ("resume", 9), ("finish", 12)]
    pause = next(e for e in result.events if e.kind == "pause")
    assert (pause.reason, pause.inject, pause.amount) == ("M1", "M1", 3.0)
    row = result.activity("a")
    assert (row.work_h, row.paused_h, row.interruptions) == (4.0, 2.0, 1)
    capacity = [(e.t, e.amount) for e in result.events
                if e.kind == "capacity" and e.resource == "hall"]
    assert capacity == [(7.0, 0), (9.0, 1)]


def test_a_paused_non_splittable_activity_must_fit_its_remaining_work() -> None:
    # 2h done before the outage; 8h left at 13:00 do not fit before 20:00 -> D2 06:00
    result = run(HALL + """
        phases:
          - id: p
            activities:
              - {id: a, duration: 10, needs: {hall: 1}}
        injects:
          - {id: M1, at: "D1 08:00", kind: resource_down, target: hall, for: 5h}
    """)
    assert trace(result, "a") == [("start", 6), ("pause", 8), ("resume", 30), ("finish", 38)]
    assert result.activity("a").work_h == 10.0


def test_resource_down_finish_lets_work_finish_and_blocks_new_starts() -> None:
    result = run(HALL + """
        phases:
          - id: p
            activities:
              - {id: a, duration: 4, needs: {hall: 1}}
              - {id: b, duration: 1, needs: {hall: 1}, not_before: "D1 07:30"}
        injects:
          - {id: M1, at: "D1 07:00", kind: resource_down, target: hall, for: 4h,
             on_hit: finish}
    """)
    assert schedule(result) == [("a", 6, 10), ("b", 11, 12)]
    assert trace(result, "a") == [("start", 6), ("finish", 10)]
    # carry-over: one unit in use while the capacity is 0, until a finishes
    assert usage_steps(result, "hall") == [(0.0, 0, 1), (6.0, 1, 1), (7.0, 1, 0),
                                           (10.0, 0, 0), (11.0, 1, 1), (12.0, 0, 1)]


def test_an_outage_takes_units_from_the_most_recently_started_first() -> None:
    result = run("""
        days: 2
        resources: [{id: hall, capacity: 2}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 4, needs: {hall: 1}}
              - {id: m, duration: 1}
              - {id: b, duration: 3, needs: {hall: 1}, after: [m]}
        injects:
          - {id: M1, at: "D1 08:00", kind: resource_down, target: hall, amount: 1, for: 2h}
    """)
    assert trace(result, "a") == [("start", 6), ("finish", 10)]
    assert trace(result, "b") == [("start", 7), ("pause", 8), ("resume", 10), ("finish", 12)]


def test_a_resumed_activity_is_the_most_recently_started() -> None:
    # b resumed at D2 06:00 after a day-end split, a started at 07:00 on D2: at 08:00 the
    # one unit taken is a's (most recently (re)started)
    result = run("""
        days: 3
        resources: [{id: hall, capacity: 2}]
        phases:
          - id: p
            activities:
              - {id: b, duration: 20, needs: {hall: 1}, splittable: true}
              - {id: a, duration: 2, needs: {hall: 1}, not_before: "D2 07:00"}
        injects:
          - {id: M1, at: "D2 08:00", kind: resource_down, target: hall, amount: 1, for: 1h}
    """)
    assert trace(result, "b") == [("start", 6), ("pause", 20), ("resume", 30), ("finish", 36)]
    assert trace(result, "a") == [("start", 31), ("pause", 32), ("resume", 33), ("finish", 34)]


def test_amount_all_takes_every_unit_still_available() -> None:
    result = run("""
        days: 2
        resources: [{id: hall, capacity: 3}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 1, needs: {hall: 1}, not_before: "D1 10:00"}
        injects:
          - {id: M1, at: "D1 07:00", kind: resource_down, target: hall, amount: 1, for: 2h}
          - {id: M2, at: "D1 08:00", kind: resource_down, target: hall, for: 3h}
    """)
    capacity = [(e.t, e.amount, e.inject) for e in result.events
                if e.kind == "capacity" and e.resource == "hall"]
    # M2 takes the 2 units left; M1 gives its unit back at 09:00, M2 its 2 at 11:00
    assert capacity == [(7.0, 2, "M1"), (8.0, 0, "M2"), (9.0, 1, "M1"), (11.0, 3, "M2")]
    assert schedule(result) == [("a", 10, 11)]
    assert result.resources["hall"].lost_unit_h == 1 * 1 + 3 * 1 + 2 * 2


def test_an_outage_on_a_tag_hits_every_resource_with_the_tag() -> None:
    result = run("""
        days: 2
        resources:
          - {id: range, capacity: 1, tags: [outdoor]}
          - {id: field, capacity: 2, tags: [outdoor, big]}
          - {id: hall, capacity: 1}
        phases:
          - id: p
            activities:
              - {id: shoot, duration: 3, needs: {range: 1}}
              - {id: drill, duration: 3, needs: {field: 1}}
              - {id: talk, duration: 3, needs: {hall: 1}}
        injects:
          - {id: RAIN, at: "D1 07:00", kind: resource_down, target: outdoor, for: 2h}
    """)
    capacity = [(e.t, e.resource, e.amount) for e in result.events if e.kind == "capacity"]
    assert capacity == [(7.0, "range", 0), (7.0, "field", 0), (9.0, "range", 1),
                        (9.0, "field", 2)]
    assert schedule(result) == [("shoot", 6, 11), ("drill", 6, 11), ("talk", 6, 9)]


# ---------------------------------------------------------------- probability and windows

PROBABLE = HALL + """
        phases:
          - id: p
            activities:
              - {id: a, duration: 4, needs: {hall: 1}}
        injects:
          - {id: M1, at: "D1 07:00", kind: resource_down, target: hall, for: 2h,
             probability: PROB}
"""


def test_probability_zero_never_and_one_always() -> None:
    never = load(PROBABLE.replace("PROB", "0"))
    always = load(PROBABLE.replace("PROB", "1"))
    for seed in range(5):
        r0, r1 = simulate(never, seed), simulate(always, seed)
        assert schedule(r0) == [("a", 6, 10)] and status(r0, "M1") == "skipped"
        assert schedule(r1) == [("a", 6, 12)] and status(r1, "M1") == "hit"
    skipped = [e for e in simulate(never, 0).events if e.kind == "inject_skipped"]
    assert [(e.t, e.inject, e.reason) for e in skipped] == [(7.0, "M1", "probability")]


def test_probability_in_between_hits_some_seeds_and_is_the_same_for_the_same_seed() -> None:
    scenario = load(PROBABLE.replace("PROB", "0.5"))
    hits = [status(simulate(scenario, seed), "M1") == "hit" for seed in range(40)]
    assert 5 < sum(hits) < 35
    assert hits == [status(simulate(scenario, seed), "M1") == "hit" for seed in range(40)]
    for seed, hit in enumerate(hits[:10]):
        assert schedule(simulate(scenario, seed)) == [("a", 6, 12 if hit else 10)]


def test_a_between_window_draws_the_time_uniformly_inside_it() -> None:
    scenario = load("""
        days: 3
        phases:
          - id: p
            activities: [{id: a, duration: 1, not_before: "D2 10:00"}]
        injects:
          - {id: N1, at: {between: ["D1 08:00", "D2 08:00"]}, kind: note}
    """)
    times = [next(e.t for e in simulate(scenario, seed).events if e.inject == "N1")
             for seed in range(30)]
    assert all(8.0 <= t <= 32.0 for t in times)
    assert len(set(times)) == 30 and min(times) < 20 < max(times)
    assert times[3] == next(e.t for e in simulate(scenario, 3).events if e.inject == "N1")


# ---------------------------------------------------------------- delay


def test_delay_on_running_not_started_and_finished_activities() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities:
              - {id: a, duration: 4}
              - {id: b, duration: 2, after: [a]}
              - {id: c, duration: 1}
        injects:
          - {id: D1, at: "D1 07:00", kind: delay, target: a, by: 2h}
          - {id: D2, at: "D1 07:00", kind: delay, target: b, by: 30min}
          - {id: D3, at: "D1 08:00", kind: delay, target: c, by: 5h}
    """)
    assert schedule(result) == [("a", 6, 12), ("b", 12, 14.5), ("c", 6, 7)]
    assert [result.activity(i).work_h for i in "abc"] == [6.0, 2.5, 1.0]
    missed = [(e.inject, e.activity, e.t) for e in result.events if e.kind == "inject_missed"]
    assert missed == [("D3", "c", 8.0)]
    assert status(result, "D3") == "missed"


def test_delay_on_a_phase_adds_to_each_unfinished_activity_of_the_phase() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities:
              - {id: a, duration: 1}
              - {id: b, duration: 3}
              - {id: c, duration: 2, after: [b]}
          - id: q
            activities:
              - {id: d, duration: 2}
        injects:
          - {id: D1, at: "D1 08:00", kind: delay, target: p, by: 1h}
    """)
    # a finished at 7 (unchanged); b running (+1), c not started (+1); d not in p
    assert schedule(result) == [("a", 6, 7), ("b", 6, 10), ("c", 10, 13), ("d", 6, 8)]


def test_delay_on_a_phase_that_has_finished_is_missed() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities: [{id: a, duration: 1}]
          - id: q
            activities: [{id: b, duration: 5}]
        injects:
          - {id: D1, at: "D1 08:00", kind: delay, target: p, by: 1h}
    """)
    assert schedule(result) == [("a", 6, 7), ("b", 6, 11)]
    assert status(result, "D1") == "missed"


def test_delay_on_an_every_day_base_id_and_on_one_instance() -> None:
    result = run("""
        days: 3
        phases:
          - id: p
            activities:
              - {id: pt, duration: 1, every_day: {from: 1, to: 3}}
        injects:
          - {id: D1, at: "D1 12:00", kind: delay, target: pt, by: 2h}
          - {id: D2, at: "D1 12:00", kind: delay, target: "pt@D3", by: 1h}
    """)
    # pt@D1 had finished at 07:00: only the two unfinished instances get the 2h
    assert schedule(result) == [("pt@D1", 6, 7), ("pt@D2", 30, 33), ("pt@D3", 54, 58)]


def test_a_random_delay_is_drawn_once_per_inject_for_all_targets() -> None:
    scenario = load("""
        days: 2
        phases:
          - id: p
            activities:
              - {id: a, duration: 1}
              - {id: b, duration: 1}
        injects:
          - {id: D1, at: "D1 00:00", kind: delay, target: p, by: {uniform: [1, 3]}}
    """)
    extra = set()
    for seed in range(5):
        result = simulate(scenario, seed)
        a, b = result.activity("a").work_h, result.activity("b").work_h
        assert a == b and 2.0 <= a <= 4.0
        hit = next(e for e in result.events if e.kind == "inject")
        assert hit.amount == pytest.approx(a - 1)
        extra.add(a)
    assert len(extra) == 5


def test_a_delay_that_pushes_running_work_past_day_end_pauses_it_overnight() -> None:
    result = run("""
        days: 3
        phases:
          - id: p
            activities:
              - {id: a, duration: 10, not_before: "D1 09:00"}
        injects:
          - {id: D1, at: "D1 10:00", kind: delay, target: a, by: 4h}
    """)
    # 11h of work fit on D1 (09:00-20:00), the last 3h on D2
    assert trace(result, "a") == [("start", 9), ("pause", 20), ("resume", 30), ("finish", 33)]


# ---------------------------------------------------------------- groups


def test_group_unavailable_pauses_its_activities_and_holds_new_starts() -> None:
    result = run("""
        days: 2
        groups: [{id: g, headcount: 10, teams: 2}, {id: h, headcount: 5}]
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 4, groups: {g: 1}, needs: {hall: 1}}
              - {id: b, duration: 2, groups: [h]}
              - {id: c, duration: 1, groups: {g: 1}, not_before: "D1 07:30"}
              - {id: d, duration: 1, needs: {hall: 1}, not_before: "D1 07:30"}
        injects:
          - {id: G1, at: "D1 07:00", kind: group_unavailable, target: g, for: 2h}
    """)
    # a pauses and frees the hall, which d uses at 07:30; c waits for the group
    assert trace(result, "a") == [("start", 6), ("pause", 7), ("resume", 9), ("finish", 12)]
    assert schedule(result) == [("a", 6, 12), ("b", 6, 8), ("c", 9, 10), ("d", 7.5, 8.5)]
    kinds = [(e.kind, e.t) for e in result.events if e.group == "g"]
    assert ("group_unavailable", 7.0) in kinds and ("group_available", 9.0) in kinds
    assert result.groups["g"].unavailable_h == 2.0


def test_overlapping_group_unavailable_injects_keep_the_group_out_until_the_last_ends() -> None:
    result = run("""
        days: 2
        groups: [{id: g, headcount: 10}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 4, groups: [g]}
        injects:
          - {id: G1, at: "D1 07:00", kind: group_unavailable, target: g, for: 2h}
          - {id: G2, at: "D1 08:00", kind: group_unavailable, target: g, for: 3h}
    """)
    assert trace(result, "a") == [("start", 6), ("pause", 7), ("resume", 11), ("finish", 14)]
    assert result.groups["g"].unavailable_h == 4.0


# ---------------------------------------------------------------- add_activity and note


def test_add_activity_registers_it_at_the_hit_time_and_the_phase_waits_for_it() -> None:
    result = run("""
        days: 2
        phases:
          - id: p1
            activities: [{id: a, duration: 3}]
          - id: p2
            after: [p1]
            activities: [{id: b, duration: 1}]
        injects:
          - id: A1
            at: "D1 07:00"
            kind: add_activity
            phase: p1
            activity: {id: extra, duration: 4, after: [a]}
    """)
    assert schedule(result) == [("a", 6, 9), ("b", 13, 14), ("extra", 9, 13)]
    assert result.activity("extra").added_by == "A1"
    added = [(e.kind, e.activity, e.t) for e in result.events if e.kind == "added"]
    assert added == [("added", "extra", 7.0)]
    assert result.phases["p1"].end_h == 13.0


def test_add_activity_starts_no_earlier_than_the_hit_time() -> None:
    result = run("""
        days: 2
        phases:
          - id: p1
            activities: [{id: a, duration: 1}]
        injects:
          - id: A1
            at: "D1 10:00"
            kind: add_activity
            phase: p1
            activity: {id: extra, duration: 2}
    """)
    # the run waits for the inject although everything else has finished
    assert schedule(result) == [("a", 6, 7), ("extra", 10, 12)]
    assert result.end_h == 12.0


def test_add_activity_that_does_not_happen_leaves_no_row() -> None:
    result = run("""
        days: 2
        phases:
          - id: p1
            activities: [{id: a, duration: 1}]
        injects:
          - id: A1
            at: "D1 10:00"
            probability: 0
            kind: add_activity
            phase: p1
            activity: {id: extra, duration: 2}
    """)
    assert schedule(result) == [("a", 6, 7)]


def test_a_note_changes_nothing_but_is_logged() -> None:
    body = """
        days: 2
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: p
            activities: [{id: a, duration: 4, needs: {hall: 1}}]
    """
    plain = run(body)
    noted = run(body + """
        injects:
          - {id: N1, at: "D1 07:00", kind: note, description: Press visit}
    """)
    assert schedule(noted) == schedule(plain) == [("a", 6, 10)]
    hits = [(e.kind, e.t, e.inject, e.reason) for e in noted.events if e.inject == "N1"]
    assert hits == [("inject", 7.0, "N1", "note")]


def test_an_inject_after_the_end_is_skipped() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities: [{id: a, duration: 1}]
        injects:
          - {id: N1, at: "D2 07:00", kind: note}
    """)
    assert result.end_h == 7.0
    assert status(result, "N1") == "skipped"


# ---------------------------------------------------------------- hits at the very end of work


def test_an_outage_at_the_moment_work_ends_lets_it_finish() -> None:
    result = run(HALL + """
        groups: [{id: g, headcount: 3}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 1, needs: {hall: 1}}
              - {id: b, duration: 2, groups: [g]}
        injects:
          - {id: M1, at: "D1 07:00", kind: resource_down, target: hall, for: 2h}
          - {id: G1, at: "D1 08:00", kind: group_unavailable, target: g, for: 2h}
    """)
    assert trace(result, "a") == [("start", 6), ("finish", 7)]
    assert trace(result, "b") == [("start", 6), ("finish", 8)]
    assert result.activity("a").interruptions == 0


def test_a_delay_aimed_at_an_activity_not_added_yet_is_missed() -> None:
    result = run("""
        days: 2
        phases:
          - id: p
            activities: [{id: a, duration: 5}]
        injects:
          - {id: D1, at: "D1 07:00", kind: delay, target: later, by: 1h}
          - id: A1
            at: "D1 08:00"
            kind: add_activity
            phase: p
            activity: {id: later, duration: 1}
    """)
    missed = [(e.inject, e.reason) for e in result.events if e.kind == "inject_missed"]
    assert missed == [("D1", "not added yet")]
    assert schedule(result) == [("a", 6, 11), ("later", 8, 9)]


def test_work_added_to_a_finished_phase_holds_activities_added_after_it() -> None:
    # p ends at 07:00; x reopens it at 08:00; y, added at 09:00 after p, waits for x
    result = run("""
        days: 2
        phases:
          - id: p
            activities: [{id: a, duration: 1}]
          - id: q
            activities: [{id: b, duration: 8}]
          - id: r
            after: [p]
            activities: [{id: c, duration: 1}]
        injects:
          - {id: A1, at: "D1 08:00", kind: add_activity, phase: p,
             activity: {id: x, duration: 2}}
          - {id: A2, at: "D1 09:00", kind: add_activity, phase: q,
             activity: {id: y, duration: 1, after: [p]}}
          - {id: A3, at: "D1 09:00", kind: add_activity, phase: r,
             activity: {id: z, duration: 1}}
    """)
    assert result.complete
    assert schedule(result) == [("a", 6, 7), ("b", 6, 14), ("c", 7, 8), ("x", 8, 10),
                                ("y", 10, 11), ("z", 10, 11)]
    ends = [(e.phase, e.t) for e in result.events if e.kind == "phase_end" and e.phase == "p"]
    assert ends == [("p", 7.0), ("p", 10.0)]
    assert result.phases["p"].end_h == 10.0
