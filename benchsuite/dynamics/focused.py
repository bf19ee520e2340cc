"""Focused Metropolis search, the focused local search baseline for constraint families (K-SAT, XORSAT).

Seitz, Alava & Orponen, "Focused local search for random 3-satisfiability", J. Stat. Mech. P06006 (2005):
every attempt picks a violated constraint, one of its variables at random, and flips it with the Metropolis
probability min(1, eta^dE), dE the change in the number of violated constraints.  ``eta`` in (0, 1]:
``eta = 1`` is the focused random walk, small ``eta`` a greedy focused descent; the kernel works with
``beta = -ln(eta)`` (see :data:`benchsuite.kernels.focused_metropolis` for the random numbers).  A sweep is
``n`` attempts, so budgets compare with single-site dynamics update for update.  Unlike WalkSAT it needs no
clause structure beyond "violated or not", so it runs on XORSAT, where flipping any variable of a violated
equation repairs it.  It seeks a satisfying assignment and samples no law: no target, not reversible.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..kernels import focused_metropolis, implemented, violated
from ..problems.base import Problem
from .base import Facts, KernelDynamics, State, replica_results
from .replicas import Replicas


class FocusedMetropolis(KernelDynamics):
    """Focused Metropolis search with ``eta`` in (0, 1] on families that say which constraints are violated."""

    name = "focused-metropolis"
    observes_every_move = True

    def __init__(self, eta: float = 0.3):
        self.eta = _checks.real("eta", eta, low=0.0, high=1.0, low_open=True)

    @property
    def beta(self) -> float:
        """The inverse temperature of the acceptance, -ln(eta) (0 for eta = 1)."""
        return -math.log(self.eta)

    def params(self) -> dict[str, Any]:
        return {"eta": self.eta}

    def facts(self) -> Facts:
        return Facts(reversible=False, observes_every_move=True)

    def skip(self, problem: Problem) -> tuple[bool, str | None]:
        """Only families whose kernels implement ``violated`` (K-SAT, XORSAT)."""
        if not implemented(violated, problem):
            return True, f"focused search needs constraints that are violated or not, which {problem.family} has not"
        return False, None

    def prepare(self, state: State, horizon: int | None) -> None:
        skip, reason = self.skip(state.problem)
        if skip:
            raise ValidationError("problem", reason)

    def advance_replicas(self, block: Replicas, sweeps: int) -> tuple[np.ndarray, np.ndarray]:
        focused_metropolis(block.model, block.x, block.cache, self.beta, sweeps, block.rng, block.track)
        return replica_results(block)
