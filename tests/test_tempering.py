"""Parallel tempering: the kernel against its naive twin, the joint chain's exact law, the kernel's sampled law
against that exact law, the ladder, the state's protection, and the budget accounting of the scorer."""

import naive
import numpy as np
import pytest
from families import TWIN_PROBLEMS
from scipy.stats import chi2

from benchsuite.dynamics import Metropolis, ParallelTempering
from benchsuite.dynamics.tempering import equal_rejection_ladder, geometric_ladder
from benchsuite.errors import ValidationError
from benchsuite.experiment.algorithm import make_algorithm
from benchsuite.kernels import PyXoshiro
from benchsuite.problems import coloring, ising
from benchsuite.validate.estimate import pooled_chi_square
from benchsuite.validate.markov import StateSpace, boltzmann, sweep_matrix
from benchsuite.validate.steady_state import stationary_distribution

FALSE_ALARM = 1e-3  # of the chi-square comparison of the kernel's two-round law with the exact one


@pytest.mark.parametrize("name", TWIN_PROBLEMS)
def test_kernel_matches_its_naive_twin(name):
    problem = TWIN_PROBLEMS[name]()
    pt = ParallelTempering(0.4, 3.0, replicas=4)
    state = pt.init(problem, 5)
    xs0, rngs0, swap0 = state.xs.copy(), state.rngs.copy(), state.swap_rng.copy()
    rngs = [PyXoshiro(r) for r in rngs0]
    swap_rng = PyXoshiro(swap0)
    xs, at, energies, accepted, swaps, trips = naive.parallel_tempering(
        problem, list(xs0), state.betas.copy(), 9, rngs, swap_rng)  # fmt: skip
    state, info = pt.step(state, 9)
    np.testing.assert_array_equal(state.xs, np.stack(xs))
    assert state.replica_at.tolist() == at
    np.testing.assert_allclose(state.energies, energies, atol=1e-9)
    assert info.accepted == accepted and info.attempted == 9 * 4 * problem.n
    np.testing.assert_array_equal(state.swaps, swaps)
    assert state.round_trips == trips
    for r in range(4):
        np.testing.assert_array_equal(state.rngs[r], rngs[r].state())
    np.testing.assert_array_equal(state.swap_rng, swap_rng.state())
    assert 0 < swaps[:, 1].sum() < swaps[:, 0].sum()  # both branches of the swap were taken
    assert state.energy == pytest.approx(problem.energy(state.x), abs=1e-9)


TINY = ising("sk", n=3, couplings="gauss", seed=4)
LADDER = (0.5, 2.0, 3)  # T_min, T_max, replicas: 8^3 = 512 joint states


def _joint_two_rounds(space: StateSpace, betas: np.ndarray, swap_sign: float = 1.0) -> np.ndarray:
    """Exact law of two rounds (even pairs swap after the first, odd pairs after the second) on joint states
    c_0 * q^2n + c_1 * q^n + c_2 (c_k: the configuration at temperature k).  ``swap_sign=-1`` inverts the
    swap rule (a bug, to show the comparison's power)."""
    sweeps = [sweep_matrix(space, Metropolis(1.0 / b)) for b in betas]
    sweep = sweeps[0]
    for m in sweeps[1:]:
        sweep = np.kron(sweep, m)
    size, R = space.size, betas.size
    digits = np.array(np.unravel_index(np.arange(size**R), (size,) * R)).T  # (joint, R)

    def pair_swap(k):
        out = np.zeros((size**R, size**R))
        for j, c in enumerate(digits):
            gain = (betas[k] - betas[k + 1]) * (space.energy[c[k]] - space.energy[c[k + 1]])
            a = min(1.0, np.exp(swap_sign * gain))
            d = c.copy()
            d[k], d[k + 1] = c[k + 1], c[k]
            out[j, np.ravel_multi_index(d, (size,) * R)] += a
            out[j, j] += 1.0 - a
        return out

    def swap(parity):  # the pairs of one parity are disjoint: their swaps are independent
        out = np.eye(size**R)
        for k in range(parity, R - 1, 2):
            out = out @ pair_swap(k)
        return out

    return sweep @ swap(0) @ sweep @ swap(1)


def _product_boltzmann(space: StateSpace, betas: np.ndarray) -> np.ndarray:
    law = boltzmann(space.energy, 1.0 / betas[0])
    for b in betas[1:]:
        law = np.kron(law, boltzmann(space.energy, 1.0 / b))
    return law


def test_the_joint_chain_leaves_the_product_of_boltzmann_laws_invariant():
    space = StateSpace(TINY)
    betas = geometric_ladder(*LADDER)
    target = _product_boltzmann(space, betas)
    pi = stationary_distribution(_joint_two_rounds(space, betas))
    assert np.max(np.abs(pi - target)) < 1e-12
    wrong = stationary_distribution(_joint_two_rounds(space, betas, swap_sign=-1.0))
    assert np.max(np.abs(wrong - target)) > 1e-3  # the exact check sees an inverted swap rule


