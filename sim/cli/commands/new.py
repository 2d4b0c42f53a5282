"""``tabletop new``: a commented starter scenario, never over an existing file."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.errors import EXIT_OK
from sim.core.files import write_file_new
from sim.scenario.bundled import starter_text


def main(args: argparse.Namespace) -> int:
    path = Path(args.path)
    write_file_new(path, starter_text())
    print(f"wrote {path}; check it with: tabletop validate {path}\n"
          "the format, key by key: tabletop docs format")
    return EXIT_OK
