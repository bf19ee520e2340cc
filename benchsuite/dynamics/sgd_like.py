"""SGD-like dynamics: accept a move iff its energy change on a random mini-batch of terms is <= 0.

Rule of Angelini, Cavaliere, Marino & Ricci-Tersenghi, Sci. Rep. 14, 11638 (2024), arXiv:2309.05337.
Each sweep visits the variables in order 0..n-1 and proposes a new value (a uniformly random other colour;
a flip for spins).  The batch holds each term with probability ``s``:

- ``batch="half-edge"`` (the study's rule): each (term, variable) incidence is in or out independently, so
  each variable sees its own batch of its terms;
- ``batch="term"``: each term is in or out for all its variables alike (for the perceptron: a mini-batch of
  training patterns).

The batch is redrawn every ``persist`` sweeps (1: every sweep).  Ties (batch change exactly 0) are
accepted, so ``s = 1`` is a greedy zero-temperature quench.  The true energy is tracked with the full
change.  With the half-edge rule and ``persist=1`` on families whose terms change by one unit (colouring,
+-1 Ising without field, K-SAT, XORSAT, perceptron), the decision is drawn in one uniform from
P[Bin(n_up, s) <= Bin(n_down, s)], where n_down / n_up count the terms whose energy the move lowers / raises
(exactly the law of explicit flags, since each incidence is used once per sweep, at Metropolis cost), up to
degree ``MAX_BINOMIAL_DEGREE``.  Otherwise flags are drawn explicitly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _checks
from ..kernels import acceptance_table, sgd_like_binomial, sgd_like_flags
from ..kernels.acceptance import MAX_BINOMIAL_DEGREE
from .base import Facts, KernelDynamics, State, check_extra_array, replica_results
from .replicas import Replicas

BATCH_RULES = ("half-edge", "term")


class SGDLike(KernelDynamics):
    """SGD-like rule with batch fraction ``s`` in (0, 1], batch rule ``batch``, batch kept ``persist`` sweeps."""

    name = "sgd-like"
    observes_every_move = True

    def __init__(self, s: float, batch: str = "half-edge", persist: int = 1):
        self.s = _checks.real("s", s, low=0.0, high=1.0, low_open=True)
        self.batch = _checks.choice("batch", batch, BATCH_RULES)
        self.persist = _checks.count("persist", persist, low=1)
        self._tables: dict[int, np.ndarray] = {}

    def params(self) -> dict[str, Any]:
        return {"s": self.s, "batch": self.batch, "persist": self.persist}

    def facts(self) -> Facts:
        """Not Boltzmann and not reversible (Angelini et al.); its exact law and the T_eff theory of
        :mod:`benchsuite.score.sgd_theory` hold for half-edge batches drawn at each visit."""
        fresh = self.batch == "half-edge" and self.persist == 1
        return Facts(sweep="sequential", reversible=False, local_law="sgd-like" if fresh else None,
                     theory="sgd-like" if fresh else None, batch_fraction=self.s, observes_every_move=True)  # fmt: skip

    def uses_binomial_rule(self, model) -> bool:
        """True when the decision can be drawn from the binomial table (see the module notes)."""
        unit = bool(model.unit_terms) and model.max_degree <= MAX_BINOMIAL_DEGREE
        return unit and self.batch == "half-edge" and self.persist == 1

    def _n_flags(self, state: State) -> int:
        g = state.problem.hypergraph
        return g.nnz if self.batch == "half-edge" else g.m

    def prepare(self, state: State, horizon: int | None) -> None:
        if not self.uses_binomial_rule(state.model):  # 2 * epoch + flag; -2: never drawn
            state.extra["batch"] = np.full(self._n_flags(state), -2, dtype=np.int64)

    def check_extra(self, state: State) -> None:
        if not self.uses_binomial_rule(state.model):
            check_extra_array(state, "batch", np.int64, self._n_flags(state), "SGDLike(...).init", writable=True)

    def advance_replicas(self, block: Replicas, sweeps: int) -> tuple[np.ndarray, np.ndarray]:
        model = block.model
        if self.uses_binomial_rule(model):
            d = model.max_degree
            if d not in self._tables:
                self._tables[d] = acceptance_table(self.s, d)
            sgd_like_binomial(model, block.x, block.cache, self._tables[d], sweeps, block.rng, block.track)
        else:
            sgd_like_flags(model, block.x, block.cache, block.extra["batch"], self.batch == "term", self.s,
                           block.sweep, sweeps, self.persist, block.rng, block.track)  # fmt: skip
        return replica_results(block)
