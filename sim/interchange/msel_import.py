"""``msel import``: a sheet's injects replace a scenario's, checked by the scenario loader.

The new scenario is checked exactly as a file would be (the same stages, the same codes);
each problem about an inject is put back at the cell it came from. The text written keeps
the scenario file as it was outside its ``injects`` (comments included) for YAML; a JSON
scenario is written whole. Nothing is written when anything is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.interchange.msel_problems import AnyProblem, CellProblem, MselError
from sim.interchange.msel_read import ReadSheet, read_injects
from sim.interchange.msel_sheet import Sheet, read_sheet
from sim.scenario.errors import Path as TreePath
from sim.scenario.errors import Problem, format_path
from sim.scenario.loader import load_source, validate_source
from sim.scenario.model import Scenario
from sim.scenario.source import Source, parse_text, read_source

_TIME_TEXT = re.compile(r"^(D\d+( \d{1,2}:\d{2})?|\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class Imported:
    """The new scenario file's text, the scenario it loads as, and what was noticed."""

    text: str
    scenario: Scenario
    warnings: tuple[AnyProblem, ...]
    ignored: tuple[str, ...]  # sheet headers not read


class _Dumper(yaml.SafeDumper):
    """Times and clocks in quotes, as the format's documentation writes them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _TIME_TEXT.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _FlowDict(dict[str, Any]):
    """A mapping written on one line: ``{between: ["D4 09:00", "D4 15:00"]}``."""


class _FlowList(list[Any]):
    """A list written on one line: ``[blue, green]``."""


def _flow_dict(dumper: yaml.SafeDumper, value: _FlowDict) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


def _flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_FlowDict, _flow_dict)
_Dumper.add_representer(_FlowList, _flow_list)


def _flow(value: Any) -> Any:
    if isinstance(value, dict):
        return _FlowDict(value)
    if isinstance(value, list):
        return _FlowList(value)
    return value


def _styled(inject: Mapping[str, Any]) -> dict[str, Any]:
    """An inject as the bundled files write one: its keys in block style, values on one
    line, except an added activity, whose keys are in block style too."""
    return {k: ({a: _flow(b) for a, b in v.items()} if k == "activity" and isinstance(v, dict)
                else _flow(v)) for k, v in inject.items()}


def injects_yaml(injects: Sequence[Mapping[str, Any]]) -> str:
    """``injects:`` and its list, block style, one blank line between entries."""
    if not injects:
        return "injects: []\n"
    body = yaml.dump([_styled(i) for i in injects], Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False, width=100)
    lines: list[str] = []
    for line in body.splitlines():
        if line.startswith("- ") and lines:
            lines.append("")
        lines.append("  " + line)
    return "injects:\n" + "\n".join(lines) + "\n"


def _splice(source: Source, injects: Sequence[Mapping[str, Any]]) -> str | None:
    """The YAML text with its top-level ``injects`` block replaced; ``None`` when the file
    is not written in block style at the top level (then it is written whole)."""
    lines = source.text.splitlines(keepends=True)
    block = injects_yaml(injects)
    if ("injects",) not in source.keys:
        tail = "" if source.text.endswith("\n") else "\n"
        return source.text + tail + "\n" + block
    line, column = source.keys[("injects",)]
    if column != 1:
        return None
    end = len(lines)
    for index in range(line, len(lines)):
        first = lines[index][:1]
        if first and first not in " \t#-\r\n":  # the next top-level key
            end = index
            break
    while end > line and lines[end - 1].lstrip().startswith("#"):
        end -= 1  # comments just above the next key belong to it
    tail = "\n" if end < len(lines) else ""
    return "".join(lines[: line - 1]) + block + tail + "".join(lines[end:])


def scenario_text(source: Source, tree: dict[str, Any], suffix: str) -> str:
    """The scenario file with the new ``injects``, in the syntax of ``suffix``."""
    if suffix == ".json":
        return json.dumps(tree, indent=2, ensure_ascii=False, default=str) + "\n"
    injects = tree.get("injects", [])
    if source.name.lower().endswith((".yaml", ".yml")):
        spliced = _splice(source, injects)
        if spliced is not None:
            return spliced
    rest = {k: v for k, v in tree.items() if k != "injects"}
    head = yaml.dump(rest, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return head + injects_yaml(injects)


def _cell_for(path: TreePath, read: ReadSheet, sheet: Sheet) -> tuple[str, str]:
    """Where a problem at ``path`` (``injects[i].key...``) is in the sheet, and a note."""
    index = path[1] if len(path) > 1 and isinstance(path[1], int) else 0
    cells = read.cells[index] if index < len(read.cells) else {}
    key = str(path[2]) if len(path) > 2 else "id"
    if key == "at" and path[3:5] == ("between", 1):
        key = "window_end"
    cell = cells.get(key) or cells.get("window_end" if key == "at" else "")
    if cell is not None:
        return sheet.where(cell.ref), ""
    row = read.rows[index] if index < len(read.rows) else 1
    return sheet.where(f"A{row}"), f" (row {row}: the sheet has no column for `{key}`)"


def _locate(problems: Sequence[Problem], read: ReadSheet, sheet: Sheet) -> list[AnyProblem]:
    located: list[AnyProblem] = []
    for problem in problems:
        if problem.path[:1] != ("injects",) or len(problem.path) < 2:
            located.append(problem)
            continue
        where, note = _cell_for(problem.path, read, sheet)
        inner = format_path(problem.path[2:]) if len(problem.path) > 3 else ""
        message = (f"{inner}: " if inner else "") + problem.message + note
        located.append(CellProblem(where, problem.code, message, problem.hint,
                                   problem.severity))
    return located


def _new_source(source: Source, injects: list[dict[str, Any]], read: ReadSheet) -> Source:
    """The scenario with the sheet's injects, inject positions being (row, column)."""
    tree = {**source.tree, "injects": injects}
    values = {p: v for p, v in source.values.items() if p[:1] != ("injects",)}
    keys = {p: v for p, v in source.keys.items() if p[:1] != ("injects",)}
    for i, cells in enumerate(read.cells):
        values[("injects", i)] = (read.rows[i], 1)
        for key, cell in cells.items():
            values[("injects", i, key)] = (cell.row, cell.column)
    return Source(source.name, source.text, tree, values, keys)


