"""``tabletop replay``: the pure replay (frames, narrative) and the plain narrative command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sim import load_scenario, simulate
from sim.cli import main
from sim.core.timefmt import format_time
from sim.replay import (
    Replay,
    bar_cells,
    build_replay,
    day_header,
    inject_effect,
    narrative,
    step_point,
)
from sim.results import RunResult

ROOT = Path(__file__).resolve().parent.parent
SEMINAR = ROOT / "scenarios" / "seminar.yaml"
WEEK = ROOT / "scenarios" / "training_week.yaml"
BROKEN = ROOT / "tests" / "broken" / "unknown-group.yaml"
HEAD = "format: tabletop/1\nname: test\n"
DRAWN = "{triangular: [2, 3, 4]}"


def _fixed_seminar() -> str:
    """The seminar with the lecture fixed at 3.5 h: a schedule that no seed changes."""
    text = SEMINAR.read_text(encoding="utf-8")
    assert DRAWN in text
    return text.replace(DRAWN, "3.5")

STUCK = HEAD + textwrap.dedent("""
    days: 2
    start_date: 2021-08-30
    resources: [{id: range, capacity: 2}]
    groups: [{id: ind, headcount: 5}, {id: blue, headcount: 5}]
    phases:
      - id: p
        activities:
          - {id: shoot, duration: 2, needs: {range: 2}, not_before: "D1 08:00"}
          - {id: drill, duration: 1, groups: [ind], not_before: "D1 08:00"}
          - {id: free, duration: 1, groups: [blue]}
    injects:
      - {id: M-04, at: "D1 07:00", kind: resource_down, target: range, for: 1000d,
         description: The range is closed for good}
      - {id: M-05, at: "D1 07:00", kind: group_unavailable, target: ind, for: 1000d}
""")

DATED = HEAD + textwrap.dedent("""
    days: 3
    start_date: 2021-08-30
    calendar: {rest_days: [2]}
    groups: [{id: blue, headcount: 5, teams: 2}]
    resources: [{id: range, capacity: 4}]
    phases:
      - id: p
        activities:
          - {id: a, duration: 1, groups: {blue: 1}, needs: {range: 3}}
          - {id: b, duration: {uniform: [2, 4]}, groups: {blue: 1}, needs: {range: 1}}
          - {id: c, duration: 2, groups: [blue], after: [a, b]}
          - {id: d, duration: 1, groups: [blue], after: [c], not_before: "D3 07:00"}
    injects:
      - {id: X-1, at: "D1 06:30", kind: note, probability: 0, description: never}
      - {id: X-2, at: "D1 10:00", kind: delay, target: a, by: 1h, description: too late}
      - {id: X-3, at: "D1 06:30", kind: resource_down, target: range, amount: 2, for: 1h,
         on_hit: finish, description: Two lanes closed}
