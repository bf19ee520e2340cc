"""Reference Boltzmann samplers: Metropolis, heat bath, and simulated annealing on a beta schedule.

Temperatures T are in units of the energy (k_B = 1); beta = 1/T.  ``order="sequential"`` visits
variables 0..n-1 each sweep (preserves Boltzmann, not reversible); ``order="random"`` picks n sites
uniformly at random per sweep (reversible).  All three run the rules of :mod:`benchsuite.kernels`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..kernels import Rule, heat_bath, metropolis
from ..kernels.templates import START_ENERGY, START_SWEEP
from .base import Facts, KernelDynamics, State, check_extra_array, one_replica, replica_result, replica_results
from .replicas import Replicas

ORDERS = ("sequential", "random")
SCHEDULES = ("linear", "geometric")
MAX_SCHEDULE = 100_000_000  # sweeps of an annealing schedule (8 bytes each, held in memory)
BETA_CHUNK = 65_536  # sweeps per kernel call at a fixed temperature (bounds the beta array of a long step)


def _order(order: str) -> str:
    return _checks.choice("order", order, ORDERS)


class _FixedTemperature(KernelDynamics):
    """A single-site rule at a fixed temperature ``T``."""

    _rule: Rule
    observes_every_move = True

    def __init__(self, T: float, order: str = "sequential"):
        self.T = _checks.real("T", T, low=0.0, low_open=True)
        self.beta = _checks.inverse_temperature("T", self.T)
        self.order = _order(order)

    def params(self) -> dict[str, Any]:
        return {"T": self.T, "order": self.order}

    def facts(self) -> Facts:
        return Facts(target="boltzmann", temperature=self.T, sweep=self.order, reversible=self.order == "random",
                     local_law=self.name, observes_every_move=True)  # fmt: skip

    def advance_replicas(self, block: Replicas, sweeps: int) -> tuple[np.ndarray, np.ndarray]:
        chains = block.size
        accepted, d_energy = np.zeros(chains, dtype=np.int64), np.zeros(chains)
        betas = np.full((chains, min(sweeps, BETA_CHUNK)), self.beta)
        for done in range(0, max(sweeps, 1), BETA_CHUNK):
            chunk = betas[:, : min(BETA_CHUNK, sweeps - done)]
            block.track[:, START_ENERGY], block.track[:, START_SWEEP] = block.energy + d_energy, block.sweep + done
            self._rule(block.model, block.x, block.cache, chunk, self.order == "random", block.rng, block.track)
            more, d_more = replica_results(block)
            accepted, d_energy = accepted + more, d_energy + d_more
        return accepted, d_energy


class Metropolis(_FixedTemperature):
    """Metropolis at temperature ``T``: propose a uniformly random other value, accept with min(1, e^(-dE/T))."""

    name = "metropolis"
    _rule = metropolis


class HeatBath(_FixedTemperature):
    """Heat bath at temperature ``T``: redraw the variable from its conditional Boltzmann law (Glauber for spins)."""

    name = "heat-bath"
    _rule = heat_bath


class Annealing(KernelDynamics):
    """Simulated annealing: Metropolis sweeps with beta following a schedule, one beta per sweep.

    Either ``beta0``/``beta1`` with ``schedule`` ``linear`` or ``geometric`` (stretched over the run length
    given to ``init`` as ``horizon``), or an explicit array ``betas`` (its length is the schedule length).
    """

    name = "anneal"
    observes_every_move = True

    def __init__(
        self,
        beta0: float | None = None,
        beta1: float | None = None,
        schedule: str = "geometric",
        betas=None,
        order: str = "sequential",
    ):
        self.order = _order(order)
        if betas is not None:
            if beta0 is not None or beta1 is not None:
                raise ValidationError("betas", "give either betas or beta0/beta1, not both")
            arr = _checks.array("betas", betas, ndim=1, kind="f")
            if arr.size == 0 or np.any(arr <= 0):
                raise ValidationError("betas", "must be a non-empty array of positive inverse temperatures")
            self.betas: np.ndarray | None = np.asarray(arr, dtype=np.float64)
            self.beta0 = self.beta1 = None
            self.schedule = "array"
            return
        if beta0 is None or beta1 is None:
            raise ValidationError("beta0", "annealing needs beta0 and beta1 (or an explicit betas array)")
        self.beta0 = _checks.real("beta0", beta0, low=0.0, low_open=True)
        self.beta1 = _checks.real("beta1", beta1, low=0.0, low_open=True)
        self.schedule = _checks.choice("schedule", schedule, SCHEDULES)
        self.betas = None

    def params(self) -> dict[str, Any]:
        if self.betas is not None:
            return {"schedule": "array", "sweeps": int(self.betas.size), "order": self.order}
        return {"beta0": self.beta0, "beta1": self.beta1, "schedule": self.schedule, "order": self.order}

    def facts(self) -> Facts:
        return Facts(sweep=self.order, observes_every_move=True)  # a schedule: no stationary law

    def beta_schedule(self, sweeps: int) -> np.ndarray:
        """The beta of each of ``sweeps`` sweeps (from beta0 to beta1 inclusive)."""
        if self.betas is not None:
            return self.betas
        space = np.geomspace if self.schedule == "geometric" else np.linspace
        return space(self.beta0, self.beta1, sweeps)

    def prepare(self, state: State, horizon: int | None) -> None:
        if self.betas is None and horizon is None:
            raise ValidationError("horizon", "annealing from beta0 to beta1 needs the run length (horizon, in sweeps)")
        if self.betas is None and horizon > MAX_SCHEDULE:
            raise ValidationError("horizon", f"a schedule of {horizon} sweeps would need {8 * horizon / 1e9:.3g} GB; "
                                             f"annealing runs are limited to {MAX_SCHEDULE} sweeps")  # fmt: skip
        state.extra["betas"] = self.beta_schedule(horizon if self.betas is None else self.betas.size)

    def check_extra(self, state: State) -> None:
        check_extra_array(state, "betas", np.float64, None, "Annealing(...).init")

    def advance(self, state: State, sweeps: int) -> tuple[int, float]:
        betas = state.extra["betas"]
        if state.sweep + sweeps > betas.size:
            raise ValidationError("sweeps", f"the schedule has {betas.size} sweeps; {state.sweep} are done")
        chunk = betas[state.sweep : state.sweep + sweeps]
        if not np.all(chunk > 0) or not np.all(np.isfinite(chunk)):
            raise ValidationError("state.extra['betas']", "must hold finite inverse temperatures > 0")
        x, cache, rng, track = one_replica(state)
        metropolis(state.model, x, cache, chunk[None], self.order == "random", rng, track)
        return replica_result(track[0])
