"""Dispatch rules and phase KPIs, pinned by hand-computed schedules (working day 06:00-20:00)."""

from __future__ import annotations

import textwrap

import pytest

from sim.engine import simulate
from sim.results import RunResult
from sim.scenario import load_scenario
from sim.scenario.plan import critical_path

HEAD = "format: tabletop/1\nname: test\n"


def run(body: str, seed: int | None = None) -> RunResult:
    return simulate(load_scenario(HEAD + textwrap.dedent(body)), seed)


def schedule(result: RunResult) -> list[tuple[str, float | None, float | None]]:
    return [(i, None if s is None else round(s, 6), None if e is None else round(e, 6))
            for i, s, e in result.schedule()]


SLACK = """
    days: 2
    dispatch: RULE
    resources: [{id: hall, capacity: 1}]
    phases:
      - id: p
        activities:
          - {id: side, duration: 2, needs: {hall: 1}, priority: 1}
          - {id: key, duration: 2, needs: {hall: 1}}
          - {id: long, duration: 5, after: [key]}
"""


def test_critical_path_picks_the_least_slack_first() -> None:
    scenario = load_scenario(HEAD + textwrap.dedent(SLACK.replace("RULE", "critical_path")))
    plan = critical_path(scenario)
    assert plan.length == 7.0
    assert (plan.slack("side"), plan.slack("key"), plan.slack("long")) == (5.0, 0.0, 0.0)
    assert schedule(simulate(scenario)) == [("side", 8, 10), ("key", 6, 8), ("long", 8, 13)]


def test_critical_path_is_the_default_rule() -> None:
    default = SLACK.replace("    dispatch: RULE\n", "")
    assert schedule(run(default)) == [("side", 8, 10), ("key", 6, 8), ("long", 8, 13)]


def test_priority_runs_the_higher_number_first() -> None:
    assert schedule(run(SLACK.replace("RULE", "priority"))) == [
        ("side", 6, 8), ("key", 8, 10), ("long", 10, 15)]
    result = run("""
        days: 2
        dispatch: priority
        resources: [{id: hall, capacity: 1}]
        phases:
          - id: p
            activities:
              - {id: low, duration: 1, needs: {hall: 1}, priority: 1}
              - {id: high, duration: 1, needs: {hall: 1}, priority: 3}
              - {id: mid, duration: 1, needs: {hall: 1}, priority: 2}
              - {id: mid2, duration: 1, needs: {hall: 1}, priority: 2}
              - {id: neg, duration: 1, needs: {hall: 1}, priority: -1}
    """)
    assert schedule(result) == [("low", 9, 10), ("high", 6, 7), ("mid", 7, 8), ("mid2", 8, 9),
                                ("neg", 10, 11)]


FIFO = """
    days: 2
    dispatch: RULE
    resources: [{id: hall, capacity: 1}]
    phases:
      - id: p
        activities:
          - {id: x, duration: 1, needs: {hall: 1}}
          - {id: late, duration: 1, needs: {hall: 1}, not_before: "D1 06:30", priority: 9}
          - {id: early, duration: 1, needs: {hall: 1}, not_before: "D1 06:15"}
"""


def test_fifo_runs_the_first_ready_first() -> None:
    assert schedule(run(FIFO.replace("RULE", "fifo"))) == [
        ("x", 6, 7), ("late", 8, 9), ("early", 7, 8)]
    assert schedule(run(FIFO.replace("RULE", "priority"))) == [
        ("x", 6, 7), ("late", 7, 8), ("early", 8, 9)]


@pytest.mark.parametrize("rule", ["fifo", "priority", "critical_path"])
def test_ties_go_to_the_activity_written_first(rule: str) -> None:
    result = run(f"""
        days: 2
        dispatch: {rule}
        resources: [{{id: hall, capacity: 1}}]
        phases:
          - id: p
            activities:
              - {{id: c, duration: 1, needs: {{hall: 1}}}}
              - {{id: a, duration: 1, needs: {{hall: 1}}}}
              - {{id: b, duration: 1, needs: {{hall: 1}}}}
    """)
    assert schedule(result) == [("c", 6, 7), ("a", 7, 8), ("b", 8, 9)]


def test_a_blocked_activity_does_not_hold_capacity_others_can_use() -> None:
    # `big` (both units) waits for `a`; `small` (one unit) starts at once in the free unit
    result = run("""
        days: 2
        dispatch: fifo
        resources: [{id: hall, capacity: 2}]
        phases:
          - id: p
            activities:
              - {id: a, duration: 3, needs: {hall: 1}}
              - {id: big, duration: 1, needs: {hall: 2}}
              - {id: small, duration: 1, needs: {hall: 1}}
    """)
    assert schedule(result) == [("a", 6, 9), ("big", 9, 10), ("small", 6, 7)]


# ---------------------------------------------------------------- phase KPIs


def test_phase_due_late_limit_breach_and_on_time() -> None:
    result = run("""
        days: 3
        phases:
          - id: p1
            due: "D1 10:00"
            activities: [{id: a, duration: 5}]
          - id: p2
            due: "D1 12:00"
            activities: [{id: b, duration: 2}]
          - id: p3
            activities: [{id: b3, duration: 2}]
          - id: v
            around_the_clock: true
            start: "D1 12:00"
            limit: 10h
            activities:
              - {id: c, duration: 6}
              - {id: d, duration: 5, after: [c]}
          - id: w
            around_the_clock: true
            start: "D2 00:00"
            limit: 3h
            activities: [{id: e, duration: 3}]
    """)
    p1, p2, p3, v, w = (result.phases[i] for i in ("p1", "p2", "p3", "v", "w"))
    assert (p1.start_h, p1.end_h, p1.due_h, p1.late_h) == (6.0, 11.0, 10.0, 1.0)
    assert (p2.end_h, p2.due_h, p2.late_h) == (8.0, 12.0, 0.0)
    assert (p3.due_h, p3.late_h, p3.limit_h, p3.breach) == (None, None, None, False)
    assert (v.start_h, v.end_h, v.duration_h, v.limit_h, v.breach) == (12.0, 23.0, 11.0, 10.0,
                                                                      True)
    assert (w.duration_h, w.breach) == (3.0, False)
    assert result.end_h == 27.0 and result.planned_end_h == 68.0 and result.on_time
    summary = result.summary()
    assert summary["phases"]["p1"]["late_h"] == 1.0 and summary["phases"]["v"]["breach"]


def test_a_run_ending_after_the_last_working_day_is_not_on_time() -> None:
    result = run("""
        days: 1
        phases:
          - id: v
            around_the_clock: true
            activities: [{id: a, duration: 21}]
    """)
    assert result.end_h == 21.0 and result.planned_end_h == 20.0
    assert not result.on_time and result.summary()["late_h"] == 1.0
