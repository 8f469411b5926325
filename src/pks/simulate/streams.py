"""Common random numbers: one independent stream per (seed, replication, entity, kind).

Streams are keyed by the *names* of the unit, care type or staff category (a CRC-32 of the
id), not by their position, so a plan or scenario that changes one unit leaves the random
numbers of every other unit untouched. This is what makes comparisons between plans and
scenarios sharp (common random numbers).

Examples
--------
>>> a = stream(1, 0, "U1", "first_visit", kind="line").random(3)
>>> b = stream(1, 0, "U1", "first_visit", kind="line").random(3)
>>> bool((a == b).all())
True
>>> c = stream(1, 1, "U1", "first_visit", kind="line").random(3)
>>> bool((a == c).any())
False
"""

from __future__ import annotations

import zlib

import numpy as np

KINDS: dict[str, int] = {
    "line": 1,
    "absence": 5,
    "beds": 6,
}
"""Stream kinds; the number is part of the key and must never change."""


def _key(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def stream(seed: int, replication: int, *ids: str, kind: str) -> np.random.Generator:
    """Random generator for one (seed, replication, ids..., kind).

    Parameters
    ----------
    seed : master seed of the run.
    replication : replication number (0-based).
    ids : entity ids (unit, care type or staff category), hashed into the key.
    kind : one of :data:`KINDS`.
    """
    entropy = [int(seed), int(replication), KINDS[kind], *(_key(i) for i in ids)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser (a bijective 64-bit mixer)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def counter_uniform(key: int, *counters: np.ndarray) -> np.ndarray:
    """Uniforms on [0, 1) that depend only on ``key`` and the counters (counter-based RNG).

    Used where common random numbers must survive a change in *how many* draws are made:
    slot ``r`` of week ``w`` gets the same uniform whatever the capacity of other weeks.

    Examples
    --------
    >>> u = counter_uniform(7, np.array([0, 1]), np.array([3, 3]))
    >>> v = counter_uniform(7, np.array([1]), np.array([3]))
    >>> bool(u[1] == v[0]), bool(((0 <= u) & (u < 1)).all())
    (True, True)
    """
    x = np.full(np.broadcast(*counters).shape if counters else (), np.uint64(key),
                dtype=np.uint64)
    for c in counters:
        x = _mix(x ^ (np.asarray(c).astype(np.uint64) * _GOLD + _GOLD))
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
