"""The dynamics interface: ``init(problem, seed) -> State`` and ``step(state, sweeps) -> (State, Info)``.

Time is counted in sweeps: one sweep is ``n`` attempted single-variable updates.  ``step`` advances the
state in place (kernels write into its arrays) and returns it with an :class:`Info` for the chunk.
Any object with these two methods (see :class:`Dynamics`) can be run and scored by the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .. import _checks
from .._rng import seed_state
from ..errors import ValidationError
from ..problems.base import PairwiseProblem


@dataclass
class State:
    """Where a chain is: configuration, cached local fields, total energy, RNG state, sweeps done.

    ``cache`` holds the family's local fields, in the most compact exact dtype: colouring, neighbour colour
    counts ``(n, q)`` (int8 up to degree 127, then int16 / int32); Ising, local fields ``(n,)`` (int8 for
    integer models with |field| <= 127, else float64).  Rule-specific arrays (batch flags, annealing schedule)
    live in ``extra``.
    """

    problem: PairwiseProblem
    x: np.ndarray
    cache: np.ndarray
    energy: float
    rng: np.ndarray
    sweep: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def energy_per_variable(self) -> float:
        return self.energy / self.problem.n


@dataclass(frozen=True)
class Info:
    """What happened during one ``step``: accepted moves out of attempted ones (attempts = sweeps x n)."""

    accepted: int
    attempted: int

    @property
    def acceptance(self) -> float:
        return self.accepted / self.attempted if self.attempted else float("nan")


@runtime_checkable
class Dynamics(Protocol):
    """What the runner needs from a dynamics: a name, its parameters, ``init`` and ``step``."""

    name: str

    def params(self) -> dict[str, Any]: ...

    def init(self, problem: PairwiseProblem, seed, x0=None, horizon: int | None = None) -> State: ...

    def step(self, state: State, sweeps: int) -> tuple[State, Info]: ...


def seed_sequence(seed) -> np.random.SeedSequence:
    """Accept an int >= 0 or a SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(_checks.integer("seed", seed, low=0))


def _check_state_arrays(state: State) -> None:
    """O(1) structural check before the arrays reach a kernel (values were validated by ``init``)."""
    n = state.problem.n
    if state.x.shape != (n,) or state.x.dtype != np.int8:
        raise ValidationError("state.x", f"must be int8 of shape ({n},), got {state.x.dtype} {state.x.shape}")
    if state.cache.shape[:1] != (n,):
        raise ValidationError("state.cache", f"must have {n} rows, got shape {state.cache.shape}")
    if state.rng.shape != (4,) or state.rng.dtype != np.uint64:
        raise ValidationError("state.rng", "must be a uint64 array of length 4")


class SingleSiteDynamics:
    """Shared ``init`` / ``step`` plumbing for the built-in kernels; subclasses implement ``_advance``.

    The initial configuration is uniformly random from the first child of ``SeedSequence(seed)`` (so it
    depends on the seed only, not on the dynamics); the kernel's stream comes from the second child.
    """

    name = "dynamics"

    def params(self) -> dict[str, Any]:
        raise NotImplementedError

    def init(self, problem: PairwiseProblem, seed, x0=None, horizon: int | None = None) -> State:
        from .backends import backend_for

        backend = backend_for(problem)
        init_ss, kernel_ss = seed_sequence(seed).spawn(2)
        if x0 is None:
            x = problem.random_configuration(np.random.default_rng(init_ss))
        else:
            x = problem.check_configuration(x0, field="x0").copy()
        state = State(problem, x, backend.cache(problem, x), problem.energy(x), seed_state(kernel_ss))
        if horizon is not None:
            _checks.integer("horizon", horizon, low=0)
        self._prepare(state, horizon)
        return state

    def _prepare(self, state: State, horizon: int | None) -> None:
        """Hook for rule-specific state (schedules, batch flags)."""

    def step(self, state: State, sweeps: int) -> tuple[State, Info]:
        from .backends import backend_for

        if not isinstance(state, State):
            raise ValidationError("state", f"must be a State from init(), got {type(state).__name__}")
        sweeps = _checks.integer("sweeps", sweeps, low=0)
        _check_state_arrays(state)
        accepted, d_energy = self._advance(backend_for(state.problem), state, sweeps)
        state.energy += d_energy
        state.sweep += sweeps
        return state, Info(int(accepted), sweeps * state.problem.n)

    def _advance(self, backend, state: State, sweeps: int) -> tuple[int, float]:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"
