"""The rows of an exported MSEL: one per inject, in the scenario's order.

The columns read back on import are taken from the scenario file's own tree, as written
(``90min`` stays ``90min``, a distribution is written in the file's YAML flow syntax), so
that export then import gives the same injects. The derived columns (phase, calendar
time) come from the resolved scenario and its plan; the effect columns from a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from sim.interchange.msel_effects import Effect
from sim.results.rows import PhaseRow
from sim.scenario.model import Inject, Scenario

Cell = str | int | float | dt.datetime | None
Row = dict[str, Cell]
_TREE_KEYS = ("id", "mode", "kind", "from", "to", "description", "expected_action",
              "objective", "notes", "target", "probability", "amount", "for", "on_hit", "by")


def flow_text(value: Any) -> str:
    """A mapping or list as one line of YAML flow style: ``{triangular: [1h, 2h, 3h]}``."""
    text: str = yaml.safe_dump(value, default_flow_style=True, width=1_000_000_000,
                               allow_unicode=True, sort_keys=False)
    return text.strip()


def _tree_cell(value: Any) -> Cell:
    if isinstance(value, dict | list):
        return flow_text(value)
    if isinstance(value, bool):  # not a value any inject key takes; kept readable
        return str(value).lower()
    if isinstance(value, str | int | float) or value is None:
        return value
    return str(value)


def calendar_time(scenario: Scenario, hours: float) -> dt.datetime | None:
    """The calendar date and clock (to the minute) of ``hours``, from ``start_date``."""
    if scenario.start_date is None:
        return None
    midnight = dt.datetime.combine(scenario.start_date, dt.time())
    return midnight + dt.timedelta(minutes=round(hours * 60))


def phase_at(t: float, phases: Mapping[str, PhaseRow]) -> str:
    """The phases running at ``t`` (first start <= t < last end), joined with ``, ``."""
    return ", ".join(p.id for p in phases.values() if p.start_h is not None
                     and p.end_h is not None and p.start_h <= t < p.end_h)


def _target_phase(inject: Inject, scenario: Scenario) -> str | None:
    if inject.kind == "add_activity":
        return inject.phase
    if inject.kind != "delay" or inject.target is None:
        return None
    if inject.target_kind == "phase":
        return inject.target
    acts = [*scenario.activities, *(a for i in scenario.injects for a in i.activities)]
    return next((a.phase for a in acts if inject.target in (a.id, a.base_id)), None)


def export_rows(written: Sequence[Mapping[str, Any]], scenario: Scenario,
                phases: Mapping[str, PhaseRow], hit_at: Mapping[str, float] | None = None,
                effects: Mapping[str, Effect] | None = None) -> list[Row]:
    """One row per inject: ``written`` is the file's ``injects`` list (as parsed), ``phases``
    the plan's (or the run's) phase spans, ``hit_at`` when each inject hit in the run."""
    rows: list[Row] = []
    for number, (tree, inject) in enumerate(zip(written, scenario.injects, strict=True), 1):
        row: Row = {key: _tree_cell(tree.get(key)) for key in _TREE_KEYS}
        at = tree.get("at")
        if isinstance(at, dict):
            row["at"], row["window_end"] = (_tree_cell(v) for v in at["between"])
        else:
            row["at"], row["window_end"] = _tree_cell(at), None
        if inject.kind == "add_activity":
            row["activity"] = flow_text(tree["activity"])
        t = (hit_at or {}).get(inject.id, inject.at)
        row["event_no"] = number
        row["phase"] = _target_phase(inject, scenario) or phase_at(t, phases) or None
        row["datetime"] = calendar_time(scenario, t)
        effect = (effects or {}).get(inject.id)
        if effect is not None:
            row.update(outcome=effect.outcome, logged_effect=effect.logged or None,
                       delayed=effect.delayed or None, end_delay_h=effect.end_delay_h)
        rows.append(row)
    return rows
