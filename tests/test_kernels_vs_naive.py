"""Every rule on every family's kernel layout against its naive twin, step for step on the same random numbers."""

import naive
import numpy as np
import pytest
from families import TWIN_PROBLEMS, UNIT_TERMS

from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike
from benchsuite.kernels import PyXoshiro, acceptance_table, model_for, seed_state
from benchsuite.problems import coloring


def test_instances_cover_every_layout():
    """Model types and cache dtypes: colouring, sparse Ising integer / real, dense Ising, K-SAT, XORSAT,
    perceptron with integer / real patterns."""
    layouts = set()
    for make in TWIN_PROBLEMS.values():
        model = model_for(make())
        layouts.add((type(model).__name__, getattr(model, "coupling", getattr(model, "xi_t", None)).dtype.kind
                     if hasattr(model, "coupling") or hasattr(model, "xi_t") else None))  # fmt: skip
    assert layouts == {
        ("ColoringModel", None), ("IsingModel", "i"), ("IsingModel", "f"), ("IsingDenseModel", None),
        ("KSatModel", None), ("XorSatModel", None), ("PerceptronModel", "i"), ("PerceptronModel", "f"),
    }  # fmt: skip


def _compare(problem, dynamics, sweeps, twin, seed=7):
    """Run the kernel through init/step and the twin from the same start and RNG state; compare everything,
    the best energy so far and the first sweep at a target included (a target between two levels the twin
    went through below the start, so that it is hit during the run)."""
    state = dynamics.init(problem, seed, horizon=sweeps)
    x0, rng0 = state.x.copy(), state.rng.copy()
    e0 = state.energy
    py_rng = PyXoshiro(rng0)
    x_twin, accepted_twin, de_twin, trace = twin(problem, x0, py_rng)
    below = sorted({round(e0 + de, 9) for _, de in trace if e0 + de < e0 - 1e-9})
    target = (below[len(below) // 2 - 1] + below[len(below) // 2]) / 2 if len(below) >= 2 else e0 - 0.5
    state.watch(target)
    state, info = dynamics.step(state, sweeps)
    np.testing.assert_array_equal(state.x, x_twin)
    assert info.accepted == accepted_twin
    assert state.energy - e0 == pytest.approx(de_twin, abs=1e-9)
    np.testing.assert_array_equal(state.rng, py_rng.state())
    assert 0 < info.accepted < info.attempted  # the comparison exercised both branches
    best, first, at_best, hit = naive.track(trace, e0, target)
    assert state.best_energy == pytest.approx(best, abs=1e-9)
    integral = float(e0).is_integer() and all(float(de).is_integer() for _, de in trace)
    assert state.best_sweep == first if integral else state.best_sweep in at_best
    assert state.hit_sweep == hit


@pytest.mark.parametrize("name", TWIN_PROBLEMS)
@pytest.mark.parametrize("order", ["sequential", "random"])
def test_metropolis(name, order):
    problem = TWIN_PROBLEMS[name]()
    betas = np.full(6, 1 / 1.3)
    _compare(problem, Metropolis(1.3, order), 6, lambda p, x, r: naive.metropolis(p, x, betas, order == "random", r))


@pytest.mark.parametrize("name", ["coloring-er", "ising-rrg-pm1", "ising-complete-integer", "ksat-random"])
def test_metropolis_cold_exercises_hopeless_moves(name):
    """At T = 0.02 every uphill move has beta dE >= 50: refused without a draw in kernel and twin alike."""
    problem = TWIN_PROBLEMS[name]()
    betas = np.full(3, 50.0)
    _compare(problem, Metropolis(0.02), 3, lambda p, x, r: naive.metropolis(p, x, betas, False, r))


@pytest.mark.parametrize("name", TWIN_PROBLEMS)
@pytest.mark.parametrize("order", ["sequential", "random"])
def test_heat_bath(name, order):
    problem = TWIN_PROBLEMS[name]()
    betas = np.full(6, 1 / 0.8)
    _compare(problem, HeatBath(0.8, order), 6, lambda p, x, r: naive.heat_bath(p, x, betas, order == "random", r))


def test_heat_bath_far_below_underflow():
    """At beta = 1000 every exp(-beta k), k >= 1, underflows; weights relative to the best colour still work."""
    problem = TWIN_PROBLEMS["coloring-er"]()
    betas = np.full(3, 1000.0)
    _compare(problem, HeatBath(1e-3), 3, lambda p, x, r: naive.heat_bath(p, x, betas, False, r))


def _schedule(kind: str, beta0: float, beta1: float, sweeps: int) -> np.ndarray:
    """The schedule written out independently of Annealing.beta_schedule: beta0 (beta1/beta0)^(t/(S-1)) or linear."""
    t = np.arange(sweeps) / (sweeps - 1)
    return beta0 * (beta1 / beta0) ** t if kind == "geometric" else beta0 + (beta1 - beta0) * t


@pytest.mark.parametrize("name", TWIN_PROBLEMS)
@pytest.mark.parametrize("schedule", ["linear", "geometric"])
def test_annealing(name, schedule):
    """The twin gets a schedule computed here from its definition, not the one the dynamics computes."""
    problem = TWIN_PROBLEMS[name]()
    betas = _schedule(schedule, 0.2, 3.0, 8)
    _compare(problem, Annealing(0.2, 3.0, schedule), 8, lambda p, x, r: naive.metropolis(p, x, betas, False, r))


def test_annealing_comparison_fails_when_the_schedule_is_wrong():
    """The schedule check has power: annealing on a reversed schedule does not match the twin on the right one."""
    problem = TWIN_PROBLEMS["coloring-er"]()
    betas = _schedule("linear", 0.2, 3.0, 8)
    with pytest.raises(AssertionError):
        _compare(problem, Annealing(3.0, 0.2, "linear"), 8, lambda p, x, r: naive.metropolis(p, x, betas, False, r))


def test_annealing_with_user_array():
    problem = TWIN_PROBLEMS["ising-rrg-pm1"]()
    betas = np.array([0.1, 0.5, 0.5, 2.0, 4.0])
    _compare(problem, Annealing(betas=betas), 5, lambda p, x, r: naive.metropolis(p, x, betas, False, r))


@pytest.mark.parametrize("name", UNIT_TERMS)
@pytest.mark.parametrize("s", [0.3, 0.75, 1.0])
def test_sgd_like_binomial_table(name, s):
    problem = TWIN_PROBLEMS[name]()
    assert SGDLike(s).uses_binomial_rule(model_for(problem))
    _compare(problem, SGDLike(s), 6, lambda p, x, r: naive.sgd_like_binomial(p, x, s, 6, r))


@pytest.mark.parametrize("name", TWIN_PROBLEMS)
@pytest.mark.parametrize("batch, persist", [("half-edge", 3), ("term", 1), ("term", 2)])
def test_sgd_like_explicit_flags(name, batch, persist):
    problem = TWIN_PROBLEMS[name]()
    s = 0.6
    dyn = SGDLike(s, batch, persist)
    _compare(problem, dyn, 7, lambda p, x, r: naive.sgd_like_flags(p, x, s, batch, persist, 0, 7, r))


@pytest.mark.parametrize("name", ["ising-ea2d-gauss-field", "ising-sk-gauss", "ising-complete-integer"])
def test_sgd_like_half_edge_fresh_batch_without_unit_terms(name):
    """Real couplings or fields: the half-edge rule needs explicit flags even with a fresh batch."""
    problem = TWIN_PROBLEMS[name]()
    assert not SGDLike(0.5).uses_binomial_rule(model_for(problem))
    _compare(problem, SGDLike(0.5), 5, lambda p, x, r: naive.sgd_like_flags(p, x, 0.5, "half-edge", 1, 0, 5, r))


def test_sgd_like_persist_continues_across_steps():
    """A batch kept for 4 sweeps stays the same when the run is split into steps of 3 sweeps."""
    problem = TWIN_PROBLEMS["coloring-er"]()
    dyn = SGDLike(0.5, "half-edge", persist=4)
    state = dyn.init(problem, 11)
    x0, rng0 = state.x.copy(), state.rng.copy()
    for _ in range(3):
        state, _ = dyn.step(state, 3)
    x_twin, *_ = naive.sgd_like_flags(problem, x0, 0.5, "half-edge", 4, 0, 9, PyXoshiro(rng0))
    np.testing.assert_array_equal(state.x, x_twin)


def test_binomial_table_matches_direct_sum():
    for s in (0.1, 0.5, 0.93, 1.0):
        table = acceptance_table(s, 9)
        for a in range(10):
            for b in range(10):
                assert table[a, b] == pytest.approx(naive.binomial_not_above(b, a, s), abs=1e-12)


def test_same_seed_same_trajectory_and_seed_matters():
    problem = TWIN_PROBLEMS["coloring-er"]()
    runs = [Metropolis(1.0).init(problem, seed) for seed in (1, 1, 2)]
    for st in runs:
        Metropolis(1.0).step(st, 20)
    np.testing.assert_array_equal(runs[0].x, runs[1].x)
    assert not np.array_equal(runs[0].x, runs[2].x)


def test_seed_state_independent_of_dynamics_choice():
    problem = TWIN_PROBLEMS["coloring-er"]()
    a = Metropolis(1.0).init(problem, 5)
    b = SGDLike(0.5).init(problem, 5)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.rng, seed_state(np.random.SeedSequence(5).spawn(2)[1]))


def test_wide_count_dtype_for_high_degree():
    """Maximum degree above 127: colour counts switch to int16 and the kernels still match the twin."""
    problem = coloring(n=400, q=3, c=140, planted=False, seed=1)
    assert problem.hypergraph.max_degree > 127
    state = Metropolis(1.0).init(problem, 0)
    assert state.cache.dtype == np.int16
    betas = np.full(2, 1.0)
    _compare(problem, Metropolis(1.0), 2, lambda p, x, r: naive.metropolis(p, x, betas, False, r))
