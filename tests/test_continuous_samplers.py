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
from benchsuite.validate.continuous import (
    GibbsLaw,
    binned,
    detection_probability,
    energy_detection_probability,
    stays_at_gibbs,
)
from benchsuite.validate.grid_chain import grid_matrix

T = 0.5
CHAINS, STEPS, ALPHA = 65_536, 200, 1e-3
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
    on LANDSCAPE at T, from the exact law after STEPS steps from the Gibbs start (the grid chain): at least the
    larger of its two tests' (each at ALPHA / 2)."""
    law = GibbsLaw(LANDSCAPE, T)
    centres, p, _ = grid_matrix(landscape, gaussian(sigma), eta, cells=2048)
    start = np.interp(centres, law.nodes, np.gradient(law.cdf, law.nodes))
    start /= start.sum()
    f, edges = LANDSCAPE.values(centres[:, None]), law.edges(32)
    end = start.copy()
    for _ in range(STEPS):
        end = end @ p
    # what the steps changed, on the grid (the grid's own binning of the start cancels)
    q = 1.0 / 32 + binned(centres, end, edges) - binned(centres, start, edges)
    chi_square = detection_probability(q, CHAINS, ALPHA / 2)
    return max(chi_square, energy_detection_probability((end - start) @ f, law.energy_sd, CHAINS, ALPHA / 2))


def _pilot_power(dyn, landscape, temperature: float, seed: int = 99) -> float:
    """The power of the mean-energy test against ``dyn``, planned from an independent pilot run (another seed):
    the shift of the mean energy after STEPS steps from Gibbs starts, at its 99.9% lower confidence bound."""
    law = GibbsLaw(landscape, temperature)
    state = dyn.init(landscape, seed, chains=CHAINS, x0=law.sample(CHAINS, np.random.default_rng(seed)))
    dyn.step(state, STEPS)
    energies = landscape.values(state.x)
    shift = abs(energies.mean() - law.mean_energy) - 3.3 * energies.std() / math.sqrt(CHAINS)
    return energy_detection_probability(max(shift, 0.0), law.energy_sd, CHAINS, ALPHA / 2)


SLOW = pytest.mark.slow  # the 2-D cases beyond one per test (about 4 s each)


@pytest.mark.parametrize(
    "rule, spec",
    [((MALA, 0.1), "double-well:tilt=0.3"), ((RandomWalkMetropolis, 0.8), "double-well:tilt=0.3"),
     ((ula, 0.0005), "double-well:tilt=0.3"), ((MALA, 0.1), "camel"),
     pytest.param((RandomWalkMetropolis, 0.8), "camel", marks=SLOW), pytest.param((ula, 0.0005), "camel", marks=SLOW)],
    ids=["mala", "rwm", "ula-small-step", "mala-camel", "rwm-camel", "ula-small-step-camel"],
)  # fmt: skip
def test_correct_samplers_stay_at_gibbs(rule, spec):
    # false-alarm rate ALPHA per call; ULA at eta = 0.0005 is biased by O(eta), which the check cannot see:
    assert _planned_power(0.0005, math.sqrt(2 * T / 0.0005)) < 10 * ALPHA
    dyn = rule[0](T, rule[1])
    result = stays_at_gibbs(dyn, ls.make_landscape(spec), T, chains=CHAINS, steps=STEPS, alpha=ALPHA, seed=4)
    assert result.passed, result.detail


class _Shifted(ConstantStepSGD):
    """A broken ULA that runs on a landscape other than the one it is checked on (a biased gradient)."""

    def __init__(self, eta, sigma, landscape):
        super().__init__(eta, gaussian(sigma))
        self.landscape = landscape

    def init(self, problem, seed, chains=1, x0=None):
        return super().init(self.landscape, seed, chains, x0)


ETA = 0.002  # ULA at this step: its own bias is below what the check resolves (planned power 0.002)
SIGMA = math.sqrt(2 * T / ETA)
BROKEN = {  # name: (dynamics, eta and sigma of the SGD it is, the landscape it really runs on)
    "mala-without-correction": (ula(T, 0.1), 0.1, math.sqrt(2 * T / 0.1), LANDSCAPE),
    "temperature-5pct-high": (ConstantStepSGD(ETA, gaussian(math.sqrt(1.05) * SIGMA)), ETA, math.sqrt(1.05) * SIGMA,
                              LANDSCAPE),
    "noise-scale-5pct-high": (ConstantStepSGD(ETA, gaussian(1.05 * SIGMA)), ETA, 1.05 * SIGMA, LANDSCAPE),
    "noise-missing-eta": (ConstantStepSGD(ETA, gaussian(SIGMA / ETA)), ETA, SIGMA / ETA, LANDSCAPE),
    "gradient-biased-by-0.1": (_Shifted(ETA, SIGMA, ls.double_well(0.4)), ETA, SIGMA, ls.double_well(0.4)),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_samplers_fail_with_planned_power(name):
    dyn, eta, sigma, runs_on = BROKEN[name]
    assert _planned_power(eta, sigma, runs_on) >= 0.99  # the check has the power to fail this one
    result = stays_at_gibbs(dyn, LANDSCAPE, T, chains=CHAINS, steps=STEPS, alpha=ALPHA, seed=4)
    assert result.passed is False, result.detail


@pytest.mark.parametrize(
    "dyn, spec",
    [
        (MALA(1.05 * T, 0.1), "double-well:tilt=0.3"),
        (MALA(1.05 * T, 0.1), "camel"),
        pytest.param(ula(T, 0.02), "camel", marks=SLOW),
    ],
    ids=["mala-at-1.05T-double-well", "mala-at-1.05T-camel", "mala-without-correction-camel"],
)
def test_broken_samplers_fail_with_power_planned_by_a_pilot(dyn, spec):
    # where the grid chain cannot give the law after STEPS steps (a Metropolis-adjusted rule, or 2-D), an
    # independent pilot run plans the power of the mean-energy test
    landscape, temperature = ls.make_landscape(spec), T
    assert _pilot_power(dyn, landscape, temperature) >= 0.99
    result = stays_at_gibbs(dyn, landscape, temperature, chains=CHAINS, steps=STEPS, alpha=ALPHA, seed=4)
    assert result.passed is False, result.detail


def test_a_temperature_the_box_truncates_is_refused():
    with pytest.raises(ValidationError) as info:
        GibbsLaw(LANDSCAPE, 1.0)  # about 0.5% of the mass beyond the box
    assert info.value.field == "temperature"


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: MALA(0.0, 0.1), "temperature"),
        (lambda: MALA(1.0, -0.1), "eta"),
        (lambda: RandomWalkMetropolis(1.0, 0.0), "scale"),
        (lambda: ula(1.0, 0.0), "eta"),
        (lambda: stays_at_gibbs(MALA(T, 0.1), LANDSCAPE, T, chains=100), "chains"),
        (lambda: stays_at_gibbs(MALA(T, 0.1), ls.quadratic(d=3), T), "landscape"),
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
