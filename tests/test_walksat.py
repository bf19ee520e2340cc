"""WalkSAT: the kernel against its naive twin on the same random numbers, exact bookkeeping, and its place
among the baselines (K-SAT only)."""

import naive
import numpy as np
import pytest
from families import TWIN_PROBLEMS

from benchsuite.dynamics import WalkSAT
from benchsuite.errors import ValidationError
from benchsuite.experiment.algorithm import make_algorithm
from benchsuite.kernels import PyXoshiro, fill, new_cache
from benchsuite.problems import coloring, ksat


@pytest.mark.parametrize("name", ["ksat-random", "ksat-planted"])
@pytest.mark.parametrize("noise", [0.0, 0.4, 1.0])
@pytest.mark.parametrize("seed", [1, 2])
def test_kernel_matches_its_naive_twin(name, noise, seed):
    problem = TWIN_PROBLEMS[name]()
    dyn = WalkSAT(noise)
    state = dyn.init(problem, seed)
    x0, e0 = state.x.copy(), state.energy
    rng = PyXoshiro(state.rng.copy())
    x_twin, accepted, de, trace = naive.walksat(problem, x0, noise, 6, rng)
    state.watch(e0 - 1)
    state, info = dyn.step(state, 6)
    np.testing.assert_array_equal(state.x, x_twin)
    assert info.accepted == accepted and state.energy - e0 == de
    np.testing.assert_array_equal(state.rng, rng.state())
    best, first, _, hit = naive.track(trace, e0, e0 - 1)
    assert (state.best_energy, state.best_sweep, state.hit_sweep) == (best, first, hit)


def test_cache_and_energy_stay_exact_and_a_planted_instance_is_solved():
    problem = ksat(n=300, alpha=3.5, planted=True, seed=3)
    dyn = WalkSAT(0.5)
    state = dyn.init(problem, 1)
    state.watch(0.0)
    for _ in range(5):
        state, _ = dyn.step(state, 20)
        assert state.energy == problem.energy(state.x)
        fresh = new_cache(problem)
        fill(state.model, state.x, fresh)
        np.testing.assert_array_equal(state.cache, fresh)
    assert state.hit_sweep is not None and state.best_energy == 0 and state.energy == 0  # stops once satisfied


def test_other_families_are_skipped_with_a_reason():
    algorithm = make_algorithm("walksat:noise=0.5")
    skip, reason = algorithm.skip(coloring(n=21, q=3, c=2, seed=1))
    assert skip and "K-SAT" in reason
    assert algorithm.skip(ksat(n=20, alpha=3.0, seed=1)) == (False, None)
    with pytest.raises(ValidationError) as err:
        WalkSAT().init(coloring(n=21, q=3, c=2, seed=1), 0)
    assert err.value.field == "problem"
    with pytest.raises(ValidationError) as err:
        WalkSAT(1.5)
    assert err.value.field == "noise"
