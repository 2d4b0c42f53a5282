"""Names made to fit: shortened or wrapped at word boundaries, never cut inside a word.

Chart labels and terminal panels have room for so many characters. A name that does
not fit keeps its first words and its last ones (the ends tell similar names apart:
"Range practice, Indian sub-group 1" and "… sub-group 2"), with an ellipsis "…" where
whole words were left out. Only a single word longer than the room on its own is cut,
after a ``-``, ``_`` or ``/`` inside it if there is one, as there is nothing else to do.
"""

from __future__ import annotations

import textwrap

ELLIPSIS = "…"
_JOINERS = "-_/."  # a word too long on its own is broken after one of these


def squash(text: str) -> str:
    """Runs of white space (line breaks included) made one space; ends trimmed."""
    return " ".join(text.split())


def shorten(text: str, limit: int, *, tail: float = 0.4) -> str:
    """``text`` in at most ``limit`` characters, whole words only.

    Leaves out words from the middle: up to ``tail`` of the room keeps the last
    words, the rest the first ones, and "…" (between spaces) marks the gap. When no
    last word fits, the ellipsis follows the last whole word kept: "Integrated field
    module, joint…".
    """
    text = squash(text)
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    words = text.split(" ")
    ends = _last_words(words, int((limit - 1) * tail) - 1)
    room = limit - 1 - (len(ends) + 2 if ends else 0)  # " … " around a kept tail
    head = _first_words(words[: len(words) - len(ends.split()) if ends else len(words)],
                        room)
    if not head:
        if ends:  # the first word does not fit beside the tail: try without the tail
            return shorten(text, limit, tail=0.0)
        return _cut_word(words[0], limit - 1) + ELLIPSIS
    return f"{head} {ELLIPSIS} {ends}" if ends else head + ELLIPSIS


def _first_words(words: list[str], room: int) -> str:
    """As many leading words as fit in ``room`` characters (with their spaces)."""
    kept = ""
    for word in words:
        joined = f"{kept} {word}" if kept else word
        if len(joined) > room:
            break
        kept = joined
    return kept.rstrip(",;:")


def _last_words(words: list[str], room: int) -> str:
    """As many trailing words as fit in ``room`` characters (never all of them)."""
    kept = ""
    for word in reversed(words[1:]):
        joined = f"{word} {kept}" if kept else word
        if len(joined) > room:
            break
        kept = joined
    return kept


def _cut_word(word: str, room: int) -> str:
    """A single over-long word: up to its last joiner within ``room``, else ``room`` letters."""
    cut = max((k + 1 for k, ch in enumerate(word[:room]) if ch in _JOINERS), default=0)
    return word[: cut or room]


def wrap(text: str, width: int, lines: int) -> list[str]:
    """``text`` on at most ``lines`` lines of at most ``width`` characters, broken
    between words; shortened (see :func:`shorten`) when it needs more lines."""
    text = squash(text)
    if not text:
        return [""]
    budget = width * lines
    while budget > 0:
        candidate = text if len(text) <= budget else shorten(text, budget)
        out = textwrap.wrap(candidate, width, break_long_words=False, break_on_hyphens=False)
        if len(out) <= lines and all(len(line) <= width for line in out):
            return out
        budget = min(budget, len(candidate)) - 1
    return [ELLIPSIS]


def balanced(text: str, width: int, lines: int = 2) -> list[str]:
    """``text`` on at most ``lines`` lines of about equal length (at most ``width``
    characters), broken between words: "Computer-assisted / simulation run 1" rather
    than "Computer-assisted simulation run / 1". Shortened as :func:`wrap` does when
    even ``width`` needs more lines."""
    text = squash(text)
    if len(text) <= width:
        return [text]
    for narrow in range(-(-len(text) // lines), width + 1):
        out = textwrap.wrap(text, narrow, break_long_words=False, break_on_hyphens=False)
        if len(out) <= lines and all(len(line) <= narrow for line in out):
            return out
    return wrap(text, width, lines)


def was_shortened(text: str, shown: str | list[str]) -> bool:
    """Whether ``shown`` (a label, or its wrapped lines) leaves words of ``text`` out."""
    joined = " ".join(shown) if isinstance(shown, list) else shown
    return squash(joined) != squash(text)
