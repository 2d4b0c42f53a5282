"""Property-based oracles for the engine: invariants that hold on any scenario."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.streams import stream
from sim.core.timefmt import WorkingTime
from sim.engine import simulate
from sim.results import RunResult
from sim.results.eventlog import Event
from sim.scenario import Scenario, load_tree
from sim.scenario.model import Activity

EPS = 1e-6
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
RULES = st.sampled_from(["critical_path", "priority", "fifo"])

Dag = list[tuple[str, float, list[tuple[str, float]]]]


@st.composite
def dags(draw: st.DrawFn, lags: bool = True) -> tuple[Dag, list[int]]:
    """Activities ``(id, duration, [(pred id, lag)])`` in topological order, and a written order."""
    n = draw(st.integers(1, 9))
    nodes: Dag = []
    for k in range(n):
        duration = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5, 5.0, 8.0, 13.0]))
        preds = draw(st.lists(st.integers(0, k - 1), unique=True, max_size=3)) if k else []
        deps = [(f"a{p}", draw(st.sampled_from([0.0, 0.5, 2.0, 7.0])) if lags else 0.0)
                for p in preds]
        nodes.append((f"a{k}", duration, deps))
    return nodes, draw(st.permutations(range(n)))


def dag_tree(nodes: Dag, order: Sequence[int], rule: str,
             needs: dict[str, int] | None = None) -> dict[str, Any]:
    activities = []
    for i in order:
        ident, duration, deps = nodes[i]
        entry: dict[str, Any] = {"id": ident, "duration": duration,
                                 "after": [{"id": p, "lag": lag} for p, lag in deps]}
        if needs:
            entry["needs"] = needs
        activities.append(entry)
    tree: dict[str, Any] = {
        "format": "tabletop/1", "name": "dag", "days": 5, "dispatch": rule,
        "phases": [{"id": "v", "around_the_clock": True, "activities": activities}],
    }
    if needs:
        tree["resources"] = [{"id": "r", "capacity": 1, "hours": "always"}]
    return tree


@SETTINGS
@given(dags(), RULES)
def test_without_resources_the_end_is_the_longest_path(dag: tuple[Dag, list[int]],
                                                       rule: str) -> None:
    nodes, order = dag
    finish: dict[str, float] = {}
    earliest: dict[str, float] = {}
    for ident, duration, deps in nodes:
        earliest[ident] = max((finish[p] + lag for p, lag in deps), default=0.0)
        finish[ident] = earliest[ident] + duration
    result = simulate(load_tree(dag_tree(nodes, order, rule)))
    assert result.end_h == pytest.approx(max(finish.values()))
    for row in result.activities:
        assert row.start_h == pytest.approx(earliest[row.id])
        assert row.end_h == pytest.approx(finish[row.id])


@SETTINGS
@given(dags(lags=False), RULES)
def test_one_unit_needed_by_all_makes_the_end_the_sum_of_durations(
        dag: tuple[Dag, list[int]], rule: str) -> None:
    nodes, order = dag
    result = simulate(load_tree(dag_tree(nodes, order, rule, needs={"r": 1})))
    assert result.end_h == pytest.approx(sum(d for _i, d, _deps in nodes))
    assert result.complete


# ---------------------------------------------------------------- random scenarios

CLOCKS = [("06:00", "20:00"), ("08:00", "17:00"), ("00:00", "24:00"), ("07:30", "19:00")]


def _hours(clock: str) -> float:
    h, m = clock.split(":")
    return int(h) + int(m) / 60


@st.composite
def durations(draw: st.DrawFn, longest: float) -> Any:
    """A fixed duration or a distribution whose low end is at most ``longest``."""
    low = draw(st.sampled_from([v for v in (0.0, 0.5, 2.0, 3.0, 4.0, 5.0, 9.0, 20.0)
                                if v <= longest]))
    kind = draw(st.sampled_from(["fixed", "fixed", "uniform", "triangular"]))
    if kind == "fixed":
        return low
    high = low + draw(st.sampled_from([0.5, 2.0, 6.0]))
    if kind == "uniform":
        return {"uniform": [low, high]}
    return {"triangular": [low, (low + high) / 2, high]}


def _time(draw: st.DrawFn, last_day: int) -> str:
    """A time on days 1..last_day, most often inside a usual working day."""
    hour = draw(st.one_of(st.integers(5, 19), st.integers(0, 23)))
    return f"D{draw(st.integers(1, last_day))} {hour:02d}:{draw(st.sampled_from([0, 30])):02d}"


@st.composite
def scenario_trees(draw: st.DrawFn, dense: bool = False) -> dict[str, Any]:
    """Random scenarios; ``dense`` ones have busy resources and groups and injects that hit
    them while they work."""
    day_start, day_end = draw(st.sampled_from(CLOCKS))
    day_length = _hours(day_end) - _hours(day_start)
    days = 6
    resources = [{"id": f"r{i}", "capacity": draw(st.integers(1, 3)),
                  "hours": draw(st.sampled_from(["working", "always"])),
                  "tags": draw(st.lists(st.sampled_from(["t1", "t2"]), unique=True))}
                 for i in range(draw(st.integers(1 if dense else 0, 3)))]
    groups = [{"id": f"g{i}", "headcount": 5, "teams": draw(st.integers(1, 2))}
              for i in range(draw(st.integers(1 if dense else 0, 2)))]
    phases: list[dict[str, Any]] = []
    written: list[str] = []
    for p in range(draw(st.integers(1, 3))):
        phase: dict[str, Any] = {"id": f"p{p}", "around_the_clock": draw(st.booleans())}
        if p and draw(st.booleans()):
            phase["after"] = [f"p{draw(st.integers(0, p - 1))}"]
        if draw(st.integers(0, 3)) == 0:
            phase["start"] = _time(draw, 2)
        activities = []
        for _ in range(draw(st.integers(1, 4))):
            activities.append(_activity(draw, f"a{len(written)}", phase, resources, groups,
                                        written, [f"p{q}" for q in range(p)], day_length,
                                        dense))
            written.append(activities[-1]["id"])
        phase["activities"] = activities
        phases.append(phase)
    injects = [_inject(draw, f"M{i}", resources, groups, phases, written, dense)
               for i in range(draw(st.integers(0, 5)))]
    tree: dict[str, Any] = {
        "format": "tabletop/1", "name": "random", "days": days,
        "dispatch": draw(RULES),
        "calendar": {"day_start": day_start, "day_end": day_end,
                     "rest_days": [3] if draw(st.booleans()) else []},
        "resources": resources, "groups": groups, "phases": phases, "injects": injects,
    }
    return tree


def _activity(draw: st.DrawFn, ident: str, phase: dict[str, Any], resources: list[Any],
              groups: list[Any], earlier: list[str], earlier_phases: list[str],
              day_length: float, dense: bool) -> dict[str, Any]:
    needs = {r["id"]: draw(st.integers(1, r["capacity"]))
             for r in draw(st.lists(st.sampled_from(resources), unique_by=lambda r: r["id"],
                                    min_size=int(dense), max_size=2))} if resources else {}
    splittable = draw(st.integers(0, 2)) == 0 if dense else draw(st.booleans())
    bound = not phase["around_the_clock"] or any(
        r["hours"] == "working" for r in resources if r["id"] in needs)
    longest = day_length if bound and not splittable else 30.0
    entry: dict[str, Any] = {"id": ident, "duration": draw(durations(longest)),
                             "splittable": splittable, "priority": draw(st.integers(0, 3))}
    if needs:
        entry["needs"] = needs
    chosen = draw(st.lists(st.sampled_from(groups), unique_by=lambda g: g["id"],
                           min_size=int(dense), max_size=2)) if groups else []
    whole = draw(st.booleans())
    if chosen and whole:
        entry["groups"] = [g["id"] for g in chosen]
    elif chosen:
        entry["groups"] = {g["id"]: draw(st.integers(1, g["teams"])) for g in chosen}
    targets = earlier + earlier_phases
    if targets:
        entry["after"] = [{"id": t, "lag": draw(st.sampled_from([0, 0, 1, 5]))}
                          for t in draw(st.lists(st.sampled_from(targets), unique=True,
                                                 max_size=2))]
    if draw(st.integers(0, 4)) == 0:
        entry["not_before"] = _time(draw, 3)
    if draw(st.integers(0, 5)) == 0:
        entry["every_day"] = {"from": 1, "to": 2}
    return entry


def _inject(draw: st.DrawFn, ident: str, resources: list[Any], groups: list[Any],
            phases: list[Any], written: list[str], dense: bool) -> dict[str, Any]:
    kinds = ["delay", "add_activity", "note"]
    kinds += ["resource_down", "resource_down"] if resources else []
    kinds += ["group_unavailable"] if groups else []
    if dense:
        kinds = ["resource_down", "resource_down", "group_unavailable", "delay", "delay"]
    kind = draw(st.sampled_from(kinds))
    at: Any = _time(draw, 2) if draw(st.booleans()) else \
        f"D1 {draw(st.integers(6, 11)):02d}:{draw(st.sampled_from([0, 30])):02d}"
    if draw(st.integers(0, 3)) == 0:
        at = {"between": ["D1 00:00", _time(draw, 3)]}
    inject: dict[str, Any] = {"id": ident, "kind": kind, "at": at,
                              "probability": draw(st.sampled_from([1.0, 1.0, 0.5, 0.0]))}
    if dense:
        inject |= {"at": f"D{draw(st.integers(1, 2))} {draw(st.integers(6, 14)):02d}:"
                         f"{draw(st.sampled_from([0, 15, 30])):02d}", "probability": 1.0}
    if kind == "resource_down":
        tags = sorted({t for r in resources for t in r["tags"]})
        target = draw(st.sampled_from([r["id"] for r in resources] + tags))
        capacity = next((r["capacity"] for r in resources if r["id"] == target), 1)
        inject |= {"target": target, "for": draw(st.sampled_from([1, 3, 10, 30])),
                   "on_hit": draw(st.sampled_from(["pause", "finish"])),
                   "amount": draw(st.sampled_from(["all", *range(1, capacity + 1)]))}
    elif kind == "delay":
        inject |= {"target": draw(st.sampled_from(written + [p["id"] for p in phases])),
                   "by": draw(st.sampled_from([4, 12, 12] if dense else
                                              [1, 4, 12, {"uniform": [0.5, 3]}]))}
    elif kind == "group_unavailable":
        inject |= {"target": draw(st.sampled_from(groups))["id"],
                   "for": draw(st.sampled_from([1, 5, 20]))}
    elif kind == "add_activity":
        activity: dict[str, Any] = {"id": f"x{ident}",
                                    "duration": draw(st.sampled_from([0, 1, 3])),
                                    "splittable": draw(st.booleans())}
        needs_one = draw(st.booleans())
        if resources and needs_one:
            activity["needs"] = {resources[0]["id"]: 1}
        p = draw(st.integers(0, len(phases) - 1))
        # only activities of this phase or earlier ones, and earlier phases: none of them
        # waits for this phase
        candidates = [a["id"] for q in phases[:p + 1] for a in q["activities"]]
        candidates += [q["id"] for q in phases[:p]]
        if draw(st.booleans()):
            activity["after"] = [draw(st.sampled_from(candidates))]
        inject |= {"phase": phases[p]["id"], "activity": activity}
    return inject


# ---------------------------------------------------------------- the checker


def _all_activities(scenario: Scenario) -> dict[str, Activity]:
    acts = {a.id: a for a in scenario.activities}
    acts |= {a.id: a for i in scenario.injects for a in i.activities}
    return acts


def drawn_duration(scenario: Scenario, seed: int, act: Activity) -> float:
    """The draw the engine must make for ``act``: its own stream, nobody else's."""
    if not act.duration.is_random:
        return act.duration.expected()
    return act.duration.sample(stream(seed, 0, act.id))


