"""What starting ``tabletop mc`` loads and sets up: only what the command needs.

Its fixed cost (#17) is mostly imports; these tests keep the parts it does not need out
of its import graph (speed itself is measured in benchmarks/mc_fixed_cost.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "scenarios" / "training_week.yaml"


def loaded_by(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(*sys.modules)"],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return set(done.stdout.split())


def test_mc_starts_without_charts_tables_or_the_other_documents() -> None:
    modules = loaded_by("import sim.cli.main, sim.cli.commands.mc")
    assert "sim.cli.commands.mc" in modules and "sim.report.ensemble" in modules
    for part in ("matplotlib", "PIL", "rich", "sim.plotting", "sim.report.compare",
                 "sim.report.sweep", "sim.report.run", "openpyxl", "starlette"):
        assert not {m for m in modules if m == part or m.startswith(part + ".")}, part


def test_the_report_package_still_offers_every_name() -> None:
    modules = loaded_by("from sim.report import *  # noqa: F403")
    assert {"sim.report.compare", "sim.report.sweep", "sim.report.run"} <= modules
    import sim.report

    for name in sim.report.__all__:
        assert getattr(sim.report, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        sim.report.nothing  # noqa: B018


def test_one_blas_thread_unless_the_environment_says(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert main(["validate", str(WEEK)]) == 0
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    assert main(["validate", str(WEEK)]) == 0
    assert os.environ["OPENBLAS_NUM_THREADS"] == "3"
    capsys.readouterr()


def test_the_console_script_freezes_what_is_left_and_main_does_not(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = ("import gc, sys\n"
            f"sys.argv = ['tabletop', 'validate', {str(WEEK)!r}]\n"
            "from sim.cli import console\n"
            "status = console()\n"
            "print('status', status, 'frozen', gc.get_freeze_count() > 10_000)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.splitlines()[-1] == "status 0 frozen True"
    assert "training_week.yaml" in done.stdout  # the command ran: validate's line
    import gc

    frozen = gc.get_freeze_count()
    assert main(["validate", str(WEEK)]) == 0  # in-process: the caller goes on
    assert gc.get_freeze_count() == frozen
    capsys.readouterr()
