"""Parallel tempering (replica exchange): R Metropolis replicas on a ladder of temperatures, one kernel call.

Temperatures run from ``T_min`` (index 0, the law sampled) to ``T_max``; the ladder is geometric, and with
``adapt > 0`` it is refitted at rounds 16, 32, 64, ... up to ``adapt`` so that every neighbouring pair has
the same swap rejection rate (the communication-barrier rule of Syed, Bouchard-Cote, Deligiannidis & Doucet,
JRSS B 84, 321 (2022), arXiv:1905.02939: the cumulative rejection, interpolated linearly in beta, is cut into
equal parts).  A *round* is one Metropolis sweep of every replica followed by even-odd swap attempts (see
:data:`benchsuite.kernels.parallel_tempering`); ``step(state, k)`` runs k rounds, which cost k R sweeps
(``facts().sweep_cost``).  The state's ``x`` and ``energy`` are those of the replica at ``T_min``; its best
energy and hit sweep are over all replicas (any of them is a configuration the algorithm found).

Replica r's random start is the r-th configuration drawn from the seed's first child (so replica 0 starts
where every other dynamics with that seed starts); its stream is from the r-th child of the second.  The
block's arrays are read-only outside the kernel and sealed with a SHA-256, so an outside edit is refused
rather than trusted.
"""

from __future__ import annotations

import hashlib
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..kernels import cache_layout, fill, model_for, new_cache, parallel_tempering, seed_state
from ..kernels.templates import BEST_ENERGY, BEST_SWEEP, HIT_SWEEP, TARGET, TRACK_SIZE
from ..problems.base import Problem
from .base import Facts, Frozen, Info, seed_sequence

ORDERS = ("sequential", "random")
MAX_REPLICAS = 1024
MAX_BLOCK_BYTES = 1 << 31  # configurations and caches of all replicas
FIRST_ADAPTATION = 16  # rounds before the first refit of an adaptive ladder (then doubling)


def geometric_ladder(T_min: float, T_max: float, replicas: int) -> np.ndarray:
    """Inverse temperatures from 1/T_min down to 1/T_max, geometrically spaced (coldest first)."""
    return 1.0 / np.geomspace(T_min, T_max, replicas)


def equal_rejection_ladder(betas: np.ndarray, rejection: np.ndarray) -> np.ndarray:
    """The ladder with the same end points on which each pair would have the same rejection rate, from the
    rejection rates ``rejection[k]`` measured between ``betas[k]`` and ``betas[k+1]`` (coldest first): the
    cumulative rejection is interpolated linearly in beta and cut into ``len(betas) - 1`` equal parts.  A
    ladder with no rejection at all is returned as it is."""
    barrier = np.concatenate([[0.0], np.cumsum(rejection)])
    if barrier[-1] <= 0.0:
        return betas.copy()
    levels = np.linspace(0.0, barrier[-1], betas.size)
    # barrier grows with the index and betas fall with it: interpolate beta as a function of the barrier
    keep = np.concatenate([[True], np.diff(barrier) > 0])
    new = np.interp(levels, barrier[keep], betas[keep])
    new[0], new[-1] = betas[0], betas[-1]
    return new


