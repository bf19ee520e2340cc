"""K-XORSAT kernels.  Cache: ``violated[a]`` (0 or 1) per equation; a flip toggles every equation of the variable."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...problems.xorsat import XorSatProblem
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
    violated,
)


class XorSatModel(NamedTuple):
    """Slots of variable i are ``ptr[i]:ptr[i+1]``; slot k is its place in equation ``equation[k]``."""

    ptr: np.ndarray  # (n + 1,) int64
    equation: np.ndarray  # (nnz,) int32
    term_ptr: np.ndarray  # (m + 1,) int64, equations in CSR form for fill_cache
    term_var: np.ndarray  # (nnz,) int32
    parity: np.ndarray  # (m,) int8, J_a = +-1
    n_values: int
    delta_bound: int
    unit_terms: bool
    max_degree: int


def build(problem: XorSatProblem) -> XorSatModel:
    g = problem.hypergraph
    return XorSatModel(g.var_ptr, g.var_term, g.term_ptr, g.term_var, problem.parities, 2, g.max_degree, True,
                       g.max_degree)  # fmt: skip


def cache_layout(model: XorSatModel):
    return (model.parity.size,), np.int8


register_model(XorSatProblem, build, cache_layout)
implements(propose, XorSatModel)(flip_spin)
implements(domain_value, XorSatModel)(spin_value)


@implements(slot_delta, XorSatModel)
def _slot_delta(model, x, cache, i, new, k):
    return np.int64(new != x[i]) * (1 - 2 * cache[model.equation[k]])


@implements(change_counts, XorSatModel)
def _change_counts(model, x, cache, i, new):
    broken = 0
    for k in range(model.ptr[i], model.ptr[i + 1]):
        broken += cache[model.equation[k]]
    moves = np.int64(new != x[i])  # new == x[i] changes no equation
    return moves * broken, moves * (model.ptr[i + 1] - model.ptr[i] - broken)


@implements(delta, XorSatModel)
def _delta(model, x, cache, i, new):
    total = 0
    for k in range(model.ptr[i], model.ptr[i + 1]):
        total += 1 - 2 * cache[model.equation[k]]
    return np.int64(new != x[i]) * total


@implements(apply, XorSatModel)
def _apply(model, x, cache, i, new):
    flips = np.int8(new != x[i])
    x[i] = new
    for k in range(model.ptr[i], model.ptr[i + 1]):
        cache[model.equation[k]] ^= flips


@implements(slot_range, XorSatModel)
def _slot_range(model, i):
    return model.ptr[i], model.ptr[i + 1]


@implements(slot_term, XorSatModel)
def _slot_term(model, k):
    return model.equation[k]


@implements(fill_cache, XorSatModel)
def _fill_cache(model, x, cache):
    for a in range(cache.size):
        product = model.parity[a]
        for k in range(model.term_ptr[a], model.term_ptr[a + 1]):
            product *= x[model.term_var[k]]
        cache[a] = 1 if product < 0 else 0


@implements(violated, XorSatModel)
def _violated(model, cache, a):
    return cache[a] == 1
