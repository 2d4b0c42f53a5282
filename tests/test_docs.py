"""Every example in docs/ runs and shows what it really prints; the CLI reference matches --help.

What is checked, per Markdown file under ``docs/`` (in document order, in a fresh
temporary directory holding a copy of the repository's ``scenarios/`` folder):

- ```` ```console ```` blocks: each line starting with ``$ `` is a command (a trailing
  ``\\`` continues it on the next line; a trailing ``> FILE`` sends its output to a
  file). ``tabletop ...`` runs as ``python -m sim ...``; ``ls``, ``cat``, ``head`` and
  ``wc`` run as they are; any other command makes the test fail unless the block is
  marked not-run. Every command must exit with status 0, or with N when
  ``<!-- expect-exit: N -->`` precedes the block. The lines after a command, up to
  the next one, are its output as shown: when there are any, they must equal what
  the command prints (standard output and standard error, in the order a terminal
  shows them; trailing spaces ignored); a line ``...`` stands for any number of
  lines.
- ```` ```python ```` blocks run in order in one namespace per file, with that
  directory as the working directory. A ```` ```text ```` block right after one
  (nothing but blank lines between) is its printed output, compared the same way.
- ```` ```yaml ````, ```` ```toml ```` and ```` ```json ```` blocks holding a whole
  scenario (their first line, comments aside, sets ``format``) must load without
  errors (warnings are allowed).
- ``<!-- file: NAME -->`` before a block writes its text to ``NAME`` first, so later
  commands can use it (a scenario block is still checked).
- ``<!-- expect-problems: code, code -->`` before a scenario block: it must fail to
  load with exactly these problem codes (a deliberately broken example).
- ``<!-- not-run: reason -->`` before a block skips it (kept for the few that need a
  cluster or another machine).
- ``<!-- help: COMMAND -->`` before a ```` ```text ```` block: the block must equal the
  output of ``tabletop COMMAND --help`` at 80 columns (``COMMAND`` may be ``tabletop``
  for the top-level help). After changing the command line, rewrite those blocks
  with ``python tests/test_docs.py --fix-help``.

A failure names the file and line of the block and shows the difference. Each file
runs in a process of its own, a few side by side, to keep the whole under a minute.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCENARIOS = ROOT / "scenarios"
DOC_FILES = sorted(DOCS.rglob("*.md"))
PLAIN_COMMANDS = {"ls", "cat", "head", "wc"}
HELP_COLUMNS = "80"
MAX_NOT_RUN = 12

FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w+-]*)\s*$")
ANNOTATION = re.compile(r"^\s*<!--\s*(?P<key>[a-z-]+)\s*:\s*(?P<value>.*?)\s*-->\s*$")
SCENARIO_START = {
    "yaml": re.compile(r"^format:\s*['\"]?tabletop/1"),
    "toml": re.compile(r"^format\s*=\s*['\"]tabletop/1"),
    "json": re.compile(r"^\{\s*\"format\"\s*:\s*\"tabletop/1\""),
}
SUFFIX = {"yaml": ".yaml", "toml": ".toml", "json": ".json"}


@dataclass
class Block:
    file: Path
    line: int  # of the opening fence, counting from 1
    lang: str
    text: str
    notes: dict[str, str] = field(default_factory=dict)
    size: int = 0  # number of lines between the fences
    follows_block: bool = False  # only blank lines since the previous block

    @property
    def where(self) -> str:
        return f"{self.file.relative_to(ROOT)}:{self.line}"


def blocks_of(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, with the annotations just before each."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    notes: dict[str, str] = {}
    adjacent = False
    i = 0
    while i < len(lines):
        line = lines[i]
        note = ANNOTATION.match(line)
        fence = FENCE.match(line)
        if note:
            notes[note["key"]] = note["value"]
            adjacent = False
        elif fence:
            indent, start = len(fence["indent"]), i
            body: list[str] = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i][indent:] if lines[i][:indent].isspace() else lines[i])
                i += 1
            found.append(
                Block(
                    path,
                    start + 1,
                    fence["lang"],
                    "\n".join(body) + "\n",
                    notes,
                    len(body),
                    adjacent,
                )
            )
            notes = {}
            adjacent = True
        elif line.strip():
            notes = {}
            adjacent = False
        i += 1
    return found


def compare_output(shown: Sequence[str], actual: str, what: str) -> None:
    """``shown`` (``...`` lines match any lines) must equal ``actual``, trailing spaces aside."""
    expected = [line.rstrip() for line in shown]
    while expected and not expected[-1]:
        expected.pop()
    got = [line.rstrip() for line in actual.splitlines()]
    while got and not got[-1]:
        got.pop()
    if _matches(expected, got):
        return
    diff = "\n".join(
        difflib.unified_diff(expected, got, "shown in the docs", "printed", lineterm="")
    )
    pytest.fail(f"{what}: the output shown is not what it prints\n{diff}")


def _matches(expected: Sequence[str], got: Sequence[str]) -> bool:
    if not expected:
        return not got
    if expected[0] == "...":
        return any(_matches(expected[1:], got[k:]) for k in range(len(got) + 1))
    return bool(got) and expected[0] == got[0] and _matches(expected[1:], got[1:])


# ---------------------------------------------------------------- console blocks


def commands_of(block: Block) -> list[tuple[str, list[str]]]:
    """The ``$ `` commands of a console block (continuation lines joined), each with the
    output lines shown after it."""
    commands: list[tuple[str, list[str]]] = []
    lines = block.text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            commands.append((command, []))
        elif commands:
            commands[-1][1].append(line)
        i += 1
    return commands


def run_command(command: str, shown: list[str], cwd: Path, block: Block) -> None:
    words = shlex.split(command)
    target: str | None = None
    if len(words) >= 2 and words[-2] == ">":
        words, target = words[:-2], words[-1]
    if any(w in (">", ">>", "|", "&&", ";", "<") for w in words):
        pytest.fail(f"{block.where}: `{command}`: only a trailing `> FILE` is supported")
    if words[0] == "tabletop":
        argv = [sys.executable, "-m", "sim", *words[1:]]
    elif words[0] in PLAIN_COMMANDS:
        argv = words
    else:
        pytest.fail(
            f"{block.where}: `{command}` is not a tabletop command; mark the block "
            "`<!-- not-run: reason -->` if it cannot run here"
        )
    env = dict(os.environ, COLUMNS=HELP_COLUMNS, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.pop("TABLETOP_DEBUG", None)
    # one pipe for both streams (unbuffered), so output comes in the order a terminal shows
    done = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if target else subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    expected = int(block.notes.get("expect-exit", "0"))
    if done.returncode != expected:
        pytest.fail(
            f"{block.where}: `{command}` exited with status {done.returncode}, "
            f"expected {expected}\n--- output\n{done.stdout}{done.stderr or ''}"
        )
    if target is not None:
        (cwd / target).write_text(done.stdout, encoding="utf-8")
        printed = done.stderr
    else:
        printed = done.stdout
    if any(line.strip() for line in shown):
        compare_output(shown, printed, f"{block.where}: `{command}`")


# ---------------------------------------------------------------- scenario and python blocks


def is_scenario(block: Block) -> bool:
    pattern = SCENARIO_START.get(block.lang)
    if pattern is None:
        return False
    lines = [ln for ln in block.text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(lines) and bool(
        pattern.match(" ".join(lines[:2]) if block.lang == "json" else lines[0])
    )


def load_block(block: Block) -> None:
    from sim.scenario.loader import load_source
    from sim.scenario.source import parse_text

    load_source(parse_text(block.text, block.where, suffix=SUFFIX.get(block.lang, ".yaml")))


def check_scenario(block: Block) -> None:
    from sim.scenario import ScenarioError

    try:
        load_block(block)
    except ScenarioError as exc:
        problems = "\n".join(p.format() for p in exc.problems)
        pytest.fail(f"{block.where}: the scenario does not load:\n{problems}")


def check_problems(block: Block) -> None:
    """A deliberately broken scenario: exactly the problem codes announced."""
    from sim.scenario import ScenarioError

    expected = sorted(c.strip() for c in block.notes["expect-problems"].split(","))
    try:
        load_block(block)
    except ScenarioError as exc:
        found = sorted(p.code for p in exc.problems)
        assert found == expected, f"{block.where}: expected problems {expected}, found {found}"
        return
    pytest.fail(f"{block.where}: expected problems {expected}, but the scenario loads")


def run_python(block: Block, namespace: dict[str, object]) -> str:
    """Run a Python block; what it printed."""
    code = compile(block.text, f"{block.where} (python block)", "exec")
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)
    except Exception as exc:
        raise AssertionError(
            f"{block.where}: the Python block raised "
            f"{type(exc).__name__}: {exc}\n--- printed\n{out.getvalue()}"
        ) from exc
    return out.getvalue()


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_doc(path: Path, workdir: Path) -> int:
    """Run every example of one file in ``workdir``; the number of blocks checked."""
    shutil.copytree(SCENARIOS, workdir / "scenarios")
    namespace: dict[str, object] = {"__name__": "__docs__"}
    count = 0
    printed: str | None = None  # output of the python block just before
    for block in blocks_of(path):
        if "not-run" in block.notes:
            printed = None
            continue
        if "file" in block.notes:
            (workdir / block.notes["file"]).write_text(block.text, encoding="utf-8")
        if block.lang == "text" and block.follows_block and printed is not None:
            compare_output(
                block.text.splitlines(), printed, f"{block.where}: output of the Python block above"
            )
            count += 1
        printed = None
        if block.lang == "console":
            commands = commands_of(block)
            for command, shown in commands:
                run_command(command, shown, workdir, block)
            count += bool(commands)
        elif block.lang == "python":
            with working_directory(workdir):
                printed = run_python(block, namespace)
            count += 1
        elif "expect-problems" in block.notes:
            check_problems(block)
            count += 1
        elif is_scenario(block):
            check_scenario(block)
            count += 1
    return count


# ---------------------------------------------------------------- --help blocks


def help_text(command: str) -> str:
    """``tabletop COMMAND --help`` at a fixed width, run in this process."""
    from sim.cli import main

    argv = ["--help"] if command == "tabletop" else [*command.split(), "--help"]
    out = io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_COLUMNS
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main(argv)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    return out.getvalue()


def help_blocks() -> list[Block]:
    return [b for path in DOC_FILES for b in blocks_of(path) if "help" in b.notes]


def fix_help() -> None:
    """Rewrite every ``<!-- help: ... -->`` block with the current ``--help`` text."""
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        for block in reversed([b for b in blocks_of(path) if "help" in b.notes]):
            start = block.line  # index of the first line inside the fences
            lines[start : start + block.size] = help_text(block.notes["help"]).splitlines(
                keepends=True
            )
        new = "".join(lines)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.relative_to(ROOT)}")


# ---------------------------------------------------------------- tests


def run_doc_in_child(path: Path, workdir: Path) -> dict[str, Any]:
    """Run one file's examples in a process of its own (so files can run side by side)."""
    done = subprocess.run(
        [sys.executable, __file__, "--run-doc", str(path), str(workdir)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:
        return dict(json.loads(done.stdout.splitlines()[-1]))
    except (IndexError, ValueError):
        return {
            "ok": False,
            "message": f"the runner for {path} broke:\n{done.stdout}{done.stderr}",
            "count": 0,
        }


@pytest.fixture(scope="session")
def doc_results(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[Path, dict[str, Any]]:
    """The outcome of every selected doc file, run a few files at a time."""
    selected = {
        callspec.params.get("path")
        for item in request.session.items
        if (callspec := getattr(item, "callspec", None)) is not None
    }
    wanted = [p for p in DOC_FILES if p in selected]
    root = tmp_path_factory.mktemp("docs")
    jobs = {p: root / str(p.relative_to(DOCS)).replace("/", "_") for p in wanted}
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:  # the work happens in child processes
        futures = {p: pool.submit(run_doc_in_child, p, d) for p, d in jobs.items()}
        return {p: f.result() for p, f in futures.items()}


@pytest.mark.parametrize("path", DOC_FILES, ids=[str(p.relative_to(DOCS)) for p in DOC_FILES])
def test_examples_run(path: Path, doc_results: dict[Path, dict[str, Any]]) -> None:
    outcome = doc_results[path]
    if not outcome["ok"]:
        pytest.fail(outcome["message"], pytrace=False)


def test_help_blocks_match_the_command_line() -> None:
    blocks = help_blocks()
    assert blocks, "docs/reference/cli.md shows the --help of every command"
    for block in blocks:
        expected = help_text(block.notes["help"])
        assert block.text == expected, (
            f"{block.where}: `tabletop {block.notes['help']} --help` has changed; "
            "run `python tests/test_docs.py --fix-help`"
        )


def listed_commands(help_output: str) -> list[str]:
    """The sub-commands a ``--help`` lists under its positional arguments (argparse
    indents each choice by four spaces below the group's metavar)."""
    section = help_output.split("positional arguments:", 1)[-1].split("\n\n", 1)[0]
    return re.findall(r"^    (\w[\w-]*)", section, flags=re.M)


def test_every_command_has_its_help_in_the_reference() -> None:
    # read from the help itself (argparse has no public list of its sub-parsers)
    commands = set(listed_commands(help_text("tabletop")))
    assert {"run", "mc", "export", "msel"} <= commands
    for name in sorted(commands):  # and the sub-commands of a command: `export ics`
        commands |= {f"{name} {nested}" for nested in listed_commands(help_text(name))}
    assert {"export ics", "msel import"} <= commands
    shown = {b.notes["help"] for b in help_blocks()}
    assert commands | {"tabletop"} == shown


def test_few_blocks_are_not_run() -> None:
    skipped = [b for path in DOC_FILES for b in blocks_of(path) if "not-run" in b.notes]
    assert len(skipped) <= MAX_NOT_RUN, [b.where for b in skipped]
    assert all(b.notes["not-run"] for b in skipped), "say why a block is not run"


LINK = re.compile(r"(?<!!)\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def strip_code(text: str) -> str:
    return re.sub(r"^\s*```.*?^\s*```", "", text, flags=re.MULTILINE | re.DOTALL)


def anchors_of(path: Path) -> set[str]:
    text = strip_code(path.read_text(encoding="utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#+\s+(.*)$", text, re.MULTILINE)}


def test_links_between_docs_resolve() -> None:
    broken = []
    for path in DOC_FILES:
        for match in LINK.finditer(strip_code(path.read_text(encoding="utf-8"))):
            target = match["target"]
            if re.match(r"^[a-z]+:", target):
                continue  # https:, mailto:
            file, _, anchor = target.partition("#")
            dest = (path.parent / file).resolve() if file else path
            if not dest.exists():
                broken.append(f"{path.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and dest.suffix == ".md" and anchor not in anchors_of(dest):
                broken.append(f"{path.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_every_doc_is_linked_from_the_index() -> None:
    index = DOCS / "README.md"
    linked = {
        (DOCS / m["target"].partition("#")[0]).resolve()
        for m in LINK.finditer(index.read_text(encoding="utf-8"))
    }
    missing = [
        str(p.relative_to(DOCS)) for p in DOC_FILES if p != index and p.resolve() not in linked
    ]
    assert not missing, missing


def child_main(path: Path, workdir: Path) -> None:
    """``--run-doc``: run one file's examples; print one JSON line with the outcome."""
    import warnings

    warnings.simplefilter("error")  # as the test suite does: examples run without warnings
    workdir.mkdir(parents=True, exist_ok=True)
    outcome: dict[str, Any] = {"ok": True, "message": "", "count": 0}
    try:
        outcome["count"] = run_doc(path, workdir)
    except (Exception, pytest.fail.Exception) as exc:
        outcome = {"ok": False, "message": str(exc), "count": 0}
    sys.stdout.flush()
    print("\n" + json.dumps(outcome))


if __name__ == "__main__":
    if sys.argv[1:] == ["--fix-help"]:
        fix_help()
    elif len(sys.argv) == 4 and sys.argv[1] == "--run-doc":
        child_main(Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve())
    else:
        sys.exit("usage: python tests/test_docs.py --fix-help")
