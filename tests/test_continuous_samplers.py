"""MALA, random-walk Metropolis and the unadjusted Langevin algorithm against Gibbs by quadrature: the kernels
against their twin, the correct samplers passing ``stays_at_gibbs`` at its stated false-alarm rate, and broken
ones failing it with a power computed beforehand from the exact grid chain."""

from __future__ import annotations

import math

import numpy as np
import pytest
from naive import metropolis_adjusted

from benchsuite.dynamics.constant_step import ConstantStepSGD
from benchsuite.dynamics.metropolis_adjusted import MALA, RandomWalkMetropolis, ula
from benchsuite.dynamics.noise import gaussian
from benchsuite.errors import ValidationError
from benchsuite.kernels import PyXoshiro
from benchsuite.problems import landscapes as ls
from benchsuite.validate.continuous import GibbsLaw, binned, detection_probability, stays_at_gibbs
from benchsuite.validate.grid_chain import grid_matrix

T = 0.5
CHAINS, STEPS, ALPHA = 16_384, 200, 1e-3
LANDSCAPE = ls.double_well(0.3)


@pytest.mark.parametrize("spec", ["double-well:tilt=0.3", "camel"])
@pytest.mark.parametrize("rule", ["mala", "rwm"])
def test_kernels_match_their_twin_on_the_same_numbers(spec, rule):
    landscape = ls.make_landscape(spec)
    dyn = MALA(T, 0.05) if rule == "mala" else RandomWalkMetropolis(T, 0.5)
    state = dyn.init(landscape, seed=2, chains=3)
    starts, streams = state.x.copy(), state.rng.copy()
    _, info = dyn.step(state, 120)
    total = 0
    for r in range(3):
        rng = PyXoshiro(streams[r, :4])
        x, accepted = metropolis_adjusted(landscape, T, dyn._step, dyn.scale, rule == "mala", starts[r], 120, rng)
        np.testing.assert_allclose(state.x[r], x, rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(state.rng[r, :4], rng.state())
        total += accepted
    assert info.accepted == total and 0 < total < 360


def _planned_power(eta: float, sigma: float, landscape=LANDSCAPE) -> float:
    """Probability that stays_at_gibbs fails SGD (step eta, Gaussian noise sigma) run on ``landscape`` and checked
    on LANDSCAPE at T: the exact law after STEPS steps from the Gibbs start, by the grid chain."""
    law = GibbsLaw(LANDSCAPE, T)
    centres, p, _ = grid_matrix(landscape, gaussian(sigma), eta, cells=2048)
    start = np.interp(centres, law.nodes, np.gradient(law.cdf, law.nodes))
    start /= start.sum()
    for _ in range(STEPS):
        start = start @ p
    return detection_probability(binned(centres, start, law.edges(32)), CHAINS, ALPHA)


@pytest.mark.parametrize(
    "dyn", [MALA(T, 0.1), RandomWalkMetropolis(T, 0.8), ula(T, 0.005)], ids=["mala", "rwm", "ula-small-step"]
)
def test_correct_samplers_stay_at_gibbs(dyn):
    # false-alarm rate ALPHA per call; ULA at eta = 0.005 is biased by O(eta), which the check cannot see:
    assert _planned_power(0.005, math.sqrt(2 * T / 0.005)) < 10 * ALPHA
    result = stays_at_gibbs(dyn, LANDSCAPE, T, chains=CHAINS, steps=STEPS, alpha=ALPHA, seed=4)
    assert result.passed, result.detail


class _Shifted(ConstantStepSGD):
    """A broken ULA that runs on a landscape other than the one it is checked on (a biased gradient)."""

    def __init__(self, eta, sigma, landscape):
        super().__init__(eta, gaussian(sigma))
        self.landscape = landscape

    def init(self, problem, seed, chains=1, x0=None):
        return super().init(self.landscape, seed, chains, x0)


SIGMA = math.sqrt(2 * T / 0.01)  # ULA at eta = 0.01: its own bias is below what the check resolves
BROKEN = {  # name: (dynamics, eta and sigma of the SGD it is, the landscape it really runs on)
    "mala-without-correction": (ula(T, 0.1), 0.1, math.sqrt(2 * T / 0.1), LANDSCAPE),
    "noise-scale-5pct-high": (ConstantStepSGD(0.01, gaussian(1.05 * SIGMA)), 0.01, 1.05 * SIGMA, LANDSCAPE),
    "noise-missing-eta": (ConstantStepSGD(0.01, gaussian(SIGMA / 0.01)), 0.01, SIGMA / 0.01, LANDSCAPE),
    "gradient-biased-by-0.1": (_Shifted(0.01, SIGMA, ls.double_well(0.4)), 0.01, SIGMA, ls.double_well(0.4)),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_samplers_fail_with_planned_power(name):
    dyn, eta, sigma, runs_on = BROKEN[name]
    assert _planned_power(eta, sigma, runs_on) >= 0.99  # the check has the power to fail this one
    result = stays_at_gibbs(dyn, LANDSCAPE, T, chains=CHAINS, steps=STEPS, alpha=ALPHA, seed=4)
    assert result.passed is False, result.detail


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: MALA(0.0, 0.1), "temperature"),
        (lambda: MALA(1.0, -0.1), "eta"),
        (lambda: RandomWalkMetropolis(1.0, 0.0), "scale"),
        (lambda: ula(1.0, 0.0), "eta"),
        (lambda: stays_at_gibbs(MALA(T, 0.1), LANDSCAPE, T, chains=100), "chains"),
        (lambda: stays_at_gibbs(MALA(T, 0.1), ls.camel(), T), "landscape"),
        (lambda: stays_at_gibbs(MALA(T, 0.1), LANDSCAPE, T, alpha=0.0), "alpha"),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(call, field):
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field


def test_facts_say_what_each_sampler_is():
    assert MALA(T, 0.1).facts().target == "boltzmann" and MALA(T, 0.1).facts().reversible
    assert RandomWalkMetropolis(T, 0.5).facts().temperature == T
    assert ula(T, 0.1).facts().target is None  # biased by its step: no exact target
