"""Metropolis and heat bath reproduce exact Boltzmann mean energies on instances small enough to enumerate.

Every family and kernel layout, at T = 1 in the default run and at T = 0.6 and 2.5 in the slow one.  Each
check: 32 independent chains from random starts (fixed root seed), 1,000 sweeps of burn-in, then 30,000
sweeps sampled every 50; the statistic is t = (mean of the chain means -
exact) / (their standard deviation / sqrt(32)), Student t with 31 degrees of freedom when the sampler is
right.  The chains' spread gives the error bar without an autocorrelation estimate, so a slowly mixing
instance makes the check weaker, never falsely alarming.  Threshold: two-sided false-alarm rate 1e-5 per
check (about 1e-3 over the whole grid).
"""

import numpy as np
import pytest
from families import ENUMERABLE
from scipy.stats import t as student_t

from benchsuite.dynamics import HeatBath, Metropolis
from benchsuite.validate import boltzmann_mean_energy, chain_means

CHAINS, SWEEPS, BURN_IN, THIN = 32, 30_000, 1_000, 50
FALSE_ALARM = 1e-5
THRESHOLD = float(student_t.isf(FALSE_ALARM / 2, CHAINS - 1))


def _t_statistic(problem, dynamics, exact: float) -> tuple[float, float, float]:
    means = chain_means(problem, dynamics, CHAINS, SWEEPS, seed=11, burn_in=BURN_IN, thin=THIN)
    error = means.std(ddof=1) / np.sqrt(CHAINS)
    return (means.mean() - exact) / error, float(means.mean()), float(error)


@pytest.mark.parametrize("name", ENUMERABLE)
@pytest.mark.parametrize(
    "T", [pytest.param(0.6, marks=pytest.mark.slow), 1.0, pytest.param(2.5, marks=pytest.mark.slow)]
)
@pytest.mark.parametrize("rule", [Metropolis, HeatBath])
@pytest.mark.parametrize("order", ["sequential", "random"])
def test_mean_energy_matches_enumeration(name, T, rule, order):
    problem = ENUMERABLE[name]()
    exact = boltzmann_mean_energy(problem, T)
    t, mean, error = _t_statistic(problem, rule(T, order), exact)
    assert abs(t) < THRESHOLD, f"{mean:.5f} +- {error:.5f} vs exact {exact:.5f} (t = {t:.1f})"


def test_check_rejects_wrong_temperature():
    """The same comparison fails when the chain runs at the wrong temperature (power of the check)."""
    problem = ENUMERABLE["coloring-q3-n9"]()
    t, _, _ = _t_statistic(problem, Metropolis(1.2), boltzmann_mean_energy(problem, 1.0))
    assert abs(t) > THRESHOLD
