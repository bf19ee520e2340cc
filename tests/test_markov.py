"""Exact transition matrices: the facts of reversibility and stationarity, on enumerable instances."""

from __future__ import annotations

import naive
import numpy as np
import pytest
import scipy.sparse as sp

from benchsuite.dynamics import HeatBath, Metropolis, SGDLike
from benchsuite.errors import ValidationError
from benchsuite.problems import coloring, ising
from benchsuite.validate.analysis import exact_analysis
from benchsuite.validate.batch_law import batch_acceptance
from benchsuite.validate.estimate import estimate_transition_matrix
from benchsuite.validate.markov import (
    MAX_DENSE_SPECTRUM,
    StateSpace,
    boltzmann,
    closest_temperature,
    detailed_balance_violation,
    entropy_production,
    random_scan_matrix,
    site_matrix,
    spectral_gap,
    sweep_matrix,
    total_variation,
)
from benchsuite.validate.steady_state import MAX_GTH_STATES, aggregates, stationary_distribution

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
    """One sweep of the real kernel from every state, 500 times each, against the exact sweep matrix: a pooled
    Pearson chi-square (independent seeds throughout) at a false-alarm rate of 1e-6, and no forbidden move."""
    space = StateSpace(problem)
    estimate = estimate_transition_matrix(space, dynamics, runs=500, seed=1)
    statistic, dof, p_value = estimate.chi_square(sweep_matrix(space, dynamics))
    assert p_value > 1e-6, (statistic, dof)


@pytest.mark.parametrize("wrong", [Metropolis(0.95), Metropolis(0.8, order="random")], ids=["T", "order"])
def test_the_chi_square_rejects_a_kernel_against_another_dynamics_matrix(wrong):
    space = StateSpace(ising("sk", n=4, couplings="gauss", seed=2))
    estimate = estimate_transition_matrix(space, wrong, runs=500, seed=1)
    assert estimate.chi_square(sweep_matrix(space, Metropolis(0.8)))[2] < 1e-6


def test_estimated_entries_stay_within_the_stated_bound():
    space = StateSpace(ising("sk", n=4, couplings="gauss", seed=2))
    estimate = estimate_transition_matrix(space, HeatBath(0.8), runs=400, seed=2)
    error = np.abs(estimate.matrix.toarray() - sweep_matrix(space, HeatBath(0.8))).max()
    assert error <= estimate.error_bound(1e-3)  # fails with probability at most 1e-3


def test_estimate_refuses_bad_input():
    with pytest.raises(ValidationError, match="dynamics: must have init"):
        estimate_transition_matrix(COLORING, object())
    with pytest.raises(ValidationError, match="runs: 729 states x 100000 runs"):
        estimate_transition_matrix(COLORING, Metropolis(1.0), runs=100_000)
    with pytest.raises(ValidationError, match="x: is not a configuration"):
        StateSpace(COLORING).index(np.array([0, 1, 2, 3, 0, 1], dtype=np.int8))


def test_rules_without_an_exact_local_law_are_refused():
    with pytest.raises(ValidationError, match="not Markov"):
        site_matrix(COLORING, SGDLike(0.5, persist=2), 0)
    with pytest.raises(ValidationError, match="states is above"):
        StateSpace(coloring(n=15, q=3, c=2, seed=1))


