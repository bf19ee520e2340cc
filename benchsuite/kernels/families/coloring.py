"""q-colouring kernels.  Cache: ``counts[i, a]`` = neighbours of i holding colour a, in the smallest integer
dtype that holds the maximum degree (int8 on sparse graphs, so the scattered count updates stay in cache)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...problems.coloring import ColoringProblem
from ...problems.hypergraph import _smallest_int
from ..primitives import (
    apply,
    change_counts,
    conditional_energy,
    delta,
    domain_value,
    fill_cache,
    implements,
    other_state,
    propose,
    register_model,
    slot_delta,
    slot_range,
    slot_term,
    state_value,
)


class ColoringModel(NamedTuple):
    """Slots of variable i are ``ptr[i]:ptr[i+1]``; slot k crosses edge ``term[k]`` to ``nbr[k]``."""

    ptr: np.ndarray  # (n + 1,) int64
    nbr: np.ndarray  # (2m,) int32
    term: np.ndarray  # (2m,) int32
    q: int
    n_values: int
    delta_bound: int
    unit_terms: bool
    max_degree: int


def build(problem: ColoringProblem) -> ColoringModel:
    g = problem.hypergraph
    other = g.term_var[2 * g.var_term.astype(np.int64) + 1 - g.var_pos]  # the edge's other endpoint
    return ColoringModel(g.var_ptr, other, g.var_term, problem.q, problem.q, g.max_degree, True, g.max_degree)


def cache_layout(model: ColoringModel):
    return (model.ptr.size - 1, model.q), _smallest_int(model.max_degree)


register_model(ColoringProblem, build, cache_layout)
implements(propose, ColoringModel)(other_state)
implements(domain_value, ColoringModel)(state_value)


@implements(delta, ColoringModel)
def _delta(model, x, cache, i, new):
    return cache[i, new] - cache[i, x[i]]


@implements(apply, ColoringModel)
def _apply(model, x, cache, i, new):
    old = x[i]
    x[i] = new
    for k in range(model.ptr[i], model.ptr[i + 1]):
        j = model.nbr[k]
        cache[j, old] -= 1
        cache[j, new] += 1


@implements(slot_range, ColoringModel)
def _slot_range(model, i):
    return model.ptr[i], model.ptr[i + 1]


@implements(slot_term, ColoringModel)
def _slot_term(model, k):
    return model.term[k]


@implements(slot_delta, ColoringModel)
def _slot_delta(model, x, cache, i, new, k):
    c = x[model.nbr[k]]
    return (1 if c == new else 0) - (1 if c == x[i] else 0)


@implements(change_counts, ColoringModel)
def _change_counts(model, x, cache, i, new):
    moves = np.int64(new != x[i])  # new == x[i] changes no edge
    return moves * cache[i, x[i]], moves * cache[i, new]


@implements(conditional_energy, ColoringModel)
def _conditional_energy(model, x, cache, i, v):
    return np.int64(cache[i, v])


@implements(fill_cache, ColoringModel)
def _fill_cache(model, x, cache):
    cache[:] = 0
    for i in range(x.size):
        for k in range(model.ptr[i], model.ptr[i + 1]):
            cache[i, x[model.nbr[k]]] += 1
