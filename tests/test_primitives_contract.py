"""The primitives' contract for a proposal equal to the current value: every family honours ``new``, so
``delta`` and the slot changes are 0, ``change_counts`` counts no term, and ``apply`` leaves the cache as it was;
and for any other value, ``delta`` equals the energy recomputed from scratch."""

import numpy as np
import pytest
from families import TWIN_PROBLEMS
from numba import njit

from benchsuite import kernels as K


@njit
def _slot_changes(model, x, cache, i, new):
    """sum |slot_delta| over the slots of i."""
    first, last = K.slot_range(model, i)
    total = 0.0
    for k in range(first, last):
        total += abs(K.slot_delta(model, x, cache, i, new, k))
    return total


@njit
def _stay_everywhere(model, x, cache, unit):
    """For each variable: |delta| + sum |slot_delta| + counts for new == x[i], then apply it."""
    out = np.zeros(x.size)
    for i in range(x.size):
        new = np.int64(x[i])
        total = abs(K.delta(model, x, cache, i, new)) + _slot_changes(model, x, cache, i, new)
        if unit:
            down, up = K.change_counts(model, x, cache, i, new)
            total += down + up
        K.apply(model, x, cache, i, new)
        out[i] = total
    return out


@njit
def _deltas_to(model, x, cache, values):
    return np.array([K.delta(model, x, cache, i, np.int64(values[i])) for i in range(x.size)], dtype=np.float64)


@pytest.mark.parametrize("name", sorted(TWIN_PROBLEMS))
def test_proposing_the_current_value_changes_nothing(name):
    problem = TWIN_PROBLEMS[name]()
    model = K.model_for(problem)
    x = problem.random_configuration(np.random.default_rng(1))
    cache = K.new_cache(problem)
    K.fill(model, x, cache)
    before, x0 = cache.copy(), x.copy()
    assert np.all(_stay_everywhere(model, x, cache, bool(model.unit_terms)) == 0)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(cache, before)


@pytest.mark.parametrize("name", sorted(TWIN_PROBLEMS))
def test_delta_to_any_value_is_the_recomputed_change(name):
    problem = TWIN_PROBLEMS[name]()
    model = K.model_for(problem)
    rng = np.random.default_rng(2)
    x = problem.random_configuration(rng)
    cache = K.new_cache(problem)
    K.fill(model, x, cache)
    values = problem.domain.values[rng.integers(0, problem.domain.size, problem.n)]
    expected = []
    for i in range(problem.n):
        y = x.copy()
        y[i] = values[i]
        expected.append(problem.energy(y) - problem.energy(x))
    np.testing.assert_allclose(_deltas_to(model, x, cache, values), expected, atol=1e-9)