def injects_of(source: Source) -> Any:
    return source.tree.get("injects")


def import_msel(sheet_path: Path, scenario_path: Path, out_suffix: str,
                mapping: Mapping[str, str], sheet_name: str | None = None) -> Imported:
    """Read the sheet, put its injects into the scenario, check it; the text to write."""
    source = read_source(scenario_path)
    if not isinstance(source.tree, dict):
        load_source(source)  # raises the scenario's own problem
    start = source.tree.get("start_date")
    sheet = read_sheet(sheet_path, sheet_name)
    read = read_injects(sheet, mapping, _start_date(start))
    if read.problems:
        raise MselError(str(sheet_path), read.problems)
    new = _new_source(source, read.injects, read)
    spec, problems = validate_source(new)
    located = _locate(sorted(problems, key=lambda p: (p.line, p.column)), read, sheet)
    if spec is None or any(p.severity == "error" for p in located):
        raise MselError(str(sheet_path), located)
    text = scenario_text(source, new.tree, out_suffix)
    written = parse_text(text, source.name, suffix=out_suffix)
    if written.tree.get("injects") != injects_of(new):  # the writer's own check
        raise RuntimeError("the scenario text written does not read back as the sheet's")
    return Imported(text, load_source(written), tuple(p for p in located),
                    tuple(read.ignored))


def _start_date(value: Any) -> dt.date | None:
    """The tree's ``start_date`` as a date (YAML types it; TOML and JSON hold text)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
