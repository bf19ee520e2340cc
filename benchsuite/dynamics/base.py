"""The dynamics interface: ``init(problem, seed) -> State`` and ``step(state, sweeps) -> (State, Info)``.

Time is counted in sweeps: one sweep is ``n`` attempted single-variable updates.  ``step`` advances the
state in place (kernels write into its arrays) and returns it with an :class:`Info` for the chunk; it must
advance ``state.sweep`` by ``sweeps`` and keep ``state.energy`` (total) equal to the energy of ``state.x``
(``run`` checks both).  Any object with ``name``, ``params``, ``init`` and ``step`` (see :class:`Dynamics`)
can be run and scored; :class:`KernelDynamics` supplies ``init`` / ``step`` for a jitted kernel.

A :class:`State` made by :class:`KernelDynamics` also keeps the best energy so far and the first sweep at
which a target energy was reached (``state.watch(target)`` before the first step): exact when the kernel
calls :func:`benchsuite.kernels.observe` after each energy-lowering move, as every built-in rule does, and
checked at the end of every ``step`` otherwise.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..kernels import cache_layout, fill, model_for, new_cache, seed_state
from ..kernels.templates import (
    ACCEPTED,
    BEST_ENERGY,
    BEST_SWEEP,
    ENERGY_CHANGE,
    HIT_SWEEP,
    START_ENERGY,
    START_SWEEP,
    TARGET,
    TRACK_SIZE,
)
from ..problems.base import Problem
from .replicas import Replicas, block_of_one, check_apart, check_block, seal, start_block


@dataclass
class State:
    """Where a chain is: configuration ``x`` (int8), the family's cache, total energy, RNG state, sweeps done.

    ``model`` is the problem's kernel layout (:func:`benchsuite.kernels.model_for`); ``cache`` holds the
    family's cached fields in the layout its registration gives (colouring: neighbour colour counts
    ``(n, q)``; Ising: local fields ``(n,)``; K-SAT: true literals per clause; XORSAT: violated flag per
    equation; perceptron: pre-activation per pattern).  Rule-specific arrays (batch flags, annealing
    schedule) live in ``extra``.  ``track`` holds the best energy so far and the first sweep at a target
    (see :mod:`benchsuite.kernels.templates`; read it through ``best_energy``, ``best_sweep``, ``hit_sweep``).
    """

    problem: Problem
    model: NamedTuple
    x: np.ndarray
    cache: np.ndarray
    energy: float
    rng: np.ndarray
    sweep: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    track: np.ndarray | None = None
    _seal: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.track is None:
            self.track = np.array([self.energy, self.sweep, self.energy, self.sweep, -np.inf, -1.0, 0.0, 0.0])

    @property
    def energy_per_variable(self) -> float:
        return self.energy / self.problem.n

    @property
    def best_energy(self) -> float:
        """The lowest total energy this chain has had (its start included)."""
        return float(self.track[BEST_ENERGY])

    @property
    def best_sweep(self) -> int:
        """Sweeps done when ``best_energy`` was first reached (the k-th sweep reached it; 0: the start)."""
        return int(self.track[BEST_SWEEP])

    @property
    def target(self) -> float | None:
        """The energy given to :meth:`watch`, or None."""
        return None if self.track[TARGET] == -np.inf else float(self.track[TARGET])

    @property
    def hit_sweep(self) -> int | None:
        """The first sweep during which the energy was at or below the target (0: at the start), or None."""
        return None if self.track[HIT_SWEEP] < 0 else int(self.track[HIT_SWEEP])

    def watch(self, target: float) -> None:
        """Record the first sweep at which the total energy reaches ``target``; call before the first step."""
        target = _checks.real("target", target)
        if self.sweep != 0:
            raise ValidationError("target", f"must be set before the first step (this state is at sweep {self.sweep})")
        self.track[TARGET] = target
        self.track[HIT_SWEEP] = 0.0 if self.track[BEST_ENERGY] <= target else -1.0

    def _observe(self) -> None:
        """The track seen at the end of a step (exact for kernels that observe every move, see the module notes)."""
        if self.energy < self.track[BEST_ENERGY]:
            self.track[BEST_ENERGY] = self.energy
            self.track[BEST_SWEEP] = self.sweep
        if self.track[HIT_SWEEP] < 0 and self.energy <= self.track[TARGET]:
            self.track[HIT_SWEEP] = self.sweep


@dataclass(frozen=True)
class Info:
    """What happened during one ``step``: accepted moves out of attempted ones (attempts = sweeps x n)."""

    accepted: int
    attempted: int

    @property
    def acceptance(self) -> float | None:
        """accepted / attempted, or None when nothing was attempted."""
        return self.accepted / self.attempted if self.attempted else None


@dataclass(frozen=True)
class Facts:
    """What a dynamics states about itself, read by the validators, the CLI and the scorer (never guessed
    from its class).

    ``target``: "boltzmann" when its stationary law is Boltzmann at ``temperature``, None otherwise or when
    unknown; ``sweep``: "sequential", "random" or None; ``reversible``: one step satisfies detailed balance
    with the target (None: unknown); ``local_law``: the single-site law whose exact transition matrix
    :mod:`benchsuite.validate.markov` builds ("metropolis", "heat-bath" at ``temperature``; "sgd-like" with
    half-edge batches of fraction ``batch_fraction`` drawn at each visit), or None; ``theory``:
    "sgd-like" when :mod:`benchsuite.score.sgd_theory` predicts its effective temperature;
    ``observes_every_move``: its kernel keeps the best energy and the hit sweep exactly (see
    :mod:`benchsuite.kernels.templates`); ``sweep_cost``: single-site sweeps done per sweep of ``step``
    (R for R replicas), so that budgets compare like with like; ``stochastic``: it draws random numbers.
    """

    target: str | None = None
    temperature: float | None = None
    sweep: str | None = None
    reversible: bool | None = None
    local_law: str | None = None
    theory: str | None = None
    batch_fraction: float | None = None
    observes_every_move: bool = False
    sweep_cost: int = 1
    stochastic: bool = True


def facts(dynamics) -> Facts:
    """``dynamics.facts()`` when it states them, else :func:`presented_facts`."""
    own = getattr(dynamics, "facts", None)
    stated = own() if callable(own) else presented_facts(dynamics)
    if not isinstance(stated, Facts):
        raise ValidationError("dynamics", f"{getattr(dynamics, 'name', dynamics)!r}.facts() must return a Facts, "
                                          f"got {type(stated).__name__}")  # fmt: skip
    return stated


def presented_facts(dynamics) -> Facts:
    """The facts of a dynamics that does not state its own, as it presents itself: a temperature attribute
    ``T`` claims Boltzmann at ``T``, an ``order`` attribute gives the sweep, and a Boltzmann target visited in
    random order claims reversibility.  (The default of :meth:`KernelDynamics.facts`; override it to say
    more, or otherwise.)"""
    temperature = getattr(dynamics, "T", None)
    order = getattr(dynamics, "order", None)
    boltzmann = isinstance(temperature, int | float) and not isinstance(temperature, bool)
    return Facts(
        target="boltzmann" if boltzmann else None,
        temperature=float(temperature) if boltzmann else None,
        sweep=order if order in ("sequential", "random") else None,
        reversible=boltzmann and order == "random",
        observes_every_move=bool(getattr(dynamics, "observes_every_move", False)),
    )


class Frozen:
    """Parameters fixed at construction: setting a public attribute a second time is refused."""

    def __setattr__(self, name: str, value) -> None:
        if not name.startswith("_") and name in self.__dict__:
            cls = type(self).__name__
            raise AttributeError(f"{cls}.{name} is fixed at construction; make a new {cls}(...) instead")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


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


class KernelDynamics(Frozen):
    """``init`` / ``step`` / ``compile`` for a dynamics whose sweeps run in a jitted kernel over a family model.

    Subclasses set ``name`` and implement ``params()`` and ``advance(state, sweeps) -> (accepted, energy
    change)``, which calls the kernel on ``state.model``, ``state.x``, ``state.cache``, ``state.rng`` (and
    ``state.extra``); ``advance(state, 0)`` must change nothing (it is how ``compile`` triggers compilation).
    ``prepare(state, horizon)`` may add rule-specific arrays to ``state.extra``.

    The initial configuration is uniformly random from the first child of ``SeedSequence(seed)`` (so it
    depends on the seed only, not on the dynamics); the kernel's stream comes from the second child.

    Set ``observes_every_move = True`` when the kernel passes ``state.track`` to
    :func:`benchsuite.kernels.observe` after every move that lowers the energy (the best energy and the
    sweep of a target are then exact; otherwise ``step`` sees them at its end only).
    """

    name = "dynamics"
    observes_every_move = False

    def params(self) -> dict[str, Any]:
        raise NotImplementedError

    def advance(self, state: State, sweeps: int) -> tuple[int, float]:
        """Run ``sweeps`` sweeps on ``state``'s arrays in place; (accepted moves, energy change).  By default the
        block of one chain through :meth:`advance_replicas`."""
        if not supports_replicas(self):
            raise NotImplementedError(f"{type(self).__name__} implements neither advance nor advance_replicas")
        accepted, d_energy = self.advance_replicas(block_of_one(state), sweeps)
        return int(accepted[0]), float(d_energy[0])

    def advance_replicas(self, block: Replicas, sweeps: int) -> tuple[np.ndarray, np.ndarray]:
        """Optional: run ``sweeps`` sweeps on every chain of ``block`` in place (the kernel on ``block.x`` (R, n),
        ``block.cache``, ``block.rng``, ``block.track`` and ``block.extra``, each with the leading axis R) and
        return each chain's accepted moves and energy change, two (R,) arrays.  A subclass that implements it
        gets :meth:`advance` (the block of one chain) and blocks of chains (:meth:`init_replicas`), on which
        the validators run their planned tests in one kernel call per sweep."""
        raise NotImplementedError(f"{type(self).__name__} does not advance blocks of chains")

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
        _seal(state)
        return state

    def init_replicas(self, problem: Problem, seed, x0, horizon: int | None = None) -> Replicas:
        """A block of chains at configurations ``x0`` (R, n), for a dynamics that implements
        :meth:`advance_replicas`; kernel streams from ``seed`` (see :mod:`benchsuite.dynamics.replicas`), rule
        arrays as :meth:`prepare` makes them for one chain."""
        if not supports_replicas(self):
            raise ValidationError("dynamics", f"{type(self).__name__} does not advance blocks of chains (it does "
                                              "not implement advance_replicas)")  # fmt: skip
        x0 = np.asarray(x0)
        if x0.ndim != 2 or x0.shape[0] < 1:
            raise ValidationError("x0", f"must be a (chains, n) array of configurations, got shape {x0.shape}")
        template = self.init(problem, 0, x0=x0[0], horizon=horizon)  # checks; prepare's arrays for one chain
        return start_block(problem, x0, seed_sequence(seed), template.extra)

    def step_replicas(self, block: Replicas, sweeps: int) -> np.ndarray:
        """Advance every chain of ``block`` by ``sweeps`` sweeps; each chain's accepted moves ((R,) int64).
        Keeps ``block.energy``, ``block.sweep`` and the tracks up to date, as :meth:`step` does for one chain."""
        sweeps = _checks.count("sweeps", sweeps)
        check_block(block)
        if block.sweep + sweeps > _checks.MAX_COUNT:
            raise ValidationError("sweeps", f"{block.sweep} done + {sweeps} more is beyond the 2^53 sweeps a chain counts")
        block.track[:, START_ENERGY], block.track[:, START_SWEEP] = block.energy, block.sweep
        accepted, d_energy = self.advance_replicas(block, sweeps)
        block.energy += d_energy
        block.sweep = int(block.sweep) + sweeps
        lower = block.energy < block.track[:, BEST_ENERGY]
        block.track[lower, BEST_ENERGY], block.track[lower, BEST_SWEEP] = block.energy[lower], block.sweep
        hit = (block.track[:, HIT_SWEEP] < 0) & (block.energy <= block.track[:, TARGET])
        block.track[hit, HIT_SWEEP] = block.sweep
        seal(block)
        return np.asarray(accepted, dtype=np.int64)

    def check_extra(self, state: State) -> None:
        """Hook: check the rule-specific arrays ``prepare`` put in ``state.extra`` (a state from another
        dynamics lacks them) with :func:`check_extra_array`."""

    def step(self, state: State, sweeps: int) -> tuple[State, Info]:
        sweeps = _checks.count("sweeps", sweeps)
        self._ready(state)
        state.sweep = int(state.sweep)  # a numpy integer would wrap in the kernels' schedule arithmetic
        if state.sweep + sweeps > _checks.MAX_COUNT:
            raise ValidationError("sweeps", f"{state.sweep} done + {sweeps} more is beyond the 2^53 sweeps a chain counts")
        state.track[START_ENERGY], state.track[START_SWEEP] = state.energy, state.sweep
        accepted, d_energy = self.advance(state, sweeps)
        state.energy += d_energy
        state.sweep += sweeps
        state._observe()
        _seal(state)
        return state, Info(int(accepted), sweeps * state.problem.n)

    def compile(self, state: State) -> float:
        """Compile (or load from numba's cache) this dynamics' kernel for ``state``; returns the seconds taken."""
        self._ready(state)
        t0 = time.perf_counter()
        self.advance(state, 0)
        return time.perf_counter() - t0

    def _ready(self, state: State) -> None:
        check_state(state)
        self.check_extra(state)
        if not _sealed(state):
            _rebuild(state)

    def facts(self) -> Facts:
        """What this dynamics is (see :class:`Facts`): by default :func:`presented_facts`; a subclass that
        knows more states it."""
        return presented_facts(self)


def supports_replicas(dynamics) -> bool:
    """True when ``dynamics`` advances blocks of chains (it overrides ``KernelDynamics.advance_replicas``)."""
    own = getattr(type(dynamics), "advance_replicas", None)
    return isinstance(dynamics, KernelDynamics) and own is not KernelDynamics.advance_replicas


def replica_results(block: Replicas) -> tuple[np.ndarray, np.ndarray]:
    """Each chain's (accepted moves, energy change) of a rule's last call, from the block's tracks."""
    return block.track[:, ACCEPTED].astype(np.int64), block.track[:, ENERGY_CHANGE].copy()


def one_replica(state: State) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``state``'s configuration, cache, RNG state and track as a block of one replica (views with a leading
    axis of length 1), the form the rules of :mod:`benchsuite.kernels` take."""
    return state.x[None], state.cache[None], state.rng[None], state.track[None]


def replica_result(track: np.ndarray) -> tuple[int, float]:
    """(accepted moves, energy change) of a rule's last call, from one replica's track."""
    return int(track[ACCEPTED]), float(track[ENERGY_CHANGE])


def check_state(state: State) -> None:
    """Structural check before a state's arrays reach a kernel: the problem's own model; shapes, dtypes,
    contiguity and separate memory of the configuration, cache and RNG state; a sweep count >= 0 and a finite
    energy.  (Values are checked when the state was changed from outside: see :class:`State`.)"""
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
    if not isinstance(state.track, np.ndarray) or state.track.shape != (TRACK_SIZE,) or state.track.dtype != np.float64:
        raise ValidationError("state.track", f"must be a float64 array of length {TRACK_SIZE}")
    if not isinstance(state.extra, dict):
        raise ValidationError("state.extra", f"must be a dict, got {type(state.extra).__name__}")
    arrays = {"state.x": state.x, "state.cache": state.cache, "state.rng": state.rng, "state.track": state.track}
    for name, arr in arrays.items():
        if not (arr.flags.c_contiguous and arr.flags.writeable):
            raise ValidationError(name, "must be a C-contiguous, writable array")
    arrays.update((f"state.extra[{k!r}]", v) for k, v in state.extra.items() if isinstance(v, np.ndarray))
    check_apart(arrays)
    sweep = state.sweep
    if isinstance(sweep, bool) or not isinstance(sweep, int | np.integer) or not 0 <= int(sweep) <= _checks.MAX_COUNT:
        raise ValidationError("state.sweep", f"must be an integer in [0, 2^53] (sweeps done), got {sweep!r}")
    try:
        finite = np.isfinite(state.energy)
    except TypeError:
        finite = False
    if not isinstance(state.energy, int | float | np.integer | np.floating) or not finite:
        raise ValidationError("state.energy", f"must be a finite number, got {state.energy!r}")


def check_extra_array(
    state: State, key: str, dtype, size: int | None, maker: str, *, writable: bool = False
) -> np.ndarray:
    """``state.extra[key]``, checked to be a C-contiguous 1-D ``dtype`` array (of ``size`` entries when given;
    writable when the kernel writes it).  ``maker`` names the ``init`` that makes it, for the message when
    the state came from another dynamics."""
    arr = state.extra.get(key)
    field = f"state.extra[{key!r}]"
    if arr is None:
        raise ValidationError(field, f"is missing: this state was not made by {maker}; start one with "
                                     f"{maker}(problem, seed, x0=state.x)")  # fmt: skip
    if (
        not isinstance(arr, np.ndarray)
        or arr.ndim != 1
        or arr.dtype != dtype
        or (size is not None and arr.size != size)
    ):
        want = f"{np.dtype(dtype)} of shape ({size},)" if size is not None else f"a 1-D {np.dtype(dtype)} array"
        got = f"{getattr(arr, 'dtype', type(arr).__name__)} {getattr(arr, 'shape', '')}".strip()
        raise ValidationError(field, f"must be {want}, got {got} (a state made by another dynamics? start one "
                                     f"with {maker}(problem, seed, x0=state.x))")  # fmt: skip
    if not arr.flags.c_contiguous or (writable and not arr.flags.writeable):
        raise ValidationError(field, "must be a C-contiguous" + (", writable" if writable else "") + " array")
    return arr


def _checksum(state: State) -> tuple:
    """SHA-256 of the configuration and the cache (a CRC can be forged: an edit that keeps it skipped the
    rebuild and let an out-of-range value reach the kernel), the RNG words, the energy and the sweep."""
    digest = hashlib.sha256(state.x)
    digest.update(state.cache)
    return (state.sweep, float(state.energy), digest.digest(), state.rng.tobytes())


def _seal(state: State) -> None:
    """Record a checksum of the state as the kernels left it (outside writes then show as a mismatch)."""
    state._seal = (state.problem, _checksum(state))


def _sealed(state: State) -> bool:
    return state._seal is not None and state._seal[0] is state.problem and state._seal[1] == _checksum(state)


def _rebuild(state: State) -> None:
    """After an outside write: check the values of x and the RNG state, rebuild the cache and the energy."""
    problem = state.problem
    problem.check_configuration(state.x, field="state.x")
    if not state.rng.any():
        raise ValidationError("state.rng", "is all zero, a fixed point of xoshiro256**; seed it with "
                                           "benchsuite.kernels.seed_state")  # fmt: skip
    fill(state.model, state.x, state.cache)
    state.energy = problem.energy(state.x)
    state._observe()  # an outside edit is a state the chain has been in
    _seal(state)
