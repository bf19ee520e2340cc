"""Mini-batch noise of finite-sum landscapes: its law against enumeration of the batches, the kernel's draws
against that law, the refusals, and the long-run slope of the exact grid chain against the quasi-potential."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import chi2

from benchsuite.dynamics.constant_step import ConstantStepSGD
from benchsuite.dynamics.minibatch import BatchNoise
from benchsuite.dynamics.noise import make_noise
from benchsuite.errors import ValidationError
from benchsuite.problems import landscapes as ls
from benchsuite.score.longrun import diffusion_slope, fit_slope, longrun, quasi_potential_slope, root_p
from benchsuite.validate.grid_chain import grid_law

FINITE_SUM = "double-well:tilt=0.3,examples=8,spread=2,curvature=4,anchor=1"
ALPHA = 1e-3  # false-alarm rate of each statistical test below


def batch_means(landscape, b: int, replace: bool, x: float) -> np.ndarray:
    """Z of every batch at x, each batch equally likely (ordered tuples with replacement, subsets without)."""
    z = landscape.deviations([x])[:, 0]
    pick = itertools.product(range(landscape.examples), repeat=b) if replace else itertools.combinations(
        range(landscape.examples), b)  # fmt: skip
    return np.array([z[list(batch)].mean() for batch in pick])


@pytest.mark.parametrize("b, replace", [(1, False), (3, False), (7, False), (2, True), (3, True)])
def test_cgf_variance_and_support_equal_the_enumerated_batches(b, replace):
    landscape = ls.make_landscape(FINITE_SUM)
    law = make_noise(f"minibatch:b={b},replace={replace}").on(landscape)
    for x in (-1.3, 0.2, 1.0, 2.1):
        z = batch_means(landscape, b, replace, x)
        np.testing.assert_allclose(law.variance(x), z.var(), rtol=1e-12)
        np.testing.assert_allclose(law.support(x), (z.min(), z.max()), rtol=1e-12)
        for p in (-3.0, -0.4, 0.7, 2.5):
            np.testing.assert_allclose(law.cgf(p, x), math.log(np.exp(p * z).mean()), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("b, replace", [(3, False), (2, True)])
def test_the_atoms_of_the_grid_chain_are_the_enumerated_batches(b, replace):
    landscape = ls.make_landscape(FINITE_SUM)
    law = make_noise(f"minibatch:b={b},replace={replace}").on(landscape)
    shift, curvature, weights = law.atoms()
    assert weights.sum() == pytest.approx(1.0) and len(weights) == law.batches
    for x in (-1.0, 0.5):
        z = shift[:, 0] + curvature[:, 0, 0] * (x - landscape.anchor[0])
        np.testing.assert_allclose(np.sort(z), np.sort(batch_means(landscape, b, replace, x)), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(law.cgf(0.8, x), math.log(weights @ np.exp(0.8 * z)), rtol=1e-11)


def test_the_cgf_is_zero_at_zero_for_large_batches():
    u = np.random.default_rng(1).standard_normal((2000, 1))
    landscape = ls.double_well(0.3).with_examples(u - u.mean(0))
    law = make_noise("minibatch:b=1000").on(landscape)
    assert float(law.cgf(0.0, 0.5)) == 0.0


def test_a_finite_sum_keeps_f_as_the_chains_energy_and_the_gibbs_law():
    from benchsuite.validate.continuous import GibbsLaw

    landscape, one = ls.make_landscape(FINITE_SUM), ls.double_well(0.3)
    state = ConstantStepSGD(0.1, "minibatch:b=2").init(landscape, seed=0, chains=5)
    np.testing.assert_allclose(state.energy, [landscape.value(x) for x in state.x], rtol=1e-12)
    np.testing.assert_array_equal(GibbsLaw(landscape, 0.5).cdf, GibbsLaw(one, 0.5).cdf)


def test_the_noise_is_not_symmetric_and_the_root_solves_the_unsymmetrised_equation():
    landscape = ls.make_landscape(FINITE_SUM)
    law = make_noise("minibatch:b=2").on(landscape)
    assert abs(float(law.cgf(1.0, -1.0) - law.cgf(-1.0, -1.0))) > 0.1  # H(p) != H(-p): the quasi-potential sees it
    slopes = np.array([-0.8, -0.2, 0.3, 1.1])
    xs = np.array([-1.0, 0.4, 0.9, -0.5])
    p = root_p(law, slopes, xs)
    np.testing.assert_allclose(law.cgf(-p, xs), p * slopes, rtol=1e-10)
    assert np.all(np.sign(p) == np.sign(slopes))
    high = float(law.support(0.4)[1])
    assert root_p(law, -1.01 * high, 0.4) == -math.inf  # the noise cannot climb a slope beyond sup Z


@pytest.mark.parametrize("noise", ["minibatch:b=3", "minibatch:b=2,replace=true"])
def test_the_kernel_draws_every_batch_with_its_probability(noise):
    # From x0 one step lands at x0 - eta (f'(x0) + Z): the batch is read back from Z (the batch means are
    # distinct), and its counts over 40,000 chains are tested against the enumerated probabilities.
    landscape = ls.make_landscape(FINITE_SUM)
    law = make_noise(noise).on(landscape)
    x0, eta, chains = 0.3, 0.01, 40_000
    atoms = np.unique(np.round(batch_means(landscape, law.b, law.replace, x0), 12), return_counts=True)
    sgd = ConstantStepSGD(eta, noise)
    state = sgd.init(landscape, seed=5, chains=chains, x0=[x0])
    sgd.step(state, 1)
    z = (x0 - state.x[:, 0]) / eta - landscape.gradient([x0])[0]
    nearest = np.abs(z[:, None] - atoms[0][None, :]).argmin(1)
    assert np.abs(z - atoms[0][nearest]).max() < 1e-9
    counts = np.bincount(nearest, minlength=atoms[0].size)
    expected = chains * atoms[1] / atoms[1].sum()
    statistic = float(((counts - expected) ** 2 / expected).sum())
    assert statistic < chi2.ppf(1 - ALPHA, atoms[0].size - 1)


def test_a_biased_sampler_fails_the_batch_frequency_test():
    # The test above has power: a Fisher-Yates that draws j in [0, n) (not [i, n)) is biased, and its batch
    # counts over the same number of chains give a chi-square far beyond the threshold.
    landscape = ls.make_landscape(FINITE_SUM)
    rng = np.random.default_rng(0)
    n, b, chains = landscape.examples, 3, 40_000
    counts = {}
    for _ in range(chains):
        order = list(range(n))
        for i in range(b):
            j = int(rng.integers(n))
            order[i], order[j] = order[j], order[i]
        key = tuple(sorted(order[:b]))
        counts[key] = counts.get(key, 0) + 1
    expected = chains / math.comb(n, b)
    observed = np.array([counts.get(c, 0) for c in itertools.combinations(range(n), b)])
    assert float(((observed - expected) ** 2 / expected).sum()) > chi2.ppf(1 - ALPHA, math.comb(n, b) - 1)


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: ConstantStepSGD(0.1, "minibatch:b=2").init(ls.double_well(0.3), seed=0), "noise"),
        (lambda: ConstantStepSGD(0.1, "minibatch:b=8").init(ls.make_landscape(FINITE_SUM), seed=0), "b"),
        (lambda: make_noise("minibatch:b=0"), "b"),
        (lambda: make_noise("minibatch:b=2,replace=2"), "replace"),
        (lambda: make_noise("minibatch:b=2").variance(0.0), "noise"),
        (lambda: ls.make_landscape("double-well:spread=1"), "examples"),
        (lambda: ls.make_landscape("double-well:examples=1"), "examples"),
        (lambda: ls.make_landscape("double-well:examples=4,spread=-1"), "spread"),
        (lambda: ls.double_well(0.3).with_examples([[1.0], [0.5]]), "shifts"),
        (lambda: ls.double_well(0.3).with_examples([[1.0], [-1.0]], [1.0, 0.0]), "curvatures"),
        (lambda: ls.double_well(0.3).with_examples([[1.0, 0.0], [-1.0, 0.0]]), "shifts"),
        (lambda: ls.double_well(0.3).with_examples([[np.nan], [0.0]]), "shifts"),
        (lambda: make_noise("minibatch:b=5,replace=true").on(ls.make_landscape(FINITE_SUM)).atoms(), "b"),
        (lambda: BatchNoise(ls.make_landscape(FINITE_SUM), 0, False), "b"),
        (lambda: BatchNoise(ls.make_landscape(FINITE_SUM), 2.5, False), "b"),
        (lambda: BatchNoise(ls.make_landscape(FINITE_SUM), 2, 1), "replace"),
        (lambda: make_noise("minibatch:b=2").on(ls.make_landscape(FINITE_SUM)).on(ls.double_well(0.3)), "landscape"),
        (lambda: make_noise("minibatch:b=2").on(ls.make_landscape("camel:examples=4,spread=1")).cgf(1.0), "landscape"),
        (lambda: make_noise("minibatch:b=2").on(ls.make_landscape(FINITE_SUM)).cgf(1.0, np.nan), "x0"),
        (lambda: root_p(make_noise("uniform:a=2"), np.nan, 0.0), "slope"),
        (lambda: ls.double_well(0.3).with_examples([[1e308], [1e308], [-1e308]]), "shifts"),
        (
            lambda: longrun(FINITE_SUM.replace("examples=8", "examples=200"), "minibatch:b=2,replace=true", [0.1, 0.2]),
            "b",
        ),
    ],
)
def test_bad_finite_sums_and_batches_are_refused_naming_the_field(call, field):
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field


def test_the_terms_of_a_finite_sum_average_to_f():
    landscape = ls.make_landscape("camel:examples=6,spread=1.5,curvature=0.7,anchor=0.3")
    x = np.array([0.4, -0.9])
    assert landscape.m == 6
    np.testing.assert_allclose(landscape.term_energies(x).sum(), landscape.value(x), rtol=1e-12)
    one = ls.camel()
    assert landscape.instance_id != one.instance_id
    assert [p.value for p in landscape.minima] == pytest.approx([p.value for p in one.minima])


def grid_and_theory(spec: str, noise: str) -> tuple[float, float, float]:
    """The exact grid chain's slope (2,048 cells, eta = 0.02, 0.04, 0.08), the quasi-potential's and the
    diffusion approximation's, for log(mu_left / mu_right) against 1 / eta."""
    landscape, noise = ls.make_landscape(spec), make_noise(noise)
    left, right = sorted(landscape.minima, key=lambda p: p.x[0])
    i, j = (0, 1) if landscape.minima[0] is left else (1, 0)
    etas = [0.02, 0.04, 0.08]
    ratios = [math.log(m[i] / m[j]) for m in (grid_law(landscape, noise, eta).basin_masses() for eta in etas)]
    ends = left.x[0], right.x[0]
    return (fit_slope(etas, ratios).slope, quasi_potential_slope(landscape, noise, *ends),
            diffusion_slope(landscape, noise, *ends))  # fmt: skip


