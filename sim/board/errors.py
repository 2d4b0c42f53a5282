"""A request the board cannot serve: its HTTP status, the form field at fault and a code."""

from __future__ import annotations

from typing import Any

from sim.core.errors import TabletopError


class BoardError(TabletopError):
    """A bad request: answered ``status`` with ``{error, field, code}``, never a crash.

    ``code`` is the scenario checks' problem code when the checks found the problem
    (the same codes ``tabletop validate`` prints), else one of the board's own.
    """

    def __init__(self, message: str, *, code: str, field: str | None = None,
                 status: int = 400, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.status = status
        self.problems = problems or []

    def as_dict(self) -> dict[str, Any]:
        """The JSON body of the answer."""
        body: dict[str, Any] = {"error": self.message, "field": self.field, "code": self.code}
        if self.problems:
            body["problems"] = self.problems
        return body
