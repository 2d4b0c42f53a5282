"""Streaming quantiles: memory stays fixed however many runs stream in.

Each accumulator keeps its first ``warmup`` values exactly; after that, values
go into fixed bins whose edges come from the warm-up (deterministic: results
depend only on the values and their order, never on timing or worker count).
While ``n <= warmup`` every figure is exact.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from sim.ensemble.moments import z_value

WARMUP = 1000


def exact_at_rank(ordered: Sequence[float], rank: float) -> float:
    """The value at (0-based, fractional, in range) rank of sorted values, interpolated."""
    lo = math.floor(rank)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


def order_interval(at_rank: Callable[[float], float], n: int, p: float,
                   confidence: float) -> tuple[float, float]:
    """Distribution-free interval of the ``p`` quantile from order statistics (normal
    approximation); ``at_rank`` reads the value at a rank among ``n``."""
    if n < 2:
        return (math.nan, math.nan)
    spread = z_value(confidence) * math.sqrt(n * p * (1 - p))
    return (at_rank(math.floor(n * p - spread) - 1), at_rank(math.ceil(n * p + spread) - 1))


class Quantiles:
    """Streaming quantiles: exact up to ``warmup`` values, then a fine histogram."""

    def __init__(self, warmup: int = WARMUP, bins: int = 2000) -> None:
        self.warmup = warmup
        self.bins = bins
        self.values: list[float] = []
        self.edges: NDArray[np.float64] | None = None
        self._edge_list: list[float] = []  # the same edges as floats, for bisect
        self.counts: NDArray[np.int64] | None = None
        self.under = 0
        self.over = 0
        self.n = 0
        self.low = math.inf
        self.high = -math.inf

    def add(self, x: float) -> None:
        self.n += 1
        if x < self.low:
            self.low = x
        if x > self.high:
            self.high = x
        if self.edges is None:
            self.values.append(x)
            if len(self.values) >= self.warmup:
                self._freeze()
            return
        self._count(x)

    def add_many(self, xs: Sequence[float]) -> None:
        """:meth:`add` each value in turn; after the warm-up, counted in one go (the same
        counts)."""
        i = 0
        if self.edges is None:  # the warm-up: keep them (up to the one that ends it)
            head = xs[:self.warmup - len(self.values)]
            low, high = self.low, self.high
            for value in head:
                if value < low:
                    low = value
                if value > high:
                    high = value
            self.low, self.high = low, high
            self.n += len(head)
            self.values.extend(head)
            if len(self.values) >= self.warmup:
                self._freeze()
            i = len(head)
        if i == len(xs):
            return
        x = np.asarray(xs[i:], dtype=float)
        self.n += len(x)
        self.low = min(self.low, float(x.min()))
        self.high = max(self.high, float(x.max()))
        self._count_many(x)

    def _count_many(self, x: NDArray[np.float64]) -> None:
        """:meth:`_count` each value (the same bins as bisect_right on the same floats)."""
        assert self.edges is not None and self.counts is not None
        below = x < self.edges[0]
        above = x >= self.edges[-1]
        self.under += int(below.sum())
        self.over += int(above.sum())
        inside = x[~below & ~above]
        idx = np.minimum(np.searchsorted(self.edges, inside, side="right") - 1, self.bins - 1)
        self.counts += np.bincount(idx, minlength=self.bins)  # np.add.at, many times faster

    def _freeze(self) -> None:
        lo, hi = min(self.values), max(self.values)
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        self.edges = np.linspace(lo - span, hi + span, self.bins + 1)
        self._edge_list = self.edges.tolist()  # the same floats, for bisect on one value
        self.counts = np.zeros(self.bins, dtype=np.int64)
        values, self.values = self.values, []
        self._count_many(np.asarray(values, dtype=float))

    def _count(self, x: float) -> None:
        assert self.edges is not None and self.counts is not None
        edges = self._edge_list
        if x < edges[0]:
            self.under += 1
        elif x >= edges[-1]:
            self.over += 1
        else:
            self.counts[min(bisect_right(edges, x) - 1, self.bins - 1)] += 1

    def at_rank(self, rank: float) -> float:
        """The value at (0-based, fractional) rank among the ``n`` values."""
        if self.n == 0:
            return math.nan
        rank = min(max(rank, 0.0), self.n - 1)
        if self.edges is None:
            return exact_at_rank(sorted(self.values), rank)
        assert self.counts is not None
        if rank < self.under:
            return self.low
        cum = self.under
        for i, c in enumerate(self.counts):
            if c and rank < cum + c:
                frac = (rank - cum + 0.5) / c
                value = float(self.edges[i] + frac * (self.edges[i + 1] - self.edges[i]))
                return min(max(value, self.low), self.high)  # never outside what was seen
            cum += int(c)
        return self.high

    def quantile(self, p: float) -> float:
        return self.at_rank(p * (self.n - 1))

    def quantile_ci(self, p: float, confidence: float = 0.95) -> tuple[float, float]:
        """Distribution-free interval from order statistics (normal approximation)."""
        return order_interval(self.at_rank, self.n, p, confidence)

    def histogram(self, bins: int = 40) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Counts and edges over [low, high], for charts."""
        if self.n == 0:
            return np.zeros(bins), np.linspace(0, 1, bins + 1)
        lo, hi = self.low, self.high if self.high > self.low else self.low + 1.0
        edges = np.linspace(lo, hi, bins + 1)
        if self.edges is None:
            counts, _ = np.histogram(self.values, bins=edges)
            return counts.astype(float), edges
        assert self.counts is not None
        centres = (self.edges[:-1] + self.edges[1:]) / 2
        counts, _ = np.histogram(centres, bins=edges, weights=self.counts)
        counts[0] += self.under
        counts[-1] += self.over
        return counts.astype(float), edges


