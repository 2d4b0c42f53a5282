"""Fitting the replay's panels to the terminal: texts built for the width they get.

A :class:`Fitted` renderable is built when rich renders it, for the width rich gives
it (the console's, or a panel's inside), so that a resized terminal lays the panels
out again on the next frame. Names that do not fit are shortened between whole words
(:mod:`sim.core.words`), lists are trimmed with "+N more".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from sim.core import words

Pieces = Sequence[tuple[str, str]]  # (text, style)
_COLUMNS = re.compile(r"\S {2,}")  # the end of a column lined up with spaces
_ROOM = 12  # characters left after such columns for them to be worth keeping


class Fitted:
    """A renderable made by ``build(width)`` for the width it is rendered at."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)


def fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells (as it is when it fits), else shortened
    between whole words. Columns lined up with runs of spaces (a log line's time and
    kind) are kept as they are when there is room, and only the rest is shortened."""
    if len(text) <= width:
        return text
    columns = list(_COLUMNS.finditer(text))
    if columns and columns[-1].end() <= width - _ROOM:
        head = text[: columns[-1].end()]
        return head + words.shorten(text[len(head):], width - len(head))
    return words.shorten(text, max(width, 1))


def pieces_text(pieces: Pieces, width: int, optional: Sequence[int] = ()) -> Text:
    """The pieces as one line; the ``optional`` ones (by index, least wanted first) are
    left out until the line fits in ``width``; what still does not fit is shortened."""
    keep = list(range(len(pieces)))
    for k in optional:
        if sum(len(pieces[i][0]) for i in keep) <= width:
            break
        keep.remove(k)
    line = Text(no_wrap=True)
    left = width
    for i in keep:
        text, style = pieces[i]
        if left <= 0:
            break
        shown = text if len(text) <= left else fit(text, left)
        line.append(shown, style=style)
        left -= len(shown)
    return line


def listed(items: Sequence[Pieces], width: int, sep: str = "  ") -> Text:
    """Marked items (e.g. ``✓ arrival``) on one line; those that do not fit are counted
    at the end as "+N more"."""
    sizes = [sum(len(t) for t, _s in item) for item in items]
    total = sum(sizes) + len(sep) * max(len(items) - 1, 0)
    shown = len(items)
    if total > width:
        used, shown = 0, 0
        for size in sizes:
            more = len(f"{sep}+{len(items) - shown - 1} more")
            if used + (len(sep) if shown else 0) + size + more > width:
                break
            used += (len(sep) if shown else 0) + size
            shown += 1
    line = Text(no_wrap=True)
    for k, item in enumerate(items[:shown]):
        if k:
            line.append(sep)
        for text, style in item:
            line.append(text, style=style)
    if shown < len(items):
        line.append(f"{sep if shown else ''}+{len(items) - shown} more", style="dim")
    return line
