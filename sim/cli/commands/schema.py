"""``tabletop schema``: the JSON Schema of the scenario format, for editors."""

from __future__ import annotations

import argparse
import json

from sim.cli.errors import EXIT_OK
from sim.scenario.schema import json_schema


def main(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK
