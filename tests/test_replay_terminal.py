"""``tabletop replay`` on a terminal: the rich display, the live loop, ``--step`` with a tty."""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.console import Console

from sim import load_scenario, simulate
from sim.cli.commands.replay_gate import StepGate
from sim.cli.commands.replay_live import INJECT_HOLD_S, MAX_GAP_S, play_live
from sim.cli.commands.replay_screen import render_screen, resource_bar
from sim.core.timefmt import format_time
from sim.replay import Replay, build_replay, narrative

ROOT = Path(__file__).resolve().parent.parent
SEMINAR = ROOT / "scenarios" / "seminar.yaml"
WEEK = ROOT / "scenarios" / "training_week.yaml"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")

pty = pytest.importorskip("pty")


def _replay(origin: str | Path, seed: int | None = None) -> Replay:
    return build_replay(simulate(load_scenario(origin), seed))


def _fixed_seminar() -> str:
    """The seminar with the lecture fixed at 3.5 h: a schedule that no seed changes."""
    text = SEMINAR.read_text(encoding="utf-8")
    assert "{triangular: [2, 3, 4]}" in text
    return text.replace("{triangular: [2, 3, 4]}", "3.5")


def _screen(replay: Replay, index: int, width: int = 120, *, wide: bool = True,
            speed: float | None = None, clock: float | None = None, prompt: str | None = None,
            log_lines: int = 8) -> str:
    """The display at frame ``index`` as plain text, drawn by a recording rich console."""
    console = Console(record=True, force_terminal=True, width=width, height=60,
                      file=io.StringIO(), color_system="truecolor")
    console.print(render_screen(replay, index, wide=wide, speed=speed, clock=clock,
                                prompt=prompt, log_lines=log_lines))
    return console.export_text()


# ---------------------------------------------------------------- rendering

GAPS = textwrap.dedent("""
    format: tabletop/1
    name: Gaps
    days: 3
    groups: [{id: blue, headcount: 5}]
    phases:
      - id: p
        activities:
          - {id: a, duration: 2, groups: [blue]}
          - {id: b, duration: 1, groups: [blue], not_before: "D3 08:00"}
    injects:
      - {id: N-1, at: "D1 07:00", kind: note, description: Visitors arrive}
""")


def test_the_screen_at_an_inject_shows_clock_groups_resources_and_the_msel() -> None:
    replay = _replay(WEEK, 42)
    index = next(k for k, f in enumerate(replay.frames) if any(i.id == "W-06" for i in f.injects))
    frame = replay.frames[index]
    text = _screen(replay, index, speed=12.0, log_lines=6)
    assert f"Multinational staff training week · seed {replay.result.seed} · 12 h/s" in text
    assert "D3 10:00" in text and "day 3 of 6" in text
    assert f"done {frame.finished}/{replay.total}" in text
    inject = next(i for i in load_scenario(WEEK).injects if i.id == "W-06")
    assert "⚠ INJECT W-06 · D3 10:00 · resource_down network for 1h30" in text
    for column in (inject.description, inject.from_, inject.to, inject.expected_action,
                   inject.objective):
        assert column and column in text
    for res in frame.resources:  # "workstations ××× 0/0 down 3 of 3 (W-06)"
        line = next(x for x in text.splitlines() if f"│ {res.id} " in x)
        assert res.bar() in line
        assert (f"down {res.base - res.capacity} of {res.base}" in line) == res.reduced
    assert any(r.reduced and "W-06" in r.down_by for r in frame.resources)
    for group in frame.groups:
        line = next(x for x in text.splitlines() if f"│ {group.id} " in x)
        assert f"{group.busy}/{group.teams}" in line
        if not group.activities and not group.absent:
            assert "idle" in line
    for act in frame.activities:
        assert re.search(rf"[▶⏸…] {re.escape(act.id)} ", text)
    assert "Next starts" in text and "Log" in text
    assert "D3 10:00  INJECT   W-06" in text  # the log's last lines


def test_the_screen_shows_groups_with_teams_and_resource_bars() -> None:
    replay = _replay(_fixed_seminar())
    frame_of = {f.t: k for k, f in enumerate(replay.frames)}
    text = _screen(replay, frame_of[7.0], width=90, wide=False)  # panels one under the other
    assert re.search(r"blue +1/1 lecture +│", text)
    assert re.search(r"green +1/2 workshop \(1 team\)", text)
    assert re.search(r"hall +█ 1/1", text)
    assert re.search(r"interpreters +░░ 0/2", text)
    assert "✓ day_one" not in text and "▶ day_one" in text and "· wrap_up" in text
    assert re.search(r"D1 10:30 +debrief", text)  # next starts
    at_inject = _screen(replay, frame_of[11.0], width=90, wide=False)
    assert re.search(r"hall +× 0/0 +down 1 of 1 \(M-01\)", at_inject)
    assert re.search(r"⏸ debrief +paused: M-01, needs hall", at_inject)
    assert "⚠ INJECT M-01 · D1 11:00 · resource_down hall for 2h" in at_inject
    assert re.search(r"blue +0/1 idle", at_inject)


