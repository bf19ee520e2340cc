"""Standard normal draws for jitted kernels: the ziggurat of Marsaglia & Tsang (J. Stat. Softw. 5(8), 2000), 256
layers, with the layer index and the uniform taken from disjoint bits of one 64-bit draw (Doornik's remedy for
their correlation, "An improved ziggurat method to generate normal random samples", 2005).

The density exp(-x^2 / 2) is covered by 256 layers of equal area ``V``: the base layer is the rectangle
[0, R] x [0, f(R)] plus the tail beyond ``R``, layer i >= 1 the rectangle [0, x_i] x [f(x_i), f(x_{i+1})].  A
draw picks a layer and a point z = u x_i of it; about 99% of draws fall where the next layer covers them and
are accepted at once (one 64-bit draw, no ``exp``, no ``log``); the rest test the wedge against the density,
or sample the tail by Marsaglia's exponential method (Marsaglia, Ann. Math. Stat. 35, 894 (1964)).
:func:`py_standard_normal` is the plain-Python twin on :class:`~.rng.PyXoshiro`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

from .rng import PyXoshiro, next_u64, next_uniform

LAYERS = 256
R = 3.6541528853610088  # right edge of the base layer for 256 layers (Marsaglia & Tsang 2000)
_INV_2_53 = 1.0 / 9007199254740992.0


def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Edges x_0 .. x_256 (x_0 = V / f(R), x_1 = R, x_256 = 0) and f at each edge."""
    f = lambda x: math.exp(-0.5 * x * x)
    area = R * f(R) + math.sqrt(math.pi / 2) * math.erfc(R / math.sqrt(2))
    x = np.empty(LAYERS + 1)
    x[0], x[1] = area / f(R), R
    for i in range(1, LAYERS - 1):
        x[i + 1] = math.sqrt(-2.0 * math.log(f(x[i]) + area / x[i]))
    x[LAYERS] = 0.0
    y = np.exp(-0.5 * x * x)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


EDGES, HEIGHTS = _tables()


@njit(inline="always", cache=True)
def _tail(rng):
    while True:
        a = -math.log(1.0 - next_uniform(rng)) / R
        b = -math.log(1.0 - next_uniform(rng))
        if 2.0 * b > a * a:
            return R + a


@njit(cache=True)
def standard_normal(rng):
    """One N(0, 1) draw from the xoshiro state ``rng``."""
    while True:
        bits = next_u64(rng)
        i = np.int64(bits & uint64(255))
        negative = (bits >> uint64(8)) & uint64(1)
        z = np.float64(bits >> uint64(11)) * _INV_2_53 * EDGES[i]
        if z < EDGES[i + 1]:
            return -z if negative else z
        if i == 0:
            z = _tail(rng)
            return -z if negative else z
        y = HEIGHTS[i] + next_uniform(rng) * (HEIGHTS[i + 1] - HEIGHTS[i])
        if y < math.exp(-0.5 * z * z):
            return -z if negative else z


def py_standard_normal(rng: PyXoshiro) -> float:
    """Plain-Python twin of :func:`standard_normal` (the same draws from the same stream)."""
    while True:
        bits = rng.u64()
        i, negative = bits & 255, (bits >> 8) & 1
        z = (bits >> 11) * _INV_2_53 * EDGES[i]
        if z < EDGES[i + 1]:
            return -z if negative else z
        if i == 0:
            while True:
                a = -math.log(1.0 - rng.uniform()) / R
                b = -math.log(1.0 - rng.uniform())
                if 2.0 * b > a * a:
                    return -(R + a) if negative else R + a
        y = HEIGHTS[i] + rng.uniform() * (HEIGHTS[i + 1] - HEIGHTS[i])
        if y < math.exp(-0.5 * z * z):
            return -z if negative else z
