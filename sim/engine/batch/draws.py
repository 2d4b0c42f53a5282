"""The random draws of many replications at once, equal to the event engine's.

An activity's duration is the first draw of its own stream, an inject's fate the first
two or three draws of ``inject:<id>`` (:func:`sim.engine.injects._draw` order: happens,
time, delay). Fixed, triangular, uniform and choice durations need one uniform number
each, which :mod:`~sim.engine.batch.philox` gives for all replications at once with
the same formula numpy's ``Generator`` uses; the others (PERT's beta, lognormal's
normal) draw from each replication's own generator, as the event engine does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.random import Generator
from numpy.typing import NDArray

from sim.core.distributions import Choice, Distribution, Fixed, Triangular, Uniform
from sim.core.streams import Streams
from sim.engine.batch.philox import U64, first_block, first_blocks, replication_keys, unit
from sim.scenario.model import Activity, Inject

Floats = NDArray[np.float64]
Keys = tuple[U64, U64]
SIMPLE = (Fixed, Triangular, Uniform, Choice)  # one uniform number per draw


class Draws:
    """Draws for replications ``start..stop-1`` of ``seed``."""

    def __init__(self, seed: int, start: int, stop: int) -> None:
        self.seed, self.start, self.stop = seed, start, stop
        self.keys: Keys = replication_keys(seed, start, stop)

    @property
    def n(self) -> int:
        return self.stop - self.start

    def durations(self, acts: Sequence[Activity]) -> list[Floats]:
        """Each activity's duration per replication; the uniform numbers of all the
        activities that need one are made in one pass."""
        simple = [a for a in acts if a.duration.is_random and isinstance(a.duration, SIMPLE)]
        units = dict(zip([a.id for a in simple],
                         unit(first_blocks(self.keys, [a.id for a in simple])[0])
                         if simple else [], strict=True))
        return [from_unit(a.duration, units[a.id]) if a.id in units
                else self.duration(a.id, a.duration) for a in acts]

    def duration(self, entity_id: str, dist: Distribution) -> Floats:
        """The first draw of ``dist`` from ``entity_id``'s stream, per replication."""
        if not dist.is_random:
            return np.full(self.n, dist.expected())
        if isinstance(dist, SIMPLE):
            return from_unit(dist, unit(first_block(self.keys, entity_id)[0]))
        return self._one_by_one(entity_id, lambda rng: dist.sample(rng))

    def inject(self, inject: Inject) -> tuple[NDArray[np.bool_], Floats, Floats]:
        """(happens, time, delay hours) per replication, as the event engine draws them."""
        n = self.n
        delay_dist = inject.delay
        delay = np.full(n, delay_dist.expected() if delay_dist is not None else 0.0)
        random_delay = delay_dist is not None and delay_dist.is_random
        if not (inject.is_random or random_delay):
            return np.ones(n, dtype=bool), np.full(n, inject.at), delay
        name = f"inject:{inject.id}"
        words = first_block(self.keys, name)
        u_happen, u_time = unit(words[0]), unit(words[1])
        if random_delay and delay_dist is not None:
            if isinstance(delay_dist, Triangular | Uniform | Choice):
                delay = from_unit(delay_dist, unit(words[2]))
            else:
                delay = self._one_by_one(name, lambda rng: _third(rng, delay_dist))
        when = inject.at + u_time * (inject.at_latest - inject.at)
        return u_happen < inject.probability, when, delay

    def _one_by_one(self, entity_id: str, sample: Callable[[Generator], float]) -> Floats:
        return np.array([sample(Streams(self.seed, i)(entity_id))
                         for i in range(self.start, self.stop)], dtype=np.float64)


def _third(rng: Generator, dist: Distribution) -> float:
    """A delay drawn after the two uniform numbers of happens and time."""
    rng.random()
    rng.random()
    return dist.sample(rng)


def from_unit(dist: Distribution, u: Floats) -> Floats:
    """``dist.sample`` of a generator whose next double is ``u`` (numpy's formulas)."""
    if isinstance(dist, Triangular):
        if dist.high <= dist.low:
            return np.full(len(u), dist.low)
        left, mode, right = dist.low, dist.mode, dist.high
        base = right - left
        leftbase = mode - left
        ratio = leftbase / base
        leftprod, rightprod = leftbase * base, (right - mode) * base
        with np.errstate(invalid="ignore"):  # the branch not taken may take a root of < 0
            return np.where(u <= ratio, left + np.sqrt(u * leftprod),
                            right - np.sqrt((1.0 - u) * rightprod))
    if isinstance(dist, Uniform):
        if dist.high <= dist.low:
            return np.full(len(u), dist.low)
        return dist.low + (dist.high - dist.low) * u
    if isinstance(dist, Choice):
        scaled = u * sum(dist.weights)
        out = np.full(len(u), dist.high)
        acc = 0.0
        chosen = np.zeros(len(u), dtype=bool)
        for value, weight in zip(dist.values, dist.weights, strict=True):
            acc += weight
            hit = ~chosen & (scaled < acc)
            out[hit] = value
            chosen |= hit
        return out
    return np.full(len(u), dist.expected())
