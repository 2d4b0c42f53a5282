"""Charts people can read: labels fitted at word boundaries with the whole names kept
(SVG tooltips, the list under the chart), inject ids in lanes that never overlap, and
the MSEL table under the schedule."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from sim.core.timefmt import format_time
from sim.core.words import ELLIPSIS, balanced, shorten, squash, was_shortened, wrap
from sim.engine import simulate
from sim.plotting import figure_bytes, gantt, inject_hits
from sim.plotting.gantt_notes import msel_rows
from sim.plotting.label_lanes import assign_lanes
from sim.plotting.rows import activity_layout
from sim.plotting.schedule_axes import fitted_labels
from sim.plotting.tooltips import SVG
from sim.results import RunResult
from sim.scenario import load_scenario, load_tree
from sim.scenario.synth import synth_tree

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
KAZIND = ROOT / "scenarios" / "kazind21.yaml"

NAMES = [
    "Host preparation of accommodation and training areas",
    "Field module: mountainous terrain, joint sub-group 1",
    "After-action review, Kazakhstan contingent (internal)",
    "Lecture 2: training in mountainous terrain (overview)",
    "Range practice, Indian sub-group 1",
    "Integrated field module, joint sub-groups (multi-day)",
    "A  name\twith   odd\nspacing and a few more words than fit",
]

# Two wide ids four and a half hours apart on a three-day programme: about 4 h of axis
# by a count of characters, 5.6 h as drawn. The old placement (by characters) put
# them side by side in one lane, overlapping.
WIDE_IDS = """
format: tabletop/1
name: Wide ids
days: 3
phases:
  - id: p
    activities:
      - {id: a, duration: 20, splittable: true}
injects:
  - {id: WWWWWWWW, at: "D1 10:00", kind: note, description: First note}
  - {id: WWWWWWWM, at: "D1 14:30", kind: note, description: Second note}
  - {id: MMMMMMMW, at: "D1 16:00", kind: note}
  - {id: W1, at: "D1 16:10", kind: note}
  - {id: W2, at: "D1 16:20", kind: note}
  - {id: W3, at: "D2 09:00", kind: note}