def test_the_kernels_two_round_law_is_the_exact_one():
    """From one joint start, the end states of many independent two-round runs against the exact row (Pearson
    chi-square, cells expected < 5 pooled, false-alarm rate FALSE_ALARM); the same counts against the law with
    the swap rule inverted must be rejected, or the test would lack the power to see a swap bug."""
    space = StateSpace(TINY)
    betas = geometric_ladder(*LADDER)
    runs = 20_000
    start = np.array([1, -1, 1], dtype=np.int8)
    pt = ParallelTempering(*LADDER[:2], replicas=LADDER[2])
    size = space.size
    counts = np.zeros(size**3)
    for seed in range(runs):
        state, _ = pt.step(pt.init(TINY, seed, x0=start), 2)
        c = [space.index(state.xs[state.replica_at[k]]) for k in range(3)]
        counts[np.ravel_multi_index(c, (size,) * 3)] += 1
    row = space.index(start) * (size**2 + size + 1)
    exact = _joint_two_rounds(space, betas)[row] * runs
    statistic, dof = pooled_chi_square(counts, exact)
    assert statistic < chi2.isf(FALSE_ALARM, dof), (statistic, dof)
    wrong = _joint_two_rounds(space, betas, swap_sign=-1.0)[row] * runs
    statistic, dof = pooled_chi_square(counts, wrong)
    assert statistic > chi2.isf(FALSE_ALARM, dof)


def test_equal_rejection_ladder_cuts_the_cumulative_rejection_into_equal_parts():
    betas = np.array([2.0, 1.0, 0.5])
    new = equal_rejection_ladder(betas, np.array([0.9, 0.1]))
    assert new[0] == 2.0 and new[2] == 0.5
    assert new[1] == pytest.approx(2.0 + (0.5 / 0.9) * (1.0 - 2.0))  # half the barrier, within the first pair
    np.testing.assert_array_equal(equal_rejection_ladder(betas, np.zeros(2)), betas)
    even = equal_rejection_ladder(betas, np.array([0.3, 0.3]))
    np.testing.assert_allclose(even, betas)


def test_an_adaptive_ladder_is_refitted_at_doubling_rounds_and_keeps_its_end_points():
    problem = ising("sk", n=32, couplings="gauss", seed=2)
    pt = ParallelTempering(0.3, 3.0, replicas=6, adapt=64)
    state = pt.init(problem, 1)
    start = state.betas.copy()
    state, _ = pt.step(state, 16)  # the first refit
    assert not np.array_equal(state.betas, start) and state.swaps.sum() == 0
    assert state.betas[0] == start[0] and state.betas[-1] == start[-1] and np.all(np.diff(state.betas) < 0)
    state, _ = pt.step(state, 100)  # refits at 32 and 64, then fixed
    fixed = state.betas.copy()
    state, _ = pt.step(state, 50)
    np.testing.assert_array_equal(state.betas, fixed)
    assert state.swaps[:, 0].sum() == 51 * 3 + 51 * 2  # rounds 64..165 since the last refit: even ones try 3 pairs
    d = state.diagnostics()
    assert len(d["swap_acceptance"]) == 5 and d["rounds"] == 166 and d["round_trips"] >= 0


def test_the_state_is_not_editable_from_outside():
    pt = ParallelTempering(0.5, 2.0, replicas=3)
    state = pt.init(coloring(n=30, q=3, c=2, seed=1), 0)
    with pytest.raises(ValueError, match="read-only"):
        state.xs[0, 0] = 2
    state.caches.flags.writeable = True
    state.caches[0, 0, 0] += 5  # forced past the read-only flag: the seal sees it
    with pytest.raises(ValidationError, match="changed outside"):
        pt.step(state, 1)
    other = pt.init(coloring(n=30, q=3, c=2, seed=1), 0)
    other.betas = np.array([1.0, 1.0, 1.0])
    with pytest.raises(ValidationError, match="changed outside"):
        pt.step(other, 1)
    with pytest.raises(ValidationError, match="TemperingState"):
        pt.step(Metropolis(1.0).init(coloring(n=30, q=3, c=2, seed=1), 0), 1)
    with pytest.raises(ValidationError, match="replicas"):
        ParallelTempering(0.5, 2.0, replicas=4).step(pt.init(coloring(n=30, q=3, c=2, seed=1), 0), 1)


@pytest.mark.parametrize("bad", [{"T_min": 0.0}, {"T_max": 0.4}, {"replicas": 1}, {"replicas": 5000},
                                 {"adapt": -1}, {"order": "zigzag"}])  # fmt: skip
def test_parameters_are_checked(bad):
    params = {"T_min": 0.5, "T_max": 2.0, **bad}
    with pytest.raises(ValidationError) as err:
        ParallelTempering(**params)
    assert err.value.field in bad


def test_replica_zero_starts_where_every_dynamics_with_the_seed_starts():
    problem = coloring(n=40, q=4, c=3, seed=2)
    state = ParallelTempering(0.5, 2.0, replicas=3).init(problem, 9)
    np.testing.assert_array_equal(state.xs[0], Metropolis(1.0).init(problem, 9).x)
    assert not np.array_equal(state.xs[0], state.xs[1])


def test_the_scorer_charges_every_replica_sweep():
    problem = ising("sk", n=16, couplings="gauss", seed=3)
    algorithm = make_algorithm("parallel-tempering:T_min=0.3,T_max=2.0,replicas=4")
    outcome = algorithm.solve(problem, 41, 2, target=-1e9)
    assert outcome.attempted == 40 * problem.n  # 10 rounds of 4 replica sweeps; the 41st sweep buys no round
    assert outcome.exact_tracking and outcome.best_sweep % 4 == 0 and outcome.hit_sweep is None
    with pytest.raises(ValidationError) as err:
        algorithm.solve(problem, 3, 2)
    assert err.value.field == "budget"
