"""Binary perceptron kernels.  Cache: pre-activations ``h[mu] = xi_mu . w`` (int32 for +-1 patterns, else
float64); flipping w_i changes every h[mu] by -2 w_i xi_mu,i, so a move costs O(patterns)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ...problems.perceptron import PerceptronProblem
from ..primitives import (
    apply,
    change_counts,
    delta,
    domain_value,
    fill_cache,
    flip_spin,
    implements,
    propose,
    register_model,
    slot_delta,
    slot_range,
    slot_term,
    spin_value,
)


class PerceptronModel(NamedTuple):
    """Pattern entries by variable (``xi_t[i, mu]``); slot ``i * patterns + mu`` of w_i is pattern mu."""

    xi_t: np.ndarray  # (n, P) int8 or float64
    labels: np.ndarray  # (P,) int8
    n_values: int
    delta_bound: int
    unit_terms: bool
    max_degree: int


def build(problem: PerceptronProblem) -> PerceptronModel:
    xi_t = np.ascontiguousarray(problem.patterns.T)
    xi_t.setflags(write=False)
    return PerceptronModel(xi_t, problem.labels, 2, problem.m, True, problem.m)


def cache_layout(model: PerceptronModel):
    return (model.labels.size,), np.int32 if model.xi_t.dtype == np.int8 else np.float64


register_model(PerceptronProblem, build, cache_layout)
implements(propose, PerceptronModel)(flip_spin)
implements(domain_value, PerceptronModel)(spin_value)


@njit(inline="always", cache=True)
def _error(h, label):
    """1 if the student's label sgn(h) (sgn(0) = +1) differs from ``label``, else 0."""
    return np.int64((h >= 0) != (label > 0))


@implements(slot_delta, PerceptronModel)
def _slot_delta(model, x, cache, i, new, k):
    mu = k - i * model.labels.size
    h = cache[mu]
    return _error(h + (new - x[i]) * model.xi_t[i, mu], model.labels[mu]) - _error(h, model.labels[mu])


@implements(change_counts, PerceptronModel)
def _change_counts(model, x, cache, i, new):
    fixed = 0
    broken = 0
    row = model.xi_t[i]
    for mu in range(cache.size):
        h = cache[mu]
        d = _error(h + (new - x[i]) * row[mu], model.labels[mu]) - _error(h, model.labels[mu])
        fixed += d < 0
        broken += d > 0
    return fixed, broken


@implements(delta, PerceptronModel)
def _delta(model, x, cache, i, new):
    total = 0
    row = model.xi_t[i]
    for mu in range(cache.size):
        h = cache[mu]
        total += _error(h + (new - x[i]) * row[mu], model.labels[mu]) - _error(h, model.labels[mu])
    return total


@implements(apply, PerceptronModel)
def _apply(model, x, cache, i, new):
    change = new - x[i]
    x[i] = new
    row = model.xi_t[i]
    for mu in range(cache.size):
        cache[mu] += change * row[mu]


@implements(slot_range, PerceptronModel)
def _slot_range(model, i):
    return i * model.labels.size, (i + 1) * model.labels.size


@implements(slot_term, PerceptronModel)
def _slot_term(model, k):
    return k % model.labels.size


@implements(fill_cache, PerceptronModel)
def _fill_cache(model, x, cache):
    cache[:] = 0
    for i in range(x.size):
        row = model.xi_t[i]
        for mu in range(cache.size):
            cache[mu] += row[mu] * x[i]
