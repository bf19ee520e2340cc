"""Exact transition matrices: the facts of reversibility and stationarity, on enumerable instances."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from benchsuite.dynamics import HeatBath, Metropolis, SGDLike
from benchsuite.errors import ValidationError
from benchsuite.problems import coloring, ising
from benchsuite.validate.markov import (
    StateSpace,
    boltzmann,
    closest_temperature,
    detailed_balance_violation,
    entropy_production,
    random_scan_matrix,
    site_matrix,
    stationary_distribution,
    sweep_matrix,
    total_variation,
)

ROUND_OFF = 1e-12  # sums of at most a few thousand products of probabilities

GAUSS = ising("sk", n=6, couplings="gauss", seed=5)  # real-valued changes
COLORING = coloring(n=6, q=3, c=2, seed=1)  # 729 states, unit changes


@pytest.mark.parametrize("problem", [GAUSS, COLORING], ids=["sk-gauss", "coloring"])
@pytest.mark.parametrize("dynamics", [Metropolis(0.9), HeatBath(0.9), SGDLike(0.6)], ids=repr)
def test_site_matrices_are_stochastic(problem, dynamics):
    space = StateSpace(problem)
    for i in range(problem.n):
        p = site_matrix(space, dynamics, i)
        assert np.all(p.data >= 0)
        np.testing.assert_allclose(np.asarray(p.sum(axis=1)).ravel(), 1.0, atol=ROUND_OFF)


@pytest.mark.parametrize("problem", [GAUSS, COLORING], ids=["sk-gauss", "coloring"])
@pytest.mark.parametrize("dynamics", [Metropolis(0.9), HeatBath(0.9)], ids=repr)
def test_random_scan_metropolis_and_heat_bath_are_reversible_with_boltzmann_stationary(problem, dynamics):
    space = StateSpace(problem)
    p = random_scan_matrix(space, dynamics)
    target = boltzmann(space.energy, 0.9)
    pi = stationary_distribution(p)
    assert total_variation(pi, target) < ROUND_OFF
    assert detailed_balance_violation(p, target) < ROUND_OFF
    assert entropy_production(p, target) < ROUND_OFF


@pytest.mark.parametrize("dynamics", [Metropolis(0.9), HeatBath(0.9)], ids=repr)
def test_a_sequential_sweep_preserves_boltzmann_but_is_not_reversible(dynamics):
    space = StateSpace(COLORING)
    p = sweep_matrix(space, dynamics)
    target = boltzmann(space.energy, 0.9)
    assert total_variation(target @ p, target) < ROUND_OFF
    assert detailed_balance_violation(p, target) > 1e-3


def test_sgd_like_breaks_detailed_balance_and_is_not_boltzmann_at_any_temperature():
    space = StateSpace(COLORING)
    p = random_scan_matrix(space, SGDLike(0.6))
    pi = stationary_distribution(p)
    assert detailed_balance_violation(p, pi) > 1e-4
    assert entropy_production(p, pi) > 0
    t_eff, kl = closest_temperature(pi, space.energy)
    assert kl > 1e-6 and total_variation(pi, boltzmann(space.energy, t_eff)) > 1e-4


def test_gth_is_accurate_on_a_nearly_decomposable_chain():
    """Two 2-state blocks joined by flux eps: pi is known in closed form; a dense eigensolver loses digits."""
    eps = 1e-14
    p = np.array([[0.5, 0.5 - eps, eps, 0.0], [0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5], [eps, 0.0, 0.5, 0.5 - eps]])
    pi = stationary_distribution(p)
    np.testing.assert_allclose(pi, [0.25, 0.25, 0.25, 0.25], rtol=1e-12)


@pytest.mark.parametrize(
    "problem",
    [
        ising("sk", n=4, couplings="gauss", seed=2),
        pytest.param(coloring(n=4, q=3, c=1, planted=False, seed=1), marks=pytest.mark.slow),
    ],
    ids=["sk", "col"],
)
@pytest.mark.parametrize("dynamics", [Metropolis(0.8), HeatBath(0.8), SGDLike(0.6)], ids=repr)
def test_the_exact_sweep_matrix_matches_the_kernels_sweep_from_every_state(problem, dynamics):
    """One sweep of the real kernel from every state, 500 times each, against the exact sweep matrix: a
    Pearson chi-square over all rows (independent seeds throughout), cells expected fewer than 5 times pooled
    (false-alarm rate 1e-6), and
    no move the matrix forbids."""
    space = StateSpace(problem)
    exact = sweep_matrix(space, dynamics)
    draws = 500
    statistic, dof = 0.0, 0
    for start in range(space.size):
        counts = np.zeros(space.size)
        for seed in range(draws):
            state, _ = dynamics.step(dynamics.init(problem, start * draws + seed, x0=space.x[start]), 1)
            counts[int(np.flatnonzero((space.x == state.x).all(axis=1))[0])] += 1
        expected = draws * exact[start]
        assert counts[expected == 0].sum() == 0, f"a forbidden move from state {start}"
        # cells expected fewer than 5 times are pooled into one, where the chi-square law holds
        big = expected >= 5
        observed = np.append(counts[big], counts[~big].sum())
        expected = np.append(expected[big], expected[~big].sum())
        cells = expected > 0
        statistic += np.sum((observed[cells] - expected[cells]) ** 2 / expected[cells])
        dof += int(cells.sum()) - 1
    assert chi2.sf(statistic, dof) > 1e-6, (statistic, dof)


def test_rules_without_an_exact_local_law_are_refused():
    with pytest.raises(ValidationError, match="not Markov"):
        site_matrix(COLORING, SGDLike(0.5, persist=2), 0)
    with pytest.raises(ValidationError, match="states is above"):
        StateSpace(coloring(n=15, q=3, c=2, seed=1))