@dataclass(eq=False)
class TemperingState:
    """R replicas of one problem: configurations ``xs`` (R, n), caches, ``energies`` (R,), RNG states (R, 4)
    and the swap stream, tracks (R, TRACK_SIZE); the ladder ``betas`` (coldest first) and ``replica_at[k]``,
    the replica at ``betas[k]``; swap counts per pair ``swaps`` (R-1, 2: attempts, accepted) since the ladder
    was last set, round-trip ``stage`` per replica and the total ``round_trips``; ``sweep`` counts rounds."""

    problem: Problem
    model: NamedTuple
    xs: np.ndarray
    caches: np.ndarray
    energies: np.ndarray
    rngs: np.ndarray
    swap_rng: np.ndarray
    tracks: np.ndarray
    betas: np.ndarray
    replica_at: np.ndarray
    swaps: np.ndarray
    stage: np.ndarray
    trips: np.ndarray
    sweep: int = 0
    _seal: tuple | None = field(default=None, init=False, repr=False)

    @property
    def replicas(self) -> int:
        return int(self.xs.shape[0])

    @property
    def x(self) -> np.ndarray:
        """The configuration at the lowest temperature (a read-only view)."""
        return self.xs[self.replica_at[0]]

    @property
    def energy(self) -> float:
        """Total energy of ``x``."""
        return float(self.energies[self.replica_at[0]])

    @property
    def temperatures(self) -> np.ndarray:
        return 1.0 / self.betas

    @property
    def best_energy(self) -> float:
        """The lowest total energy any replica has had."""
        return float(self.tracks[:, BEST_ENERGY].min())

    @property
    def best_sweep(self) -> int:
        """The round during which ``best_energy`` was first reached (0: the start)."""
        best = self.tracks[:, BEST_ENERGY] == self.tracks[:, BEST_ENERGY].min()
        return int(self.tracks[best, BEST_SWEEP].min())

    @property
    def target(self) -> float | None:
        return None if self.tracks[0, TARGET] == -np.inf else float(self.tracks[0, TARGET])

    @property
    def hit_sweep(self) -> int | None:
        """The first round during which any replica was at or below the target, or None."""
        hits = self.tracks[:, HIT_SWEEP]
        return int(hits[hits >= 0].min()) if np.any(hits >= 0) else None

    @property
    def round_trips(self) -> int:
        """Returns of a replica to the lowest temperature after a visit to the highest, after a visit to the
        lowest (Syed et al.'s round trips), summed over replicas."""
        return int(self.trips[0])

    def swap_acceptance(self) -> list[float | None]:
        """Accepted / attempted swaps of each neighbouring pair (coldest pair first) since the ladder was set."""
        return [float(a / n) if n else None for n, a in self.swaps]

    def watch(self, target: float) -> None:
        """Record the first round at which any replica reaches ``target``; call before the first step."""
        target = _checks.real("target", target)
        if self.sweep != 0:
            raise ValidationError("target", f"must be set before the first step (this state is at sweep {self.sweep})")
        with _writable(self):
            self.tracks[:, TARGET] = target
            self.tracks[:, HIT_SWEEP] = np.where(self.tracks[:, BEST_ENERGY] <= target, 0.0, -1.0)

    def diagnostics(self) -> dict[str, Any]:
        """Ladder, swap acceptance per pair and round trips, as plain JSON values."""
        return {"temperatures": self.temperatures.tolist(), "swap_acceptance": self.swap_acceptance(),
                "round_trips": self.round_trips, "rounds": self.sweep}  # fmt: skip


_BLOCK = ("xs", "caches", "energies", "rngs", "swap_rng", "tracks", "betas", "replica_at", "swaps", "stage", "trips")


def _arrays(state: TemperingState) -> tuple[np.ndarray, ...]:
    return tuple(getattr(state, name) for name in _BLOCK)


@contextmanager
def _writable(state: TemperingState):
    """Within the block, the state's arrays are writable; read-only again after it, and sealed."""
    arrays = _arrays(state)
    for arr in arrays:
        arr.flags.writeable = True
    try:
        yield
    finally:
        _freeze(state)


def _freeze(state: TemperingState) -> None:
    """The state's arrays read-only, and sealed as they are."""
    for arr in _arrays(state):
        arr.flags.writeable = False
    _seal(state)


def _checksum(state: TemperingState) -> bytes:
    digest = hashlib.sha256(state.sweep.to_bytes(8, "little"))
    for arr in _arrays(state):
        digest.update(arr.tobytes())
    return digest.digest()


def _seal(state: TemperingState) -> None:
    """The arrays themselves and a SHA-256 of their contents and the round count, as the kernel left them."""
    state._seal = (_arrays(state), _checksum(state))


def _sealed(state: TemperingState) -> bool:
    arrays, digest = state._seal or ((), b"")
    now = _arrays(state)
    return len(arrays) == len(now) and all(a is b for a, b in zip(arrays, now)) and digest == _checksum(state)


