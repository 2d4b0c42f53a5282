"""Streaming statistics for ensembles: memory stays fixed however many runs stream in.

Each accumulator keeps its first ``warmup`` values exactly; after that, values
go into fixed bins whose edges come from the warm-up (deterministic: results
depend only on the values and their order, never on timing or worker count).
While ``n <= warmup`` every figure is exact.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Z95 = 1.959963984540054
WARMUP = 1000


def z_value(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level, e.g. 0.95 -> 1.96."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


@dataclass
class Moments:
    """Count, mean and variance (Welford), with a normal confidence interval for the mean."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    low: float = math.inf
    high: float = -math.inf

    def add(self, x: float) -> None:
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)
        if x < self.low:
            self.low = x
        if x > self.high:
            self.high = x

    def add_many(self, xs: Sequence[float]) -> None:
        """:meth:`add` each value in turn (the same sums, in the same order)."""
        n, mean, m2, low, high = self.n, self.mean, self.m2, self.low, self.high
        for x in xs:
            n += 1
            delta = x - mean
            mean += delta / n
            m2 += delta * (x - mean)
            if x < low:
                low = x
            if x > high:
                high = x
        self.n, self.mean, self.m2, self.low, self.high = n, mean, m2, low, high

    @property
    def std(self) -> float:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0

    def half_width(self, confidence: float = 0.95) -> float:
        return z_value(confidence) * self.std / math.sqrt(self.n) if self.n > 1 else math.inf

    def ci(self, confidence: float = 0.95) -> tuple[float, float]:
        h = self.half_width(confidence)
        return self.mean - h, self.mean + h


@dataclass
class Proportion:
    """A share of runs, with a Wilson score interval."""

    hits: int = 0
    n: int = 0

    def add(self, hit: bool) -> None:
        self.n += 1
        self.hits += int(hit)

    def add_many(self, hits: Sequence[bool]) -> None:
        self.n += len(hits)
        self.hits += sum(map(int, hits))

    @property
    def p(self) -> float:
        return self.hits / self.n if self.n else math.nan

    def ci(self, confidence: float = 0.95) -> tuple[float, float]:
        if not self.n:
            return (math.nan, math.nan)
        z = z_value(confidence)
        n, p = self.n, self.p
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)

    def half_width(self, confidence: float = 0.95) -> float:
        lo, hi = self.ci(confidence)
        return (hi - lo) / 2


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
            ordered = sorted(self.values)
            lo = math.floor(rank)
            hi = min(lo + 1, len(ordered) - 1)
            return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)
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
        if self.n < 2:
            return (math.nan, math.nan)
        z = z_value(confidence)
        spread = z * math.sqrt(self.n * p * (1 - p))
        return (self.at_rank(math.floor(self.n * p - spread) - 1),
                self.at_rank(math.ceil(self.n * p + spread) - 1))

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