def test_the_grid_chains_slope_is_the_quasi_potentials_where_f_alone_picks_the_other_minimum():
    # f alone (any noise independent of x) says the left minimum, the global one, wins: a positive slope.
    # The examples agree near the right minimum, so the mini-batch noise is smaller there and SGD prefers it:
    # the quasi-potential slope is negative, and the exact grid chain agrees within the 2% target.
    landscape = ls.make_landscape(FINITE_SUM)
    left, right = sorted(landscape.minima, key=lambda p: p.x[0])
    assert left.value < right.value
    exact, predicted, _ = grid_and_theory(FINITE_SUM, "minibatch:b=1")
    assert predicted < 0 and exact < 0
    assert abs(exact - predicted) <= 0.02 * abs(predicted)


def test_the_diffusion_approximation_misses_what_the_quasi_potential_gets():
    # Wider shifts and milder curvatures: the variance alone (2 f' / Var Z) predicts a slope 16 times too
    # small; the whole law of the batch (its cumulant generating function) predicts the grid chain's.
    exact, predicted, diffusion = grid_and_theory(FINITE_SUM.replace("spread=2,curvature=4", "spread=3,curvature=2"),
                                                  "minibatch:b=1")  # fmt: skip
    assert abs(exact - predicted) <= 0.02 * abs(predicted)
    assert abs(diffusion - exact) > 0.5 * abs(exact)
