"""What the schedule chart says under its plot: the MSEL table and the names in full.

The MSEL table gives each inject of the scenario (hit or not) its id, as marked above
the chart, its scripted time on the D-day clock, what happened to it in this run and
its description, wrapped. Under it, the row labels shortened on the chart are listed
in full. Both are drawn in the chart's own figure, so that the picture can be handed
out or pasted on its own and still say what each marker is.

Sizes are in inches, by arithmetic on character counts (as the rest of the chart).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from sim.core import words
from sim.core.timefmt import format_time
from sim.plotting import style
from sim.plotting.label_lanes import text_sizes
from sim.results import RunResult, inject_outcomes
from sim.scenario.model import Inject

FONT = style.SMALL_SIZE + 0.5
LINE_SPACING = 1.4  # matplotlib's, of a text's lines
LINE_IN = FONT * 1.32 / 72  # one line of the table, about (line_metrics measures it)
HEAD_IN = style.LABEL_SIZE * 1.6 / 72  # a block's heading
GAP_IN = 0.22  # above each block
EDGE_IN = 0.25  # left and right of the blocks
HEADERS = ("Inject", "Scripted time", "In this run", "Description")
ZEBRA = "#f3f3f3"


@dataclass(frozen=True, slots=True)
class MselRow:
    """One inject as the table under the chart gives it."""

    id: str
    time: str
    outcome: str
    description: str


def msel_rows(result: RunResult) -> list[MselRow]:
    """Every inject of the scenario, in the order written, with what happened in the run."""
    outcomes = {o["id"]: o for o in inject_outcomes(result)}
    return [MselRow(i.id, scripted_time(i), _outcome(outcomes.get(i.id, {})),
                    words.squash(i.description or i.kind))
            for i in result.scenario.injects]


def scripted_time(inject: Inject) -> str:
    """``D3 10:00``, or a random time's window, with the probability when below 1."""
    text = (format_time(inject.at) if inject.at_latest <= inject.at
            else f"{format_time(inject.at)} to {format_time(inject.at_latest)}")
    return text + (f", p = {inject.probability:g}" if inject.probability < 1.0 else "")


def _outcome(outcome: dict[str, object]) -> str:
    status = outcome.get("status", "not reached")
    t = outcome.get("t")
    if status == "hit" and isinstance(t, int | float):
        return f"hit {format_time(float(t))}"
    return {"skipped": "did not happen", "missed": "missed (target done)",
            "not reached": "not reached"}.get(str(status), str(status))