def test_the_screen_keeps_the_last_inject_and_shows_the_step_prompt() -> None:
    replay = _replay(_fixed_seminar())
    after = next(k for k, f in enumerate(replay.frames) if f.t > 11.0)
    text = _screen(replay, after, prompt="⏸ day D1: Enter for more")
    assert "last inject M-01 at D1 11:00: Power cut in the hall" in text
    assert "⏸ day D1: Enter for more" in text
    clocked = _screen(replay, after, clock=12.5)
    assert "D1 12:30" in clocked


def test_resource_bar_colours() -> None:
    frame = _replay(SEMINAR).frames[0]
    hall = next(r for r in frame.resources if r.id == "hall")
    bar = resource_bar(hall)
    assert bar.plain == "█ 1/1"
    assert any("yellow" in str(span.style) for span in bar.spans)  # full


def test_live_replay_sleeps_by_speed_and_compresses_long_gaps() -> None:
    replay = _replay(GAPS)
    assert [f.t for f in replay.frames] == [6.0, 7.0, 8.0, 56.0, 57.0]
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=110, height=50)
    play_live(replay, console, 12.0, StepGate(False), sleep=sleep, clock=lambda: now[0])
    assert max(slept) <= MAX_GAP_S
    # 1 h, 1 h, 48 h (compressed to MAX_GAP_S), 1 h at 12 h/s, and a hold on the inject
    assert now[0] == pytest.approx(3 / 12 + MAX_GAP_S + INJECT_HOLD_S, abs=0.01)
    final = ANSI.sub("", out.getvalue())
    assert "D2 12:00" in final or "D2 " in final  # the clock ran through the night
    assert "done 2/2" in final and "D3 09:00" in final


def test_live_replay_at_full_speed_never_sleeps() -> None:
    replay = _replay(SEMINAR)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, height=40)
    play_live(replay, console, 0.0, StepGate(False), sleep=lambda s: pytest.fail("slept"))
    assert "done 4/4" in ANSI.sub("", out.getvalue())


class _FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_step_gate() -> None:
    assert StepGate(True, io.StringIO()).active is False  # not a terminal: never waits
    assert "not a terminal" in (StepGate(True, io.StringIO()).note or "")
    gate = StepGate(True, _FakeTty("\nc\n"))
    assert gate.active and gate.note is None
    assert gate.wait() == "next" and gate.active
    assert gate.wait() == "run_on" and not gate.active and gate.note is None
    ended = StepGate(True, _FakeTty(""))
    assert ended.wait() == "eof" and not ended.active and "end of input" in (ended.note or "")
    assert ended.wait() == "run_on"  # and never waits again


# ---------------------------------------------------------------- a real pseudo-terminal


def _in_pty(args: list[str], keys: Sequence[tuple[str, bytes]] = (), *,
            stdout_tty: bool = True, timeout: float = 60) -> tuple[int, str, str]:
    """Run ``python -m sim ARGS`` with a pty as stdin (and stdout); send keys when text shows."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "50"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=ROOT, env=env,
                            stdin=slave, stdout=slave if stdout_tty else subprocess.PIPE,
                            stderr=subprocess.PIPE)
    os.close(slave)
    seen = b""
    pending = list(keys)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if pending and pending[0][0].encode() in ANSI.sub("", seen.decode("utf-8", "replace")
                                                           ).encode():
                os.write(master, pending.pop(0)[1])
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child has gone
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None and not stdout_tty:
                break
        else:
            proc.kill()
            pytest.fail(f"replay did not finish within {timeout} s; last output: {seen[-500:]!r}")
        out, err = proc.communicate(timeout=timeout)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = seen.decode("utf-8", "replace") if stdout_tty else (out or b"").decode()
    return proc.returncode, text, (err or b"").decode()


def test_terminal_mode_in_a_pty_renders_and_finishes() -> None:
    status, out, err = _in_pty(["replay", str(SEMINAR), "--speed", "0"])
    assert status == 0, err
    screen = ANSI.sub("", out)
    assert "\x1b[" in out  # colours and cursor moves: the live display, not the narrative
    assert "Two-day seminar · seed 0 · max speed" in screen
    assert "⚠ INJECT M-01 · D1 11:00 · resource_down hall for 2h" in screen
    assert "Power cut in the hall" in screen
    end = format_time(simulate(load_scenario(SEMINAR), 0).end_h)
    assert f"all 4 activities finished {end}: on time" in screen
    assert "== D1 ==\n" not in screen  # not the plain narrative


def test_terminal_mode_step_waits_for_enter_and_c_runs_on() -> None:
    status, out, err = _in_pty(["replay", str(WEEK), "--step", "--speed", "0"],
                               keys=[("⏸ day D1 at", b"\r"), ("⏸ inject W-01", b"c")])
    assert status == 0, err
    screen = ANSI.sub("", out)
    assert "Enter for more, c to run on" in screen
    assert "⏸ inject W-01 at D1 10:00" in screen
    assert "⏸ inject W-02" not in screen and "⏸ day D2" not in screen  # c: no more stops
    assert "activities finished" in screen


def test_narrative_step_with_a_terminal_on_stdin_waits_then_stops_at_end_of_input() -> None:
    replay = _replay(SEMINAR)
    status, out, err = _in_pty(["replay", str(SEMINAR), "--step"], stdout_tty=False,
                               keys=[("", b"\n\x04")])
    assert status == 0, err
    assert out.splitlines() == narrative(replay)
    assert f"[step] day D1 at {format_time(replay.frames[0].t)}" in err
    assert "[step] inject M-01" in err
    assert err.count("end of input") == 1
