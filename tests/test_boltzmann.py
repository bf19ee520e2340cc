"""Metropolis and heat bath reproduce exact Boltzmann mean energies on instances small enough to enumerate.

Each check: fixed seed, 1,000 sweeps of burn-in, then 30,000 sweeps, or 60 integrated autocorrelation
times when that is longer (the chain is rerun at that length, up to 500,000 sweeps); tolerance 5
Monte-Carlo standard errors (Sokal window); false-alarm rate about 6e-7 per comparison.
"""

import pytest

from benchsuite.dynamics import HeatBath, Metropolis
from benchsuite.problems import coloring, ising
from benchsuite.validate import AutocorrError, boltzmann_mean_energy, energy_series, mean_and_error

SMALL = {
    "coloring-q3-n9": lambda: coloring(n=9, q=3, c=3, planted=False, seed=1),
    "ising-ea2d-gauss-h": lambda: ising("ea2d", L=3, couplings="gauss", h=0.3, seed=2),
    "ising-rrg-pm1-n12": lambda: ising("rrg", n=12, d=3, seed=3),
}


def _measure(problem, dynamics, sweeps=30_000, cap=500_000):
    try:
        return mean_and_error(energy_series(problem, dynamics, sweeps, seed=11, burn_in=1_000))
    except AutocorrError as short:
        longer = int(60 * short.tau)
        if longer > cap:
            raise
        return mean_and_error(energy_series(problem, dynamics, longer, seed=11, burn_in=1_000))


@pytest.mark.parametrize("name", SMALL)
@pytest.mark.parametrize("T", [0.6, 1.0, 2.5])
@pytest.mark.parametrize("rule", [Metropolis, HeatBath])
@pytest.mark.parametrize("order", ["sequential", "random"])
def test_mean_energy_matches_enumeration(name, T, rule, order):
    problem = SMALL[name]()
    exact = boltzmann_mean_energy(problem, T)
    mean, err, _ = _measure(problem, rule(T, order))
    assert abs(mean - exact) < 5 * err, f"{mean:.5f} +- {err:.5f} vs exact {exact:.5f}"


def test_check_rejects_wrong_temperature():
    """The same comparison fails when the chain runs at the wrong temperature (power of the check)."""
    problem = SMALL["coloring-q3-n9"]()
    mean, err, _ = _measure(problem, Metropolis(1.2))
    assert abs(mean - boltzmann_mean_energy(problem, 1.0)) > 5 * err
