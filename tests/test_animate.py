"""``tabletop run --animate``: replay.gif (and replay.mp4 with ffmpeg) of a run.

The GIF is checked as a file a reader opens: animated, the planned number of frames
and the requested size, the clock line moving right, inject frames held longer. The
frame plan is checked on its own (budget, inject frames, captions), and the command
is checked end to end, including without Pillow (everything else is still written)
and with a stand-in ffmpeg (the MP4 pipe).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PIL.GifImagePlugin import GifImageFile

from sim.cli import main
from sim.engine import simulate
from sim.plotting import animate
from sim.plotting.animate import (
    AnimationUnavailable,
    FrameSpec,
    plan_frames,
    write_animation,
)
from sim.plotting.animation.palette import Quantizer
from sim.results import RunResult
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SEMINAR = ROOT / "scenarios" / "seminar.yaml"
KAZIND = ROOT / "scenarios" / "kazind21.yaml"
SMALL = (450, 300)  # half size: quicker, and every coordinate below scales with it
FRAMES = 24


@pytest.fixture(scope="module")
def seminar() -> RunResult:
    return simulate(load_scenario(SEMINAR))


@pytest.fixture(scope="module")
def gif(seminar: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("anim")
    done = write_animation(seminar, out, frames=FRAMES, size=SMALL, mp4=False)
    assert done.written == [out / "replay.gif"]
    assert done.notes == []
    return out / "replay.gif"


def frame(gif: Path, index: int) -> np.ndarray:
    with Image.open(gif) as im:
        im.seek(index)
        return np.asarray(im.convert("RGB"))


def clock_line_x(rgb: np.ndarray) -> int:
    """Column of the clock line: the one vertical line in ink across the whole schedule."""
    w, h = rgb.shape[1], rgb.shape[0]
    x0, x1 = int(1.95 / 9 * w) + 2, int(8.82 / 9 * w)  # the schedule's axes (animation.schedule)
    y0, y1 = int((6 - 5.22) / 6 * h) + 2, int((6 - 2.25) / 6 * h) - 2
    area = rgb[y0:y1, x0:x1].astype(int)
    ink = (np.abs(area - 34).max(axis=2) < 40).sum(axis=0)
    return x0 + int(ink.argmax())


# ---------------------------------------------------------------- the file


def test_gif_is_animated_with_planned_frames_and_size(seminar: RunResult, gif: Path) -> None:
    specs = plan_frames(seminar, FRAMES)
    with Image.open(gif) as im:
        assert isinstance(im, GifImageFile)
        assert im.is_animated
        assert im.n_frames == len(specs)  # identical frames would have been merged
        assert im.size == SMALL
        assert im.info.get("loop") == 0


def test_frames_differ_and_the_clock_line_moves_right(seminar: RunResult, gif: Path) -> None:
    specs = plan_frames(seminar, FRAMES)
    first, middle = frame(gif, 1), frame(gif, len(specs) // 2)
    assert (first != middle).any()
    x_first, x_middle = clock_line_x(first), clock_line_x(middle)
    assert x_first < x_middle
    # ... where the clock says: hours scaled onto the axis (chart_end of the seminar: 48 h)
    w = SMALL[0]
    left, width = 1.95 / 9 * w, (8.82 - 1.95) / 9 * w
    expected = left + specs[len(specs) // 2].t / 48.0 * width
    assert abs(x_middle - expected) <= 3


def test_inject_frame_is_held_and_captioned(seminar: RunResult, gif: Path) -> None:
    specs = plan_frames(seminar, FRAMES)
    hit = next(k for k, s in enumerate(specs) if s.hits)
    assert specs[hit].hits == ("M-01",)
    assert specs[hit].t == pytest.approx(11.0)  # "D1 11:00" in seminar.yaml
    with Image.open(gif) as im:
        im.seek(hit)
        assert im.info["duration"] == pytest.approx(animate.INJECT_HOLD_S * 1000, abs=10)
        im.seek(hit - 1)
        assert im.info["duration"] == pytest.approx(animate.FRAME_S * 1000, abs=10)
    # the caption panel (bottom right) changes when the inject hits
    h, w = SMALL[1], SMALL[0]
    panel = (slice(int(h - 1.9 / 6 * h), h), slice(int(5.8 / 9 * w), w))
    assert (frame(gif, hit)[panel] != frame(gif, hit - 1)[panel]).any()
    # vermillion caption text is there while the caption shows, and gone after it
    def vermillion(rgb: np.ndarray) -> int:
        area = rgb[panel].astype(int)
        return int((np.abs(area - [213, 94, 0]).max(axis=2) < 30).sum())

    after = hit + max(3, FRAMES // 12)
    assert vermillion(frame(gif, hit)) > 20
    assert vermillion(frame(gif, after)) < vermillion(frame(gif, hit)) // 4


def test_no_temporary_files_left(gif: Path) -> None:
    assert sorted(p.name for p in gif.parent.iterdir()) == ["replay.gif"]


# ---------------------------------------------------------------- the frame plan


def test_plan_keeps_the_budget_and_a_frame_per_inject() -> None:
    result = simulate(load_scenario(KAZIND))
    hits = {e.inject: e.t for e in result.events if e.kind == "inject"}
    for budget in (20, 60, 150):
        specs = plan_frames(result, budget)
        times = [s.t for s in specs]
        assert len(specs) <= budget
        assert times == sorted(times) and len(set(times)) == len(times)
        assert times[-1] == result.end_h
        assert specs[-1].seconds == animate.END_HOLD_S
        for ident, t in hits.items():
            k = times.index(t)  # the exact time: the frame shows the inject's effect
            assert ident in specs[k].hits and specs[k].captions[0] == ident
    specs = plan_frames(result, 150)
    assert 100 <= len(specs) <= 150


def test_captions_last_a_while_newest_first() -> None:
    result = simulate(load_scenario(KAZIND))
    specs = plan_frames(result, 150, caption_frames=5)
    hit = next(k for k, s in enumerate(specs) if s.hits == ("M-02",))
    assert all("M-02" in specs[k].captions for k in range(hit, hit + 5))
    assert "M-02" not in specs[hit + 5].captions
    both = [s for s in specs if len(s.captions) == 2]  # M-04 at 06:00, M-05 at 07:00 on D5
    assert both and both[0].captions == ("M-05", "M-04")


def test_plan_of_a_run_without_injects(seminar: RunResult) -> None:
    from dataclasses import replace

    quiet = simulate(replace(seminar.scenario, injects=()))
    specs = plan_frames(quiet, 10)
    assert 2 <= len(specs) <= 10
    assert all(s == FrameSpec(s.t, (), (), s.seconds) for s in specs)


# ---------------------------------------------------------------- palette


def test_the_palette_keeps_the_scene_colours_exact_and_maps_others_to_the_nearest() -> None:
    frame = np.full((4, 6, 3), 255, np.uint8)
    frame[1, :3] = (0xD5, 0x5E, 0x00)  # the alert colour, named below
    frame[2, :] = (10, 20, 30)  # a colour only the sample has
    quantize = Quantizer([frame], ["white", "#D55E00"])
    later = frame.copy()
    later[3, 0] = (12, 21, 29)  # not in the palette: takes the entry nearest to it
    image = quantize(later)
    assert image.mode == "P"
    back = np.asarray(image.convert("RGB"))
    assert np.array_equal(back[:3], frame[:3])  # white stays white, flat colours exact
    assert tuple(back[3, 0]) == (10, 20, 30)
    assert max(np.asarray(image).reshape(-1)) < 255  # index 255 stays free


def test_palette_samples_are_the_end_through_the_run_and_the_first_captions() -> None:
    specs = [FrameSpec(t=float(k), hits=(), captions=(), seconds=0.1) for k in range(9)]
    specs[2] = FrameSpec(t=2.0, hits=("M-01",), captions=("M-01",), seconds=2.0)
    specs[5] = FrameSpec(t=5.0, hits=("M-02",), captions=("M-02", "M-01"), seconds=2.0)
    assert animate.palette_samples(specs) == [8, 2, 4, 6, 5]


# ---------------------------------------------------------------- Pillow missing


def test_write_animation_says_pillow_is_missing(seminar: RunResult, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(animate, "_pillow_available", lambda: False)
    with pytest.raises(AnimationUnavailable, match=r"Pillow.*pip install 'pillow>=10'"):
        write_animation(seminar, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_run_without_pillow_writes_everything_else(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(animate, "_pillow_available", lambda: False)
    code = main(["run", str(SEMINAR), "--out", str(tmp_path), "--name", "r", "--dpi", "40",
                 "--animate"])
    err = capsys.readouterr().err
    assert code == 0
    assert "warning" in err and "Pillow" in err and "pillow>=10" in err
    names = {p.name for p in (tmp_path / "r").iterdir()}
    assert {"summary.json", "events.jsonl", "gantt.png", "report.html"} <= names
    assert "replay.gif" not in names


def test_run_in_a_python_without_pillow(tmp_path: Path) -> None:
    """PIL made unimportable in a fresh interpreter: matplotlib cannot load either, so
    ``--animate`` with ``--no-charts`` is the run that can still succeed."""
    code = textwrap.dedent("""
        import sys
        sys.modules["PIL"] = None  # any "import PIL..." now raises ImportError
        from sim.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    done = subprocess.run(
        [sys.executable, "-c", code, "run", str(SEMINAR), "--out", str(tmp_path), "--name",
         "r", "--no-charts", "--animate"], capture_output=True, text=True, cwd=ROOT,
        timeout=120)
    assert done.returncode == 0, done.stderr
    assert "warning" in done.stderr and "Pillow" in done.stderr
    names = {p.name for p in (tmp_path / "r").iterdir()}
    assert {"summary.json", "activities.csv", "events.jsonl"} <= names
    assert "replay.gif" not in names


