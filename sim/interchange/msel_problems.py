"""Problems found in an MSEL sheet, each at its cell, and the error that carries them.

A cell is written ``FILE:SHEET!C12`` for a workbook and ``FILE!C12`` for a CSV file (the
address a spreadsheet shows when it opens the file). Codes are those of the scenario
format (docs/reference/errors.md), plus a few of sheets' own (``missing-column``...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.core.errors import TabletopError
from sim.scenario.errors import Problem, Severity


@dataclass(frozen=True, slots=True)
class CellProblem:
    """One thing wrong (or suspicious) in a cell of a sheet."""

    where: str  # "msel.xlsx:MSEL!C12"
    code: str
    message: str
    hint: str | None = None
    severity: Severity = "error"

    def format(self) -> str:
        code = self.code if self.severity == "error" else f"warning[{self.code}]"
        text = f"{self.where}: {code}: {self.message}"
        return text + (f" ({self.hint})" if self.hint else "")


AnyProblem = CellProblem | Problem


@dataclass
class MselError(TabletopError):
    """A sheet (or the scenario it goes into) that cannot be imported: nothing was written."""

    file: str = ""
    problems: Sequence[AnyProblem] = field(default_factory=list)

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        head = (f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in {self.file} "
                "(nothing was written):")
        return head + "\n" + "\n".join(p.format() for p in self.problems)