class ParallelTempering(Frozen):
    """Replica exchange between ``replicas`` Metropolis chains from ``T_min`` to ``T_max`` (see the module notes)."""

    name = "parallel-tempering"

    def __init__(self, T_min: float, T_max: float, replicas: int = 8, adapt: int = 0, order: str = "sequential"):
        self.T_min = _checks.real("T_min", T_min, low=0.0, low_open=True)
        self.T_max = _checks.real("T_max", T_max, low=self.T_min, low_open=True)
        _checks.inverse_temperature("T_min", self.T_min)
        self.replicas = _checks.count("replicas", replicas, low=2)
        if self.replicas > MAX_REPLICAS:
            raise ValidationError("replicas", f"must be at most {MAX_REPLICAS}, got {self.replicas}")
        self.adapt = _checks.count("adapt", adapt)
        self.order = _checks.choice("order", order, ORDERS)

    def params(self) -> dict[str, Any]:
        return {"T_min": self.T_min, "T_max": self.T_max, "replicas": self.replicas, "adapt": self.adapt,
                "order": self.order}  # fmt: skip

    def facts(self) -> Facts:
        return Facts(target="boltzmann", temperature=self.T_min, sweep=self.order, reversible=False,
                     observes_every_move=True, sweep_cost=self.replicas)  # fmt: skip

    def init(self, problem: Problem, seed, x0=None, horizon: int | None = None) -> TemperingState:
        if not isinstance(problem, Problem):
            raise ValidationError("problem", f"must be a Problem, got {type(problem).__name__}")
        if horizon is not None:
            _checks.count("horizon", horizon)
        shape, dtype = cache_layout(problem)
        block = self.replicas * (problem.n + int(np.prod(shape)) * np.dtype(dtype).itemsize)
        if block > MAX_BLOCK_BYTES:
            raise ValidationError("replicas", f"{self.replicas} replicas of this problem need {block / 1e9:.3g} GB; "
                                              f"the limit is {MAX_BLOCK_BYTES / 1e9:.3g} GB")  # fmt: skip
        model = model_for(problem)
        init_ss, kernel_ss = seed_sequence(seed).spawn(2)
        R = self.replicas
        if x0 is None:
            draw = np.random.default_rng(init_ss)
            xs = np.stack([problem.random_configuration(draw) for _ in range(R)])
        else:
            xs = np.repeat(problem.check_configuration(x0, field="x0")[None], R, axis=0)
        caches = np.stack([new_cache(problem) for _ in range(R)])
        for r in range(R):
            fill(model, xs[r], caches[r])
        energies = np.array([problem.energy(xs[r]) for r in range(R)], dtype=np.float64)
        streams = kernel_ss.spawn(R + 1)
        tracks = np.zeros((R, TRACK_SIZE))
        tracks[:, BEST_ENERGY], tracks[:, TARGET], tracks[:, HIT_SWEEP] = energies, -np.inf, -1.0
        state = TemperingState(
            problem, model, xs, caches, energies,
            rngs=np.stack([seed_state(ss) for ss in streams[:R]]), swap_rng=seed_state(streams[R]), tracks=tracks,
            betas=geometric_ladder(self.T_min, self.T_max, R), replica_at=np.arange(R, dtype=np.int64),
            swaps=np.zeros((R - 1, 2), dtype=np.int64), stage=np.zeros(R, dtype=np.int8),
            trips=np.zeros(1, dtype=np.int64),
        )  # fmt: skip
        _freeze(state)
        return state

    def step(self, state: TemperingState, sweeps: int) -> tuple[TemperingState, Info]:
        """``sweeps`` rounds (each one sweep of every replica, then swaps)."""
        sweeps = _checks.count("sweeps", sweeps)
        self._check(state)
        if state.sweep + sweeps > _checks.MAX_COUNT:
            raise ValidationError("sweeps", f"{state.sweep} done + {sweeps} more is beyond the 2^53 a chain counts")
        accepted, done = 0, 0
        while done < sweeps:
            refit = self._next_refit(state.sweep)
            chunk = sweeps - done if refit is None else min(sweeps - done, refit - state.sweep)
            with _writable(state):
                accepted += parallel_tempering(
                    state.model, state.xs, state.caches, state.betas, state.replica_at, state.energies, state.sweep,
                    chunk, self.order == "random", state.rngs, state.swap_rng, state.tracks, state.swaps,
                    state.stage, state.trips)  # fmt: skip
                state.sweep += chunk
                done += chunk
                if state.sweep == refit:
                    self._refit(state)
        return state, Info(int(accepted), sweeps * state.problem.n * state.replicas)

    def compile(self, state: TemperingState) -> float:
        """Compile (or load) the kernel for ``state``; returns the seconds taken."""
        self._check(state)
        t0 = time.perf_counter()
        with _writable(state):
            parallel_tempering(state.model, state.xs, state.caches, state.betas, state.replica_at, state.energies,
                               state.sweep, 0, self.order == "random", state.rngs, state.swap_rng, state.tracks,
                               state.swaps, state.stage, state.trips)  # fmt: skip
        return time.perf_counter() - t0

    def _next_refit(self, done: int) -> int | None:
        """The next round after ``done`` at which an adaptive ladder is refitted (16, 32, 64, ... up to
        ``adapt``), or None."""
        point = FIRST_ADAPTATION
        while point <= done:
            point *= 2
        return point if point <= self.adapt else None

    def _refit(self, state: TemperingState) -> None:
        attempts, accepted = state.swaps[:, 0], state.swaps[:, 1]
        if np.all(attempts > 0):
            state.betas[:] = equal_rejection_ladder(state.betas, 1.0 - accepted / attempts)
            state.swaps[:] = 0

    def _check(self, state: TemperingState) -> None:
        if not isinstance(state, TemperingState):
            raise ValidationError("state", f"must be a TemperingState from ParallelTempering.init, got "
                                           f"{type(state).__name__}")  # fmt: skip
        if state.model is not model_for(state.problem) or state.replicas != self.replicas:
            raise ValidationError("state", f"was not made by this ParallelTempering ({self.replicas} replicas)")
        if not isinstance(state.sweep, int) or isinstance(state.sweep, bool) or state.sweep < 0:
            raise ValidationError("state.sweep", f"must be an int >= 0, got {state.sweep!r}")
        if not _sealed(state):
            raise ValidationError("state", "was changed outside the kernel; a tempering state is not editable "
                                           "(start a new one with init(problem, seed, x0=...))")  # fmt: skip
