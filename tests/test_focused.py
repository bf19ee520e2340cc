"""Focused Metropolis search: the kernel against its naive twin on the same random numbers, exact bookkeeping,
and its place among the baselines (constraint families only)."""

import math

import naive
import numpy as np
import pytest
from families import TWIN_PROBLEMS

from benchsuite.dynamics import FocusedMetropolis
from benchsuite.errors import ValidationError
from benchsuite.experiment.algorithm import make_algorithm
from benchsuite.kernels import PyXoshiro, fill, new_cache
from benchsuite.problems import coloring, ising, ksat, xorsat


@pytest.mark.parametrize("name", ["ksat-random", "ksat-planted", "xorsat-random", "xorsat-regular"])
@pytest.mark.parametrize("eta", [0.1, 0.5, 1.0])
@pytest.mark.parametrize("seed", [1, 2])
def test_kernel_matches_its_naive_twin(name, eta, seed):
    problem = TWIN_PROBLEMS[name]()
    dyn = FocusedMetropolis(eta)
    state = dyn.init(problem, seed)
    x0, e0 = state.x.copy(), state.energy
    rng = PyXoshiro(state.rng.copy())
    x_twin, accepted, de, trace = naive.focused_metropolis(problem, x0, -math.log(eta), 6, rng)
    state.watch(e0 - 1)
    state, info = dyn.step(state, 6)
    np.testing.assert_array_equal(state.x, x_twin)
    assert info.accepted == accepted and state.energy - e0 == de
    np.testing.assert_array_equal(state.rng, rng.state())
    best, first, _, hit = naive.track(trace, e0, e0 - 1)
    assert (state.best_energy, state.best_sweep, state.hit_sweep) == (best, first, hit)


@pytest.mark.parametrize("problem", [ksat(n=300, alpha=3.5, planted=True, seed=3),
                                     xorsat(n=300, alpha=0.5, seed=3)])  # fmt: skip
def test_cache_and_energy_stay_exact_after_every_call_and_the_search_stops_once_satisfied(problem):
    dyn = FocusedMetropolis(0.3)
    state = dyn.init(problem, 1)
    state.watch(0.0)
    for _ in range(8):
        state, _ = dyn.step(state, 25)
        assert state.energy == problem.energy(state.x)
        fresh = new_cache(problem)
        fill(state.model, state.x, fresh)
        np.testing.assert_array_equal(state.cache, fresh)
    if state.hit_sweep is not None:
        assert state.energy == 0 == state.best_energy  # nothing violated: no move after the hit


def test_a_planted_3_sat_instance_is_solved():
    problem = ksat(n=300, alpha=3.5, planted=True, seed=3)
    dyn = FocusedMetropolis(0.3)
    state = dyn.init(problem, 1)
    state.watch(0.0)
    state, _ = dyn.step(state, 200)
    assert state.hit_sweep is not None and state.energy == 0


def test_families_without_constraints_are_skipped_with_a_reason():
    algorithm = make_algorithm("focused-metropolis:eta=0.3")
    for problem in (coloring(n=21, q=3, c=2, seed=1), ising(model="sk", n=8, seed=1)):
        skip, reason = algorithm.skip(problem)
        assert skip and problem.family in reason
    assert algorithm.skip(xorsat(n=20, alpha=0.5, seed=1)) == (False, None)
    with pytest.raises(ValidationError) as err:
        FocusedMetropolis().init(coloring(n=21, q=3, c=2, seed=1), 0)
    assert err.value.field == "problem"
    for bad in (0.0, -0.1, 1.5, math.nan):
        with pytest.raises(ValidationError) as err:
            FocusedMetropolis(bad)
        assert err.value.field == "eta"
