"""Text fitted to the room the animation has for it: cut or wrapped to a width."""

from __future__ import annotations

import textwrap


def clip(text: str, width: int) -> str:
    """At most ``width`` characters, cut at the end."""
    return text if len(text) <= width else text[: max(width - 1, 1)].rstrip() + "…"


def wrap(text: str, width: int, lines: int) -> str:
    """``text`` wrapped to ``width`` characters, in at most ``lines`` lines (the last cut)."""
    out = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(width - 1, 1)].rstrip() + "…"
    return "\n".join(out)
