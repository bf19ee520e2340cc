"""Cached fields equal recomputed ones after every accepted move.

Each rule's Python source runs in Python mode: the generic primitives are replaced by the family's own
implementations called directly, with ``apply`` wrapped so that after each accepted move the cache is
compared with a from-scratch recomputation.  A jitted run then checks that the tracked total energy and the
cache stay exact over many moves.
"""

import sys

import numpy as np
import pytest
from families import TWIN_PROBLEMS, UNIT_TERMS

from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike
from benchsuite.kernels import acceptance_table, model_for, new_cache, primitives, templates
from benchsuite.kernels.primitives import _DEFAULTS, _IMPLEMENTATIONS
from benchsuite.problems import coloring, ising, ksat, perceptron, xorsat

PRIMITIVES = ("propose", "delta", "apply", "slot_range", "slot_term", "slot_delta", "change_counts",
              "conditional_energy", "domain_value", "fill_cache")  # fmt: skip
SWEEP_HELPERS = ("metropolis_sweep",)


def _python_mode(monkeypatch, model, on_apply):
    """Bind every generic primitive, wherever it is imported, to the model's plain-Python implementation."""
    cls = type(model)
    generic = {name: getattr(primitives, name) for name in PRIMITIVES}

    def implementation(name):
        return _IMPLEMENTATIONS.get((generic[name], cls), _DEFAULTS.get(generic[name]))

    bound = {name: implementation(name) for name in PRIMITIVES}
    original_apply = bound["apply"]

    def checked_apply(model, x, cache, i, new):
        original_apply(model, x, cache, i, new)
        on_apply(x, cache)

    bound["apply"] = checked_apply
    modules = [
        templates,
        primitives,
        *(m for name, m in sys.modules.items() if name.startswith("benchsuite.kernels.families.")),
    ]
    for module in modules:
        for name, func in bound.items():
            if hasattr(module, name):
                monkeypatch.setattr(module, name, func)

    def boltzmann_weight(de, beta, table):
        if isinstance(de, (int, np.integer)) and de < table.size:
            return table[de]
        return float(np.exp(-beta * de)) if beta * de < 40 else 0.0

    monkeypatch.setattr(templates, "boltzmann_weight", boltzmann_weight)
    for name in SWEEP_HELPERS:  # jitted helpers that call primitives run as Python too
        monkeypatch.setattr(templates, name, getattr(templates, name).py_func)


def _run_rule(rule, model, x, cache, problem, rng):
    """Run ``rule`` in plain Python on a block of one replica; returns (accepted, energy change)."""
    betas = np.full((1, 3), 0.9)
    track = np.array([[problem.energy(x), 0.0, problem.energy(x), 0.0, -np.inf, -1.0, 0.0, 0.0]])
    x, cache, rng = x[None], cache[None], rng[None]
    if rule == "metropolis":
        templates._metropolis("python")(model, x, cache, betas, True, rng, track)
    elif rule == "heat_bath":
        templates._heat_bath("python")(model, x, cache, betas, False, rng, track)
    elif rule == "sgd_like_binomial":
        table = acceptance_table(0.6, model.max_degree)
        templates._sgd_like_binomial("python")(model, x, cache, table, 3, rng, track)
    else:
        batch = np.full((1, problem.m), -2, np.int64)
        templates._sgd_like_flags("python")(model, x, cache, batch, True, 0.6, 0, 3, 2, rng, track)
    return int(track[0, templates.ACCEPTED]), track[0, templates.ENERGY_CHANGE]


SMALL_VALUES = ["coloring-er", "ising-rrg-pm1", "ising-ea2d-gauss-field", "ising-sk-gauss", "ksat-random",
                "xorsat-random", "perceptron-pm1", "perceptron-gauss", "maxcut-er-unit"]  # fmt: skip


CASES = [(name, rule) for name in SMALL_VALUES for rule in ("metropolis", "heat_bath", "sgd_like_binomial", "sgd_like_flags")
         if rule != "sgd_like_binomial" or name in UNIT_TERMS]  # fmt: skip


@pytest.mark.parametrize("name, rule", CASES)
def test_cache_after_every_move(name, rule, monkeypatch):
    problem = TWIN_PROBLEMS[name]()
    model = model_for(problem)
    x = problem.random_configuration(np.random.default_rng(0))
    cache = new_cache(problem)
    templates.fill(model, x, cache)
    e0 = problem.energy(x)
    moves = []

    def check(x_now, cache_now):
        fresh = new_cache(problem)
        templates.fill(model, x_now, fresh)
        np.testing.assert_allclose(cache_now, fresh, atol=1e-12)
        moves.append(1)

    _python_mode(monkeypatch, model, check)
    rng = np.array([1, 2, 3, 4], dtype=np.uint64)
    accepted, de = _run_rule(rule, model, x, cache, problem, rng)
    assert accepted == len(moves) > 0
    assert e0 + de == pytest.approx(problem.energy(x), abs=1e-9)


def test_python_mode_check_fails_on_a_broken_cache_update(monkeypatch):
    """The per-move check catches an ``apply`` that forgets part of the cache update."""
    problem = TWIN_PROBLEMS["ksat-random"]()
    model = model_for(problem)
    x = problem.random_configuration(np.random.default_rng(0))
    cache = new_cache(problem)
    templates.fill(model, x, cache)
    good_apply = _IMPLEMENTATIONS[(primitives.apply, type(model))]

    def forgetful_apply(model, x, cache, i, new):  # updates only the first clause of i
        x[i] = new
        k = model.ptr[i]
        cache[model.clause[k]] += 1 if model.sign[k] * new > 0 else -1

    monkeypatch.setitem(_IMPLEMENTATIONS, (primitives.apply, type(model)), forgetful_apply)

    def check(x_now, cache_now):
        fresh = new_cache(problem)
        templates.fill(model, x_now, fresh)
        np.testing.assert_array_equal(cache_now, fresh)

    _python_mode(monkeypatch, model, check)
    assert good_apply is not forgetful_apply
    with pytest.raises(AssertionError):
        _run_rule("metropolis", model, x, cache, problem, np.array([1, 2, 3, 4], dtype=np.uint64))


@pytest.mark.parametrize(
    "dynamics",
    [Metropolis(0.9), HeatBath(0.9, "random"), Annealing(0.1, 4.0), SGDLike(0.7), SGDLike(0.7, "term", 3)],
    ids=repr,
)
@pytest.mark.parametrize(
    "make",
    [
        lambda: coloring(n=2000, q=5, c=10, seed=1),
        lambda: ising("rrg", n=2000, seed=1),
        lambda: ising("ea2d", L=30, couplings="gauss", h=0.5, seed=1),
        lambda: ksat(n=2000, alpha=4.2, seed=1),
        lambda: xorsat(n=2000, alpha=0.9, seed=1),
        lambda: perceptron(n=301, alpha=1.0, seed=1),
    ],
    ids=["coloring", "ising-rrg", "ising-ea2d-field", "ksat", "xorsat", "perceptron"],
)
def test_jitted_energy_and_cache_stay_exact(dynamics, make):
    p = make()
    state = dynamics.init(p, 3, horizon=200)
    for _ in range(4):
        state, _ = dynamics.step(state, 50)
        assert state.energy == pytest.approx(p.energy(state.x), abs=1e-8)
        fresh = new_cache(p)
        templates.fill(state.model, state.x, fresh)
        np.testing.assert_allclose(state.cache, fresh, atol=1e-10)
