"""Eyring-Kramers rates: the formula against the exact mean first-passage time in 1-D, the saddles that connect
the camel's minima, and the refusal of a measurement whose chains diverge."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid, trapezoid

from benchsuite.dynamics.noise import gaussian
from benchsuite.errors import ValidationError
from benchsuite.problems import landscapes as ls
from benchsuite.score.escape import eyring_kramers, laplace_occupations, saddle_connections
from benchsuite.score.longrun import measure_occupation


def exact_passage_time(landscape, temperature: float) -> float:
    """Mean time of the Langevin diffusion from the left minimum to the right one (reflected at the box's left
    edge): (1/T) int_{x_L}^{x_R} exp(f(y)/T) int_{lo}^{y} exp(-f(z)/T) dz dy, by the trapezoid rule."""
    left, right = sorted(landscape.minima, key=lambda p: p.x[0])
    x = np.linspace(landscape.box[0, 0], right.x[0], 200_001)
    f = landscape.values(x[:, None]) - left.value
    inner = cumulative_trapezoid(np.exp(-f / temperature), x, initial=0.0)
    keep = x >= left.x[0]
    return float(trapezoid(np.exp(f[keep] / temperature) * inner[keep], x[keep]) / temperature)


def test_the_eyring_kramers_rate_is_the_exact_passage_rate_to_first_order_in_t():
    landscape = ls.double_well(0.3)
    left = min(range(2), key=lambda k: landscape.minima[k].x[0])
    errors = [
        exact_passage_time(landscape, t) * eyring_kramers(landscape, t)[left, 1 - left] - 1 for t in (0.05, 0.025)
    ]
    assert 0 < errors[0] < 0.05  # about 2.3% at T = 0.05
    assert errors[1] <= 0.6 * errors[0]  # O(T): halving T about halves the error


def test_the_camels_saddles_connect_the_centre_to_each_side():
    camel = ls.camel()
    connections = saddle_connections(camel)
    assert sorted((i, j) for _, i, j in connections) == [(0, 1), (0, 2)]  # minimum 0 is the centre
    rates = eyring_kramers(camel, 0.1)
    assert rates[1, 2] == rates[2, 1] == 0.0  # no saddle between the side minima
    np.testing.assert_allclose(rates[0, 1], rates[0, 2], rtol=1e-6)  # the camel is symmetric under x -> -x
    occupations = laplace_occupations(camel, 0.1)
    assert occupations.sum() == pytest.approx(1.0) and occupations[0] > occupations[1]


def test_a_measurement_whose_chains_diverge_is_refused():
    # eta = 0.2 on the camel from uniform starts in [-3, 3]^2: eta f'' far above 2 near the walls
    with pytest.raises(ValidationError, match="diverged") as info:
        measure_occupation(ls.camel(), gaussian(1.0), 0.2, chains=16, max_steps=100_000)
    assert info.value.field == "eta"
