"""``tabletop docs``: the documentation pages, shipped with the package, in the terminal.

A user who installed with pip has no ``docs/`` folder; the pages travel inside the
wheel (``sim/docs``) and this command prints them, so help text can point here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from sim.cli.errors import EXIT_OK, UsageError

# Short names for the pages people look for most; every page is also found by its stem.
ALIASES = {"format": "scenario-format", "scenario": "scenario-format", "commands": "cli"}


def docs_dir() -> Path:
    """``sim/docs`` in an installed wheel, ``docs/`` in a source checkout."""
    package = Path(__file__).resolve().parents[2]  # sim/
    packaged = package / "docs"
    return packaged if packaged.is_dir() else package.parent / "docs"


def pages() -> dict[str, Path]:
    """Page name (file stem) -> file, for every Markdown page but the index."""
    root = docs_dir()
    index = root / "README.md"
    return dict(sorted((p.stem, p) for p in root.rglob("*.md") if p != index))


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def _listing() -> str:
    lines = ["Pages (tabletop docs PAGE prints one; `format` is the scenario format):"]
    for name, path in pages().items():
        section = path.parent.name if path.parent != docs_dir() else ""
        lines.append(f"  {name:<24} {_title(path)}" + (f"  [{section}]" if section else ""))
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    if args.page is None:
        print(_listing())
        return EXIT_OK
    name = ALIASES.get(args.page, args.page)
    found = pages()
    if name not in found:
        raise UsageError(f"no documentation page {args.page!r}; `tabletop docs` lists them: "
                         + ", ".join(found))
    text = found[name].read_text(encoding="utf-8")
    if sys.stdout.isatty() and not args.raw:
        Console().print(Markdown(text))
    else:
        sys.stdout.write(text)
    return EXIT_OK
