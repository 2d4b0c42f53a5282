"""``tabletop replay`` in a small terminal: every frame of every bundled scenario fits
80×24 (and 60×20, and 120×40) with nothing cut inside a word, and the display lays
itself out again when the terminal is resized."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from sim import load_scenario, simulate
from sim.cli.commands.replay_fit import fit, listed
from sim.cli.commands.replay_live import _Screen
from sim.core.timefmt import format_time
from sim.replay import Replay, build_replay
from sim.scenario import load_tree
from sim.scenario.synth import synth_tree

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
SIZES = [(80, 24), (60, 20), (120, 40)]
BORDERS = re.compile(r"[│┃╭╮╰╯┏┓┗┛─━]")


@pytest.fixture(scope="module", params=[*BUNDLED, "generated"],
                ids=lambda p: p if isinstance(p, str) else p.stem)
def replay(request: pytest.FixtureRequest) -> Replay:
    if request.param == "generated":  # many groups and resources: lists get trimmed
        tree = synth_tree(120, seed=3, resources=9, groups=8, injects=8)
        return build_replay(simulate(load_tree(tree), 3))
    return build_replay(simulate(load_scenario(request.param), 3))


def _console(width: int, height: int) -> Console:
    return Console(record=True, force_terminal=True, width=width, height=height,
                   file=io.StringIO(), color_system="truecolor")


def _draw(screen: _Screen, console: Console, index: int, prompt: str | None = None) -> list[str]:
    console.print(screen.render(index, prompt=prompt))
    return console.export_text(clear=True).rstrip("\n").split("\n")


def _frames(replay: Replay) -> list[int]:
    """Every inject, every new day, and every fourth frame between."""
    return [k for k, f in enumerate(replay.frames) if f.injects or f.new_day or k % 4 == 0]


def _assert_fits(lines: list[str], width: int, height: int, what: str) -> None:
    assert len(lines) <= height - 1, f"{what}: {len(lines)} lines in a {height}-row terminal"
    for line in lines:
        assert cell_len(line) <= width, f"{what}: {line!r}"


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_frame_fits_the_terminal(replay: Replay, width: int, height: int) -> None:
    console = _console(width, height)
    screen = _Screen(replay, console, speed=1.0)
    for index in _frames(replay):
        frame = replay.frames[index]
        lines = _draw(screen, console, index, prompt="⏸ new day: Enter for more, c to run on"
                      if frame.new_day else None)
        what = f"{replay.scenario.name} frame {index} at {width}×{height}"
        _assert_fits(lines, width, height, what)
        text = "\n".join(lines)
        assert format_time(frame.t) in lines[1], what  # the clock, always
        for view in frame.injects:  # an inject as it hits is always there
            assert f"INJECT {view.id} " in text, what
        header = lines[1:3]  # the header keeps to its two lines: phases counted if need be
        assert lines[3].startswith("╰"), (what, header)


def _vocabulary(replay: Replay, index: int) -> set[str]:
    """Every word the display can show whole at frame ``index``: those of the frame
    drawn with room for everything, and the scenario file's."""
    roomy = _console(400, 300)
    text = "\n".join(_draw(_Screen(replay, roomy, speed=1.0), roomy, index))
    source = Path(replay.scenario.file)
    text += source.read_text(encoding="utf-8") if source.is_file() else ""
    tokens = set(re.split(r"[\s\"{}\[\]]+", BORDERS.sub(" ", text)))
    return tokens | {t.strip(",;:.()'") for t in tokens}


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 20)])
def test_nothing_is_cut_inside_a_word(replay: Replay, width: int, height: int) -> None:
    console = _console(width, height)
    screen = _Screen(replay, console, speed=1.0)
    for index in _frames(replay):
        known = _vocabulary(replay, index)
        for line in _draw(screen, console, index):
            for word in BORDERS.sub(" ", line).split():
                # an ellipsis glued to letters: the word before it must be whole (rich's
                # own cut, "Fami…", would leave part of one)
                if re.fullmatch(r".*\w…", word):
                    assert word[:-1] in known, (word, line)


def test_the_display_reflows_when_the_terminal_is_resized(replay: Replay) -> None:
    console = _console(120, 40)
    screen = _Screen(replay, console, speed=1.0)
    index = next(k for k, f in enumerate(replay.frames) if f.injects) if any(
        f.injects for f in replay.frames) else len(replay.frames) // 2
    wide = _draw(screen, console, index)
    _assert_fits(wide, 120, 40, "120×40")
    assert not screen.resized()
    console.size = (60, 20)  # what rich reads from the terminal after a SIGWINCH
    assert screen.resized()
    narrow = _draw(screen, console, index)
    _assert_fits(narrow, 60, 20, "resized to 60×20")
    assert max(cell_len(line) for line in narrow) <= 60 < max(cell_len(x) for x in wide)
    console.size = (80, 24)
    _assert_fits(_draw(screen, console, index), 80, 24, "resized to 80×24")


def test_fit_and_listed_shorten_between_words() -> None:
    assert fit("D3 10:00  INJECT   W-06 resource_down network for 1h30: Network outage", 40) \
        == "D3 10:00  INJECT   W-06 … outage"
    assert fit("Two buses are withdrawn for unscheduled maintenance.", 34) == \
        "Two buses are … maintenance."
    items = [[(f"▶ phase_{k}", "")] for k in range(8)]
    line = listed(items, 40).plain
    assert len(line) <= 40 and line.endswith("more")
    shown = line.count("▶")
    assert f"+{8 - shown} more" in line
    assert listed(items[:2], 40).plain == "▶ phase_0  ▶ phase_1"
