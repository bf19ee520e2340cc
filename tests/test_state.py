"""A State cannot reach a kernel in a bad shape: outside writes are noticed, checked and repaired or refused."""

from __future__ import annotations

import numpy as np
import pytest

from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike
from benchsuite.dynamics.metropolis import BETA_CHUNK
from benchsuite.errors import ValidationError
from benchsuite.kernels import fill, model_for
from benchsuite.problems import coloring, ising

PROBLEM = coloring(n=200, q=5, c=6, seed=1)
FLAGS = SGDLike(0.5, persist=2)  # explicit batch flags in state.extra["batch"]
ANNEAL = Annealing(0.1, 2.0)


def _init(dynamics):
    return dynamics.init(PROBLEM, seed=3, horizon=10)


def _set(attr, value):
    def tamper(st):
        setattr(st, attr, value(st) if callable(value) else value)

    return tamper


def _write(attr, index, value):
    def tamper(st):
        getattr(st, attr)[index] = value

    return tamper


def _extra(key, value):
    def tamper(st):
        st.extra[key] = value(st) if callable(value) else value

    return tamper


@pytest.mark.parametrize(
    ("dynamics", "tamper", "field"),
    [
        (Metropolis(1.0), _write("x", slice(None), 127), "state.x"),
        (Metropolis(1.0), _write("x", 0, 7), "state.x"),
        (HeatBath(1.0), _write("x", 5, -1), "state.x"),
        (Metropolis(1.0), _set("x", lambda st: st.x[::-1]), "state.x"),
        (Metropolis(1.0), _set("x", lambda st: st.x.astype(np.int64)), "state.x"),
        (Metropolis(1.0), _set("cache", np.zeros((200, 0), np.int8)), "state.cache"),
        (Metropolis(1.0), _set("cache", lambda st: np.asfortranarray(st.cache)[:, :4]), "state.cache"),
        (Metropolis(1.0), _write("rng", slice(None), 0), "state.rng"),
        (Metropolis(1.0), _set("rng", lambda st: st.x.view(np.uint64)[:4]), "state.rng"),
        (Metropolis(1.0), _set("energy", float("nan")), "state.energy"),
        (Metropolis(1.0), _set("energy", "55"), "state.energy"),
        (Metropolis(1.0), _set("sweep", -5), "state.sweep"),
        (ANNEAL, _set("sweep", -5), "state.sweep"),
        (Metropolis(1.0), _set("sweep", 1.5), "state.sweep"),
        (Metropolis(1.0), _set("extra", None), "state.extra"),
        (Metropolis(1.0), _set("problem", "coloring"), "state.problem"),
        (Metropolis(1.0), _set("problem", coloring(n=200, q=5, c=3, seed=2)), "state.model"),
        (FLAGS, _extra("batch", lambda st: st.extra["batch"][:10]), "state.extra['batch']"),
        (FLAGS, _extra("batch", lambda st: st.extra["batch"].astype(np.int32)), "state.extra['batch']"),
        (FLAGS, _extra("batch", lambda st: st.x.view(np.int64)[:1]), "state.extra['batch']"),
        (FLAGS, _extra("batch", lambda st: st.extra["batch"][::-1]), "state.extra['batch']"),
        (ANNEAL, _write("extra", "betas", None), "state.extra['betas']"),
        (ANNEAL, lambda st: st.extra["betas"].__setitem__(0, np.nan), "state.extra['betas']"),
        (ANNEAL, lambda st: st.extra["betas"].__setitem__(1, -1.0), "state.extra['betas']"),
    ],
)
def test_a_tampered_state_is_refused_with_its_field_named(dynamics, tamper, field):
    state = _init(dynamics)
    tamper(state)
    with pytest.raises(ValidationError) as err:
        dynamics.step(state, 2)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("made_by", "given_to", "field"),
    [
        (Metropolis(1.0), FLAGS, "state.extra['batch']"),
        (Metropolis(1.0), ANNEAL, "state.extra['betas']"),
        (SGDLike(0.5, batch="term", persist=2), FLAGS, "state.extra['batch']"),  # flags per term, not per slot
    ],
)
def test_a_foreign_state_is_refused(made_by, given_to, field):
    state = made_by.init(PROBLEM, seed=3)
    with pytest.raises(ValidationError, match=r"init") as err:
        given_to.step(state, 1)
    assert err.value.field == field


def test_a_state_of_a_rule_without_extra_arrays_runs_under_another_temperature():
    state = Metropolis(1.0).init(PROBLEM, seed=3)
    state, _ = HeatBath(0.5).step(state, 3)
    assert state.energy == PROBLEM.energy(state.x)


@pytest.mark.parametrize(
    "edit",
    [
        _write("x", slice(0, 50), 0),  # valid values: the cache and energy follow
        _write("cache", slice(None), 100),  # derived data: rebuilt from x
        _set("energy", 1e6),
        _set("x", lambda st: np.zeros(200, np.int8)),
        _set("rng", lambda st: np.array([1, 2, 3, 4], np.uint64)),
    ],
)
@pytest.mark.parametrize("dynamics", [Metropolis(0.8), HeatBath(0.8), SGDLike(0.7), FLAGS], ids=repr)
def test_a_valid_outside_edit_is_taken_as_the_new_state(dynamics, edit):
    state = _init(dynamics)
    edit(state)
    state, _ = dynamics.step(state, 3)
    expected = np.zeros_like(state.cache)  # the cache of x, recomputed from scratch
    fill(model_for(PROBLEM), state.x, expected)
    assert state.energy == PROBLEM.energy(state.x)
    np.testing.assert_array_equal(state.cache, expected)


def test_an_edit_of_x_gives_the_same_chain_as_starting_there():
    dyn = Metropolis(0.9)
    edited = dyn.init(PROBLEM, seed=3)
    start = np.arange(200, dtype=np.int8) % 5
    edited.x[:] = start
    fresh = dyn.init(PROBLEM, seed=3, x0=start)
    a, _ = dyn.step(edited, 5)
    b, _ = dyn.step(fresh, 5)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.energy == b.energy


def test_dynamics_parameters_are_fixed_at_construction():
    dyn = Metropolis(1.0)
    with pytest.raises(AttributeError, match="fixed at construction"):
        dyn.T = 2.0
    assert dyn.beta == 1.0


def test_a_step_longer_than_one_beta_chunk_equals_the_same_sweeps_in_pieces():
    # Fixed-temperature steps call the kernel in chunks of BETA_CHUNK sweeps (no beta array per sweep).
    pair = ising(model="rrg", n=2, d=1, seed=1)
    dyn = HeatBath(1.0)
    whole, info = dyn.step(dyn.init(pair, seed=1), BETA_CHUNK + 7)
    pieces = dyn.init(pair, seed=1)
    accepted = 0
    for sweeps in (BETA_CHUNK - 1, 5, 3):
        pieces, part = dyn.step(pieces, sweeps)
        accepted += part.accepted
    np.testing.assert_array_equal(whole.x, pieces.x)
    np.testing.assert_array_equal(whole.rng, pieces.rng)
    assert (whole.energy, whole.sweep, info.accepted) == (pieces.energy, pieces.sweep, accepted)
