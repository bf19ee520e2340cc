"""Ising kernels.  Cache: local fields ``local[i] = sum_j J_ij s_j + h_i``; flipping i costs 2 s_i local[i].

Integer models (integer couplings and fields) keep couplings and local fields in the smallest integer dtype
that holds the largest possible |local field| (int8 for +-1 spin glasses: the scattered updates of the
neighbours' fields touch 8 times less memory than float64), so energy changes are integers and acceptance
probabilities come from tables.  Complete graphs up to ``MAX_DENSE_N`` spins (SK) use a dense coupling
matrix, 64-byte aligned, whose rows update the local fields.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import types
from numba.extending import overload

from ...problems.graph import complete_edges
from ...problems.hypergraph import _smallest_int
from ...problems.ising import IsingProblem
from ..primitives import (
    aligned_zeros,
    apply,
    change_counts,
    conditional_energy,
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

MAX_DENSE_N = 5000  # complete graphs up to this size use the dense model (n^2 float64)


class IsingModel(NamedTuple):
    """Sparse layout.  Slots of spin i are ``ptr[i]:ptr[i+1]`` (its edges, then its field term if h_i != 0):
    slot k holds J (or h) in ``coupling[k]`` and the neighbour in ``nbr[k]`` (-1 for the field term).  With no
    field and every |J| equal (``unit_terms``: +-1 glasses, Max-Cut with unit weights as J = -1/2), that common
    |J| is ``unit_coupling`` (the couplings' dtype), else it is 0."""

    ptr: np.ndarray  # (n + 1,) int64
    nbr: np.ndarray  # (nnz,) int32
    coupling: np.ndarray  # (nnz,) int8 / int16 / int32 for integer models, else float64
    term: np.ndarray  # (nnz,) int32
    unit_coupling: int | float
    n_values: int
    delta_bound: int
    unit_terms: bool
    max_degree: int


class IsingDenseModel(NamedTuple):
    """Complete graph in the canonical edge order (``complete_edges``): J as a dense symmetric matrix with zero
    diagonal.  Slot ``ptr[i] + p`` of spin i is its p-th neighbour in increasing order, then its field term."""

    dense: np.ndarray  # (n, n) float64, 64-byte aligned
    field: np.ndarray  # (n,) float64
    ptr: np.ndarray  # (n + 1,) int64
    field_term: np.ndarray  # (n,) int32, -1 where h_i = 0
    n_values: int
    delta_bound: int
    unit_terms: bool
    max_degree: int


def field_bound(problem: IsingProblem) -> int:
    """Largest possible |local field| when all couplings and fields are integers, else -1."""
    j, h = problem.couplings, problem.fields
    if not (np.all(j == np.round(j)) and np.all(h == np.round(h))):
        return -1
    per_spin = np.abs(h).copy()
    e = problem.edges
    np.add.at(per_spin, e[:, 0], np.abs(j))
    np.add.at(per_spin, e[:, 1], np.abs(j))
    return int(per_spin.max(initial=0))


def _is_canonical_complete(problem: IsingProblem) -> bool:
    n = problem.n
    return problem.n_edges == n * (n - 1) // 2 and n <= MAX_DENSE_N and np.array_equal(problem.edges, complete_edges(n))


def build(problem: IsingProblem) -> IsingModel | IsingDenseModel:
    g = problem.hypergraph
    n_field = np.count_nonzero(problem.fields)
    if _is_canonical_complete(problem):
        dense = aligned_zeros((problem.n, problem.n))  # 64-byte aligned rows: steady SIMD speed
        e = problem.edges
        dense[e[:, 0], e[:, 1]] = problem.couplings
        dense[e[:, 1], e[:, 0]] = problem.couplings
        field_term = np.full(problem.n, -1, dtype=np.int32)
        field_term[np.flatnonzero(problem.fields)] = problem.n_edges + np.arange(n_field, dtype=np.int32)
        for a in (dense, field_term):
            a.setflags(write=False)
        return IsingDenseModel(dense, problem.fields, g.var_ptr, field_term, 2, -1, False, g.max_degree)
    bound = field_bound(problem)
    dtype = _smallest_int(bound) if bound >= 0 else np.float64
    values = np.concatenate([problem.couplings, problem.fields[np.flatnonzero(problem.fields)]])
    coupling = values[g.var_term].astype(dtype)
    pair = g.var_term < problem.n_edges
    nbr = np.full(g.nnz, -1, dtype=np.int32)
    nbr[pair] = g.term_var[2 * g.var_term[pair].astype(np.int64) + 1 - g.var_pos[pair]]
    magnitude = np.abs(coupling[:1])
    unit = bool(n_field == 0 and coupling.size and magnitude[0] != 0 and np.all(np.abs(coupling) == magnitude))
    unit_coupling = magnitude[0] if unit else coupling.dtype.type(0)
    for a in (coupling, nbr):
        a.setflags(write=False)
    return IsingModel(g.var_ptr, nbr, coupling, g.var_term, unit_coupling, 2, 2 * bound if bound >= 0 else -1, unit,
                      g.max_degree)  # fmt: skip


def cache_layout(model: IsingModel | IsingDenseModel):
    if isinstance(model, IsingDenseModel):
        return (model.field.size,), np.float64
    return (model.ptr.size - 1,), model.coupling.dtype


register_model(IsingProblem, build, cache_layout)
for _model in (IsingModel, IsingDenseModel):
    implements(propose, _model)(flip_spin)
    implements(domain_value, _model)(spin_value)


@implements(delta, IsingModel)
@implements(delta, IsingDenseModel)
def _delta(model, x, cache, i, new):
    return (x[i] - new) * cache[i]  # 2 s_i local_i for a flip, 0 for new == x[i]


@implements(conditional_energy, IsingModel)
@implements(conditional_energy, IsingDenseModel)
def _conditional_energy(model, x, cache, i, v):
    return (1 - 2 * v) * cache[i]  # value v = 0 is s_i = -1: energy -s_i local_i, up to a constant


@implements(slot_range, IsingModel)
@implements(slot_range, IsingDenseModel)
def _slot_range(model, i):
    return model.ptr[i], model.ptr[i + 1]


@implements(apply, IsingModel)
def _apply(model, x, cache, i, new):
    change = new - x[i]  # integer (+-2 or 0), so integer local fields stay in integer arithmetic
    x[i] = new
    for k in range(model.ptr[i], model.ptr[i + 1]):
        j = model.nbr[k]
        if j >= 0:
            cache[j] += change * model.coupling[k]


@implements(slot_term, IsingModel)
def _slot_term(model, k):
    return model.term[k]


@implements(slot_delta, IsingModel)
def _slot_delta(model, x, cache, i, new, k):
    j = model.nbr[k]
    return (x[i] - new) * model.coupling[k] * (x[j] if j >= 0 else 1)


@implements(change_counts, IsingModel)
def _change_counts(model, x, cache, i, new):
    """Equal |J| = u, no fields: s_i local_i = u (satisfied - unsatisfied edges of i)."""
    degree = model.ptr[i + 1] - model.ptr[i]
    satisfied = (degree + _in_units(x[i] * cache[i], model.unit_coupling)) // 2
    moves = np.int64(new != x[i])  # new == x[i] changes no term
    return moves * (degree - satisfied), moves * satisfied


def _whole_units(value, unit):
    """Integer models: no conversion on the hot path of +-1 glasses (``unit == 1``)."""
    return value if unit == 1 else value // unit


def _rounded_units(value, unit):
    """Real models: exact for u = 1/2; rint absorbs any drift of real fields."""
    return np.int64(np.rint(value / unit))


def _in_units(value, unit):
    """``value / unit`` as an integer: ``value`` is a whole number of units.  Plain-Python runs of the rules
    (the tests' twins) call this; jitted code gets the same function by the overload below."""
    return (_whole_units if isinstance(value, int | np.integer) else _rounded_units)(value, unit)


@overload(_in_units, inline="always")
def _in_units_overload(value, unit):
    return _whole_units if isinstance(value, types.Integer) else _rounded_units


@implements(fill_cache, IsingModel)
def _fill_cache(model, x, cache):
    for i in range(x.size):
        acc = cache.dtype.type(0)
        for k in range(model.ptr[i], model.ptr[i + 1]):
            j = model.nbr[k]
            acc += model.coupling[k] * (x[j] if j >= 0 else 1)
        cache[i] = acc


@implements(apply, IsingDenseModel)
def _apply_dense(model, x, cache, i, new):
    change = float(new - x[i])
    x[i] = new
    row = model.dense[i]
    for j in range(cache.size):
        cache[j] += change * row[j]


@implements(slot_term, IsingDenseModel)
def _slot_term_dense(model, k):
    i = np.searchsorted(model.ptr, k, side="right") - 1
    p = k - model.ptr[i]
    n = model.field.size
    if p == n - 1:
        return model.field_term[i]
    j = p if p < i else p + 1
    lo, hi = min(i, j), max(i, j)
    return lo * (2 * n - lo - 1) // 2 + hi - lo - 1


@implements(slot_delta, IsingDenseModel)
def _slot_delta_dense(model, x, cache, i, new, k):
    p = k - model.ptr[i]
    n = model.field.size
    if p == n - 1:
        return (x[i] - new) * model.field[i]
    j = p if p < i else p + 1
    return (x[i] - new) * model.dense[i, j] * x[j]


@implements(fill_cache, IsingDenseModel)
def _fill_cache_dense(model, x, cache):
    for i in range(x.size):
        acc = model.field[i]
        row = model.dense[i]
        for j in range(x.size):
            acc += row[j] * x[j]
        cache[i] = acc
