"""Resource and group charts, and rendering: formats, pixel sizes, images that show something.

Hand-computed for the scenario of ``test_plotting_gantt`` (working day 08-18): the
room (capacity 1) is in use D1 08-09 and 10-11 (brief, split by the outage) and
D2 12-13 (close); it is down D1 09-10. The team (2 teams) is busy 12 team-hours on
D1 (brief 2 h + long 10 h) and 6 on D2 (long 4 h + close 1 h x 2 teams).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from sim.engine import simulate
from sim.plotting import (
    figure_bytes,
    gantt,
    group_workload,
    pixel_size,
    resource_usage,
    save_figure,
    utilisation_heatmap,
)
from sim.plotting.timeline import available_hours_by_day, resource_utilisation_by_day
from sim.results import RunResult
from sim.scenario import load_scenario
from tests.test_plotting_gantt import SPEC


@pytest.fixture(scope="module")
def result() -> RunResult:
    return simulate(load_scenario(SPEC))


def test_utilisation_by_day_by_hand(result: RunResult) -> None:
    room = result.scenario.resources[0]
    assert resource_utilisation_by_day(result, room, 3) == pytest.approx([0.2, 0.1, 0.0])
    image = utilisation_heatmap(result).axes[0].images[0]
    assert np.ma.getdata(np.ma.asarray(image.get_array()))[0].tolist() == pytest.approx(
        [0.2, 0.1, 0.0])


def test_rest_days_have_no_working_hours_but_always_resources_do() -> None:
    from sim.scenario.model import Calendar

    calendar = Calendar(8.0, 18.0, frozenset({2}))
    assert available_hours_by_day(calendar, False, 3) == [10.0, 0.0, 10.0]
    assert available_hours_by_day(calendar, True, 3) == [24.0, 24.0, 24.0]


def test_usage_step_chart_shows_capacity_drop(result: RunResult) -> None:
    fig = resource_usage(result)
    ax = fig.axes[0]
    (capacity,) = [line for line in ax.get_lines() if line.get_gid() == "capacity"]
    ys = np.asarray(capacity.get_ydata()).tolist()
    assert 0 in ys and ys[0] == 1  # the outage took the only unit
    assert [c for c in ax.collections if c.get_gid() == "capacity-lost"]
    assert "Room $x$ (room): capacity 1" in ax.get_title(loc="left").replace("\\", "")
    assert ax.get_ylabel() == "units in use"


def test_group_workload_bars_are_team_hours_per_day(result: RunResult) -> None:
    fig = group_workload(result)
    heights = [p.get_height() for p in fig.axes[0].patches
               if isinstance(p, Rectangle) and p.get_gid() == "workload-team"]
    assert heights == pytest.approx([12.0, 6.0, 0.0])
    assert heights == pytest.approx(list(result.groups["team"].busy_by_day[:3]))
    assert fig.axes[0].get_ylabel() == "team-hours"


def test_empty_scenario_parts_give_a_figure_that_says_so() -> None:
    bare = simulate(load_scenario(
        "format: tabletop/1\nname: Bare\ndays: 1\nphases: [{id: p, activities: "
        "[{id: a, duration: 1}]}]\n"))
    for chart in (resource_usage, utilisation_heatmap, group_workload):
        fig = chart(bare)
        assert "has no" in " ".join(t.get_text() for t in fig.texts)


CHARTS: dict[str, Callable[[RunResult], Figure]] = {
    "gantt": gantt, "resources": resource_usage, "heatmap": utilisation_heatmap,
    "workload": group_workload,
}


@pytest.mark.parametrize("name", CHARTS)
def test_png_has_the_expected_size_and_is_not_blank(result: RunResult, name: str) -> None:
    fig = CHARTS[name](result)
    data = figure_bytes(fig, "png", dpi=40)
    image = Image.open(io.BytesIO(data))
    assert image.size == pixel_size(fig, 40)
    pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 20  # drawn, not a uniform sheet
    assert (pixels < 250).any(axis=1).mean() > 0.02  # not a white sheet
    assert (pixels < 128).all(axis=1).sum() > 50  # some dark ink: text and lines


def test_dpi_scales_the_png(result: RunResult) -> None:
    fig = resource_usage(result)
    small = Image.open(io.BytesIO(figure_bytes(fig, "png", dpi=30))).size
    large = Image.open(io.BytesIO(figure_bytes(fig, "png", dpi=60))).size
    assert large[0] == pytest.approx(2 * small[0], abs=1)


def test_vector_formats_and_atomic_save(result: RunResult, tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    fig = group_workload(result)
    svg = figure_bytes(fig, "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert b"matplotlib.org" not in svg  # our metadata, no links
    assert figure_bytes(fig, "pdf").startswith(b"%PDF")
    path = save_figure(fig, tmp_path / "w.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["w.pdf"]  # no temporary left behind
    with pytest.raises(ValueError, match="unknown chart format"):
        figure_bytes(fig, "gif")


def test_the_blank_check_would_catch_a_blank_figure() -> None:
    from sim.plotting.style import new_figure

    pixels = np.asarray(Image.open(io.BytesIO(figure_bytes(new_figure(4, 3), "png", dpi=40))))
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) == 1


def test_the_package_loads_the_risk_and_animation_charts_on_first_use() -> None:
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, sim.plotting as p\n"
        "later = ('animate', 'animation', 'risk', 'risk_schedule', 'whatif', 'compare_charts',"
        " 'sweep_charts', 'end_time')\n"
        "assert not [m for m in later if f'sim.plotting.{m}' in sys.modules]\n"
        "from sim.plotting import sweep_chart, write_animation\n"
        "assert p.criticality.__module__ == 'sim.plotting.risk'\n"
        "assert write_animation.__module__ == 'sim.plotting.animate'\n"
        "assert all(callable(getattr(p, name)) or name == 'FORMATS' for name in p.__all__)\n"
        "try:\n"
        "    p.no_such_chart\n"
        "except AttributeError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert done.returncode == 0, done.stderr
