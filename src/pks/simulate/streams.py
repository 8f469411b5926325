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
from numba import njit

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
_SHIFT_1, _SHIFT_2, _SHIFT_3 = np.uint64(30), np.uint64(27), np.uint64(31)
_DROP_BITS = np.uint64(11)
"""A double has a 53-bit mantissa: the top 53 of the 64 hash bits make the uniform."""
_TWO_POW_MINUS_53 = 1.0 / 9007199254740992.0


@njit(cache=True)
def _mix(x: np.uint64) -> np.uint64:
    """SplitMix64 finaliser (a bijective 64-bit mixer)."""
    x = x ^ (x >> _SHIFT_1)
    x = x * _M1
    x = x ^ (x >> _SHIFT_2)
    x = x * _M2
    return x ^ (x >> _SHIFT_3)


@njit(cache=True)
def counter_hash(key: np.uint64, counter: np.uint64) -> np.uint64:
    """64-bit hash of ``key`` and a counter: ``mix(key ⊕ (counter · φ + φ))`` (SplitMix64).

    Examples
    --------
    >>> import numpy as np
    >>> bool(counter_hash(np.uint64(1), np.uint64(2)) != counter_hash(np.uint64(1), np.uint64(3)))
    True
    """
    return _mix(key ^ (counter * _GOLD + _GOLD))


@njit(cache=True)
def hash_to_uniform(h: np.uint64, purpose: int) -> float:
    """Uniform on [0, 1) from a :func:`counter_hash` and a purpose number.

    One hash serves several independent uniforms (one per purpose), so the counters are
    mixed once, not once per purpose.

    Examples
    --------
    >>> import numpy as np
    >>> 0.0 <= hash_to_uniform(counter_hash(np.uint64(7), np.uint64(0)), 1) < 1.0
    True
    """
    salt = np.uint64(purpose) * _GOLD + _GOLD  # as the counters
    x = _mix(h ^ salt)
    return float(x >> _DROP_BITS) * _TWO_POW_MINUS_53
