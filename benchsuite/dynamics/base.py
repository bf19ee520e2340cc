"""The dynamics interface: ``init(problem, seed) -> State`` and ``step(state, sweeps) -> (State, Info)``.

Time is counted in sweeps: one sweep is ``n`` attempted single-variable updates.  ``step`` advances the
state in place (kernels write into its arrays) and returns it with an :class:`Info` for the chunk; it must
advance ``state.sweep`` by ``sweeps`` and keep ``state.energy`` (total) equal to the energy of ``state.x``
(``run`` checks both).  Any object with ``name``, ``params``, ``init`` and ``step`` (see :class:`Dynamics`)
can be run and scored; :class:`KernelDynamics` supplies ``init`` / ``step`` for a jitted kernel.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..kernels import cache_layout, fill, model_for, new_cache, seed_state
from ..problems.base import Problem


@dataclass
class State:
    """Where a chain is: configuration ``x`` (int8), the family's cache, total energy, RNG state, sweeps done.

    ``model`` is the problem's kernel layout (:func:`benchsuite.kernels.model_for`); ``cache`` holds the
    family's cached fields in the layout its registration gives (colouring: neighbour colour counts
    ``(n, q)``; Ising: local fields ``(n,)``; K-SAT: true literals per clause; XORSAT: violated flag per
    equation; perceptron: pre-activation per pattern).  Rule-specific arrays (batch flags, annealing
    schedule) live in ``extra``.
    """

    problem: Problem
    model: NamedTuple
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
    def acceptance(self) -> float | None:
        """accepted / attempted, or None when nothing was attempted."""
        return self.accepted / self.attempted if self.attempted else None


@runtime_checkable
class Dynamics(Protocol):
    """What the runner needs from a dynamics: a name, its parameters, ``init`` and ``step``."""

    name: str

    def params(self) -> dict[str, Any]: ...

    def init(self, problem: Problem, seed, x0=None, horizon: int | None = None) -> State: ...

    def step(self, state: State, sweeps: int) -> tuple[State, Info]: ...


def seed_sequence(seed) -> np.random.SeedSequence:
    """Accept an int >= 0 or a SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(_checks.integer("seed", seed, low=0))


class KernelDynamics:
    """``init`` / ``step`` / ``compile`` for a dynamics whose sweeps run in a jitted kernel over a family model.

    Subclasses set ``name`` and implement ``params()`` and ``advance(state, sweeps) -> (accepted, energy
    change)``, which calls the kernel on ``state.model``, ``state.x``, ``state.cache``, ``state.rng`` (and
    ``state.extra``); ``advance(state, 0)`` must change nothing (it is how ``compile`` triggers compilation).
    ``prepare(state, horizon)`` may add rule-specific arrays to ``state.extra``.

    The initial configuration is uniformly random from the first child of ``SeedSequence(seed)`` (so it
    depends on the seed only, not on the dynamics); the kernel's stream comes from the second child.
    """

    name = "dynamics"

    def params(self) -> dict[str, Any]:
        raise NotImplementedError

    def advance(self, state: State, sweeps: int) -> tuple[int, float]:
        raise NotImplementedError

    def prepare(self, state: State, horizon: int | None) -> None:
        """Hook for rule-specific state (schedules, batch flags)."""

    def init(self, problem: Problem, seed, x0=None, horizon: int | None = None) -> State:
        if not isinstance(problem, Problem):
            raise ValidationError("problem", f"must be a Problem, got {type(problem).__name__}")
        model = model_for(problem)
        init_ss, kernel_ss = seed_sequence(seed).spawn(2)
        if x0 is None:
            x = problem.random_configuration(np.random.default_rng(init_ss))
        else:
            x = problem.check_configuration(x0, field="x0").copy()
        cache = new_cache(problem)
        fill(model, x, cache)
        state = State(problem, model, x, cache, problem.energy(x), seed_state(kernel_ss))
        if horizon is not None:
            _checks.count("horizon", horizon)
        self.prepare(state, horizon)
        return state

    def step(self, state: State, sweeps: int) -> tuple[State, Info]:
        sweeps = _checks.count("sweeps", sweeps)
        check_state(state)
        accepted, d_energy = self.advance(state, sweeps)
        state.energy += d_energy
        state.sweep += sweeps
        return state, Info(int(accepted), sweeps * state.problem.n)

    def compile(self, state: State) -> float:
        """Compile (or load from numba's cache) this dynamics' kernel for ``state``; returns the seconds taken."""
        check_state(state)
        t0 = time.perf_counter()
        self.advance(state, 0)
        return time.perf_counter() - t0

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


def check_state(state: State) -> None:
    """Structural check before a state's arrays reach a kernel: the problem's own model, and the shapes and
    dtypes of the configuration, cache and RNG state (values were validated by ``init``)."""
    if not isinstance(state, State):
        raise ValidationError("state", f"must be a State from init(), got {type(state).__name__}")
    problem = state.problem
    if not isinstance(problem, Problem):
        raise ValidationError("state.problem", f"must be a Problem, got {type(problem).__name__}")
    if state.model is not model_for(problem):
        raise ValidationError("state.model", "is not the kernel model of state.problem")
    n = problem.n
    if not isinstance(state.x, np.ndarray) or state.x.shape != (n,) or state.x.dtype != np.int8:
        raise ValidationError("state.x", f"must be int8 of shape ({n},), got {getattr(state.x, 'dtype', None)} "
                                         f"{getattr(state.x, 'shape', None)}")  # fmt: skip
    shape, dtype = cache_layout(problem)
    if not isinstance(state.cache, np.ndarray) or state.cache.shape != shape or state.cache.dtype != dtype:
        raise ValidationError("state.cache", f"must be {np.dtype(dtype)} of shape {shape}")
    if not isinstance(state.rng, np.ndarray) or state.rng.shape != (4,) or state.rng.dtype != np.uint64:
        raise ValidationError("state.rng", "must be a uint64 array of length 4")
