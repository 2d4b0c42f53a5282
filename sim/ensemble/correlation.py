"""Streaming rank correlation of the uncertain inputs with the end time (sensitivity)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from sim.ensemble.quantiles import WARMUP


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