def check_run(scenario: Scenario, result: RunResult, seed: int) -> dict[str, float]:
    """Check every invariant on the event log; return each activity's work minus delays."""
    acts = _all_activities(scenario)
    clock = WorkingTime(scenario.calendar)
    phases = {p.id: p for p in scenario.phases}
    always = {r.id: r.always for r in scenario.resources}
    injects = {i.id: i for i in scenario.injects}
    teams = {g.id: g.teams for g in scenario.groups}
    cap = {r.id: r.capacity for r in scenario.resources}
    in_use: dict[str, int] = defaultdict(int)
    busy: dict[str, int] = defaultdict(int)
    down: dict[str, int] = defaultdict(int)
    carried: dict[str, set[str]] = defaultdict(set)  # on_hit finish carry-over per resource
    running: dict[str, float] = {}  # activity -> segment start
    work: dict[str, float] = defaultdict(float)  # hours worked, segment by segment
    delays: dict[str, float] = defaultdict(float)
    delayed_running: set[str] = set()
    registered = {a.id for a in scenario.activities}
    first_start: dict[str, float] = {}
    finish: dict[str, Event] = {}
    phase_end: dict[str, float] = {}
    added_at: dict[str, float] = {}
    day_end_pauses: dict[str, int] = defaultdict(int)

    def bound(act: Activity) -> bool:
        return not phases[act.phase].around_the_clock or any(
            not always[r] for r, _ in act.needs)

    def end_segment(aid: str, t: float) -> None:
        t0 = running.pop(aid)
        act = acts[aid]
        work[aid] += t - t0
        if bound(act) and t - t0 > EPS:  # a bound segment lies inside one working window
            window = clock.window(t0)
            assert window is not None and t <= window[1] + EPS, (aid, t0, t)
        for rid, amount in act.needs:
            in_use[rid] -= amount
            carried[rid].discard(aid)
        for gid, n in act.groups:
            busy[gid] -= n

    def check_instant() -> None:
        for rid in cap:
            carry = sum(dict(acts[a].needs)[rid] for a in carried[rid])
            assert 0 <= in_use[rid] <= cap[rid] + carry, (rid, in_use[rid], cap[rid], carry)
        for gid, n in teams.items():
            assert 0 <= busy[gid] <= n
            assert not down[gid] or busy[gid] == 0, gid

    events = result.events
    for k, ev in enumerate(events):
        aid = ev.activity
        if ev.kind in ("start", "resume"):
            assert aid is not None and aid not in running
            act = acts[aid]
            for rid, amount in act.needs:  # a start never takes units that are not there
                assert in_use[rid] + amount <= cap[rid], (aid, rid, ev.t)
                in_use[rid] += amount
            for gid, n in act.groups:
                assert busy[gid] + n <= teams[gid] and not down[gid], (aid, gid, ev.t)
                busy[gid] += n
            running[aid] = ev.t
            first_start.setdefault(aid, ev.t)
        elif ev.kind in ("pause", "finish"):
            assert aid is not None
            end_segment(aid, ev.t)
            if ev.kind == "finish":
                finish[aid] = ev
            elif ev.reason == "day_end":
                day_end_pauses[aid] += 1
        elif ev.kind == "capacity":
            assert ev.resource is not None and ev.amount is not None and ev.inject is not None
            if ev.amount < cap[ev.resource] and injects[ev.inject].on_hit == "finish":
                carried[ev.resource] |= {a for a in running if ev.resource in dict(acts[a].needs)}
            cap[ev.resource] = int(ev.amount)
        elif ev.kind == "group_unavailable":
            assert ev.group is not None
            down[ev.group] += 1
        elif ev.kind == "group_available":
            assert ev.group is not None
            down[ev.group] -= 1
        elif ev.kind == "added":
            assert aid is not None
            registered.add(aid)
            added_at[aid] = ev.t
        elif ev.kind == "phase_end":
            assert ev.phase is not None
            phase_end.setdefault(ev.phase, ev.t)
        elif ev.kind == "inject" and ev.reason == "delay":
            assert ev.inject is not None and ev.amount is not None
            target = str(injects[ev.inject].target)
            for other in registered:
                act = acts[other]
                hit = target in (other, act.base_id) or (target == act.phase
                                                         and target in phases)
                if hit and other not in finish:
                    delays[other] += ev.amount
                    if other in running:
                        delayed_running.add(other)
        if k + 1 == len(events) or events[k + 1].t > ev.t + 1e-12:
            check_instant()

    assert result.complete, result.stuck
    assert not running
    drawn: dict[str, float] = {}
    for aid in registered:
        act = acts[aid]
        assert aid in finish, aid
        done = finish[aid]
        assert done.amount is not None
        # work done == drawn duration + delays, and all of it was worked
        assert done.amount == pytest.approx(drawn_duration(scenario, seed, act) + delays[aid])
        assert work[aid] == pytest.approx(done.amount, abs=1e-6)
        drawn[aid] = done.amount - delays[aid]
        start = first_start[aid]
        # dependencies (with lags), phase order, release times
        for dep in act.after:
            if dep.on_phase:
                assert start >= phase_end[dep.target] + dep.lag - EPS, (aid, dep)
            elif dep.target in finish:
                assert start >= finish[dep.target].t + dep.lag - EPS, (aid, dep)
        for other in phases[act.phase].after:
            assert start >= phase_end[other] - EPS, (aid, other)
        assert start >= act.not_before - EPS
        assert start >= (phases[act.phase].start or 0.0) - EPS
        assert start >= added_at.get(aid, 0.0) - EPS
        # a non-splittable working-day activity keeps to one working day unless it is
        # longer than a day or a delay made it so while it ran
        if (bound(act) and not act.splittable and done.amount <= clock.day_length + EPS
                and aid not in delayed_running):
            assert day_end_pauses[aid] == 0, aid
    return drawn


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_trees(), st.integers(0, 2**32 - 1))
def test_random_scenarios_keep_every_invariant(tree: dict[str, Any], seed: int) -> None:
    check_scenario(tree, seed)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_trees(dense=True), st.integers(0, 2**32 - 1))
