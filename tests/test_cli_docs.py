"""The documentation travels with the command: ``tabletop docs``, and help text that never
points at a ``docs/`` folder a pip user does not have."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.cli.commands.docs import docs_dir, pages

ROOT = Path(__file__).resolve().parents[1]


def test_listing_names_every_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs"]) == 0
    out = capsys.readouterr().out
    stems = sorted(p.stem for p in (ROOT / "docs").rglob("*.md") if p != ROOT / "docs/README.md")
    assert sorted(pages()) == stems
    for stem in stems:
        assert f"  {stem} " in out, stem
    assert "Scenario format reference" in out


@pytest.mark.parametrize("name", ["format", "scenario-format"])
def test_a_page_prints_as_its_source(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", name]) == 0
    assert capsys.readouterr().out == (ROOT / "docs/reference/scenario-format.md").read_text()


def test_an_unknown_page_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert "no documentation page 'nonsense'" in err and "tutorial" in err


def test_an_installed_package_reads_its_own_copy(tmp_path: Path) -> None:
    """The wheel layout (``sim/docs`` beside the code, as pyproject's force-include puts it)."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "sim", site / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs", site / "sim" / "docs")
    (site / "sim/docs/tutorial.md").write_text("# Tutorial\n\ninstalled copy\n")
    code = ("from sim.cli.commands.docs import docs_dir, pages; print(docs_dir()); "
            "print(pages()['tutorial'].read_text())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)},
                          check=True, timeout=120)
    assert done.stdout.splitlines()[0] == str(site / "sim" / "docs")
    assert "installed copy" in done.stdout
    assert '"docs" = "sim/docs"' in (ROOT / "pyproject.toml").read_text()


def test_checkout_reads_the_docs_folder() -> None:
    assert docs_dir() == ROOT / "docs"


def test_help_and_starter_point_to_commands_not_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert main(["new", str(tmp_path / "week.yaml")]) == 0
    printed = capsys.readouterr().out
    starter = (tmp_path / "week.yaml").read_text()
    for text in (printed, starter):
        assert "docs/" not in text
        assert "tabletop docs" in text


def test_make_demo_says_how_to_call_the_command() -> None:
    make = shutil.which("make")
    assert make, "make is needed: the README's two commands are make targets"
    done = subprocess.run([make, "-n", "demo"], capture_output=True, text=True, cwd=ROOT,
                          check=True, timeout=120)
    assert ". .venv/bin/activate" in done.stdout
    assert ".venv/bin/tabletop --help" in done.stdout
