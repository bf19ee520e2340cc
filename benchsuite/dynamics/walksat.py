"""WalkSAT, the focused local search baseline for K-SAT (Selman, Kautz & Cohen, DIMACS Series 26, 1996).

Every flip starts from an unsatisfied clause and flips one of its variables: one that breaks no other clause
if there is one, else a random one with probability ``noise``, else one that breaks the fewest (the "SKC"
variant; see :data:`benchsuite.kernels.walksat` for the random numbers).  A sweep is ``n`` flips, so
budgets compare with single-site dynamics update for update.  It seeks a satisfying assignment and samples
no law: no target, not reversible.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..kernels import walksat
from ..problems.base import Problem
from .base import Facts, KernelDynamics, State, replica_results
from .replicas import Replicas


class WalkSAT(KernelDynamics):
    """WalkSAT with noise ``noise`` in [0, 1] (0: greedy among the clause's variables) on K-SAT instances."""

    name = "walksat"
    observes_every_move = True

    def __init__(self, noise: float = 0.5):
        self.noise = _checks.real("noise", noise, low=0.0, high=1.0)

    def params(self) -> dict[str, Any]:
        return {"noise": self.noise}

    def facts(self) -> Facts:
        return Facts(reversible=False, observes_every_move=True)

    def skip(self, problem: Problem) -> tuple[bool, str | None]:
        """WalkSAT needs clauses: K-SAT only."""
        if problem.family != "ksat":
            return True, f"WalkSAT needs clauses (K-SAT), not a {problem.family} instance"
        return False, None

    def prepare(self, state: State, horizon: int | None) -> None:
        skip, reason = self.skip(state.problem)
        if skip:
            raise ValidationError("problem", reason)

    def advance_replicas(self, block: Replicas, sweeps: int) -> tuple[np.ndarray, np.ndarray]:
        walksat(block.model, block.x, block.cache, self.noise, sweeps, block.rng, block.track)
        return replica_results(block)
