"""What ``mc``, ``compare`` and ``sweep`` share: checks of ``-n`` and ``--jobs``, and the
executor."""

from __future__ import annotations

import argparse

from sim.cli.errors import UsageError
from sim.ensemble.executors import (
    DaskExecutor,
    Executor,
    ExecutorError,
    LocalExecutor,
    default_jobs,
)


def check_n(n: int) -> None:
    if n < 1:
        raise UsageError(f"-n must be at least 1 (got {n})")


def jobs_value(jobs: int) -> int:
    """``--jobs``: 0 means every core; negative is refused."""
    if jobs < 0:
        raise UsageError(f"--jobs must be 0 (all cores) or more (got {jobs})")
    return jobs if jobs > 0 else default_jobs()


def executor_of(args: argparse.Namespace) -> Executor:
    """The executor ``--executor``, ``--address`` and ``--jobs`` ask for."""
    try:
        if args.executor == "dask":
            if not args.address:
                raise UsageError("--executor dask needs --address tcp://HOST:PORT")
            return DaskExecutor(args.address, timeout=args.connect_timeout)
        if args.address:
            raise UsageError("--address is for --executor dask")
        return LocalExecutor(jobs_value(args.jobs))
    except ExecutorError as exc:
        raise UsageError(str(exc)) from None