@dataclass(frozen=True, slots=True)
class Notes:
    """The blocks under the chart, laid out for a figure ``width`` inches wide."""

    rows: list[MselRow]
    names: list[str]  # row labels shortened on the chart, in full
    width: float
    line: float = LINE_IN  # inches from one line of text to the next
    glyphs: float = FONT / 72  # inches one line of text is high

    @property
    def columns(self) -> list[float]:
        """Inches each table column takes; the description has what is left."""
        fixed = [style.text_width(max([len(h)] + [len(c) for c in cells]) + 2, FONT)
                 for h, cells in zip(HEADERS[:3], zip(*[(r.id, r.time, r.outcome)
                                                        for r in self.rows], strict=True),
                                     strict=True)] if self.rows else [0.0, 0.0, 0.0]
        return [*fixed, max(1.0, self.width - 2 * EDGE_IN - sum(fixed))]

    def described(self) -> list[list[str]]:
        """Each row's description on as many lines as it needs."""
        chars = max(20, int(self.columns[3] / style.text_width(1, FONT)))
        return [words.wrap(r.description, chars, 6) for r in self.rows]

    def name_columns(self) -> tuple[int, int]:
        """``(columns, lines)`` the whole names are set in."""
        longest = max((len(n) for n in self.names), default=1)
        cols = max(1, int((self.width - 2 * EDGE_IN) // style.text_width(longest + 4, FONT)))
        return cols, math.ceil(len(self.names) / cols)

    @property
    def height(self) -> float:
        """Inches the blocks take (0 with no injects and no shortened names)."""
        out = 0.0
        if self.rows:
            lines = 1 + sum(len(d) for d in self.described())
            out += GAP_IN + HEAD_IN + lines * self.line + 0.12
        if self.names:
            out += GAP_IN + HEAD_IN + self.name_columns()[1] * self.line
        return out


def draw_notes(fig: Figure, notes: Notes) -> None:
    """Draw ``notes`` at the bottom of ``fig``, whose size is final."""
    width, height = fig.get_size_inches()
    y = notes.height  # inches from the bottom of the figure, going down
    if notes.rows:
        y = _draw_msel(fig, notes, y - GAP_IN, height)
    if notes.names:
        y -= GAP_IN
        _text(fig, EDGE_IN, y, height, "Row labels shortened on the chart, in full",
              size=style.LABEL_SIZE, bold=True)
        y -= HEAD_IN
        cols, lines = notes.name_columns()
        step = (width - 2 * EDGE_IN) / cols
        for c in range(cols):
            chunk = notes.names[c * lines:(c + 1) * lines]
            if chunk:
                _text(fig, EDGE_IN + c * step, y, height, "\n".join(chunk))


def _draw_msel(fig: Figure, notes: Notes, y: float, height: float) -> float:
    """The MSEL block from ``y`` inches down; returns where it ends.

    Each column is one text of as many lines as the rows need (an id is followed by
    blank lines where its description wraps): a few texts instead of one per cell, as
    text is most of a chart's drawing time.
    """
    _text(fig, EDGE_IN, y, height,
          "Injects (MSEL): each one that hit is marked by its id above the chart",
          size=style.LABEL_SIZE, bold=True)
    y -= HEAD_IN
    xs = [EDGE_IN + sum(notes.columns[:k]) for k in range(4)]
    for x, header in zip(xs, HEADERS, strict=True):
        _text(fig, x, y, height, header, bold=True)
    y -= notes.line + 0.02
    width = fig.get_size_inches()[0]
    fig.add_artist(Line2D([EDGE_IN / width, 1 - EDGE_IN / width], [y / height] * 2,
                          color=style.GRID, linewidth=0.8))
    y -= 0.03
    described = notes.described()
    columns: list[list[str]] = [[], [], [], []]
    top = y + (notes.line - notes.glyphs) / 2  # a row's band is centred on its lines
    for k, (row, lines) in enumerate(zip(notes.rows, described, strict=True)):
        blank = [""] * (len(lines) - 1)
        for column, cell in zip(columns, (row.id, row.time, row.outcome), strict=False):
            column += [cell, *blank]
        columns[3] += lines
        tall = len(lines) * notes.line
        if k % 2:
            fig.add_artist(Rectangle((EDGE_IN / width, (top - tall) / height),
                                     1 - 2 * EDGE_IN / width, tall / height,
                                     facecolor=ZEBRA, edgecolor="none", zorder=0))
        top -= tall
    for k, (x, column) in enumerate(zip(xs, columns, strict=True)):
        _text(fig, x, y, height, "\n".join(column), bold=k == 0)
    return top


def _text(fig: Figure, x: float, y: float, height: float, text: str, *,
          size: float = FONT, bold: bool = False) -> Text:
    """Text with its top left at ``(x, y)`` inches from the figure's bottom left."""
    width = fig.get_size_inches()[0]
    return fig.text(x / width, y / height, style.plain(text), ha="left", va="top",
                    fontsize=size, color=style.INK, fontweight="bold" if bold else "normal",
                    linespacing=LINE_SPACING)


def line_metrics(fig: Figure) -> tuple[float, float]:
    """``(pitch, height)`` in inches of the table's lines, as ``fig``'s renderer sets them."""
    texts = [fig.text(0, 0, "\n".join(["lp"] * n), fontsize=FONT, linespacing=LINE_SPACING)
             for n in (1, 6)]
    (_w1, h1), (_w6, h6) = text_sizes(fig, texts)
    for text in texts:
        text.remove()
    return (h6 - h1) / 5, h1


def notes_for(result: RunResult, shortened: Sequence[str], fig: Figure) -> Notes:
    """The blocks for ``result``'s chart in ``fig`` (its width as it is now)."""
    pitch, glyphs = line_metrics(fig)
    return Notes(msel_rows(result), list(dict.fromkeys(shortened)),
                 float(fig.get_size_inches()[0]), pitch, glyphs)
