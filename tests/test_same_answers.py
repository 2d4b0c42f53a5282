"""Same answers: what the command writes for a set of scenarios, compared against digests
stored before a change of structure (``tests/data/digests.json``).

For every bundled scenario, a few generated networks (the layered generator of
``tabletop synth`` and the contention network, around the clock and on a working day)
and the corpus of broken files, this runs the real commands in process and takes a
SHA-256 of each file they write: the event log, every table, ``summary.json``,
``report.md`` and the scenario copy of ``tabletop run``; the tables and summaries of
``tabletop mc`` (with a kept run, one and two workers), ``compare`` and ``sweep``; and
what ``tabletop validate`` prints for each broken file. Charts and ``report.html`` (which
embeds them) are left out: they are pictures of the same numbers, checked elsewhere.
Paths are written as ``<tmp>`` and ``<repo>``.

A difference is a changed answer. If it is a bug fixed, say so in the commit, add a test
for the fix, and store the new digests with ``python tests/test_same_answers.py --update``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "tests" / "data" / "digests.json"
PICTURES = {".png", ".svg", ".pdf", ".gif", ".mp4", ".html"}
BUNDLED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
BROKEN = sorted(p for p in (ROOT / "tests" / "broken").iterdir() if p.suffix != ".expect")


def _generated(tmp: Path, name: str) -> Path:
    """A generated scenario written as a file, so the commands read it as a user's file."""
    from sim.scenario.synth import scenario_yaml, synth_tree
    from sim.scenario.synth.contention import contention_tree

    trees: dict[str, Callable[[], dict[str, object]]] = {
        "layered-300": lambda: synth_tree(300, seed=1, around_the_clock_share=0.2),
        "layered-800": lambda: synth_tree(800, seed=2),
        "contention-400": lambda: contention_tree(400, seed=1),
        "contention-day-300": lambda: contention_tree(300, seed=2, working_day=True),
    }
    path = tmp / f"{name}.yaml"
    path.write_text(scenario_yaml(trees[name]()), encoding="utf-8")
    return path


GENERATED = ["layered-300", "layered-800", "contention-400", "contention-day-300"]


def _tabletop(argv: Sequence[str]) -> tuple[int, str]:
    """``tabletop ARGV`` in this process: exit status and everything it printed."""
    from sim.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(list(argv))
    return status, out.getvalue()


def _clean(text: str, tmp: Path) -> str:
    return text.replace(str(tmp), "<tmp>").replace(str(ROOT), "<repo>")


def _digest_tree(folder: Path, tmp: Path) -> dict[str, str]:
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix in PICTURES:
            continue
        text = _clean(path.read_text(encoding="utf-8"), tmp)
        found[str(path.relative_to(folder))] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return found


def _scenario_file(tmp: Path, name: str) -> Path:
    return ROOT / "scenarios" / f"{name}.yaml" if name in BUNDLED else _generated(tmp, name)


def _runs(name: str, tmp: Path) -> list[list[str]]:
    file = str(_scenario_file(tmp, name))
    mc = ["mc", file, "-n", "24", "--seed", "3", "--no-charts", "--keep", "1"]
    commands = [["run", file, "--seed", "1", "--no-charts"], mc, [*mc, "-j", "2"]]
    if name in BUNDLED:  # the default seed, with charts: report.md as well
        commands.append(["run", file])
    return commands


def case_digests(case: str, tmp: Path) -> dict[str, str]:
    """Digest of each file every command of ``case`` writes (key ``command/file``)."""
    kind, _, name = case.partition(":")
    if kind == "broken":
        status, printed = _tabletop(["validate", str(ROOT / "tests" / "broken" / name)])
        return {"validate": f"{status}:" + hashlib.sha256(
            _clean(printed, tmp).encode()).hexdigest()[:16]}
    if kind == "compare":
        file = str(ROOT / "scenarios" / f"{name}.yaml")
        commands = [["compare", file, file, "-n", "20", "--no-charts",
                     "--set-b", "resources.range.capacity=2"]]
    elif kind == "sweep":
        commands = [["sweep", str(ROOT / "scenarios" / f"{name}.yaml"), "-n", "12",
                     "--no-charts", "--vary", "resources.hall.capacity=1,2"]]
    else:
        commands = _runs(name, tmp)
    found: dict[str, str] = {}
    for k, argv in enumerate(commands):
        out = tmp / f"out{k}"
        status, printed = _tabletop([*argv, "--out", str(out)])
        assert status == 0, printed
        found[f"{k}:{argv[0]}/stdout"] = hashlib.sha256(
            _clean(printed, tmp).encode()).hexdigest()[:16]
        found.update({f"{k}:{argv[0]}/{f}": d for f, d in _digest_tree(out, tmp).items()})
    return found


CASES = ([f"scenario:{n}" for n in BUNDLED + GENERATED] + ["compare:kazind21", "sweep:seminar"]
         + [f"broken:{p.name}" for p in BROKEN])


def _stored() -> dict[str, dict[str, str]]:
    return dict(json.loads(STORE.read_text(encoding="utf-8")))


@pytest.mark.parametrize("case", CASES)
def test_outputs_are_what_they_were(case: str, tmp_path: Path) -> None:
    stored = _stored()
    assert case in stored, f"no stored digest for {case}: run {Path(__file__).name} --update"
    got = case_digests(case, tmp_path)
    changed = sorted(k for k in set(got) | set(stored[case]) if got.get(k) != stored[case].get(k))
    assert not changed, f"{case}: changed outputs: {changed}"


def test_every_stored_case_is_still_checked() -> None:
    assert sorted(_stored()) == sorted(CASES)


def _update() -> None:
    import tempfile

    digests = {}
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            digests[case] = case_digests(case, Path(tmp).resolve())
        print(case, len(digests[case]), "files", file=sys.stderr)
    STORE.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_same_answers.py --update")
    _update()
