"""Terms over variables in flat CSR form, in both directions.

Term ``a`` touches the variables ``term_var[term_ptr[a]:term_ptr[a + 1]]`` (its slots, in that order).  The
inverse lists, for variable ``i``, the incidences ``k`` in ``var_ptr[i]:var_ptr[i + 1]`` in increasing term
order: incidence ``k`` belongs to term ``var_term[k]``, where ``i`` sits at position ``var_pos[k]``.  A pairwise
graph is the case where every term has two variables; Ising fields are one-variable terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import _checks
from ..errors import ValidationError

MAX_VARIABLES = 2**31 - 1  # variables are indexed with int32 in the kernels
BYTES_PER_ENTRY = 112  # peak memory of generating, building and running an instance, per (term, variable) entry
BYTES_PER_ITEM = 32  # ... and per variable and per term


def reserve(n: int, m: int, arity: int, field: str = "n") -> None:
    """Refuse, before anything is generated, an instance of ``n`` variables and ``m`` terms of ``arity``
    variables each that this machine cannot hold (ValidationError naming ``field``, with the size it would need).

    The estimate is the peak resident memory measured while generating an instance, building its hypergraph and
    kernel model and running a sweep: 62-102 bytes per entry for colouring, Ising (lattices, random regular,
    SK), K-SAT and XORSAT at n = 2e6, rounded up to ``BYTES_PER_ENTRY``.
    """
    if n > MAX_VARIABLES:
        raise ValidationError(field, f"gives n = {n} variables, above the limit of {MAX_VARIABLES}")
    what = f"a problem with n = {n}, {m} terms of {arity} variables"
    _checks.affordable(field, BYTES_PER_ENTRY * m * arity + BYTES_PER_ITEM * (n + m), what)


def _smallest_int(bound: int):
    """The smallest signed integer dtype that holds 0 .. bound."""
    for dtype in (np.int8, np.int16, np.int32):
        if bound <= np.iinfo(dtype).max:
            return dtype
    return np.int64


@dataclass(frozen=True, eq=False)
class Hypergraph:
    """Incidence structure of a problem with ``n`` variables and ``m`` terms; build with a ``from_*`` method."""

    n: int
    term_ptr: np.ndarray  # (m + 1,) int64
    term_var: np.ndarray  # (nnz,) int32
    var_ptr: np.ndarray  # (n + 1,) int64
    var_term: np.ndarray  # (nnz,) int32
    var_pos: np.ndarray  # (nnz,) smallest integer dtype holding the largest term size

    @property
    def m(self) -> int:
        """Number of terms."""
        return int(self.term_ptr.size - 1)

    @property
    def nnz(self) -> int:
        """Number of (term, variable) incidences."""
        return int(self.term_var.size)

    @property
    def term_sizes(self) -> np.ndarray:
        return np.diff(self.term_ptr)

    @property
    def degrees(self) -> np.ndarray:
        """Number of terms each variable appears in."""
        return np.diff(self.var_ptr)

    @cached_property
    def max_degree(self) -> int:
        return int(self.degrees.max(initial=0))

    @cached_property
    def arity(self) -> int | None:
        """The common term size, or None when terms have different sizes."""
        sizes = np.unique(self.term_sizes)
        return int(sizes[0]) if sizes.size == 1 else None

    def terms(self, first: int = 0, last: int | None = None, size: int = 0) -> np.ndarray:
        """Terms ``first .. last-1`` as a (count, k) array; they must all have the same size k (``size`` when
        there are none, e.g. 2 for the edges of a graph)."""
        last = self.m if last is None else last
        lo, hi = int(self.term_ptr[first]), int(self.term_ptr[last])
        count = last - first
        k = (hi - lo) // count if count else size
        if count and not np.all(np.diff(self.term_ptr[first : last + 1]) == k):
            raise ValidationError("terms", "terms of different sizes cannot form a rectangular array")
        return self.term_var[lo:hi].reshape(count, k)

    @classmethod
    def from_terms(cls, n: int, term_ptr, term_var, *, field: str = "terms", distinct: bool = False) -> Hypergraph:
        """Validate ragged terms (indices in range, non-empty terms, no variable twice in a term) and build both CSRs.

        ``distinct=True`` also rejects two terms over the same set of variables (simple graphs).
        """
        n = _checks.integer("n", n, low=1, high=2**31 - 1)
        ptr = _checks.array(f"{field} (pointers)", term_ptr, ndim=1, kind="i").astype(np.int64)
        var = _checks.array(field, term_var, ndim=1, kind="i")
        if ptr.size < 1 or ptr[0] != 0 or ptr[-1] != var.size or np.any(np.diff(ptr) < 1):
            raise ValidationError(field, "term pointers must start at 0, increase strictly and end at the entry count")
        if var.size and (var.min() < 0 or var.max() >= n):
            raise ValidationError(field, f"variable index out of range [0, {n})")
        # the arrays built below and their temporaries: 8 bytes per variable and term pointer, ~60 per entry
        _checks.affordable(
            "n", 24.0 * (n + ptr.size) + 60.0 * var.size, f"a problem with n = {n}, {ptr.size - 1} terms"
        )
        var = np.ascontiguousarray(var, dtype=np.int32)
        m = ptr.size - 1
        sizes = np.diff(ptr)
        owner = np.repeat(np.arange(m, dtype=np.int32), sizes)
        # variables sorted inside each term, terms kept in order (so term boundaries stay at ``ptr``)
        if m and np.all(sizes == sizes[0]):
            sorted_var = np.sort(var.reshape(m, -1), axis=1).ravel()
        else:
            sorted_var = var[np.lexsort((var, owner))]
        repeat = (sorted_var[1:] == sorted_var[:-1]) & (owner[1:] == owner[:-1])
        if np.any(repeat):
            a = int(owner[1:][repeat][0])
            kind = "self-loop" if sizes[a] == 2 else "repeated variable"
            raise ValidationError(field, f"{kind} in term {a}: variable {int(sorted_var[1:][repeat][0])} appears twice")
        if distinct and m > 1:
            _check_distinct(sorted_var, sizes, ptr, field)
        position = np.arange(var.size, dtype=np.int64) - np.repeat(ptr[:-1], sizes)
        order = np.argsort(var, kind="stable")  # by variable, then term order
        var_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(var, minlength=n), out=var_ptr[1:])
        pos_dtype = _smallest_int(int(sizes.max(initial=1)))
        arrays = [ptr, var, var_ptr, owner[order], position[order].astype(pos_dtype)]
        for a in arrays:
            a.setflags(write=False)
        return cls(n, *arrays)

    @classmethod
    def from_uniform(cls, n: int, terms, *, field: str = "terms", distinct: bool = False) -> Hypergraph:
        """Terms of a common size k given as an (m, k) integer array, in their given variable order."""
        arr = _checks.array(field, terms, ndim=2, kind="i")
        m, k = arr.shape
        if k < 1:
            raise ValidationError(field, "terms must have at least one variable")
        return cls.from_terms(n, np.arange(m + 1, dtype=np.int64) * k, arr.ravel(), field=field, distinct=distinct)

    @classmethod
    def from_edges(cls, n: int, edges, *, field: str = "edges") -> Hypergraph:
        """A simple graph: ``(m, 2)`` edges, stored as (min, max) in the given order; no self-loops or repeats."""
        e = _checks.array(field, edges, ndim=2, kind="i", shape=(None, 2))
        return cls.from_uniform(n, np.sort(e, axis=1), field=field, distinct=True)  # from_terms checks the range


def _check_distinct(sorted_var: np.ndarray, sizes: np.ndarray, ptr: np.ndarray, field: str) -> None:
    """Reject two terms of the same size over the same variables (variables already sorted within each term)."""
    for k in np.unique(sizes):
        rows = np.flatnonzero(sizes == k)
        members = sorted_var[(ptr[rows][:, None] + np.arange(k)).ravel()].reshape(-1, k).astype(np.int64)
        if k == 2:  # pairs: one integer key per edge
            keys = members[:, 0] * (int(members.max()) + 1) + members[:, 1]
            _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        else:
            _, first, counts = np.unique(members, axis=0, return_index=True, return_counts=True)
        if np.any(counts > 1):
            row = members[first[np.argmax(counts > 1)]]
            listed = ", ".join(str(v) for v in row)
            raise ValidationError(field, f"duplicate {'edge' if k == 2 else 'term'} ({listed})")
