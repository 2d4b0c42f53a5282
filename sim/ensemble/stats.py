"""Streaming statistics for ensembles: memory stays fixed however many runs stream in.

The accumulators live in :mod:`sim.ensemble.moments` (mean, variance, shares),
:mod:`sim.ensemble.quantiles` (quantiles, one value or a vector of cells per record) and
:mod:`sim.ensemble.correlation` (rank correlation); they are named here too, for users.
"""

from __future__ import annotations

from sim.ensemble.correlation import RankCorrelation
from sim.ensemble.moments import Z95, Moments, Proportion, z_value
from sim.ensemble.quantiles import WARMUP, CellQuantiles, Quantiles, QuantileTable

__all__ = ["WARMUP", "Z95", "CellQuantiles", "Moments", "Proportion", "QuantileTable",
           "Quantiles", "RankCorrelation", "z_value"]