class QuantileTable:
    """Streaming quantiles of many cells at once: one vector of values per record.

    Same scheme as :class:`Quantiles` (exact during the warm-up, then fixed bins set
    from it), but each record costs a handful of numpy calls whatever the number of
    cells. ``NaN`` means "no value for this cell in this record".
    """

    def __init__(self, cells: int, warmup: int = WARMUP, bins: int = 200) -> None:
        self.cells = cells
        self.warmup = warmup
        self.bins = bins
        self.rows: list[NDArray[np.float64]] = []
        self.n = np.zeros(cells, dtype=np.int64)
        self.low = np.full(cells, np.inf)
        self.high = np.full(cells, -np.inf)
        self.lo: NDArray[np.float64] | None = None
        self.width: NDArray[np.float64] | None = None
        self.counts: NDArray[np.int64] | None = None
        self.under = np.zeros(cells, dtype=np.int64)
        self.over = np.zeros(cells, dtype=np.int64)

    def add(self, values: Sequence[float] | NDArray[np.float64]) -> None:
        self.add_rows([values])

    def add_rows(self, rows: Sequence[Sequence[float] | NDArray[np.float64]]
                 | NDArray[np.float64]) -> None:
        """:meth:`add` for each row in turn: rows kept during the warm-up, then counted in
        one go (the same counts)."""
        x = np.asarray(rows, dtype=float).reshape(len(rows), self.cells)
        if self.counts is None:  # the warm-up: keep the rows (at least the one that ends it)
            room = max(1, self.warmup - len(self.rows))
            head, x = x[:room], x[room:]
            self._seen(head)
            self.rows.extend(head)
            if len(self.rows) >= self.warmup:
                self._freeze()
        if len(x):
            self._count(x, self._seen(x))

    def _seen(self, x: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Count the values of rows ``x`` into ``n``, ``low`` and ``high``."""
        seen = ~np.isnan(x)
        if len(x):
            self.n += seen.sum(axis=0)
            with np.errstate(invalid="ignore"):
                self.low = np.fmin(self.low, np.fmin.reduce(x, axis=0))
                self.high = np.fmax(self.high, np.fmax.reduce(x, axis=0))
        return seen

    def _freeze(self) -> None:
        data = np.array(self.rows).reshape(len(self.rows), self.cells)
        with np.errstate(all="ignore"):
            lo = np.where(np.isfinite(self.low), self.low, 0.0)
            hi = np.where(np.isfinite(self.high), self.high, 0.0)
            span = np.where(hi > lo, hi - lo, np.maximum(np.abs(hi), 1.0))
        self.lo = lo - span
        self.width = 3 * span / self.bins
        self.counts = np.zeros((self.cells, self.bins), dtype=np.int64)
        self.rows = []
        if len(data):
            self._count(data, ~np.isnan(data))

    def _count(self, x: NDArray[np.float64], seen: NDArray[np.bool_]) -> None:
        """Count rows of values (rows x cells) into the bins."""
        assert self.lo is not None and self.width is not None and self.counts is not None
        with np.errstate(invalid="ignore"):
            idx = np.floor((x - self.lo) / self.width)
        below = seen & (idx < 0)
        above = seen & (idx >= self.bins)
        inside = seen & ~below & ~above
        self.under += below.sum(axis=0)
        self.over += above.sum(axis=0)
        rows, cells = np.nonzero(inside)
        at = cells * self.bins + idx[rows, cells].astype(np.int64)
        self.counts += np.bincount(at, minlength=self.counts.size).reshape(self.counts.shape)

    def __len__(self) -> int:
        return self.cells

    def __getitem__(self, i: int) -> CellQuantiles:
        if not -self.cells <= i < self.cells:
            raise IndexError(i)
        return CellQuantiles(self, i % self.cells)

    def __iter__(self) -> Iterator[CellQuantiles]:
        return (CellQuantiles(self, i) for i in range(self.cells))


class CellQuantiles:
    """One cell of a :class:`QuantileTable`, with the :class:`Quantiles` reading methods."""

    __slots__ = ("i", "table")

    def __init__(self, table: QuantileTable, i: int) -> None:
        self.table = table
        self.i = i

    @property
    def n(self) -> int:
        return int(self.table.n[self.i])

    @property
    def low(self) -> float:
        return float(self.table.low[self.i])

    @property
    def high(self) -> float:
        return float(self.table.high[self.i])

    def at_rank(self, rank: float) -> float:
        t, i, n = self.table, self.i, self.n
        if n == 0:
            return math.nan
        rank = min(max(rank, 0.0), n - 1)
        if t.counts is None:
            return exact_at_rank(sorted(float(r[i]) for r in t.rows if not math.isnan(r[i])),
                                 rank)
        assert t.lo is not None and t.width is not None
        if rank < t.under[i]:
            return self.low
        counts = t.counts[i]
        cum = np.cumsum(counts) + t.under[i]
        b = int(np.searchsorted(cum, rank, side="right"))
        if b >= t.bins:
            return self.high
        before = cum[b] - counts[b]
        frac = (rank - before + 0.5) / counts[b]
        value = float(t.lo[i] + (b + frac) * t.width[i])
        return min(max(value, self.low), self.high)

    def quantile(self, p: float) -> float:
        return self.at_rank(p * (self.n - 1))

    def quantile_ci(self, p: float, confidence: float = 0.95) -> tuple[float, float]:
        """Distribution-free interval from order statistics (normal approximation)."""
        return order_interval(self.at_rank, self.n, p, confidence)
