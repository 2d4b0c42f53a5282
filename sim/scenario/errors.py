"""Problems found in a scenario file, and the exception that carries them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sim.core.errors import TabletopError

Path = tuple[str | int, ...]
Position = tuple[int, int]  # line and column, counting from 1
Positions = dict[Path, Position]
Severity = Literal["error", "warning"]


def format_path(path: Path) -> str:
    """``('phases', 2, 'activities', 0, 'needs')`` -> ``phases[2].activities[0].needs``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to a misspelt ``word``, if any is close."""
    matches = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return matches[0] if matches else None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in a scenario file."""

    code: str
    message: str
    path: Path = ()
    file: str = "<text>"
    line: int = 1
    column: int = 1
    hint: str | None = None
    severity: Severity = "error"

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.severity}[{self.code}] {format_path(self.path)}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": format_path(self.path),
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class ScenarioError(TabletopError):
    """A scenario that cannot be used; carries every problem found, in file order."""

    problems: Sequence[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in scenario"
        return head + ":\n" + "\n".join(p.format() for p in self.problems)

    @property
    def file(self) -> str:
        """The file of the first problem (the one the scenario was read from)."""
        return self.problems[0].file if self.problems else "<text>"


def scenario_error(
    file: str, code: str, message: str, line: int = 1, column: int = 1
) -> ScenarioError:
    """The error for one problem that stops a file from being read at all."""
    return ScenarioError([Problem(code, message, (), file, line, column)])
