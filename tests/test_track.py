"""The best energy so far and the first sweep at a target, kept in ``state.track`` (exact kernels are compared with
their twins in test_kernels_vs_naive.py; this file checks the state's side of it)."""

import numpy as np
import pytest

from benchsuite.dynamics import KernelDynamics, Metropolis, replica_result
from benchsuite.errors import ValidationError
from benchsuite.kernels import metropolis
from benchsuite.problems import coloring, ising


class EndOnly(KernelDynamics):
    """Metropolis whose kernel is handed a scratch track: the state sees its progress only at the end of a step."""

    name = "end-only"

    def params(self):
        return {}

    def advance(self, state, sweeps):
        scratch = state.track.copy()
        metropolis(
            state.model,
            state.x[None],
            state.cache[None],
            np.full((1, sweeps), 2.0),
            False,
            state.rng[None],
            scratch[None],
        )
        return replica_result(scratch)


def test_best_energy_is_never_above_the_energy_and_matches_a_sweep_by_sweep_run():
    problem = coloring(n=300, q=5, c=6, seed=3)
    dyn = Metropolis(0.5)
    whole = dyn.init(problem, 4)
    whole, _ = dyn.step(whole, 40)
    stepwise = dyn.init(problem, 4)
    energies = [stepwise.energy]
    for _ in range(40):
        stepwise, _ = dyn.step(stepwise, 1)
        energies.append(stepwise.energy)
    assert whole.best_energy <= whole.energy and whole.best_energy <= min(energies)
    assert whole.best_energy == stepwise.best_energy and whole.best_sweep == stepwise.best_sweep
    assert energies[whole.best_sweep] >= whole.best_energy  # reached during that sweep, perhaps left again


def test_watch_records_the_first_sweep_at_the_target():
    problem = coloring(n=300, q=5, c=6, seed=3)
    state = Metropolis(0.3).init(problem, 1)
    state.watch(state.energy)
    assert state.hit_sweep == 0 and state.target == state.energy  # the start is already there
    other = Metropolis(0.3).init(problem, 1)
    other.watch(-1.0)  # below any energy: never reached
    other, _ = Metropolis(0.3).step(other, 30)
    assert other.hit_sweep is None and other.best_energy >= 0


def test_watch_after_the_first_step_is_refused():
    state = Metropolis(1.0).init(ising("sk", n=12, seed=1), 0)
    state, _ = Metropolis(1.0).step(state, 1)
    with pytest.raises(ValidationError) as err:
        state.watch(-5.0)
    assert err.value.field == "target"


def test_a_kernel_that_does_not_observe_is_seen_at_the_end_of_each_step():
    problem = coloring(n=300, q=5, c=6, seed=3)
    state = EndOnly().init(problem, 2)
    assert not EndOnly.observes_every_move
    for _ in range(5):
        state, _ = EndOnly().step(state, 3)
        assert state.best_energy <= state.energy
    assert state.best_sweep % 3 == 0  # only chunk ends are seen


def test_an_outside_edit_counts_as_visited():
    problem = coloring(n=51, q=3, c=2, seed=1)
    state = Metropolis(5.0).init(problem, 0)
    state, _ = Metropolis(5.0).step(state, 2)
    assert state.best_energy > 0
    state.x[:] = problem.planted  # a proper colouring, written from outside
    state, _ = Metropolis(5.0).step(state, 0)
    assert (state.best_energy, state.best_sweep) == (0.0, 2)


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros(8, dtype=np.float32), [0.0] * 8])
def test_a_malformed_track_is_refused_before_the_kernel(bad):
    state = Metropolis(1.0).init(ising("sk", n=12, seed=1), 0)
    state.track = bad
    with pytest.raises(ValidationError) as err:
        Metropolis(1.0).step(state, 1)
    assert err.value.field == "state.track"
