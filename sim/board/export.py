"""What the board hands back: the variant as a scenario file, the after-action table of
observations, and the run directory as a zip.

The variant file is the served scenario with the edits applied and the seed written in,
so ``tabletop validate`` accepts it and ``tabletop run`` on it gives the same run. The
run directory is written under ``runs/`` in the working directory, completely or not at
all (:func:`sim.core.files.new_output_dir`), and never over an earlier one.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import yaml

from sim.board.msel import inject_times
from sim.board.state import Session
from sim.core.files import new_output_dir, slug, write_json
from sim.core.timefmt import format_time
from sim.results.store import write_run_tables

AFTER_ACTION_COLUMNS = ("inject", "time", "expected_action", "observed", "observed_at")


def variant_text(session: Session) -> str:
    """The edited scenario as YAML, with the edits and the seed in its header."""
    tree: dict[str, Any] = dict(session.current.tree)
    tree["seed"] = session.base.seed
    head = [f"# What-if variant of {Path(session.base.name).name}, saved from tabletop serve",
            f"# seed {session.base.seed}: `tabletop run` on this file gives the board's run"]
    head += [f"# edit: {e.label()}" for e in session.edits] or ["# no edits"]
    body = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)
    return "\n".join(head) + "\n" + body


def after_action_rows(session: Session) -> list[list[str]]:
    """One row per observation, then one per inject with none: inject, time, expected
    action, what was observed and when."""
    result = session.current.result
    times = inject_times(result)
    injects = {i.id: i for i in result.scenario.injects}
    rows = []
    noted = set()
    for note in session.observations:
        inj = injects.get(note.inject)
        when = times.get(note.inject)
        rows.append([note.inject, format_time(when) if when is not None else "",
                     inj.expected_action or "" if inj else "", note.text, format_time(note.t)])
        noted.add(note.inject)
    for iid, inj in injects.items():
        if iid not in noted:
            when = times.get(iid)
            rows.append([iid, format_time(when) if when is not None else "",
                         inj.expected_action or "", "", ""])
    return rows


def after_action_csv(session: Session) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(AFTER_ACTION_COLUMNS)
    writer.writerows(after_action_rows(session))
    return buffer.getvalue()


def write_board_run(session: Session, workdir: Path) -> Path:
    """The variant's run directory under ``workdir/runs``: tables, event log, the variant
    scenario, the edits and the after-action table."""
    result = session.current.result
    text = variant_text(session)
    aar = after_action_csv(session)

    def write(out: Path) -> None:
        write_run_tables(result, out, text, "scenario.yaml")
        (out / "after-action.csv").write_text(aar, encoding="utf-8")
        write_json(out / "board-edits.json", [e.as_dict() for e in session.edits])

    stem = f"{Path(session.base.name).stem}-seed{result.seed}-board"
    return new_output_dir(workdir / "runs", slug(stem), write)


def zip_dir(path: Path) -> bytes:
    """The directory's files in a zip, under a folder of the directory's name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            archive.write(file, f"{path.name}/{file.relative_to(path)}")
    return buffer.getvalue()
