"""SGD-like dynamics: accept a move iff its energy change on a random mini-batch of terms is <= 0.

Rule of Angelini, Cavaliere, Marino & Ricci-Tersenghi, Sci. Rep. 14, 11638 (2024), arXiv:2309.05337.
Each sweep visits the variables in order 0..n-1 and proposes a uniformly random other value (a flip for
Ising).  The batch holds each term with probability ``s``:

- ``batch="half-edge"`` (the study's rule): each endpoint's view of each edge is in or out
  independently;
- ``batch="term"``: each edge is in or out for both endpoints alike.

The batch is redrawn every ``persist`` sweeps (1: every sweep).  Ties (batch change exactly 0) are
accepted, so ``s = 1`` is a greedy zero-temperature quench.  The true energy is tracked with the full
change.  With the half-edge rule and ``persist=1``, on colouring and on Ising models with +-1 couplings
and no field, the decision is drawn in one uniform from P[Bin(n_new, s) <= Bin(n_old, s)], where n_old /
n_new count the terms in conflict before / after the move (exactly the law of explicit flags, since each
half-edge is used once per sweep, at Metropolis cost).  Otherwise flags are drawn explicitly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import SingleSiteDynamics, State

BATCH_RULES = ("half-edge", "term")


def acceptance_table(s: float, max_degree: int) -> np.ndarray:
    """``table[a, b]`` = P[Bin(b, s) <= Bin(a, s)] for independent binomials, ``0 <= a, b <= max_degree``."""
    from scipy.stats import binom  # imported here: scipy.stats costs 0.3 s at import time

    k = np.arange(max_degree + 1)
    pmf = binom.pmf(k[None, :], k[:, None], s)  # pmf[a, j] = P[Bin(a, s) = j]
    cdf = binom.cdf(k[None, :], k[:, None], s)  # cdf[b, j] = P[Bin(b, s) <= j]
    table = np.clip(pmf @ cdf.T, 0.0, 1.0)
    table[:, 0] = 1.0  # Bin(0, s) = 0 is never above the other side
    return table


class SGDLike(SingleSiteDynamics):
    """SGD-like rule with batch fraction ``s`` in (0, 1], batch rule ``batch``, batch kept ``persist`` sweeps."""

    name = "sgd-like"

    def __init__(self, s: float, batch: str = "half-edge", persist: int = 1):
        self.s = _checks.real("s", s, low=0.0, high=1.0, low_open=True)
        if batch not in BATCH_RULES:
            raise ValidationError("batch", f"must be one of {', '.join(BATCH_RULES)}, got {batch!r}")
        self.batch = batch
        self.persist = _checks.integer("persist", persist, low=1)
        self._tables: dict[int, np.ndarray] = {}

    def params(self) -> dict[str, Any]:
        return {"s": self.s, "batch": self.batch, "persist": self.persist}

    def _uses_table(self, backend, problem) -> bool:
        return backend.has_binomial_rule(problem) and self.batch == "half-edge" and self.persist == 1

    def _prepare(self, state: State, horizon: int | None) -> None:
        from .backends import backend_for

        backend = backend_for(state.problem)
        if self._uses_table(backend, state.problem):
            return
        g = state.problem.graph
        flag_index = np.arange(2 * g.m, dtype=np.int32) if self.batch == "half-edge" else g.term
        n_flags = (2 * g.m if self.batch == "half-edge" else g.m) + backend.n_field_flags(state.problem)
        state.extra["flag_index"] = flag_index
        state.extra["batch"] = np.full(n_flags, -2, dtype=np.int64)  # 2 * epoch + flag; -2: never drawn

    def _advance(self, backend, state: State, sweeps: int):
        if self._uses_table(backend, state.problem):
            d = state.problem.graph.max_degree
            if d not in self._tables:
                self._tables[d] = acceptance_table(self.s, d)
            return backend.sgd_like_table(state, self._tables[d], sweeps)
        e = state.extra
        return backend.sgd_like_flags(state, e["flag_index"], e["batch"], self.s, sweeps, self.persist)
