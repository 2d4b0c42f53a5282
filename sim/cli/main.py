"""``tabletop``: parse the command line, run the subcommand, map errors to exit statuses.

The library raises; only this module decides what a user sees and which status the
process ends with: 2 for bad input of any kind (the message names where), 130 for
Ctrl-C, 1 for a bug (one line, the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from sim.cli.errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    report_problems,
)
from sim.cli.parser import build_parser
from sim.core.errors import TabletopError
from sim.scenario.errors import ScenarioError


def one_blas_thread() -> None:
    """One OpenBLAS thread unless the environment says otherwise, set before a command
    loads numpy: tabletop does no linear algebra and runs in parallel with worker
    processes (``-j``), so the pool of a thread per core that numpy's OpenBLAS starts
    only costs CPU time (about 0.05-0.1 s a process, each worker included)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def run_command(args: argparse.Namespace, own_process: bool = False) -> int:
    """Run the subcommand ``args`` names. Its module loads now, not at start-up: that is
    what keeps ``tabletop validate`` free of SimPy, numpy and matplotlib. In a process of
    its own (:func:`console`), what the imports made is then left out of every collection
    of the garbage collector: modules, classes and functions live until the end anyway."""
    module = importlib.import_module(f"sim.cli.commands.{args.module}")
    if own_process:
        gc.freeze()
    status: int = module.main(args)
    return status


def console() -> int:
    """The ``tabletop`` console script: :func:`main` on the command line, in a process
    that ends when it returns.

    The collector leaves out what start-up made once the command's module is loaded,
    and everything once the command is done: the interpreter's last collections walk
    every object left, for nothing, as the process ends (about 0.1-0.2 s of ``tabletop
    mc``, a tenth of its fixed cost). Frozen objects are never collected, which is why
    a caller that goes on afterwards (tests, notebooks) calls :func:`main` instead.
    """
    try:
        return main(own_process=True)
    finally:
        gc.freeze()


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> int:
    one_blas_thread()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "module", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return run_command(args, own_process)
    except ScenarioError as exc:
        report_problems(exc.problems)
        print(f"tabletop: {exc.file}: not a valid scenario (see the problems above)",
              file=sys.stderr)
        return EXIT_INPUT
    except TabletopError as exc:
        print(f"tabletop: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("tabletop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `tabletop run | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, traceback only on request
        if args.debug or os.environ.get("TABLETOP_DEBUG"):
            raise
        print(f"tabletop: internal error: {type(exc).__name__}: {exc}\n"
              "  (run with --debug for the traceback, and please report it)", file=sys.stderr)
        return EXIT_INTERNAL