class RankCorrelation:
    """Spearman rank correlation of several inputs with one output, streamed.

    Exact while ``n <= warmup``; then each input and the output are cut into
    ``bins`` quantile bins (edges from the warm-up) and only the joint counts are
    kept; ranks are the mid-ranks of the bins.
    """

    def __init__(self, inputs: int, warmup: int = WARMUP, bins: int = 50) -> None:
        self.k = inputs
        self.warmup = warmup
        self.bins = bins
        self.rows: list[tuple[NDArray[np.float64], float]] = []
        self.x_edges: list[NDArray[np.float64]] = []
        self.y_edges: NDArray[np.float64] | None = None
        self.joint: list[NDArray[np.int64]] = []
        self._x_table: NDArray[np.float64] | None = None  # x_edges as rows, padded with inf
        self._joint: NDArray[np.int64] | None = None  # the joint tables, padded alike
        self.n = 0

    def add(self, xs: Sequence[float], y: float) -> None:
        self.add_rows([xs], [y])

    def add_rows(self, xs: Sequence[Sequence[float]] | NDArray[np.float64],
                 ys: Sequence[float]) -> None:
        """:meth:`add` for each ``(xs[i], ys[i])`` in turn: rows kept during the warm-up,
        then counted in one go (the same counts)."""
        i = 0
        if self.y_edges is None:  # the warm-up: keep the rows (at least the one that ends it)
            i = min(len(ys), max(1, self.warmup - len(self.rows)))
            self.rows.extend(zip(np.asarray(xs[:i], dtype=float).reshape(i, self.k),
                                 ys[:i], strict=True))
            self.n += i
            if len(self.rows) >= self.warmup:
                self._freeze()
        if i < len(ys):
            self._count_rows(xs[i:], ys[i:])

    def _count_rows(self, xs: Sequence[Sequence[float]] | NDArray[np.float64],
                    ys: Sequence[float]) -> None:
        assert self.y_edges is not None and self._x_table is not None
        assert self._joint is not None
        x = np.asarray(xs, dtype=float).reshape(len(ys), self.k)
        y = np.asarray(ys, dtype=float)
        self.n += len(y)
        yi = np.searchsorted(self.y_edges, y, side="right")
        xi = (self._x_table[None, :, :] <= x[:, :, None]).sum(axis=2)
        xi = np.where(np.isnan(x), self._lens, np.minimum(xi, self._lens))
        inputs = np.broadcast_to(self._inputs, xi.shape)
        at = np.ravel_multi_index((inputs, xi, np.broadcast_to(yi[:, None], xi.shape)),
                                  self._joint.shape)
        self._joint += np.bincount(at.ravel(), minlength=self._joint.size).reshape(
            self._joint.shape)

    def _freeze(self) -> None:
        xs = np.array([r[0] for r in self.rows], dtype=float).reshape(len(self.rows), self.k)
        ys = np.array([r[1] for r in self.rows], dtype=float)
        qs = np.linspace(0, 1, self.bins + 1)[1:-1]
        self.y_edges = np.unique(np.quantile(ys, qs))
        self.x_edges = [np.unique(np.quantile(xs[:, j], qs)) for j in range(self.k)]
        width = max(len(e) for e in self.x_edges) if self.x_edges else 0
        self._x_table = np.full((self.k, width), np.inf)
        for j, e in enumerate(self.x_edges):
            self._x_table[j, :len(e)] = e
        self._joint = np.zeros((self.k, width + 1, len(self.y_edges) + 1), dtype=np.int64)
        # each input's table is a view of its slice (padding rows stay empty)
        self.joint = [self._joint[j, :len(e) + 1] for j, e in enumerate(self.x_edges)]
        self._inputs = np.arange(self.k)
        self._lens = np.array([len(e) for e in self.x_edges], dtype=np.int64)
        rows, self.rows = self.rows, []
        self.n -= len(rows)  # counted again below
        self._count_rows(np.array([r[0] for r in rows], dtype=float).reshape(len(rows), self.k),
                         [r[1] for r in rows])

    def coefficients(self) -> list[float]:
        """One Spearman coefficient per input (0 where an input or the output is constant)."""
        if self.n < 3:
            return [0.0] * self.k
        if self.y_edges is None:
            xs = np.array([r[0] for r in self.rows], dtype=float).reshape(len(self.rows), self.k)
            ys = _ranks(np.array([r[1] for r in self.rows], dtype=float))
            return [_pearson(_ranks(xs[:, j]), ys) for j in range(self.k)]
        return [_binned_spearman(table) for table in self.joint]


def _ranks(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mid-ranks (ties share the average rank)."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values), dtype=float)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return np.asarray(sums[inverse] / counts[inverse], dtype=float)


def _pearson(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    sa, sb = a.std(), b.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(((a - a.mean()) * (b - b.mean())).mean() / (sa * sb))


def _binned_spearman(table: NDArray[np.int64]) -> float:
    n = table.sum()
    row, col = table.sum(axis=1), table.sum(axis=0)
    r_rank = np.cumsum(row) - row + (row + 1) / 2
    c_rank = np.cumsum(col) - col + (col + 1) / 2
    mr = (row * r_rank).sum() / n
    mc = (col * c_rank).sum() / n
    cov = (table * np.outer(r_rank - mr, c_rank - mc)).sum() / n
    vr = (row * (r_rank - mr) ** 2).sum() / n
    vc = (col * (c_rank - mc) ** 2).sum() / n
    if vr <= 0 or vc <= 0:
        return 0.0
    return float(cov / math.sqrt(vr * vc))


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
            ordered = sorted(float(r[i]) for r in t.rows if not math.isnan(r[i]))
            lo = math.floor(rank)
            hi = min(lo + 1, len(ordered) - 1)
            return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)
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
        n = self.n
        if n < 2:
            return (math.nan, math.nan)
        spread = z_value(confidence) * math.sqrt(n * p * (1 - p))
        return (self.at_rank(math.floor(n * p - spread) - 1),
                self.at_rank(math.ceil(n * p + spread) - 1))
