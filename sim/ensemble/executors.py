"""Where replications run: in this process, a local process pool, or a Dask cluster.

Every executor hands back chunks in submission order, so statistics are folded
in replication order and come out identical whatever runs them.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from sim.ensemble.chunks import run_chunk
from sim.ensemble.layout import Layout
from sim.ensemble.records import Packed
from sim.scenario.model import Scenario

Chunk = tuple[int, int]
Outcome = tuple[Chunk, Packed | None]  # None: these replications are missing


class ExecutorError(Exception):
    """An executor that cannot be used (bad address, cluster unreachable...)."""


class Executor(Protocol):
    name: str
    workers: int

    def map_chunks(self, scenario: Scenario, seed: int, chunks: Sequence[Chunk],
                   keep: int, *, engine: str = "event",
                   indexed: int = 0) -> Iterator[Outcome]: ...


class LocalExecutor:
    """``jobs == 1``: in this process. Otherwise a pool of worker processes."""

    def __init__(self, jobs: int = 1, retries: int = 1) -> None:
        if jobs < 1:
            raise ExecutorError("--jobs must be at least 1")
        self.workers = jobs
        self.retries = retries
        self.name = "local" if jobs == 1 else "process-pool"

    def map_chunks(self, scenario: Scenario, seed: int, chunks: Sequence[Chunk],
                   keep: int, *, engine: str = "event",
                   indexed: int = 0) -> Iterator[Outcome]:
        if self.workers == 1:
            layout = Layout.of(scenario)
            for start, stop in chunks:
                yield (start, stop), run_chunk(scenario, seed, start, stop, keep, layout,
                                               engine, indexed)
            return
        yield from self._pool(scenario, seed, chunks, keep, engine, indexed)

    def _pool(self, scenario: Scenario, seed: int, chunks: Sequence[Chunk],
              keep: int, engine: str = "event", indexed: int = 0) -> Iterator[Outcome]:
        """Chunks in order, at most ``4 * workers`` in flight.

        When a worker dies, the pool is replaced and the chunks that were in flight
        run again one at a time, so the one that kills workers is found and reported
        missing (after ``retries`` tries) while the others complete.
        """
        todo = deque(chunks)
        tries = dict.fromkeys(chunks, 0)
        careful = 0  # chunks left to run one at a time after a crash
        def new_pool() -> ProcessPoolExecutor:  # each worker gets the scenario once
            return ProcessPoolExecutor(self.workers, initializer=_take_scenario,
                                       initargs=(scenario,))

        pool = new_pool()
        running: deque[tuple[Chunk, Future[Packed]]] = deque()
        try:
            while todo or running:
                window = 1 if careful else 4 * self.workers
                while todo and len(running) < window:
                    c = todo.popleft()
                    running.append((c, pool.submit(_worker_chunk, seed, c[0], c[1], keep,
                                                              engine, indexed)))
                chunk, future = running.popleft()
                try:
                    records = future.result()
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
                    again = [chunk] + [c for c, _f in running]
                    running.clear()
                    tries[chunk] += 1
                    if tries[chunk] > self.retries:
                        again.remove(chunk)
                        yield chunk, None
                    careful = len(again)
                    todo.extendleft(reversed(again))
                    continue
                careful = max(0, careful - 1)
                yield chunk, records
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# the scenario of this worker process, and its layout (set once, by the pool's initializer)
_worker: tuple[Scenario, Layout] | None = None


def _take_scenario(scenario: Scenario) -> None:
    global _worker
    _worker = (scenario, Layout.of(scenario))


def _worker_chunk(seed: int, start: int, stop: int, keep: int, engine: str = "event",
                  indexed: int = 0) -> Packed:
    """:func:`run_chunk` in a pool worker, on the scenario it was given when it started."""
    assert _worker is not None, "a pool worker runs chunks only after _take_scenario"
    scenario, layout = _worker
    return run_chunk(scenario, seed, start, stop, keep, layout, engine, indexed)


class DaskExecutor:
    """Replications on an existing Dask distributed cluster (``tabletop-sim[cluster]``).

    Every worker needs tabletop installed (the same version) so it can import
    :func:`sim.ensemble.chunks.run_chunk`.
    """

    def __init__(self, address: str, *, timeout: float = 10.0, retries: int = 2) -> None:
        try:  # distributed is heavy and optional (the `cluster` extra): loaded only when used
            from distributed import Client
        except ImportError:
            raise ExecutorError("the Dask executor needs the `distributed` package: "
                                "pip install 'tabletop-sim[cluster]'") from None
        try:
            client: Any = Client(  # type: ignore[no-untyped-call]
                address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            _quietly_collect()  # the half-made client complains as it is collected
            raise ExecutorError(f"cannot reach a Dask scheduler at {address}: {exc}") from None
        self.client = client
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            client.close()
            raise ExecutorError(f"the Dask scheduler at {address} has no workers "
                                f"(waited {timeout:g} s): start some with "
                                f"`dask worker {address}`") from exc
        info = self.client.scheduler_info()
        self.workers = max(1, sum(int(w.get("nthreads", 1))
                                  for w in info.get("workers", {}).values()))
        self.retries = retries
        self.name = f"dask {address}"

    def map_chunks(self, scenario: Scenario, seed: int, chunks: Sequence[Chunk],
                   keep: int, *, engine: str = "event",
                   indexed: int = 0) -> Iterator[Outcome]:
        scattered = self.client.scatter(scenario, broadcast=True)
        window = 4 * self.workers
        todo = deque(chunks)
        running: deque[tuple[Chunk, Any]] = deque()
        while todo or running:
            while todo and len(running) < window:
                c = todo.popleft()
                running.append((c, self.client.submit(
                    run_chunk, scattered, seed, c[0], c[1], keep, None, engine, indexed,
                    retries=self.retries, pure=False)))
            chunk, future = running.popleft()
            try:
                yield chunk, future.result()
            except Exception:  # the task failed on every try (e.g. its workers died)
                yield chunk, None

    def close(self) -> None:
        self.client.close()


def default_jobs() -> int:
    """Worker processes to use when asked for ``--jobs 0`` (all cores)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def _quietly_collect() -> None:
    """Collect garbage with stderr silenced (distributed prints from ``Client.__del__``)."""
    with contextlib.redirect_stderr(io.StringIO()):
        gc.collect()
