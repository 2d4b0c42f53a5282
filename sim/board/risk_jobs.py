"""Risk at the table: a paired Monte Carlo comparison of baseline and variant in the
background, with progress and cancel.

Both variants run replication ``i`` from the same random streams (common random numbers,
:func:`sim.ensemble.compare.compare`), so the difference shown is the edit's, not noise
between two different sets of draws. The job runs in its own thread; the page polls its
progress. Cancelling takes effect at the next chunk of replications.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from sim.board.errors import BoardError
from sim.ensemble.compare import compare
from sim.ensemble.moments import Proportion
from sim.ensemble.result import CompareResult, EnsembleResult
from sim.scenario.model import Scenario

MIN_RUNS, MAX_RUNS = 2, 5000
JobState = Literal["running", "done", "cancelled", "failed"]
RUNNING_LIMIT = threading.BoundedSemaphore(2)  # the machine's cores, shared by all sessions


class Cancelled(Exception):
    """Raised from the progress callback to stop a comparison between chunks."""


def check_runs(value: Any) -> int:
    """The number of replications asked for, or a 400 naming the field."""
    if isinstance(value, bool) or not isinstance(value, int) or not (
            MIN_RUNS <= value <= MAX_RUNS):
        raise BoardError(f"replications: a whole number from {MIN_RUNS} to {MAX_RUNS}",
                         code="out-of-range", field="n")
    return value


@dataclass
class RiskJob:
    """One comparison of ``a`` (baseline) and ``b`` (variant), ``n`` replications each."""

    a: Scenario
    b: Scenario
    n: int
    seed: int
    label: str = ""
    state: JobState = "running"
    done: int = 0
    error: str = ""
    result: CompareResult | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> RiskJob:
        if not RUNNING_LIMIT.acquire(blocking=False):
            raise BoardError("two risk comparisons are already running; wait or cancel one",
                             code="busy", status=429)
        self.thread = threading.Thread(target=self._run, name="tabletop-risk", daemon=True)
        self.thread.start()
        return self

    def cancel(self) -> None:
        self.stop.set()

    def _progress(self, done: int, _total: int) -> None:
        self.done = done
        if self.stop.is_set():
            raise Cancelled

    def _run(self) -> None:
        try:
            self.result = compare(self.a, self.b, self.n, seed=self.seed,
                                  progress=self._progress)
            self.state = "cancelled" if self.stop.is_set() else "done"
        except Cancelled:
            self.state = "cancelled"
        except Exception as exc:  # the page shows it; the server keeps serving
            self.state, self.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            RUNNING_LIMIT.release()

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"state": self.state, "done": self.done, "total": self.n,
                                "label": self.label, "error": self.error}
        if self.result is not None and self.state == "done":
            data["result"] = risk_json(self.result)
        return data


def _interval(p: Proportion, on_time: bool = True) -> dict[str, Any]:
    """P and its Wilson interval; ``on_time=False`` turns a share late into one on time."""
    if not p.n:
        return {"p": None, "lo": None, "hi": None, "n": 0}
    lo, hi = p.ci()
    if not on_time:
        return {"p": 1.0 - p.p, "lo": 1.0 - hi, "hi": 1.0 - lo, "n": p.n}
    return {"p": p.p, "lo": lo, "hi": hi, "n": p.n}


def _side(res: EnsembleResult) -> dict[str, Any]:
    st = res.stats
    lo, hi = st.end.ci()
    return {"on_time": _interval(st.on_time), "end_mean_h": _num(st.end.mean),
            "end_ci_h": [_num(lo), _num(hi)],
            "phases": {pid: _interval(st.phase_p_late[i], on_time=False)
                       for i, pid in enumerate(st.layout.phases) if st.phase_p_late[i].n}}


def risk_json(res: CompareResult) -> dict[str, Any]:
    """Per-phase P(on time) for baseline and variant with 95 % intervals, and the paired
    difference of the end."""
    a, b = _side(res.a), _side(res.b)
    names = {p.id: p.name for p in res.b.scenario.phases}
    phases = [{"id": pid, "name": names.get(pid, pid), "base": a["phases"][pid],
               "variant": b["phases"].get(pid)}
              for pid in a["phases"] if pid in b["phases"]]
    end = res.paired.end
    lo, hi = end.ci()
    return {"n": res.a.n, "seed": res.a.seed, "base": {k: a[k] for k in a if k != "phases"},
            "variant": {k: b[k] for k in b if k != "phases"}, "phases": phases,
            "end_difference_h": {"mean": _num(end.mean), "lo": _num(lo), "hi": _num(hi)}}


def _num(x: float) -> float | None:
    return None if not math.isfinite(x) else x
