"""The library's errors. They say what is wrong and where; they never print or exit.

Every error a user can fix (a bad file, a bad value, an output that cannot be written)
is a :class:`TabletopError`; the command line prints its message and exits with status 2.
Anything else that escapes is a bug.
"""

from __future__ import annotations


class TabletopError(Exception):
    """Bad input or an impossible request, explained by the message."""


class OutputError(TabletopError):
    """An output cannot be written (it exists, or its folder cannot be written).

    Nothing was written: outputs are complete or absent.
    """
