"""``load_scenario`` and ``load_tree``: valid files resolve to the right model, and problems
are reported precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import sim
from sim.core.distributions import Choice, Fixed, Lognormal, Pert, Triangular, Uniform
from sim.scenario import Problem, Scenario, ScenarioError, load_scenario, load_tree
from sim.scenario.model import Dependency

SMALL = """\
format: tabletop/1
name: Small
days: 3
calendar: {day_start: "08:00", day_end: "18:00", rest_days: [2]}
groups:
  - {id: blue, headcount: 30}
  - {id: green, headcount: 25, teams: 2}
resources:
  - {id: hall, capacity: 2, tags: [rooms]}
  - {id: bus, capacity: 1, hours: always, tags: [transport]}
phases:
  - id: one
    activities:
      - {id: daily, duration: 1, groups: {green: 1}, every_day: {from: 1, to: 3}}
      - {id: talk, duration: 90min, groups: [blue], needs: {hall: 1}, after: [daily]}
  - id: two
    after: [one]
    start: D3
    due: "D3 17:00"
    activities:
      - id: wrap
        duration: {pert: [1, 2, 4]}
        groups: [blue, green]
        after: [{id: talk, lag: 30min}]
injects:
  - {id: M-01, at: "D1 11:00", kind: resource_down, target: rooms, amount: 1, for: 2h}
  - {id: M-02, at: {between: [D1, "D3 12:00"]}, kind: delay, target: one, by: {uniform: [1, 2]},
     probability: 0.5}
  - {id: M-03, at: "D3 09:00", kind: delay, target: daily@D3, by: 1}
  - {id: M-04, at: "D3 09:00", kind: group_unavailable, target: green, for: 1h}
  - id: M-05
    at: "D3 10:00"
    kind: add_activity
    phase: two
    activity: {id: extra, duration: 1, groups: [blue]}
  - {id: talk, at: "D1 08:00", kind: note, description: an inject id may repeat another kind's}
"""


def problems_of(text: str, suffix: str = ".yaml", tmp_path: Path | None = None) -> list[Problem]:
    origin: str | Path = text
    if tmp_path is not None:
        origin = tmp_path / f"case{suffix}"
        origin.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(origin)
    return list(info.value.problems)


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def test_bundled_scenario_loads(bundled_scenario: Path) -> None:
    scenario = load_scenario(bundled_scenario)
    assert scenario.format == "tabletop/1"
    assert scenario.file == str(bundled_scenario)
    assert scenario.phases and scenario.activities
    ids = [a.id for a in scenario.activities]
    assert len(ids) == len(set(ids))
    phase_ids = {p.id for p in scenario.phases}
    for activity in scenario.activities:
        assert activity.phase in phase_ids
        for dep in activity.after:  # every reference names something that exists
            assert dep.target in (phase_ids if dep.on_phase else set(ids))


def test_seminar_resolves_as_written(repo_root: Path) -> None:
    s = load_scenario(repo_root / "scenarios" / "seminar.yaml")
    assert (s.name, s.days, s.dispatch, s.seed) == ("Two-day seminar", 2, "critical_path", None)
    assert (s.calendar.day_start, s.calendar.day_end, s.planned_end) == (6.0, 20.0, 44.0)
    assert [(g.id, g.headcount, g.teams) for g in s.groups] == [("blue", 30, 1), ("green", 25, 2)]
    assert [(r.id, r.capacity, r.always) for r in s.resources] == [
        ("hall", 1, False),
        ("interpreters", 2, True),
    ]
    act = {a.id: a for a in s.activities}
    assert act["lecture"].duration == Triangular(2, 3, 4)
    assert act["debrief"].duration == Fixed(1.5)
    assert act["lecture"].after == (Dependency("welcome"),)
    assert act["workshop"].groups == (("green", 1),)
    assert act["welcome"].groups == (("blue", 1), ("green", 2))  # whole group: all its teams
    assert act["welcome"].needs == (("hall", 1), ("interpreters", 2))
    assert s.phases[1].after == ("day_one",)
    (inject,) = s.injects
    assert (inject.kind, inject.at, inject.target, inject.target_kind, inject.duration) == (
        "resource_down",
        11.0,
        "hall",
        "resource",
        2.0,
    )
    assert inject.amount is None and inject.on_hit == "pause" and not inject.is_random
    assert s.outline() == ("2 groups, 2 resources, 2 phases, 4 activity instances, 1 injects")


def test_small_scenario_resolves_every_feature() -> None:
    s = load_scenario(SMALL)
    assert s.file == "<text>" and s.warnings == ()
    assert s.calendar.rest_days == frozenset({2})
    act = {a.id: a for a in s.activities}
    # every_day: one instance per working day, none on the rest day, each from its own day
    assert [a for a in act if a.startswith("daily")] == ["daily@D1", "daily@D3"]
    assert act["daily@D3"].base_id == "daily" and act["daily@D3"].day == 3
    assert act["daily@D3"].not_before == 48 + 8
    # naming the base id in `after` means all of its instances
    assert act["talk"].after == (Dependency("daily@D1"), Dependency("daily@D3"))
    assert act["wrap"].after == (Dependency("talk", 0.5),)
    assert act["wrap"].duration == Pert(1, 2, 4)
    assert act["wrap"].groups == (("blue", 1), ("green", 2))
    two = s.phases[1]
    assert (two.start, two.due, two.after) == (56.0, 65.0, ("one",))
    m1, m2, m3, m4, m5, note = s.injects
    assert (m1.target_kind, m1.amount) == ("tag", 1)
    assert (m2.target_kind, m2.at, m2.at_latest, m2.probability) == ("phase", 8.0, 60.0, 0.5)
    assert m2.delay == Uniform(1, 2) and m2.is_random
    assert (m3.target, m3.target_kind) == ("daily@D3", "activity")
    assert (m4.target_kind, m4.duration) == ("group", 1.0)
    assert m5.phase == "two" and [a.id for a in m5.activities] == ["extra"]
    assert note.kind == "note" and note.id == "talk"


def test_text_tree_and_file_give_the_same_scenario(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    from_file = load_scenario(path)
    from_text = load_scenario(SMALL)
    from_tree = load_tree(yaml.safe_load(SMALL))
    assert from_file.file == str(path) and from_tree.file == "<data>"
    assert from_file == Scenario(**{**from_text.__dict__, "file": str(path)})
    assert from_tree == Scenario(**{**from_text.__dict__, "file": "<data>"})
    assert load_scenario(str(path)) == from_file  # a path given as text


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("2", Fixed(2.0)),
        ('"45min"', Fixed(0.75)),
        ('"0.25d"', Fixed(6.0)),
        ("0", Fixed(0.0)),
        ("{triangular: [1h, 2h, 3h]}", Triangular(1, 2, 3)),
        ("{uniform: [30min, 1h]}", Uniform(0.5, 1)),
        ("{lognormal: {median: 2, p90: 3}}", Lognormal(2, 3)),  # unbounded: a warning
        ("{choice: {values: [1, 2], weights: [3, 1]}}", Choice((1.0, 2.0), (3.0, 1.0))),
        ("{choice: {values: [1, 2]}}", Choice((1.0, 2.0), (1.0, 1.0))),
    ],
)
def test_durations_and_distributions(duration: str, expected: object) -> None:
    text = SMALL.replace("{id: extra, duration: 1,", f"{{id: extra, duration: {duration},")
    (added,) = load_scenario(text).injects[4].activities
    assert added.duration == expected


def test_unbounded_duration_warns() -> None:
    text = SMALL.replace("{pert: [1, 2, 4]}", "{lognormal: {median: 2, p90: 3}}")
    (warning,) = load_scenario(text).warnings
    assert "warning[may-not-fit]" in warning and "no upper bound" in warning


WARNINGS = {
    "limit-in-working-day-phase": ("    start: D3\n", "    start: D3\n    limit: 5h\n"),
    "due-before-start": ('    due: "D3 17:00"', '    due: "D2 17:00"'),
    "never-happens": ("probability: 0.5", "probability: 0"),
    "may-not-fit": ("{pert: [1, 2, 4]}", "{pert: [1, 2, 12]}"),
    "every-day-empty": (
        "      - {id: talk,",
        "      - {id: rest, duration: 1, every_day: {from: 2, to: 2}}\n      - {id: talk,",
    ),
    "empty-phase": ("phases:\n", "phases:\n  - {id: nothing, activities: []}\n"),
    "working-hours-in-around-the-clock": (
        "  - id: one\n",
        "  - id: one\n    around_the_clock: true\n",
    ),
}


@pytest.mark.parametrize("code", sorted(WARNINGS))
def test_warnings_do_not_stop_loading(code: str) -> None:
    old, new = WARNINGS[code]
    assert old in SMALL
    scenario = load_scenario(SMALL.replace(old, new, 1))
    assert len(scenario.warnings) == 1
    assert f"warning[{code}]" in scenario.warnings[0]
    assert scenario.warnings[0].startswith("<text>:")


def test_warnings_are_reported_with_errors_of_meaning() -> None:
    text = SMALL.replace("probability: 0.5", "probability: 0").replace(
        "target: green", "target: gren"
    )
    problems = problems_of(text)
    assert codes(problems) == ["never-happens", "unknown-reference"]  # in file order
    assert [p.severity for p in problems] == ["warning", "error"]
    assert "1 problem in scenario" in str(ScenarioError(problems))


def test_problem_format_and_dict() -> None:
    text = SMALL.replace("target: green", "target: gren")
    (problem,) = problems_of(text)
    assert problem.path == ("injects", 3, "target")
    assert problem.format() == (
        f"<text>:{problem.line}:{problem.column}: error[unknown-reference] injects[3].target: "
        "group 'gren' does not exist (did you mean 'green'?)"
    )
    assert problem.as_dict() == {
        "code": "unknown-reference",
        "severity": "error",
        "file": "<text>",
        "line": problem.line,
        "column": problem.column,
        "path": "injects[3].target",
        "message": "group 'gren' does not exist",
        "hint": "did you mean 'green'?",
    }
    assert json.dumps(problem.as_dict())
    assert text.splitlines()[problem.line - 1][problem.column - 1 :].startswith("gren,")


# ------------------------------------------------------------------ regressions


def test_problems_after_a_removed_entry_point_at_their_own_line() -> None:
    """A broken entry is left out to check the rest: later entries keep their own lines."""
    text = """\
format: tabletop/1
name: x
days: 2
groups: [{id: g, headcount: 1}]
phases:
  - id: p
    bogus: 1
    activities:
      - {id: a, duration: 1, groups: 5}
      - {id: b, duration: 1}
      - {id: c, duration: 1, groups: [gg]}
  - id: q
    activities:
      - {id: d, duration: 1, groups: [gx]}
"""
    got = [(p.code, p.line, p.path) for p in problems_of(text)]
    assert got == [
        ("unknown-key", 7, ("phases", 0, "bogus")),
        ("wrong-type", 9, ("phases", 0, "activities", 0, "groups")),
        ("unknown-reference", 11, ("phases", 0, "activities", 2, "groups", 0)),
        ("unknown-reference", 14, ("phases", 1, "activities", 0, "groups", 0)),
    ]


def test_references_to_a_broken_entry_are_not_reported_twice() -> None:
    text = SMALL.replace("{id: blue, headcount: 30}", "{id: blue, headcount: many}")
    problems = problems_of(text)
    assert codes(problems) == ["wrong-type"]  # not also "group 'blue' does not exist"


def test_cycle_is_reported_together_with_unknown_references() -> None:
    text = SMALL.replace("after: [daily]}", "after: [wrap]}").replace("target: green", "target: gr")
    got = codes(problems_of(text))
    assert sorted(got) == ["dependency-cycle", "unknown-reference"]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("needs: {hall: 1}", "needs: {5: 1}", "wrong-type"),  # a number as a resource id
        ("name: Small", "name: Small\n2024: year", "wrong-type"),  # a key that is not text
        ("name: Small", "name: Small\nstart_date: 2021-02-30", "bad-date"),  # no such day
        ("days: 3", "days: 1" + "0" * 5000, "wrong-type"),  # too many digits for int()
        ("duration: 1,", "duration: 1" + "0" * 400 + ",", "bad-duration"),  # float overflow
        ("groups: [blue],", "groups: [blue], priority: .nan,", "bad-value"),
        ("name: Small", "name: " + "x" * 100_001, "out-of-range"),  # text too long: not bad-id
    ],
)
def test_odd_values_give_problems_not_crashes(old: str, new: str, code: str) -> None:
    assert old in SMALL
    problems = problems_of(SMALL.replace(old, new, 1))
    assert code in codes(problems)
    assert all(len(p.message) < 300 for p in problems)


def test_keys_that_are_not_text_are_each_reported_once() -> None:
    text = SMALL.replace("name: Small\n", "name: Small\nyes: 1\n~: 2\n2.5: 3\n")
    text = text.replace("target: green", "target: gren")
    got = [(p.code, p.line, p.path) for p in problems_of(text)]
    assert got == [
        ("wrong-type", 3, ("True",)),
        ("wrong-type", 4, ("None",)),
        ("wrong-type", 5, ("2.5",)),
        ("unknown-reference", 33, ("injects", 3, "target")),  # the rest is still checked
    ]


def test_messages_keep_their_braces() -> None:
    text = SMALL.replace(
        "{id: talk, duration: 90min, groups: [blue]", "{id: talk, duration: 90min, groups: 7"
    )
    (problem,) = problems_of(text)
    assert "{group: teams}" in problem.message and "{{" not in problem.message


@pytest.mark.parametrize("suffix", [".json", ".toml", ".yaml"])
def test_numbers_too_long_for_python_are_problems(tmp_path: Path, suffix: str) -> None:
    big = "1" + "0" * 5000
    text = {
        ".json": '{"format": "tabletop/1", "name": "x", "days": %s, "phases": []}',
        ".toml": 'format = "tabletop/1"\nname = "x"\ndays = %s\nphases = []\n',
        ".yaml": "format: tabletop/1\nname: x\ndays: %s\nphases: []\n",
    }[suffix] % big
    problems = problems_of(text, suffix, tmp_path)
    assert len(problems) == 1 and problems[0].severity == "error"


def test_duplicate_keys_in_json_are_found(tmp_path: Path) -> None:
    text = '{"format": "tabletop/1",\n "name": "x",\n "name": "y", "days": 1, "phases": []}'
    (problem,) = problems_of(text, ".json", tmp_path)
    assert (problem.code, problem.line) == ("duplicate-key", 3)


def test_delay_may_name_one_instance_of_a_daily_activity() -> None:
    problems = problems_of(SMALL.replace("target: daily@D3", "target: daily@D2"))  # rest day
    assert [(p.code, p.path) for p in problems] == [("unknown-reference", ("injects", 2, "target"))]
    problems = problems_of(SMALL.replace("target: daily@D3", "target: talk@D3"))  # not daily
    assert codes(problems) == ["unknown-reference"]
    problems = problems_of(SMALL.replace("target: daily@D3", "target: daily@3"))
    assert codes(problems) == ["bad-id"]


def test_inject_ids_are_unique_among_injects() -> None:
    text = SMALL.replace("{id: talk, at:", "{id: M-01, at:")
    (problem,) = problems_of(text)
    assert problem.code == "duplicate-id" and problem.path == ("injects", 5, "id")
    assert "first at line" in problem.message


def test_comment_only_file_is_empty(tmp_path: Path) -> None:
    (problem,) = problems_of("# nothing here yet\n", ".yaml", tmp_path)
    assert problem.code == "empty-file"


def test_non_mapping_trees_are_not_scenarios() -> None:
    for tree in ([], "text", 5, None):
        with pytest.raises(ScenarioError) as info:
            load_tree(tree)
        assert codes(list(info.value.problems)) == ["not-a-scenario"]


def test_lazy_top_level_names() -> None:
    assert sim.load_scenario is load_scenario
    assert sim.ScenarioError is ScenarioError
    with pytest.raises(AttributeError):
        _ = sim.no_such_name