"""


def _whole_words(original: str, shown: str) -> bool:
    """Every word of ``shown`` (ellipsis aside) is a word of ``original``, in order."""
    kept = [w for w in shown.replace(ELLIPSIS, " ").split() if w]
    words = squash(original).split()
    it = iter(words)
    return all(any(w == x or (x.startswith(w) and w[-1:] in ",;:") or x.rstrip(",;:") == w
                   for x in it) for w in kept)


# ---------------------------------------------------------------- words


@pytest.mark.parametrize("limit", [12, 20, 30, 40, 50])
def test_shorten_keeps_whole_words_and_marks_the_gap(limit: int) -> None:
    for name in NAMES:
        short = shorten(name, limit)
        assert len(short) <= limit
        if len(squash(name)) <= limit:
            assert short == squash(name) and not was_shortened(name, short)
            continue
        assert ELLIPSIS in short and was_shortened(name, short)
        assert not re.search(r"\w…\w", short)  # never a word cut on both sides
        first = squash(name).split()[0]
        if len(first) + 1 > limit:  # no room for one whole word: broken after a joiner
            assert short == "After-…" and first == "After-action"
        else:
            assert _whole_words(name, short), (name, short)


def test_shorten_keeps_the_ends_that_tell_names_apart() -> None:
    one = shorten("Field module: mountainous terrain, joint sub-group 1", 40)
    two = shorten("Field module: mountainous terrain, joint sub-group 2", 40)
    assert one == "Field module: mountainous … sub-group 1"
    assert two.endswith("sub-group 2") and one != two
    # no last word fits: the ellipsis follows the last whole word
    assert shorten("Integrated field module, joint sub-groups (multi-day)", 20) == \
        "Integrated field…"


def test_a_single_word_too_long_is_broken_at_a_joiner() -> None:
    assert shorten("validation_stage_two_conduct", 16) == "validation_…"
    assert shorten("abcdefghijklmnopqrstuvwxyz", 10) == "abcdefghi…"


@pytest.mark.parametrize("width", [14, 20, 32])
def test_wrap_and_balanced_break_between_words(width: int) -> None:
    for name in NAMES:
        for lines in (wrap(name, width, 2), balanced(name, width, 2)):
            assert 1 <= len(lines) <= 2 and all(len(line) <= width for line in lines)
            joined = " ".join(lines)
            if not was_shortened(name, lines):
                assert joined == squash(name)
            else:
                assert ELLIPSIS in joined and _whole_words(name, joined)
    assert balanced("Computer-assisted simulation run 1", 32) == [
        "Computer-assisted", "simulation run 1"]


# ---------------------------------------------------------------- lanes


def test_assign_lanes_never_puts_overlapping_spans_together() -> None:
    spans = [(0.0, 2.0), (1.0, 3.0), (1.5, 2.5), (2.0, 4.0), (5.0, 6.0), (2.4, 2.6)]
    lanes = assign_lanes(spans)
    for (a, la), (b, lb) in itertools.combinations(zip(spans, lanes, strict=True), 2):
        if la == lb:
            assert a[1] <= b[0] or b[1] <= a[0]
    assert max(lanes) + 1 == 4  # the deepest overlap (at 2.4: four spans)
    assert assign_lanes([(0.0, 1.0), (1.0, 2.0)], gap=0.1) == [0, 1]


def _label_boxes(fig: Figure) -> list[tuple[str, Bbox]]:
    fig.canvas.draw()
    labels = [t for ax in fig.axes for t in ax.texts if t.get_gid() == "inject-label"]
    return [(t.get_text(), t.get_window_extent()) for t in labels]


def _assert_no_overlap(fig: Figure, result: RunResult) -> None:
    boxes = _label_boxes(fig)
    assert sorted(text for text, _ in boxes) == sorted(h.id for h in inject_hits(result))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a} and {b} overlap"
    title = fig.get_suptitle()
    if title and boxes:  # and the lanes leave the title alone
        fig_title = next(t for t in fig.texts if isinstance(t, Text) and t.get_text())
        for text, box in boxes:
            assert not box.overlaps(fig_title.get_window_extent()), text


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
@pytest.mark.parametrize("by", ["activity", "group"])
def test_inject_labels_never_overlap_on_the_bundled_scenarios(path: Path, by: str) -> None:
    scenario = load_scenario(path)
    for seed in (1, 7):
        result = simulate(scenario, seed)
        _assert_no_overlap(gantt(result, by=by), result)  # type: ignore[arg-type]


def test_inject_labels_never_overlap_on_a_generated_scenario_with_many_injects() -> None:
    result = simulate(load_tree(synth_tree(150, seed=4, injects=30)), 4)
    assert len(inject_hits(result)) >= 10
    for by in ("activity", "group"):
        _assert_no_overlap(gantt(result, by=by), result)  # type: ignore[arg-type]


def test_wide_ids_close_together_get_lanes_of_their_own() -> None:
    result = simulate(load_scenario(WIDE_IDS))
    fig = gantt(result)
    _assert_no_overlap(fig, result)
    heights = {round(box.y0) for _t, box in _label_boxes(fig)}
    assert len(heights) >= 3  # the three ids near D1 16:00 cannot share a lane


# ---------------------------------------------------------------- whole names


@pytest.fixture(scope="module")
def kazind() -> tuple[RunResult, Figure]:
    result = simulate(load_scenario(KAZIND))
    return result, gantt(result)


def _row_names(result: RunResult) -> list[str]:
    return [r.name for r in activity_layout(result).rows]


def test_row_labels_shortened_at_word_boundaries(kazind: tuple[RunResult, Figure]) -> None:
    result, fig = kazind
    names = _row_names(result)
    drawn = [t.get_text() for t in fig.axes[0].texts if t.get_gid() is None
             and t.get_text() and t.get_text() not in ("limit",)][: len(names)]
    shortened = [(n, d) for n, d in zip(names, drawn, strict=True) if was_shortened(n, d)]
    assert shortened  # KAZIND-21 has names longer than a row label holds
    for name, label in shortened:
        assert ELLIPSIS in label and _whole_words(name, label), (name, label)


def test_svg_has_a_title_with_each_whole_name(kazind: tuple[RunResult, Figure]) -> None:
    result, fig = kazind
    root = ET.fromstring(figure_bytes(fig, "svg"))
    titles = {g.get("id"): g.find(f"{{{SVG}}}title") for g in root.iter(f"{{{SVG}}}g")}
    tips = {gid: t.text for gid, t in titles.items() if t is not None and gid}
    row_tips = {text for gid, text in tips.items() if gid.startswith("row-label-")}
    names = _row_names(result)
    labels = fitted_labels(activity_layout(result).rows, 7.0)  # KAZIND-21: one-line rows
    expected = {n for n, label in zip(names, labels, strict=True) if was_shortened(n, label)}
    assert expected and row_tips == expected
    inject_tips = [text for gid, text in tips.items() if gid.startswith("inject-label-")]
    assert len(inject_tips) == len(inject_hits(result))
    assert any("Lightning warning; the range is closed" in t for t in inject_tips)
    # the ids exist only in the SVG: the artists keep their gids
    assert all(t.get_gid() in (None, "inject-label", "limit-label") for t in fig.axes[0].texts)


def test_png_lists_the_shortened_names_in_full(kazind: tuple[RunResult, Figure]) -> None:
    _result, fig = kazind
    text = "\n".join(t.get_text() for t in fig.texts)
    assert "Row labels shortened on the chart, in full" in text
    assert "After-action review, Kazakhstan contingent (internal)" in text
    assert "Host preparation of accommodation and training areas" in text


# ---------------------------------------------------------------- the MSEL table


def test_msel_table_rows_are_the_injects(kazind: tuple[RunResult, Figure]) -> None:
    result, fig = kazind
    rows = msel_rows(result)
    assert [r.id for r in rows] == [i.id for i in result.scenario.injects]
    hits = {h.id: h.t for h in inject_hits(result)}
    cells = [line for t in fig.texts for line in t.get_text().split("\n")]
    id_column = next(t.get_text().split("\n") for t in fig.texts
                     if t.get_text().startswith(rows[0].id + "\n"))
    assert [x for x in id_column if x] == [r.id for r in rows]  # one row per inject
    for row, inject in zip(rows, result.scenario.injects, strict=True):
        assert row.id in cells  # the id, as marked above the chart
        assert row.description == inject.description
        assert any(inject.description is not None and inject.description[:30] in c
                   for c in cells)
        if row.id in hits:
            assert row.outcome == f"hit {format_time(hits[row.id])}"
    m03 = next(r for r in rows if r.id == "M-03")
    assert m03.time == "D4 09:00 to D4 15:00"  # a window, as scripted
    m05 = next(r for r in rows if r.id == "M-05")
    assert m05.time.endswith("p = 0.5")


def test_an_inject_that_did_not_happen_is_in_the_table() -> None:
    result = simulate(load_scenario(WIDE_IDS.replace('"D2 09:00"', '"D3 23:00"')))
    rows = {r.id: r for r in msel_rows(result)}
    assert rows["W3"].outcome in ("did not happen", "not reached")
    assert len(rows) == 6