def _random_stochastic(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = rng.random((n, n)) * (rng.random((n, n)) < 0.2) + 1e-3 * rng.random((n, n))
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("n", [2, 7, 300])
def test_gth_kernel_equals_its_numpy_twin(n):
    p = _random_stochastic(n, seed=n)
    pi = stationary_distribution(p, method="gth")
    np.testing.assert_allclose(pi, naive.gth(p), rtol=1e-13, atol=0)
    np.testing.assert_allclose(pi @ p, pi, rtol=1e-12, atol=0)


SK16 = ising("sk", n=16, couplings="gauss", seed=3)  # 65,536 states


def test_aggregation_gives_boltzmann_for_metropolis_on_16_spins():
    """Residual tol = 1e-13 times the relaxation time (second eigenvalue 0.99685 here: ~320 steps) bounds the
    error at ~3e-11 in total variation."""
    space = StateSpace(SK16)
    p = random_scan_matrix(space, Metropolis(1.0))
    pi = stationary_distribution(p)
    assert total_variation(pi, boltzmann(space.energy, 1.0)) < 1e-10


def test_aggregation_equals_gth_on_a_non_reversible_chain():
    space = StateSpace(ising("sk", n=10, couplings="gauss", seed=4))  # 1,024 states, SGD-like
    p = random_scan_matrix(space, SGDLike(0.5))
    assert spectral_gap(p) > 1e-3  # relaxation time below 1e3 steps: error below 1e-10
    exact = stationary_distribution(p, method="gth")
    assert total_variation(stationary_distribution(p, method="aggregation"), exact) < 1e-9


def test_aggregation_says_when_it_has_not_converged():
    space = StateSpace(ising("sk", n=12, couplings="gauss", seed=3))
    p = random_scan_matrix(space, Metropolis(0.3))
    with pytest.raises(ValidationError, match="matrix: stationary law not converged in 1 aggregation steps"):
        stationary_distribution(p, method="aggregation", max_iter=1, tol=1e-300)


def test_aggregates_are_the_wells_of_a_two_well_chain():
    eps = 1e-6  # the only exchange between wells {0, 1} and {2, 3}
    p = np.array([[0.5, 0.5 - eps, eps, 0.0], [0.6, 0.4, 0.0, 0.0], [0.0, 0.0, 0.3, 0.7], [eps, 0.0, 0.8, 0.2 - eps]])
    label, count = aggregates(sp.csr_matrix(p))
    assert count == 2 and label[0] == label[1] != label[2] == label[3]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "gth", "matrix": sp.identity(MAX_GTH_STATES + 1)}, "method: GTH is dense"),
        ({"method": "power"}, "method"),
        ({"matrix": [[0.5, 0.6], [0.5, 0.5]]}, "matrix: must be a stochastic matrix"),
        ({"matrix": [[0.5, 0.5], [0.0, 1.0]]}, "matrix: is reducible"),
        ({"matrix": [[np.nan, 1.0], [0.5, 0.5]]}, "matrix: must be finite"),
        ({"matrix": np.ones((2, 3)) / 3}, "matrix: must be a non-empty square matrix"),
    ],
)
def test_stationary_distribution_refuses_bad_input(kwargs, match):
    kwargs = {"matrix": [[0.5, 0.5], [0.5, 0.5]], **kwargs}
    with pytest.raises(ValidationError, match=match):
        stationary_distribution(kwargs.pop("matrix"), **kwargs)


def test_spectral_gap_of_a_two_state_chain_and_by_arpack_on_a_large_one():
    a, b = 0.1, 0.3  # eigenvalues 1 and 1 - a - b
    assert spectral_gap(np.array([[1 - a, a], [b, 1 - b]])) == pytest.approx(a + b, rel=1e-12)
    space = StateSpace(ising("sk", n=10, couplings="gauss", seed=3))
    p = random_scan_matrix(space, SGDLike(0.5))  # non-reversible: complex eigenvalues
    assert space.size > MAX_DENSE_SPECTRUM  # so spectral_gap asks ARPACK
    values = np.linalg.eigvals(p.toarray())
    dense = 1 - np.sort(np.abs(values))[-2]
    assert spectral_gap(p) == pytest.approx(dense, rel=1e-8)


@pytest.mark.parametrize("d", [1, 2, 5, 11])
def test_batch_law_equals_the_enumeration_of_every_batch(d):
    rng = np.random.default_rng(d)
    change = np.concatenate([rng.normal(size=(40, d)), rng.integers(-2, 3, size=(40, d)).astype(float)])
    for s in (0.05, 0.5, 0.9):  # integer rows have exact ties at 0: <= must count them
        np.testing.assert_allclose(batch_acceptance(change, s), naive.batch_acceptance(change, s), rtol=1e-12)


def test_exact_analysis_of_metropolis_finds_its_own_temperature_and_no_flux():
    a = exact_analysis(COLORING, Metropolis(0.9, order="random"))
    assert a.states == 729 and a.step == "site"
    assert a.detailed_balance_violation < ROUND_OFF and a.entropy_production < ROUND_OFF
    assert a.t_eff == pytest.approx(0.9, rel=1e-6) and a.tv_to_nominal < ROUND_OFF and a.kl < 1e-12
    assert 0 < a.spectral_gap < 1


def test_exact_analysis_of_a_sgd_like_sweep_reports_flux_and_no_nominal_temperature():
    a = exact_analysis(COLORING, SGDLike(0.6), step="sweep")
    assert a.step == "sweep" and a.detailed_balance_violation > 1e-4 and a.tv_to_nominal is None
    assert a.kl > 0 and a.tv_to_boltzmann > 1e-4
