"""The repository is whole on its own: a copy of it with nothing beside it (no ``../shared``)
collects the same tests and its data-reading tests pass.

The copy holds the files a clone would hold (``git ls-files``: tracked and new, not
ignored), as they are in the working tree, so a test that reaches for a file beside the
repository, or for one left out of git, fails here in CI and not for the next newcomer.
The copy's ``sim`` is imported (``PYTHONPATH``), not the installed one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HANG_S = 300  # a hang, not a slow machine
DATA_TESTS = ["tests/test_psplib.py"]  # the tests that read files of tests/data


def _clone(dest: Path) -> None:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.fail("this check needs git and a git checkout of tabletop", pytrace=False)
    listed = subprocess.run(
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True, timeout=HANG_S,
    ).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():  # a file deleted in the working tree is not in a clone either
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TABLETOP_")}
    env.update(PYTHONPATH=str(cwd), PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG_S, check=False,
    )


def _collected(done: subprocess.CompletedProcess[str]) -> int:
    found = re.search(r"(\d+) tests? collected", done.stdout)
    assert done.returncode == 0 and found, done.stdout[-3000:] + done.stderr[-3000:]
    assert "error" not in done.stdout.splitlines()[-1].lower(), done.stdout[-3000:]
    return int(found[1])


def test_a_copy_with_nothing_beside_it_collects_every_test_and_reads_its_data(
    tmp_path: Path,
) -> None:
    clone = tmp_path / "p"
    _clone(clone)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]  # nothing beside it
    here = _collected(_pytest(ROOT, "--collect-only", "-q"))
    there = _collected(_pytest(clone, "--collect-only", "-q"))
    assert there == here, "a test depends on a file outside git or beside the repository"
    ran = _pytest(clone, "-q", *DATA_TESTS)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert re.search(r"\d+ passed", ran.stdout) and "skipped" not in ran.stdout
