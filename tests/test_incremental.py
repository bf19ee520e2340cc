"""Cached local fields equal recomputed ones after every accepted move.

The kernels' Python source (``py_func``) is run with the move helper wrapped so that, after each accepted
move, the cache is compared with a from-scratch recomputation.  A jitted run then checks that the
tracked total energy equals the recomputed energy.
"""

import numpy as np
import pytest

from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike
from benchsuite.dynamics import _coloring_kernels as ck
from benchsuite.dynamics import _ising_kernels as ik
from benchsuite.dynamics.sgd_like import acceptance_table
from benchsuite.problems import coloring, ising


def _checked_coloring_move(moves):
    original = ck._move

    def move(i, old, new, x, counts, ptr, nbr):
        original(i, old, new, x, counts, ptr, nbr)
        np.testing.assert_array_equal(counts, ck.colour_counts(x, ptr, nbr, counts.shape[1], 127))
        moves.append(i)

    return move


def _checked_ising_flip(moves, h):
    original = ik._flip

    def flip(i, s, local, ptr, nbr, slot_j):
        original(i, s, local, ptr, nbr, slot_j)
        np.testing.assert_allclose(local, ik.local_fields(s, ptr, nbr, slot_j, h), atol=1e-12)
        moves.append(i)

    return flip


@pytest.mark.parametrize("rule", ["metropolis", "heat_bath", "sgd_like_table", "sgd_like_flags"])
def test_coloring_cache_after_every_move(rule, monkeypatch):
    p = coloring(n=32, q=4, c=5, seed=3)
    g = p.graph
    x = p.random_configuration(np.random.default_rng(0))
    counts = ck.colour_counts(x, g.ptr, g.nbr, p.q, g.max_degree)
    e0 = p.energy(x)
    moves: list[int] = []
    monkeypatch.setattr(ck, "_move", _checked_coloring_move(moves))
    rng = np.array([1, 2, 3, 4], dtype=np.uint64)
    betas = np.full(4, 1.0)
    if rule in ("metropolis", "heat_bath"):
        accepted, de = getattr(ck, rule).py_func(x, counts, g.ptr, g.nbr, g.max_degree, betas, True, rng)
    elif rule == "sgd_like_table":
        accepted, de = ck.sgd_like_table.py_func(x, counts, g.ptr, g.nbr, acceptance_table(0.6, g.max_degree), 4, rng)
    else:
        batch = np.full(g.m, -2, np.int64)
        accepted, de = ck.sgd_like_flags.py_func(x, counts, g.ptr, g.nbr, g.term, batch, 0.6, 0, 4, 2, rng)
    assert accepted == len(moves) > 0
    assert e0 + de == p.energy(x)


@pytest.mark.parametrize("rule", ["metropolis", "heat_bath", "sgd_like_flags"])
def test_ising_cache_after_every_move(rule, monkeypatch):
    p = ising("ea2d", L=4, couplings="gauss", h=0.2, seed=1)
    g = p.graph
    s = p.random_configuration(np.random.default_rng(0))
    local = ik.local_fields(s, g.ptr, g.nbr, p.slot_couplings, p.fields)
    e0 = p.energy(s)
    moves: list[int] = []
    monkeypatch.setattr(ik, "_flip", _checked_ising_flip(moves, p.fields))
    rng = np.array([5, 6, 7, 8], dtype=np.uint64)
    betas = np.full(4, 0.7)
    if rule in ("metropolis", "heat_bath"):
        kernel = getattr(ik, rule).py_func
        accepted, de = kernel(s, local, g.ptr, g.nbr, p.slot_couplings, betas, True, rng, p.field_bound)
    else:
        batch = np.full(2 * g.m + p.n, -2, np.int64)
        idx = np.arange(2 * g.m, dtype=np.int32)
        accepted, de = ik.sgd_like_flags.py_func(
            s, local, g.ptr, g.nbr, p.slot_couplings, p.fields, idx, batch, 0.5, 0, 4, 1, rng
        )
    assert accepted == len(moves) > 0
    assert e0 + de == pytest.approx(p.energy(s), abs=1e-9)


@pytest.mark.parametrize("rule", ["metropolis_dense", "heat_bath_dense"])
def test_dense_ising_cache_after_every_move(rule, monkeypatch):
    p = ising("sk", n=15, couplings="gauss", h=0.1, seed=2)
    assert p.uses_dense_kernels
    s = p.random_configuration(np.random.default_rng(1))
    local = p.dense_couplings @ s + p.fields
    e0 = p.energy(s)
    moves: list[int] = []
    original = ik._flip_dense

    def flip(i, spins, loc, dense_j):
        original(i, spins, loc, dense_j)
        np.testing.assert_allclose(loc, dense_j @ spins + p.fields, atol=1e-12)
        moves.append(i)

    monkeypatch.setattr(ik, "_flip_dense", flip)
    rng = np.array([9, 10, 11, 12], dtype=np.uint64)
    kernel = getattr(ik, rule).py_func
    accepted, de = kernel(s, local, p.dense_couplings, np.full(4, 1.0), False, rng, p.field_bound)
    assert accepted == len(moves) > 0
    assert e0 + de == pytest.approx(p.energy(s), abs=1e-9)


@pytest.mark.parametrize(
    "dynamics",
    [Metropolis(0.9), HeatBath(0.9, "random"), Annealing(0.1, 4.0), SGDLike(0.7), SGDLike(0.7, "term", 3)],
    ids=repr,
)
@pytest.mark.parametrize("make", [lambda: coloring(n=2000, q=5, c=10, seed=1), lambda: ising("rrg", n=2000, seed=1)])
def test_jitted_energy_and_cache_stay_exact(dynamics, make):
    p = make()
    state = dynamics.init(p, 3, horizon=200)
    for _ in range(4):
        state, _ = dynamics.step(state, 50)
        assert state.energy == pytest.approx(p.energy(state.x), abs=1e-8)
        fresh = Metropolis(1.0).init(p, 0, x0=state.x)
        np.testing.assert_allclose(state.cache, fresh.cache, atol=1e-10)
