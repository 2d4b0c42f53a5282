"""Bad input to ``tabletop validate``, run as a real process: every case exits 2, names the
file in its problems on stderr, prints no traceback and writes nothing.

How fast these answers come is measured by ``benchmarks/validate_speed.py`` (which reuses
``CASES``); here a generous timeout only catches a hang."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

HANG_S = 120  # only a hang reaches this; speed is the benchmark's business


def _bomb() -> bytes:
    """The "billion laughs": nine levels of nine aliases each (9**9 values if expanded)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def _junk() -> bytes:
    data = bytearray(random.Random(7).randbytes(4096))
    data[100] = 0
    return bytes(data)


WRONG_TYPES = b"""\
format: tabletop/1
name: [1, 2]
days: three
seed: 1.5
calendar: 5
dispatch: 7
groups: {a: 1}
resources: none
phases: 3
injects: true
"""

CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "empty": ("empty.yaml", lambda: b""),
    "binary-junk": ("junk.yaml", _junk),
    "latin-1": (
        "latin.yaml",
        lambda: "format: tabletop/1\nname: Caf\u00e9 r\u00e9sum\u00e9\n".encode("latin-1"),
    ),
    "alias-bomb": ("bomb.yaml", _bomb),
    "deep-lists": ("deep.yaml", lambda: b"[" * 10_000 + b"]" * 10_000),
    "deep-lists-unclosed": ("deep-open.yaml", lambda: b"[" * 10_000),
    "deep-maps": ("deep-maps.yaml", lambda: b"a: {" * 10_000 + b"}" * 10_000),
    "deep-json": ("deep.json", lambda: b'{"a": ' * 10_000 + b"}" * 10_000),
    "deep-toml": ("deep.toml", lambda: b"a = " + b"[" * 10_000 + b"]" * 10_000),
    "wrong-types": ("types.yaml", lambda: WRONG_TYPES),
    "huge-number": ("number.json", lambda: b'{"days": 1' + b"0" * 5000 + b"}"),
}


def validate(target: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``tabletop validate target`` as its own process."""
    return subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(target)],
        capture_output=True,
        text=True,
        timeout=HANG_S,
        cwd=cwd,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def listing(folder: Path) -> list[tuple[str, int]]:
    return sorted(
        (str(p.relative_to(folder)), p.stat().st_size if p.is_file() else -1)
        for p in folder.rglob("*")
    )


def assert_clean_failure(done: subprocess.CompletedProcess[str], target: Path) -> list[str]:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "internal error" not in done.stderr
    assert done.stdout == ""
    problems = [line for line in done.stderr.splitlines() if "error[" in line]
    assert problems
    for line in problems:
        assert line.startswith(f"{target}:"), line
    assert done.stderr.splitlines()[-1].startswith(f"{target}: ")
    return problems


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file(tmp_path: Path, case: str) -> None:
    name, make = CASES[case]
    target = tmp_path / name
    target.write_bytes(make())
    before = listing(tmp_path)
    done = validate(target, tmp_path)
    problems = assert_clean_failure(done, target)
    assert listing(tmp_path) == before
    if case == "wrong-types":  # every wrong key is reported, not just the first
        for key in (
            "name",
            "days",
            "seed",
            "calendar",
            "dispatch",
            "groups",
            "resources",
            "phases",
            "injects",
        ):
            assert any(f" {key}" in line for line in problems), key


def test_fifty_megabyte_file(tmp_path: Path) -> None:
    target = tmp_path / "huge.yaml"
    target.write_bytes(b"# padding line of a very large file\n" * (50 * 1024 * 1024 // 36))
    assert target.stat().st_size >= 49 * 1024 * 1024
    before = listing(tmp_path)
    done = validate(target, tmp_path)
    (problem,) = assert_clean_failure(done, target)
    assert "file-too-large" in problem
    assert listing(tmp_path) == before


def test_directory(tmp_path: Path) -> None:
    target = tmp_path / "folder.yaml"
    target.mkdir()
    before = listing(tmp_path)
    done = validate(target, tmp_path)
    (problem,) = assert_clean_failure(done, target)
    assert "file-not-readable" in problem
    assert listing(tmp_path) == before


def test_missing_file(tmp_path: Path) -> None:
    target = tmp_path / "nowhere.yaml"
    done = validate(target, tmp_path)
    (problem,) = assert_clean_failure(done, target)
    assert "file-not-found" in problem
    assert listing(tmp_path) == []