def test_busy_scenarios_hit_by_injects_keep_every_invariant(tree: dict[str, Any],
                                                             seed: int) -> None:
    check_scenario(tree, seed)


def check_scenario(tree: dict[str, Any], seed: int) -> None:
    scenario = load_tree(tree)
    result = simulate(scenario, seed)
    drawn = check_run(scenario, result, seed)
    # the same seed gives the same run
    again = simulate(scenario, seed)
    assert again.events == result.events
    # a different seed gives different draws
    other_seed = (seed + 1) % 2**32
    other = check_run(scenario, simulate(scenario, other_seed), other_seed)
    continuous = [a.id for a in scenario.activities
                  if a.duration.high > a.duration.low and a.id in drawn]
    if continuous:
        assert any(drawn[a] != other[a] for a in continuous)
    # an unrelated activity changes nobody else's draws (common random numbers)
    extra = {**tree, "phases": [*tree["phases"], {
        "id": "unrelated", "around_the_clock": True,
        "activities": [{"id": "zz", "duration": {"uniform": [1, 9]}}]}]}
    with_extra = load_tree(extra)
    drawn_extra = check_run(with_extra, simulate(with_extra, seed), seed)
    assert {k: v for k, v in drawn_extra.items() if k != "zz"} == drawn


def test_the_checker_catches_an_overbooked_resource() -> None:
    """The oracle itself: a forged log with two users of a one-unit resource fails."""
    scenario = load_tree(dag_tree([("a0", 1.0, []), ("a1", 1.0, [])], [0, 1], "fifo",
                                  needs={"r": 1}))
    result = simulate(scenario)
    forged = (Event(0.0, "start", "a0"), Event(0.0, "start", "a1"),
              Event(1.0, "finish", "a0", amount=1.0), Event(1.0, "finish", "a1", amount=1.0))
    bad = dataclasses.replace(result, events=forged)
    with pytest.raises(AssertionError):
        check_run(scenario, bad, 0)
    check_run(scenario, result, 0)
    assert math.isclose(result.end_h, 2.0)
