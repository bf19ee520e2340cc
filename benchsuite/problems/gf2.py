"""Exact solution space of a linear system over GF(2): rank, consistency, number of solutions.

Leaf removal first (an equation holding a variable that no other remaining equation holds is independent
of the others and always satisfiable: remove both), then Gaussian elimination on bit-packed rows of what is
left (the 2-core).  Below the 2-core threshold of random K-XORSAT (alpha ~ 0.818 for K = 3, Mezard,
Ricci-Tersenghi, Zecchina, J. Stat. Phys. 111, 505 (2003)) nothing is left for the elimination.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ValidationError

MAX_CORE = 8192  # equations or variables left after leaf removal that dense elimination accepts


@dataclass(frozen=True)
class SolutionSpace:
    """``rank`` of the system; ``consistent``: at least one solution; then ``2 ** (n - rank)`` solutions."""

    n: int
    rank: int
    consistent: bool

    @property
    def log2_solutions(self) -> float | None:
        return float(self.n - self.rank) if self.consistent else None


def solution_space(n: int, term_ptr: np.ndarray, term_var: np.ndarray, rhs: np.ndarray) -> SolutionSpace:
    """Rank and consistency of the equations sum_{v in a} b_v = rhs_a (mod 2), terms in CSR form."""
    core_rows, rank = _leaf_removal(n, term_ptr, term_var)
    core_vars = np.unique(np.concatenate([term_var[term_ptr[a] : term_ptr[a + 1]] for a in core_rows] or [[]]))
    if core_rows.size > MAX_CORE or core_vars.size > MAX_CORE:
        raise ValidationError("problem", f"{core_rows.size} equations over {core_vars.size} variables remain after "
                                         f"leaf removal; exact elimination is limited to {MAX_CORE}")  # fmt: skip
    column = np.full(n, -1, dtype=np.int64)
    column[core_vars.astype(np.int64)] = np.arange(core_vars.size)
    dense = np.zeros((core_rows.size, core_vars.size + 1), dtype=bool)
    for r, a in enumerate(core_rows):
        dense[r, column[term_var[term_ptr[a] : term_ptr[a + 1]]]] = True
        dense[r, -1] = bool(rhs[a])
    core_rank, consistent = _eliminate(dense)
    return SolutionSpace(n, rank + core_rank, consistent)


def _leaf_removal(n: int, term_ptr: np.ndarray, term_var: np.ndarray) -> tuple[np.ndarray, int]:
    """Remove equations that own a variable of degree one, repeatedly; returns (remaining equations, removed)."""
    m = term_ptr.size - 1
    owner = np.repeat(np.arange(m), np.diff(term_ptr))
    degree = np.bincount(term_var, minlength=n)
    order = np.argsort(term_var, kind="stable")
    var_ptr = np.concatenate([[0], np.cumsum(degree)])
    var_eqs = owner[order]
    alive = np.ones(m, dtype=bool)
    stack = list(np.flatnonzero(degree == 1))
    removed = 0
    while stack:
        v = stack.pop()
        if degree[v] != 1:
            continue
        eqs = var_eqs[var_ptr[v] : var_ptr[v + 1]]
        a = int(eqs[alive[eqs]][0])
        alive[a] = False
        removed += 1
        for u in term_var[term_ptr[a] : term_ptr[a + 1]]:
            degree[u] -= 1
            if degree[u] == 1:
                stack.append(u)
    return np.flatnonzero(alive), removed


def _eliminate(dense: np.ndarray) -> tuple[int, bool]:
    """Rank of the coefficient part of ``dense`` (last column: right-hand side) and whether the system is
    consistent, by Gauss-Jordan elimination on bit-packed rows."""
    rows, cols = dense.shape
    packed = np.packbits(dense, axis=1)
    rank = 0
    for c in range(cols - 1):
        byte, bit = c // 8, np.uint8(0x80 >> (c % 8))
        has = np.flatnonzero(packed[rank:, byte] & bit) + rank
        if has.size == 0:
            continue
        pivot = has[0]
        packed[[rank, pivot]] = packed[[pivot, rank]]
        others = np.flatnonzero(packed[:, byte] & bit)
        others = others[others != rank]
        packed[others] ^= packed[rank]
        rank += 1
        if rank == rows:
            break
    last = np.uint8(0x80 >> ((cols - 1) % 8))
    inconsistent = np.any(packed[rank:, (cols - 1) // 8] & last)
    return rank, not bool(inconsistent)
