"""Exit statuses, the command line's own error, and how problems are printed."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sim.core.errors import TabletopError
from sim.scenario.errors import Problem

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130


class UsageError(TabletopError):
    """Bad input on the command line: its message, exit status 2."""


def report_problems(problems: Sequence[Problem]) -> None:
    """Each problem on its own line of stderr, ``file:line:column: error[code] ...``."""
    for problem in problems:
        print(problem.format(), file=sys.stderr)
