"""Stationary law of a finite Markov chain, accurate on the nearly decomposable chains of cold landscapes.

Up to ``MAX_GTH_STATES`` states, GTH elimination (Grassmann, Taksar & Heyman, Oper. Res. 33, 1107 (1985)): it
never subtracts, so every entry of the law keeps its relative accuracy however rarely the chain crosses between
metastable sets.  Its cost is O(N^3) (2,048 states: about 1.5 s).  Above that, iterative
aggregation-disaggregation (Takahashi's method; Koury, McAllister & Stewart, SIAM J. Alg. Disc. Meth. 5, 164
(1984)) started from the Arnoldi eigenvector: the states are grouped into aggregates that the chain leaves
rarely, the law over aggregates is solved again by this function (exactly, by GTH, when they are few), and
power steps spread it within them, until the residual ``sum |pi P - pi|`` is at most ``tol``.  Its accuracy is
absolute, not relative: the error in total variation is about the residual times the relaxation time, so
probabilities far below ``tol`` are not resolved, and a chain much slower than the aggregates resolve does not
converge (a ``ValidationError`` says so, with the residual reached).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import ArpackError, eigs

from .. import _checks
from ..errors import ValidationError

MAX_GTH_STATES = 2048
SMOOTHING_STEPS = 4  # power steps after each aggregate-level solve
METHODS = ("auto", "gth", "aggregation")


def stationary_distribution(matrix, *, method: str = "auto", tol: float = 1e-13, max_iter: int = 500) -> np.ndarray:
    """Stationary law pi (pi P = pi, sum 1) of the irreducible stochastic matrix ``matrix`` (dense or sparse).

    ``method="auto"`` uses GTH up to ``MAX_GTH_STATES`` states and aggregation above; ``tol`` and ``max_iter``
    (aggregation only) bound the residual sum |pi P - pi| and the number of aggregation steps.
    """
    method = _checks.choice("method", method, METHODS)
    p = _stochastic(matrix)
    n = p.shape[0]
    if method == "gth" or (method == "auto" and n <= MAX_GTH_STATES):
        if n > MAX_GTH_STATES:
            raise ValidationError("method", f"GTH is dense O(N^3): {n} states is above {MAX_GTH_STATES}")
        return gth(p.toarray() if sp.issparse(p) else p.copy())
    tol = _checks.real("tol", tol, low=0.0, low_open=True)
    max_iter = _checks.integer("max_iter", max_iter, low=1)
    return _aggregation(sp.csr_matrix(p), tol, max_iter)


def _stochastic(matrix):
    """The matrix as float64 (CSR when sparse), checked square, finite, non-negative, rows summing to 1."""
    if sp.issparse(matrix):
        p = sp.csr_matrix(matrix, dtype=np.float64)
    else:
        p = _checks.array("matrix", matrix, ndim=2, kind="f").astype(np.float64)
    n = p.shape[0]
    if p.shape != (n, n) or n < 1:
        raise ValidationError("matrix", f"must be a non-empty square matrix, got shape {p.shape}")
    values = p.data if sp.issparse(p) else p
    rows = np.asarray(p.sum(axis=1)).ravel()
    if not np.all(np.isfinite(values)) or np.any(values < 0) or not np.allclose(rows, 1.0, rtol=0.0, atol=1e-9):
        raise ValidationError("matrix", "must be a stochastic matrix (finite, >= 0, rows summing to 1)")
    return p


def gth(p: np.ndarray) -> np.ndarray:
    """Stationary law by GTH elimination of the dense stochastic matrix ``p`` (overwritten)."""
    reducible_at = _gth_eliminate(p)
    if reducible_at:
        raise ValidationError("matrix", f"is reducible: states 0..{reducible_at - 1} cannot be reached from "
                                        f"state {reducible_at}")  # fmt: skip
    n = p.shape[0]
    pi = np.zeros(n)
    pi[0] = 1.0
    for k in range(1, n):
        pi[k] = pi[:k] @ p[:k, k]
    return pi / pi.sum()


@njit(cache=True, nogil=True)
def _gth_eliminate(p: np.ndarray) -> int:
    """Eliminate states n-1 .. 1 in place: state k's exits are censored onto the states below it.  Returns the
    first state with no way down (the chain is reducible), or 0."""
    for k in range(p.shape[0] - 1, 0, -1):
        out = 0.0
        for j in range(k):
            out += p[k, j]
        if out <= 0.0:
            return k
        for i in range(k):
            p[i, k] /= out
        for i in range(k):
            via = p[i, k]
            if via != 0.0:
                for j in range(k):
                    p[i, j] += via * p[k, j]
    return 0


def _aggregation(p: sp.csr_matrix, tol: float, max_iter: int) -> np.ndarray:
    label, count = aggregates(p)
    merge = sp.csr_matrix((np.ones(p.shape[0]), (np.arange(p.shape[0]), label)), shape=(p.shape[0], count))
    pt = p.T.tocsr()
    pi = _arnoldi_start(pt)
    residual = np.inf
    for _ in range(max_iter):
        share = pi / (merge.T @ pi)[label]  # the law within each aggregate
        coarse = merge.T @ sp.diags(share) @ p @ merge  # aggregate-to-aggregate transition matrix
        pi = share * stationary_distribution(coarse, tol=tol, max_iter=max_iter)[label]
        for _ in range(SMOOTHING_STEPS):
            pi = pt @ pi
        pi /= pi.sum()
        residual = np.abs(pt @ pi - pi).sum()
        if residual <= tol:
            return pi
    raise ValidationError("matrix", f"stationary law not converged in {max_iter} aggregation steps (residual "
                                    f"{residual:.2g} > tol {tol:g}): the chain is slower than its aggregates "
                                    "resolve; use fewer states, a higher temperature or a larger tol")  # fmt: skip


def aggregates(matrix: sp.csr_matrix) -> tuple[np.ndarray, int]:
    """Group states by following each one's most likely move to another state: the groups are the connected
    components of that graph (one cycle each).  On a cold landscape they are the basins of the local minima,
    which the chain leaves rarely.  Returns (the aggregate of every state, the number of aggregates)."""
    off = sp.csr_matrix(matrix - sp.diags(matrix.diagonal()))
    off.eliminate_zeros()
    n = off.shape[0]
    best = np.arange(n)
    moving = np.flatnonzero(np.diff(off.indptr))
    best[moving] = np.asarray(off[moving].argmax(axis=1)).ravel()
    count, label = connected_components(sp.csr_matrix((np.ones(n), (np.arange(n), best)), shape=(n, n)))
    return label, count


def _arnoldi_start(pt: sp.csr_matrix) -> np.ndarray:
    """First guess: the Arnoldi eigenvector of P^T for its rightmost eigenvalue (made positive), else uniform."""
    n = pt.shape[0]
    try:
        vectors = eigs(pt, k=1, which="LR", v0=np.full(n, 1.0 / n), tol=1e-13, maxiter=2000)[1]
    except ArpackError:
        return np.full(n, 1.0 / n)
    guess = np.abs(np.real(vectors[:, 0])) + np.finfo(float).tiny  # every aggregate keeps a share
    return guess / guess.sum()
