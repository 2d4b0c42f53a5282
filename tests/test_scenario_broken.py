"""The corpus of broken scenario files in ``tests/broken/``.

Each file starts with header comments naming the problems it must produce::

    # expect: unknown-reference line 14 hint: did you mean 'blue'?
    # expect: dependency-cycle line 9 message: a -> b -> a
    # A one-line description of what is wrong.

(``message:`` and ``hint:`` are optional substrings of the problem's message and
hint.) JSON has no comments, and an empty file cannot hold one, so those take a
sidecar ``<name>.expect`` with the same lines. In YAML and TOML files a trailing
``# <- the problem`` comment marks the line as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import sim
from sim.scenario.errors import Problem, format_path

BROKEN = Path(__file__).resolve().parent / "broken"
FILES = sorted(p for p in BROKEN.iterdir() if p.suffix != ".expect")
_EXPECT = re.compile(
    r"^# expect: (?P<code>[a-z0-9-]+) line (?P<line>\d+)"
    r"(?: message: (?P<message>.*?))?(?: hint: (?P<hint>.*))?$"
)


@dataclass(frozen=True)
class Expect:
    code: str
    line: int
    message: str | None
    hint: str | None

    def matches(self, problem: Problem) -> bool:
        return (
            problem.code == self.code
            and problem.line == self.line
            and (self.message is None or self.message in problem.message)
            and (self.hint is None or self.hint in (problem.hint or ""))
        )


def expectations(path: Path) -> list[Expect]:
    sidecar = path.with_name(path.name + ".expect")
    data = sidecar.read_bytes() if sidecar.exists() else path.read_bytes()
    found = []
    for line in data.decode("utf-8", "replace").splitlines():
        if not line.startswith("#"):
            break
        match = _EXPECT.match(line)
        if match:
            found.append(Expect(match["code"], int(match["line"]), match["message"], match["hint"]))
    return found


def load_problems(path: Path) -> list[Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        sim.load_scenario(path)
    return list(info.value.problems)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_broken_file_reports_expected_problem(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no `# expect:` header"
    problems = load_problems(path)
    shown = "\n".join(p.format() for p in problems)
    for want in expected:
        assert any(want.matches(p) for p in problems), f"{want} not in:\n{shown}"
    assert any(p.severity == "error" for p in problems)
    for problem in problems:
        assert problem.file == str(path)
        assert problem.line >= 1
        assert problem.column >= 1
        assert isinstance(problem.path, tuple)
        assert format_path(problem.path)
        assert problem.message.strip()
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", problem.code)
        assert problem.severity in ("error", "warning")
        assert "{{" not in problem.message  # no template escapes leak into messages
        assert problem.format().startswith(f"{path}:{problem.line}:{problem.column}: ")


def test_many_problems_are_all_reported_in_file_order() -> None:
    path = BROKEN / "many-problems.yaml"
    problems = load_problems(path)
    got = [(p.code, p.line) for p in problems]
    assert got == [(e.code, e.line) for e in expectations(path)]
    assert got == sorted(got, key=lambda item: item[1])
    codes = {code for code, _ in got}
    assert {"unknown-key", "wrong-type", "bad-value"} <= codes  # the keys and types
    assert {"unknown-reference", "dependency-cycle"} <= codes  # the meaning


def test_markers_agree_with_headers() -> None:
    """The ``# <-`` markers in YAML/TOML files sit on the lines the headers name."""
    checked = 0
    for path in FILES:
        if path.suffix not in (".yaml", ".toml"):
            continue
        lines = path.read_bytes().decode("utf-8", "replace").splitlines()
        marked = [n for n, text in enumerate(lines, start=1) if re.search(r"# <- ", text)]
        if marked:
            assert marked == sorted({e.line for e in expectations(path)}), path.name
            checked += 1
    assert checked >= 30


REQUIRED_CODES = {
    "duplicate-id",
    "unknown-reference",
    "dependency-cycle",
    "needs-above-capacity",
    "too-many-teams",
    "never-fits",
    "rest-day-outside",
    "every-day-outside",
    "bad-range",
    "time-outside",
    "bad-distribution",
    "bad-weights",
    "out-of-range",
    "unknown-key",
    "missing-key",
    "wrong-type",
    "bad-value",
    "bad-duration",
    "bad-time",
    "bad-calendar",
    "unknown-format",
    "not-a-scenario",
    "empty-file",
    "yaml-syntax",
    "toml-syntax",
    "json-syntax",
    "duplicate-key",
    "yaml-unsupported",
    "amount-above-capacity",
}


def test_corpus_is_large_and_covers_every_required_code() -> None:
    assert len(FILES) >= 35
    suffixes = [p.suffix for p in FILES]
    assert suffixes.count(".toml") >= 3
    assert suffixes.count(".json") >= 3
    assert suffixes.count(".yaml") > len(FILES) // 2
    covered = {e.code for p in FILES for e in expectations(p)}
    assert covered >= REQUIRED_CODES, REQUIRED_CODES - covered
    hinted = [
        e
        for p in FILES
        for e in expectations(p)
        if e.code in ("unknown-reference", "unknown-key") and e.hint
    ]
    assert len(hinted) >= 8  # did-you-mean hints on references and keys