""")


def _replay(origin: str | Path, seed: int | None = None) -> tuple[RunResult, Replay]:
    result = simulate(load_scenario(origin), seed)
    return result, build_replay(result)


def _cli(*args: str | Path, stdin: int | None = subprocess.DEVNULL,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m sim replay ARGS`` in a subprocess, output captured (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "sim", "replay", *map(str, args)],
                          stdin=stdin, capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, check=False)


def _main(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """The command in this process (quicker than a subprocess): status, stdout, stderr."""
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


# ---------------------------------------------------------------- pure functions


def test_start_and_finish_lines_follow_the_event_log() -> None:
    result, replay = _replay(WEEK)
    lines = narrative(replay)
    told = [line for line in lines if re.match(r"^D\d+ \d\d:\d\d +(start|finish) ", line)]
    logged = [(e.t, e.kind, e.activity) for e in result.events if e.kind in ("start", "finish")]
    assert len(told) == len(logged)
    for line, (t, kind, activity) in zip(told, logged, strict=True):
        assert line.startswith(format_time(t))
        assert f" {kind:<8} {activity}" in line
    assert lines[0].startswith(f"Multinational staff training week: seed {result.seed}, 6 days")
    assert lines[-1] == replay.summary
    assert f"all {len(result.activities)} activities finished {format_time(result.end_h)}" \
        in lines[-1]
    assert ("on time" in lines[-1]) == result.on_time


def test_every_inject_that_hit_is_told_with_its_msel_columns() -> None:
    result, replay = _replay(WEEK)
    text = "\n".join(narrative(replay))
    injects = {i.id: i for i in result.scenario.injects}
    hit = [e for e in result.events if e.kind == "inject"]
    assert len(hit) >= 8
    for ev in hit:
        inject = injects[str(ev.inject)]
        line = next(x for x in text.splitlines() if f"  INJECT   {inject.id} " in x)
        assert line.startswith(format_time(ev.t))
        for column in (inject.description, inject.from_, inject.to, inject.expected_action,
                       inject.objective):
            assert column and column in line
        assert f"expected action: {inject.expected_action}" in line
    frames = [f for f in replay.frames if f.injects]
    assert [i.id for f in frames for i in f.injects] == [str(e.inject) for e in hit]


def test_the_seminar_reads_like_the_example() -> None:
    _result, replay = _replay(_fixed_seminar())
    lines = narrative(replay)
    assert lines[1] == "== D1 =="
    assert "D1 06:00  start    welcome (blue, green; hall 1, interpreters 2)" in lines
    assert "D1 07:00  start    workshop (green 1/2)" in lines
    assert "D1 11:00  INJECT   M-01 resource_down hall for 2h: Power cut in the hall" in lines
    assert "D1 11:00  capacity hall down to 0 of 1 (M-01)" in lines
    assert "D1 11:00  pause    debrief (M-01) 1h left" in lines
    assert "D1 13:00  resume   debrief" in lines
    assert lines[-1] == ("D1 14:00  end      all 4 activities finished D1 14:00: on time "
                         "(planned end D2 20:00); injects: 1 of 1 hit")


def test_day_headers_in_order_with_dates_and_rest_days() -> None:
    _result, replay = _replay(DATED)
    lines = narrative(replay)
    headers = [line for line in lines if line.startswith("==")]
    assert headers == ["== D1 (2021-08-30) ==", "== D2 (2021-08-31) ==  rest day",
                       "== D3 (2021-09-01) =="]
    days = [int(m.group(1)) for line in lines if (m := re.match(r"^D(\d+) ", line))]
    assert days == sorted(days)
    assert lines.index(headers[2]) < next(i for i, x in enumerate(lines) if x.startswith("D3"))
    week = narrative(_replay(WEEK)[1])
    week_days = [int(line[4:].split()[0]) for line in week if line.startswith("== D")]
    assert week_days == [1, 2, 3, 4, 5, 6]  # D4 is a rest day, and says so
    assert "== D4 ==  rest day" in week


def test_skipped_missed_and_partial_outages_are_told() -> None:
    _result, replay = _replay(DATED)
    lines = narrative(replay)
    assert "D1 06:30  skipped  X-1: did not happen in this run (probability)" in lines
    assert not any("INJECT   X-1" in line for line in lines)
    assert ("D1 10:00  INJECT   X-2 delay a by 1h: too late | no effect: a already finished"
            in lines)
    assert ("D1 06:30  INJECT   X-3 resource_down range x2 for 1h, work under way finishes: "
            "Two lanes closed") in lines
    assert lines[-1].endswith("injects: 1 of 3 hit (1 without effect, 1 skipped)")
    frame = next(f for f in replay.frames if any(i.id == "X-3" for i in f.injects))
    range_ = frame.resources[0]
    assert (range_.in_use, range_.capacity, range_.base, range_.down_by) == (4, 2, 4, ("X-3",))


def test_frames_carry_what_groups_and_resources_are_doing() -> None:
    _result, replay = _replay(_fixed_seminar())
    at_inject = next(f for f in replay.frames if f.injects)
    assert at_inject.injects[0].id == "M-01" and step_point(at_inject) == "inject M-01"
    hall = next(r for r in at_inject.resources if r.id == "hall")
    assert (hall.in_use, hall.capacity, hall.down_by) == (0, 0, ("M-01",))
    assert hall.bar() == "× 0/0"
    debrief = next(a for a in at_inject.activities if a.id == "debrief")
    assert debrief.state == "paused" and "M-01" in debrief.note and "needs hall" in debrief.note
    assert all(not g.activities for g in at_inject.groups)
    first = replay.frames[0]
    assert first.new_day and step_point(first) == "day D1"
    assert [(g.id, g.activities) for g in first.groups] == [
        ("blue", (("welcome", 1),)), ("green", (("welcome", 2),))]
    assert [u.activity for u in first.upcoming] == ["lecture", "workshop", "debrief"]
    assert replay.frames[-1].finished == replay.total == 4
    assert [p.state for p in replay.frames[-1].phases] == ["done", "done"]


def test_a_stuck_run_says_what_is_stuck_and_why() -> None:
    result, replay = _replay(STUCK)
    assert not replay.complete
    lines = narrative(replay)
    stuck = [line for line in lines if "  STUCK    " in line]
    assert len(stuck) == len(result.stuck) == 2
    assert any("shoot: " in x and "needs range x2, capacity 0 since M-04" in x for x in stuck)
    assert any("drill: " in x and "group ind unavailable since M-05" in x for x in stuck)
    assert "INCOMPLETE" in lines[-1] and "2 activities stuck" in lines[-1]
    assert replay.frames[-1].stuck


def test_same_seed_same_narrative_other_seed_other_narrative() -> None:
    one = narrative(_replay(WEEK, 7)[1])
    assert one == narrative(_replay(WEEK, 7)[1])
    assert one != narrative(_replay(WEEK, 8)[1])


@pytest.mark.parametrize(("in_use", "capacity", "base", "width", "cells"), [
    (3, 4, 4, 12, (3, 1, 0)),
    (0, 1, 1, 12, (0, 1, 0)),
    (1, 1, 3, 12, (1, 0, 2)),  # two units held by an inject
    (2, 1, 3, 12, (2, 0, 1)),  # work carrying on through an outage
    (10, 40, 40, 12, (3, 9, 0)),  # scaled down to the width
    (1, 40, 40, 12, (1, 11, 0)),  # in use always shows
    (0, 39, 40, 12, (0, 11, 1)),  # a loss always shows
])
def test_bar_cells(in_use: int, capacity: int, base: int, width: int,
                   cells: tuple[int, int, int]) -> None:
    assert bar_cells(in_use, capacity, base, width) == cells
    assert sum(cells) == min(max(base, 1), width)


def test_inject_effects_and_day_header() -> None:
    scenario = load_scenario(WEEK)
    effects = {i.id: inject_effect(i) for i in scenario.injects}
    assert effects["W-02"] == "group_unavailable partner_b for 1h30"
    assert effects["W-03"] == "delay workshop_b by 45min"
    assert effects["W-05"] == "add_activity observer_brief to staff_exercise"
    assert effects["W-06"] == "resource_down network for 1h30"
    assert effects["W-01"] == "note"
    assert day_header(scenario, 4) == "== D4 ==  rest day"


# ---------------------------------------------------------------- the command, not a terminal


def test_the_command_prints_the_narrative_of_the_pure_functions() -> None:
    done = _cli(SEMINAR, "--speed", "1")  # --speed is ignored: no sleeping here
    assert done.returncode == 0, done.stderr
    _result, replay = _replay(SEMINAR)
    assert done.stdout.splitlines() == narrative(replay)
    assert done.stderr == ""


def test_the_command_is_deterministic_per_seed(capsys: pytest.CaptureFixture[str]) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "sim", "replay", str(SEMINAR), "--seed", "3"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
                              cwd=ROOT) for _ in range(2)]
    a, b = (proc.communicate(timeout=60)[0] for proc in procs)
    assert [proc.returncode for proc in procs] == [0, 0]
    assert a == b
    assert "seed 3" in a.splitlines()[0]
    status, c, _err = _main(capsys, "replay", SEMINAR, "--seed", "4")
    assert status == 0 and c.splitlines()[1:] != a.splitlines()[1:]  # the lecture is drawn


def test_set_overrides_apply(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = _main(capsys, "replay", SEMINAR, "--set",
                              "resources.interpreters.capacity=3")
    assert status == 0
    assert "welcome (blue, green; hall 1, interpreters 2)" in out


@pytest.mark.parametrize("how", ["devnull", "closed pipe"])
def test_step_without_a_terminal_never_waits(how: str) -> None:
    if how == "devnull":
        done = _cli(WEEK, "--step", stdin=subprocess.DEVNULL, timeout=30)
    else:  # a pipe whose writing end is closed: reading it gives end of file at once
        read, write = os.pipe()
        os.close(write)
        try:
            done = _cli(WEEK, "--step", stdin=read, timeout=30)
        finally:
            os.close(read)
    out, err, code = done.stdout, done.stderr, done.returncode
    assert code == 0, err
    assert err.count("--step") == 1 and "not a terminal" in err
    assert out.splitlines() == narrative(_replay(WEEK)[1])


def test_a_broken_scenario_gives_the_validate_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = _main(capsys, "validate", BROKEN)
    done = _cli(BROKEN, "--step")
    assert status == done.returncode == 2
    problems = [x for x in err.splitlines() if "error[" in x]
    assert problems and "did you mean 'blue'?" in problems[0]
    assert [x for x in done.stderr.splitlines() if "error[" in x] == problems
    assert "not a valid scenario" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_stuck_run_ends_with_status_2(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "stuck.yaml"
    path.write_text(STUCK, encoding="utf-8")
    status, out, _err = _main(capsys, "replay", path)
    assert status == 2
    lines = out.splitlines()
    assert lines[1] == "== D1 (2021-08-30) =="
    assert sum("  STUCK    " in x for x in lines) == 2
    assert "INCOMPLETE" in lines[-1]


@pytest.mark.parametrize(("args", "message"), [
    (("--speed", "-1"), "--speed must be"),
    (("--speed", "nan"), "--speed must be"),
    (("--seed", "-2"), "--seed must be"),
])
def test_bad_options_are_usage_errors(args: tuple[str, ...], message: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _main(capsys, "replay", SEMINAR, *args)
    assert status == 2 and message in err and out == ""
