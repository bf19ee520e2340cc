"""K-SAT kernels.  Cache: ``n_true[a]`` = true literals of clause a; a flip of x_i breaks the clauses where i holds
the only true literal and makes the unsatisfied ones that hold i."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...problems.hypergraph import _smallest_int
from ...problems.ksat import KSatProblem
from ..primitives import (
    apply,
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


class KSatModel(NamedTuple):
    """Slots of variable i are ``ptr[i]:ptr[i+1]``: slot k is its literal, of sign ``sign[k]``, in clause ``clause[k]``."""

    ptr: np.ndarray  # (n + 1,) int64
    clause: np.ndarray  # (nnz,) int32
    sign: np.ndarray  # (nnz,) int8
    term_ptr: np.ndarray  # (m + 1,) int64, clauses in CSR form for fill_cache
    term_var: np.ndarray  # (nnz,) int32
    term_sign: np.ndarray  # (nnz,) int8
    n_values: int
    delta_bound: int
    unit_terms: bool
    max_degree: int


def build(problem: KSatProblem) -> KSatModel:
    g = problem.hypergraph
    slot_sign = problem.signs[g.term_ptr[g.var_term] + g.var_pos]
    slot_sign.setflags(write=False)
    return KSatModel(g.var_ptr, g.var_term, slot_sign, g.term_ptr, g.term_var, problem.signs, 2, g.max_degree, True,
                     g.max_degree)  # fmt: skip


def cache_layout(model: KSatModel):
    return (model.term_ptr.size - 1,), _smallest_int(int(np.diff(model.term_ptr).max(initial=1)))


register_model(KSatProblem, build, cache_layout)
implements(propose, KSatModel)(flip_spin)
implements(domain_value, KSatModel)(spin_value)


@implements(slot_delta, KSatModel)
def _slot_delta(model, x, cache, i, new, k):
    # branch-free: +1 when i holds the clause's only true literal (the flip breaks it), -1 when the clause is
    # unsatisfied (the flip makes it), else 0
    true_now = model.sign[k] * x[i] > 0
    count = cache[model.clause[k]]
    moves = np.int64(new != x[i])  # new == x[i] changes no clause
    return moves * (np.int64(true_now & (count == 1)) - np.int64((not true_now) & (count == 0)))


@implements(delta, KSatModel)
def _delta(model, x, cache, i, new):
    total = 0
    for k in range(model.ptr[i], model.ptr[i + 1]):
        total += slot_delta(model, x, cache, i, new, k)
    return total


@implements(apply, KSatModel)
def _apply(model, x, cache, i, new):
    old = x[i]
    x[i] = new
    for k in range(model.ptr[i], model.ptr[i + 1]):
        cache[model.clause[k]] += np.int64(model.sign[k] * new > 0) - np.int64(model.sign[k] * old > 0)


@implements(slot_range, KSatModel)
def _slot_range(model, i):
    return model.ptr[i], model.ptr[i + 1]


@implements(slot_term, KSatModel)
def _slot_term(model, k):
    return model.clause[k]


@implements(fill_cache, KSatModel)
def _fill_cache(model, x, cache):
    for a in range(cache.size):
        count = 0
        for k in range(model.term_ptr[a], model.term_ptr[a + 1]):
            if model.term_sign[k] * x[model.term_var[k]] > 0:
                count += 1
        cache[a] = count


@implements(violated, KSatModel)
def _violated(model, cache, a):
    return cache[a] == 0