# ---------------------------------------------------------------- ffmpeg


def fake_ffmpeg(bin_dir: Path, *, fail: bool = False) -> None:
    """A stand-in ``ffmpeg``: counts the raw bytes piped in and writes the count."""
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "ffmpeg"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import sys
        args = sys.argv[1:]
        data = sys.stdin.buffer.read()
        if {fail!r}:
            sys.stderr.write("Unknown encoder 'libx264'\\n")
            sys.exit(1)
        size = args[args.index("-s") + 1]
        rate = args[args.index("-framerate") + 1]
        with open(args[-1], "w") as out:
            out.write(f"{{len(data)}} {{size}} {{rate}}")
    """), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_mp4_is_piped_to_ffmpeg_with_the_gif_timing(seminar: RunResult, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fake_ffmpeg(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    out.mkdir()
    done = write_animation(seminar, out, frames=12, size=(200, 134))
    assert done.written == [out / "replay.gif", out / "replay.mp4"]
    assert done.notes == []
    size, dims, rate = (out / "replay.mp4").read_text().split()
    assert dims == "200x134" and rate == str(animate.MP4_FPS)
    frames, rest = divmod(int(size), 200 * 134 * 3)
    assert rest == 0
    seconds = sum(s.seconds for s in plan_frames(seminar, 12))
    assert abs(frames - seconds * animate.MP4_FPS) <= 1
    assert sorted(p.name for p in out.iterdir()) == ["replay.gif", "replay.mp4"]


def test_failing_ffmpeg_leaves_a_note_and_the_gif(seminar: RunResult, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fake_ffmpeg(tmp_path / "bin", fail=True)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    out.mkdir()
    done = write_animation(seminar, out, frames=8, size=(200, 134))
    assert done.written == [out / "replay.gif"]
    assert any("libx264" in note and "replay.mp4 not written" in note for note in done.notes)
    assert sorted(p.name for p in out.iterdir()) == ["replay.gif"]


def test_without_ffmpeg_the_mp4_is_skipped_with_a_note(seminar: RunResult, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(animate, "ffmpeg_path", lambda: None)
    done = write_animation(seminar, tmp_path, frames=8, size=(200, 134))
    assert done.written == [tmp_path / "replay.gif"]
    assert any("no ffmpeg" in note for note in done.notes)


# ---------------------------------------------------------------- the command


def test_cli_animate_writes_the_gif_into_the_run_directory(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sim", "run", str(SEMINAR), "--out", str(tmp_path), "--name",
         "r", "--dpi", "40", "--animate"], capture_output=True, text=True, cwd=ROOT,
        timeout=120)
    assert done.returncode == 0, done.stderr
    run = tmp_path / "r"
    assert {"summary.json", "gantt.png", "report.html", "replay.gif"} <= {
        p.name for p in run.iterdir()}
    with Image.open(run / "replay.gif") as im:
        assert isinstance(im, GifImageFile)
        assert im.is_animated and im.size == animate.SIZE
        assert im.n_frames == len(plan_frames(simulate(load_scenario(SEMINAR))))
    if shutil.which("ffmpeg") is None:
        assert "replay.mp4 not written" in done.stderr
        assert not (run / "replay.mp4").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".partial")]


def test_run_without_animate_writes_no_gif(tmp_path: Path) -> None:
    assert main(["run", str(SEMINAR), "--out", str(tmp_path), "--name", "r",
                 "--no-charts"]) == 0
    assert not (tmp_path / "r" / "replay.gif").exists()
