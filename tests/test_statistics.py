"""Statistical behaviour on larger instances: planted paramagnet, SGD-like limits, autocorrelation estimator."""

import numpy as np
import pytest

from benchsuite.dynamics import Metropolis, SGDLike
from benchsuite.problems import coloring, ising
from benchsuite.validate import AutocorrError, energy_series, integrated_time, mean_and_error


@pytest.fixture(scope="module")
def planted_c10():
    return coloring(n=5000, q=5, c=10, seed=1)


@pytest.mark.parametrize("T", [0.7, 1.0, 2.0])
def test_planted_coloring_reaches_paramagnetic_energy(planted_c10, T):
    """c = 10 < c_KS = 16: the paramagnet is the equilibrium state; e(T) = (c/2) x / (q - 1 + x).

    Tolerance: 5 standard errors.  The O(1/N) loop correction (about 2e-4 here) is below one standard error.
    """
    series = energy_series(planted_c10, Metropolis(T), 3_000, seed=2, burn_in=300)
    mean, err, _ = mean_and_error(series)
    assert abs(mean - planted_c10.paramagnetic_energy(T)) < 5 * err


def test_sgd_like_s1_is_a_greedy_quench(planted_c10):
    for dyn in (SGDLike(1.0), SGDLike(1.0, "term"), SGDLike(1.0, "half-edge", persist=3)):
        series = energy_series(planted_c10, dyn, 60, seed=3)
        assert np.all(np.diff(series) <= 0)


def test_sgd_like_small_s_stays_hot_and_energy_falls_with_s(planted_c10):
    """Stationary energy decreases with s; at s = 0.1 it is above the paramagnetic energy at T = 2."""
    means, errs = [], []
    for s in (0.1, 0.5, 0.9):
        mean, err, _ = mean_and_error(energy_series(planted_c10, SGDLike(s), 2_000, seed=4, burn_in=300))
        means.append(mean)
        errs.append(err)
    assert means[0] - planted_c10.paramagnetic_energy(2.0) > 5 * errs[0]
    for k in range(2):
        assert means[k] - means[k + 1] > 5 * np.hypot(errs[k], errs[k + 1])


@pytest.mark.parametrize("family", ["coloring", "ising"])
def test_binomial_shortcut_has_the_law_of_explicit_half_edge_flags(planted_c10, family):
    """Half-edge rule, fresh batch: the one-uniform decision and explicit flags (forced through the flag
    kernel) give the same stationary energy within 5 combined standard errors."""

    class ExplicitFlags(SGDLike):
        def uses_binomial_rule(self, model):
            return False

    problem = planted_c10 if family == "coloring" else ising("rrg", n=5000, d=3, seed=1)
    a = mean_and_error(energy_series(problem, SGDLike(0.7), 2_000, seed=5, burn_in=300))
    b = mean_and_error(energy_series(problem, ExplicitFlags(0.7), 2_000, seed=6, burn_in=300))
    assert abs(a[0] - b[0]) < 5 * np.hypot(a[1], b[1])


def test_integrated_time_of_ar1():
    """AR(1) with phi = 0.5 has tau = (1 + phi) / (1 - phi) = 3; Sokal's relative error is sqrt(2 (2W + 1) / n)."""
    rng = np.random.default_rng(0)
    n, phi = 200_000, 0.5
    noise = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = noise[0]
    for t in range(1, n):
        x[t] = phi * x[t - 1] + noise[t]
    tau = integrated_time(x)
    window = 5 * 3
    rel_err = np.sqrt(2 * (2 * window + 1) / n)
    assert abs(tau - 3.0) < 5 * rel_err * 3.0
    _, err, _ = mean_and_error(x)
    assert err == pytest.approx(np.sqrt(x.var() * tau / n))


def test_short_series_is_refused():
    x = np.cumsum(np.random.default_rng(1).standard_normal(500))  # random walk: tau of the order of the length
    with pytest.raises(AutocorrError):
        integrated_time(x)
