"""``tabletop replay``: play one run back for a facilitator.

On a terminal the run is replayed with a live ``rich`` display: the clock,
what each group is doing, resources in use against capacity, activities
running, paused and waiting, the next starts, and each inject as it hits
with its MSEL columns. ``--speed`` is simulated hours per real second;
``--step`` pauses at each inject and each new day until Enter is pressed.

When stdout is not a terminal the command prints the plain, timestamped
narrative of :mod:`sim.replay` instead, with no sleeping: the same text for
the same scenario and seed, fit for logs and tests.

The panels are drawn in :mod:`sim.cli.commands.replay_screen`, the live loop runs
in :mod:`sim.cli.commands.replay_live` and ``--step`` waits in
:mod:`sim.cli.commands.replay_gate`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import IO

from rich.console import Console

from sim.cli.commands.common import check_seed, load_scenario_arg
from sim.cli.commands.replay_gate import StepGate
from sim.cli.commands.replay_live import play_live
from sim.cli.commands.replay_screen import summary_renderable
from sim.cli.errors import EXIT_INPUT, EXIT_OK, UsageError
from sim.core.timefmt import format_time
from sim.engine import simulate
from sim.replay import Replay, build_replay, narrative_lines, step_point


def play_narrative(replay: Replay, out: IO[str], gate: StepGate, err: IO[str]) -> None:
    """Print the narrative; with an active gate, pause at step points (prompt on ``err``)."""
    if gate.note:
        print(f"tabletop: {gate.note}", file=err)
    for frame, line in narrative_lines(replay):
        print(line, file=out)
        if frame is None or not gate.active:
            continue
        why = step_point(frame)
        if why is None:
            continue
        out.flush()
        print(f"[step] {why} at {format_time(frame.t)}: Enter for more, c to run on",
              file=err, flush=True)
        gate.wait()
        if gate.note:
            print(f"tabletop: {gate.note}", file=err)
            gate.note = None
    out.flush()


def check_speed(speed: float) -> None:
    if not math.isfinite(speed) or speed < 0:
        raise UsageError("--speed must be a number of simulated hours per second >= 0 "
                         "(0: as fast as possible)")


def main(args: argparse.Namespace) -> int:
    check_seed(args.seed)
    check_speed(args.speed)
    scenario, _text, _source = load_scenario_arg(args.file, args.set)
    replay = build_replay(simulate(scenario, args.seed))
    status = EXIT_OK if replay.complete else EXIT_INPUT
    if not sys.stdout.isatty():
        gate = StepGate(args.step)
        try:
            play_narrative(replay, sys.stdout, gate, sys.stderr)
        except BrokenPipeError:  # e.g. `| head`: the reader has gone, which is fine
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return status
    console = Console(highlight=False)
    gate = StepGate(args.step, raw=True)
    play_live(replay, console, args.speed, gate)
    for frame in replay.frames:
        for line in frame.stuck:
            console.print(f"stuck: {line}", style="red")
    console.print(summary_renderable(replay))
    return status
