"""The columns of an MSEL sheet: what each holds, its header, the headers it also answers to.

There is no single MSEL layout: HSEEP describes a chronological list with the event
synopsis, the expected response and the objective, and every exercise tool adds its own
columns. These are the ones ``tabletop msel`` writes, in order. Each column is one of:

- ``input``: read back by ``msel import`` into the inject key of the same name;
- ``derived``: computed from the scenario on export (event number, phase, calendar time)
  and ignored on import, so it may hold anything (a formula, merged cells);
- ``effect``: what a run did (``msel export RUN`` only), ignored on import.

Headers are matched without regard to case, spaces or punctuation (``Expected Action``,
``expected_action`` and ``EXPECTED-ACTION`` are one header).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Role = Literal["input", "derived", "effect"]


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the inject key (input columns) or a name of its own
    header: str  # as written on export
    role: Role
    help: str  # one line for the "Columns" sheet and the docs
    synonyms: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("event_no", "Event No.", "derived",
           "Position of the inject in the scenario (1, 2, ...); not read back.",
           ("event number", "event", "no", "number", "#", "seq", "sequence")),
    Column("id", "Inject ID", "input",
           "Required. The inject's id, unique in the MSEL (M-01).",
           ("id", "serial", "serial no", "serial number", "inject no", "inject number",
            "inject id", "msel id", "msel no", "ref", "reference")),
    Column("phase", "Phase", "derived",
           "The target's phase (delay, add_activity), else the phase planned (or, for a run, "
           "running) at the inject's time. Read back only for add_activity: the phase it joins.",
           ("exercise phase", "phase id")),
    Column("at", "Scenario time", "input",
           'Required. When it happens, "D6 10:00" (or "D6": start of the working day); with '
           "Window end, the start of the window. A real spreadsheet date is read as a calendar "
           "time from the scenario's start_date.",
           ("time", "at", "exercise time", "d day time", "sim time", "inject time",
            "scenario time", "window start")),
    Column("window_end", "Window end", "input",
           "Empty for a fixed time; else the end of the window in which the time is drawn "
           "(at: {between: [Scenario time, Window end]}).",
           ("latest time", "window end", "until", "between end")),
    Column("datetime", "Date/time", "derived",
           "Calendar date and clock of the scenario time (in a run: when it hit), from "
           "start_date; not read back.",
           ("date", "date time", "calendar time", "calendar date", "datetime", "real time")),
    Column("mode", "Mode", "input",
           "How the inject is delivered (email, phone call, face to face...).",
           ("inject mode", "method", "delivery", "delivery method", "means")),
    Column("kind", "Kind", "input",
           "What it does in the simulation: note (the default when empty), resource_down, "
           "delay, group_unavailable, add_activity.",
           ("type", "inject type", "inject kind", "event type")),
    Column("from", "From", "input", "Who sends the inject.",
           ("sender", "originator", "sent by")),
    Column("to", "To", "input", "Who receives it.",
           ("recipient", "receiver", "players", "player", "addressee", "sent to")),
    Column("description", "Message", "input", "What happens: the inject's text.",
           ("description", "synopsis", "event synopsis", "event description", "details",
            "inject text", "inject description", "text", "content")),
    Column("expected_action", "Expected action", "input",
           "What the training audience is expected to do.",
           ("expected response", "expected player action", "expected outcome", "response",
            "action")),
    Column("objective", "Objective", "input", "The training objective it serves.",
           ("objectives", "training objective", "exercise objective", "capability",
            "core capability")),
    Column("notes", "Notes", "input", "Notes for exercise control.",
           ("note", "remarks", "comments", "controller notes")),
    Column("target", "Target", "input",
           "resource_down: a resource id or tag; delay: an activity, phase or instance "
           "(id@D3); group_unavailable: a group id.", ("affects", "target id")),
    Column("probability", "Probability", "input",
           "Chance it happens in a run, 0 to 1 (or 50%); empty: 1.", ("chance", "likelihood")),
    Column("amount", "Amount", "input",
           "resource_down: units taken away, or all (empty: all).", ("units", "quantity")),
    Column("for", "For", "input",
           'resource_down, group_unavailable: how long, a duration (2, "90min", "2h").',
           ("duration", "length", "for hours")),
    Column("on_hit", "On hit", "input",
           "resource_down: pause (default) or finish: what happens to work using the units.",
           ()),
    Column("by", "By", "input",
           'delay: work added, a duration or a distribution as in a scenario file '
           "({triangular: [1h, 2h, 3h]}).", ("delay", "delay by", "added work")),
    Column("activity", "Added activity", "input",
           "add_activity: the activity, as in a scenario file, in YAML flow style "
           "({id: x, duration: 1h, groups: [blue]}).", ("activity", "new activity")),
    Column("outcome", "Outcome", "effect",
           "Run only: hit (with its time), skipped (probability, or after the end), missed "
           "(its target had finished) or not reached.", ()),
    Column("logged_effect", "Logged effect", "effect",
           "Run only: what the event log records for it: capacity lost, work added, "
           "activities paused, activities added.", ()),
    Column("delayed", "Delayed activities", "effect",
           "Run only: activities that finished later than in the same run (same seed) "
           "without this inject, and by how much.", ()),
    Column("end_delay_h", "End later by (h)", "effect",
           "Run only: how many hours later the programme ended than without this inject.", ()),
)
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
INPUT_KEYS = tuple(c.key for c in COLUMNS if c.role == "input")
SCENARIO_COLUMNS = tuple(c for c in COLUMNS if c.role != "effect")
REQUIRED = ("id", "at")
# free text: a number written in one of these cells is read as its text
TEXT_KEYS = frozenset({"id", "kind", "mode", "from", "to", "description", "expected_action",
                       "objective", "notes", "target", "on_hit", "phase"})


def normalise(header: str) -> str:
    """``" Expected_Action "`` -> ``"expected action"``: case, spaces and punctuation ignored."""
    # a UTF-8 byte-order mark read as text (or as Latin-1, "ï»¿") is not part of the header
    header = header.removeprefix("\ufeff").removeprefix("\u00ef\u00bb\u00bf")
    text = re.sub(r"[\s_\-.:/()]+", " ", header.casefold()).strip()
    return text or header.strip()


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.key, column.header, *column.synonyms):
            table.setdefault(normalise(name), column.key)
    return table


HEADER_KEYS: Mapping[str, str] = _lookup()


def column_for(header: str, mapping: Mapping[str, str]) -> str | None:
    """The column key a sheet header stands for: ``mapping`` (``--map``, by normalised
    header) first, then the headers and synonyms above; ``None`` for a column not used."""
    name = normalise(header)
    if name in mapping:
        return mapping[name]
    return HEADER_KEYS.get(name)


def resolve_key(name: str) -> str | None:
    """The column key ``name`` (a key such as ``expected_action``, or a header) means."""
    return HEADER_KEYS.get(normalise(name))


def headers(columns: Iterable[Column]) -> list[str]:
    return [c.header for c in columns]
