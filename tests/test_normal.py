"""The ziggurat normal sampler: its plain-Python twin on the same stream, and its law."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit
from scipy import stats

from benchsuite.kernels.normal import EDGES, HEIGHTS, LAYERS, R, py_standard_normal, standard_normal
from benchsuite.kernels.rng import PyXoshiro, seed_state

ALPHA = 1e-4  # false-alarm rate of each statistical assertion
Z_TOL = 3.9  # two-sided normal quantile at ALPHA


@njit(cache=True)
def _draws(state, count):
    out = np.empty(count)
    for k in range(count):
        out[k] = standard_normal(state)
    return out


def test_twin_draws_the_same_numbers_from_the_same_stream():
    state = seed_state(7)
    twin = PyXoshiro(state.copy())
    jitted = _draws(state, 30_000)  # about 300 wedge tests and 8 tail draws
    np.testing.assert_array_equal(jitted, [py_standard_normal(twin) for _ in range(30_000)])
    np.testing.assert_array_equal(state, twin.state())


def test_layers_have_equal_areas():
    area = R * math.exp(-R * R / 2) + math.sqrt(math.pi / 2) * math.erfc(R / math.sqrt(2))
    layers = EDGES[1:LAYERS] * (HEIGHTS[2:] - HEIGHTS[1:LAYERS])
    np.testing.assert_allclose(layers, area, rtol=1e-9)
    assert EDGES[0] * HEIGHTS[1] == pytest.approx(area, rel=1e-12)  # the base: [0, R] x [0, f(R)] and the tail


def test_the_law_is_standard_normal():
    z = _draws(seed_state(11), 1 << 22)
    assert stats.kstest(z, "norm").pvalue > ALPHA
    tail = np.abs(z) > R  # the tail sampler's share, P = erfc(R / sqrt 2) = 2.6e-4
    p = math.erfc(R / math.sqrt(2))
    assert abs(tail.sum() - p * z.size) <= Z_TOL * math.sqrt(p * (1 - p) * z.size)
    assert stats.kstest(np.abs(z[tail]) - R, lambda t: 1 - stats.norm.sf(R + t) / stats.norm.sf(R)).pvalue > ALPHA
    assert abs(z.var() - 1.0) <= Z_TOL * math.sqrt(2.0 / z.size)
    assert abs((z > 0).mean() - 0.5) <= Z_TOL * 0.5 / math.sqrt(z.size)
