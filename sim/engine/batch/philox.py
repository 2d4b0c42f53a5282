"""The first block of many Philox streams at once: the batch engine's random numbers.

:mod:`sim.core.streams` gives every (replication, entity) its own ``Generator(Philox)``
whose key comes from the replication and whose counter from the entity id. A
replication's first draws of an entity are the first block of four 64-bit words that
Philox-4x64-10 makes: the counter is incremented once, then ten rounds mix it with the
key. This module computes that block for an array of keys and one counter with numpy's
unsigned 64-bit arithmetic (the 128-bit products from 32-bit halves), so the batch
engine draws exactly what each replication's own generator would draw, without making
one generator per draw. ``tests/test_batch_engine.py`` checks it word for word against
``numpy.random.Philox``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.core.streams import ReplicationKey, entity_key

U64 = NDArray[np.uint64]
# the Philox-4x64 multipliers and Weyl key increments (Salmon et al., Random123)
M0, M1 = np.uint64(0xD2E7470EE14C6C93), np.uint64(0xCA5A826395121157)
W0, W1 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBB67AE8584CAA73B)
LOW32, SHIFT32, SHIFT11 = np.uint64(0xFFFFFFFF), np.uint64(32), np.uint64(11)
TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53: numpy's next_double from a 64-bit word


def replication_keys(seed: int, start: int, stop: int) -> tuple[U64, U64]:
    """The two key words of replications ``start..stop-1`` (as :class:`ReplicationKey`)."""
    words = np.array([ReplicationKey(seed, i).key for i in range(start, stop)],
                     dtype=np.uint64).reshape(stop - start, 2)
    return words[:, 0].copy(), words[:, 1].copy()


def _mulhilo(a: np.uint64, b: U64) -> tuple[U64, U64]:
    """The high and low 64 bits of the 128-bit products ``a * b``."""
    a0, a1 = a & LOW32, a >> SHIFT32
    b0, b1 = b & LOW32, b >> SHIFT32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> SHIFT32) + (p01 & LOW32) + (p10 & LOW32)
    return p11 + (p01 >> SHIFT32) + (p10 >> SHIFT32) + (mid >> SHIFT32), a * b


def first_block(keys: tuple[U64, U64], entity_id: str) -> tuple[U64, U64, U64, U64]:
    """The first four 64-bit words of ``entity_id``'s stream in each replication."""
    c0, c1, c2, c3 = first_blocks(keys, [entity_id])
    return c0[0], c1[0], c2[0], c3[0]


BLOCK = 8192  # words per array in one pass: the rounds' arrays stay in the CPU's cache


def first_blocks(keys: tuple[U64, U64],
                 entity_ids: list[str]) -> tuple[U64, U64, U64, U64]:
    """:func:`first_block` of many entities at once: arrays [entity, replication]."""
    words = np.array([entity_key(e) for e in entity_ids], dtype=np.uint64).reshape(-1, 2)
    shape = (len(entity_ids), len(keys[0]))
    out: tuple[U64, U64, U64, U64] = (np.empty(shape, dtype=np.uint64),
                                      np.empty(shape, dtype=np.uint64),
                                      np.empty(shape, dtype=np.uint64),
                                      np.empty(shape, dtype=np.uint64))
    step = max(1, BLOCK // max(1, shape[0]))
    for at in range(0, shape[1], step):  # a few replications at a time, all entities
        part = slice(at, min(shape[1], at + step))
        block = _rounds(words, keys[0][part], keys[1][part])
        for whole, piece in zip(out, block, strict=True):
            whole[:, part] = piece
    return out


def _rounds(words: U64, key0: U64, key1: U64) -> tuple[U64, U64, U64, U64]:
    """Philox-4x64-10 of the counters (1, 0, h0, h1), one row per entity's words (h0,
    h1), under each replication's key (a column)."""
    shape = (len(words), len(key0))
    c0 = np.ones(shape, dtype=np.uint64)  # the counter (0, 0, h0, h1), incremented once
    c1 = np.zeros(shape, dtype=np.uint64)
    c2 = np.repeat(words[:, :1], shape[1], axis=1)
    c3 = np.repeat(words[:, 1:], shape[1], axis=1)
    k0, k1 = key0[None, :], key1[None, :]
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the algorithm
        for round_ in range(10):
            if round_:
                k0, k1 = k0 + W0, k1 + W1
            hi0, lo0 = _mulhilo(M0, c0)
            hi1, lo1 = _mulhilo(M1, c2)
            c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


def unit(word: U64) -> NDArray[np.float64]:
    """Doubles in [0, 1) from 64-bit words, as ``Generator.random()`` makes them."""
    return (word >> SHIFT11).astype(np.float64) * TO_UNIT
