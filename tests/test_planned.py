"""The planned directed checks (mean energy, acceptance) of benchsuite.validate.planned: a correct rule passes,
a wrong one fails, a run smaller than its plan is inconclusive, and the plan's shifts are the exact ones."""

import numpy as np
import pytest
from broken_dynamics import StatesItsLaw

from benchsuite.dynamics import Metropolis
from benchsuite.problems import ising
from benchsuite.validate.markov import StateSpace, boltzmann, sweep_matrix
from benchsuite.validate.planned import PILOT_CHAINS, plan_temperature_test, planned_checks

GLASS = ising("sk", n=6, couplings="gauss", seed=5)
SIZES = {"temperature_error": 0.1, "acceptance_bias": 0.1}  # planned for 10% effects: a few thousand chains


def test_a_correct_rule_that_states_its_law_passes_both():
    results = planned_checks(GLASS, StatesItsLaw(0.8), 0.8, **SIZES)
    assert [(r.name, r.passed) for r in results] == [("mean_energy_holds", True), ("acceptance_holds", True)]


def test_a_rule_at_twice_its_stated_temperature_fails_both():
    results = planned_checks(GLASS, StatesItsLaw(0.8, "half-exponent"), 0.8, **SIZES)
    assert [r.passed for r in results] == [False, False]


def test_a_run_capped_below_its_plan_is_inconclusive_not_passed():
    results = planned_checks(GLASS, Metropolis(0.8), 0.8, max_chains=PILOT_CHAINS)  # 2% and 1%: far more needed
    assert all(r.passed is None and "inconclusive" in r.detail and "chains needed" in r.detail for r in results)


def test_the_planned_shifts_are_the_exact_mean_energies_after_each_sweep():
    space = StateSpace(GLASS)
    plan = plan_temperature_test(space, 0.8, "sequential", 3, 0.02, 0.99, 1e-3)
    pi = boltzmann(space.energy, 0.8)
    hot = sweep_matrix(space, Metropolis(0.8 * 1.02))
    exact = np.mean([pi @ np.linalg.matrix_power(hot, a) @ space.energy for a in (1, 2, 3)]) - pi @ space.energy
    assert plan.shift_hot == pytest.approx(exact, rel=1e-10)
