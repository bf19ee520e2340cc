"""Inline xoshiro256** generator for jitted kernels, its seeding, and its plain-Python twin.

Kernels keep the generator state in a ``uint64[4]`` array, load it into
locals on entry and store it back on exit, so one draw costs a few integer
operations instead of a call into ``np.random``.  The state is seeded from a
:class:`numpy.random.SeedSequence`, so the same seed gives the same stream on
every machine.  :class:`PyXoshiro` is the plain-Python twin used by the naive
reference kernels in the tests.

Reference: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
generators", ACM TOMS 47 (2021).
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

_MASK64 = (1 << 64) - 1
_INV_2_53 = 1.0 / 9007199254740992.0  # 2**-53


_CACHE_LINE = 64


def seed_state(seed: int | np.random.SeedSequence) -> np.ndarray:
    """Return a fresh ``uint64[4]`` xoshiro256** state drawn from ``seed``.

    The kernels write the state at every draw, so it gets a cache line of its own: replicas running in
    parallel threads would otherwise slow each other down by false sharing.
    """
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    buffer = np.zeros(2 * _CACHE_LINE // 8, dtype=np.uint64)
    start = (-buffer.ctypes.data % _CACHE_LINE) // 8
    state = buffer[start : start + 4]
    state[:] = ss.generate_state(4, dtype=np.uint64)
    if not state.any():  # the all-zero state is the one fixed point
        state[0] = np.uint64(0x9E3779B97F4A7C15)
    return state


@njit(inline="always", cache=True)
def _rotl(x, k):
    return (x << uint64(k)) | (x >> uint64(64 - k))


@njit(inline="always", cache=True)
def next_u64(s):
    """Advance the state array ``s`` in place and return the next 64-bit output."""
    s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
    result = _rotl(s1 * uint64(5), 7) * uint64(9)
    t = s1 << uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    s[0], s[1], s[2], s[3] = s0, s1, s2, s3
    return result


@njit(inline="always", cache=True)
def next_uniform(s):
    """Next float in [0, 1) with 53 random bits."""
    return np.float64(next_u64(s) >> uint64(11)) * _INV_2_53


@njit(inline="always", cache=True)
def next_below(s, n):
    """Next integer in [0, n) for 0 < n < 2**32 (top 32 bits times n)."""
    return np.int64(((next_u64(s) >> uint64(32)) * uint64(n)) >> uint64(32))


class PyXoshiro:
    """Plain-Python xoshiro256** producing exactly the stream of the jitted helpers."""

    def __init__(self, state: np.ndarray):
        self.s = [int(v) for v in state]

    def u64(self) -> int:
        s0, s1, s2, s3 = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & _MASK64
        result = (rotl((s1 * 5) & _MASK64, 7) * 9) & _MASK64
        t = (s1 << 17) & _MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self) -> float:
        return (self.u64() >> 11) * _INV_2_53

    def below(self, n: int) -> int:
        return ((self.u64() >> 32) * n) >> 32

    def state(self) -> np.ndarray:
        return np.array(self.s, dtype=np.uint64)
