"""Constant-step SGD on a landscape: x <- x - eta (grad f(x) + Z(x)), Z from a noise law, R chains at once.

One step moves every coordinate once, so a step is a sweep.  Chains are the leading axis of the state
(``x``: (R, d) float64) and each has its own xoshiro stream spawned from the seed, so the numbers do not depend
on the number of threads.  With Gaussian noise of constant sigma this is the unadjusted Langevin algorithm at
temperature eta sigma^2 / 2; its stationary law is not exactly Gibbs (the step biases it), and for other noise
laws it is set by the noise's cumulant generating function (:mod:`benchsuite.dynamics.noise`).

``step`` can count, with no extra pass over the trajectory, the steps each chain spends in each basin and the
transitions between basin cores (:class:`benchsuite.score.occupation.BasinObserver`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import prange

from .. import _checks
from ..errors import ValidationError
from ..kernels.basins import cell, observe, observe_point
from ..kernels.cache_key import fingerprinted
from ..kernels.objective import FormulaModel, objective_gradient, objective_kernel
from ..kernels.rng import seed_state
from ..problems.landscapes import Landscape, gradient_1d
from .base import Facts
from .minibatch import minibatch_sgd, minibatch_sgd_callables
from .noise import NoiseLaw, draw, make_noise

MAX_CHAINS = 1 << 20
RNG_STRIDE = 8  # uint64 per chain's generator row: 64 bytes, so that threads do not share a cache line


@dataclass
class ContinuousState:
    """R chains on a landscape: positions ``x`` (R, d) float64, generator rows ``rng`` (R, 8) uint64 (the first
    four words are the xoshiro256** state), ``steps`` done."""

    problem: Landscape
    x: np.ndarray
    rng: np.ndarray
    steps: int = 0

    @property
    def chains(self) -> int:
        return self.x.shape[0]

    @property
    def energy(self) -> np.ndarray:
        """f at every chain's position, shape (R,)."""
        return self.problem.values(self.x)


@dataclass(frozen=True)
class ContinuousInfo:
    """What one call of ``step`` did: ``steps`` per chain, ``diverged`` chains (a non-finite position) and
    ``accepted`` proposals over all chains (a Metropolis-adjusted rule; SGD accepts every step and reports 0)."""

    steps: int
    diverged: int
    accepted: int = 0


class ChainsOnLandscape:
    """What every continuous rule shares: ``init`` of R chains on a landscape."""

    def init(self, problem: Landscape, seed: int, chains: int = 1, x0=None) -> ContinuousState:
        """``chains`` chains started at ``x0`` (shape (d,) or (chains, d)) or, by default, uniformly in the box."""
        return init_chains(problem, seed, chains, x0)


class ConstantStepSGD(ChainsOnLandscape):
    """SGD with step ``eta`` and gradient noise ``noise`` (a :class:`~.noise.NoiseLaw` or a spec such as
    ``"gaussian:sigma=2"``; ``"minibatch:b=2"`` draws the gradient of a batch of the landscape's examples)."""

    name = "sgd"

    def __init__(self, eta: float, noise: NoiseLaw | str = "gaussian:sigma=1"):
        self.eta = _checks.real("eta", eta, low=0.0, low_open=True)
        self.noise = make_noise(noise)
        self.params = {"eta": self.eta, "noise": self.noise.spec}

    def init(self, problem: Landscape, seed: int, chains: int = 1, x0=None) -> ContinuousState:
        if isinstance(problem, Landscape):
            self.noise.on(problem)  # a mini-batch law is checked against the landscape's examples
        return init_chains(problem, seed, chains, x0)

    @property
    def T(self) -> float | None:
        """The nominal temperature eta Var Z / 2: that of the Langevin diffusion SGD approximates as eta -> 0
        (exact only in that limit; for Gaussian noise eta sigma^2 / 2).  None when Var Z depends on x."""
        variance = self.noise.constant_variance
        return None if variance is None else self.eta * variance / 2.0

    def facts(self) -> Facts:
        """No Boltzmann target (its law is Gibbs-like only as eta -> 0), not reversible, no exact local law."""
        return Facts(target=None, reversible=False)

    def step(self, state: ContinuousState, steps: int, observer=None) -> tuple[ContinuousState, ContinuousInfo]:
        """Advance every chain by ``steps`` steps (in place); ``observer`` (a BasinObserver) counts basins."""
        steps, observer = checked_step(state, steps, observer)
        p = state.problem
        observed = observer.kernel_arguments()
        model = p.model
        if self.noise.kind == "minibatch":
            law = self.noise.on(p)  # checks the batch against the landscape's examples
            if isinstance(model, FormulaModel):
                minibatch_sgd(*model, law.b, law.replace, self.eta, state.x, state.rng, steps, *observed)
            else:
                minibatch_sgd_callables(model, law.b, law.replace, self.eta, state.x, state.rng, steps, *observed)
        else:
            args = (self.noise.code, self.noise.array, self.eta, state.x, state.rng, steps, *observed)
            if p.n == 1 and isinstance(model, FormulaModel):
                _sgd_1d(model.kind, model.c, *args)
            else:
                _sgd_nd(model, *args)
        return finish_step(state, steps, 0)


def init_chains(problem: Landscape, seed: int, chains: int, x0) -> ContinuousState:
    """The state of ``chains`` chains on ``problem``, each with its own stream spawned from ``seed``; started at
    ``x0`` (shape (d,) or (chains, d)) or uniformly in the box (from one more spawned stream)."""
    if not isinstance(problem, Landscape):
        raise ValidationError("problem", f"a continuous rule runs on a Landscape, got {type(problem).__name__}")
    seed = _checks.integer("seed", seed, low=0)
    chains = _checks.integer("chains", chains, low=1, high=MAX_CHAINS)
    sequences = np.random.SeedSequence(seed).spawn(chains + 1)
    rng = np.zeros((chains, RNG_STRIDE), dtype=np.uint64)
    for r in range(chains):
        rng[r, :4] = seed_state(sequences[r])
    if x0 is None:
        start = np.random.default_rng(sequences[-1])
        x = start.uniform(problem.box[:, 0], problem.box[:, 1], size=(chains, problem.n))
    else:
        x = _checks.array("x0", x0, ndim=np.ndim(x0), kind="f")
        if x.shape not in ((problem.n,), (chains, problem.n)):
            raise ValidationError("x0", f"must have shape ({problem.n},) or ({chains}, {problem.n}), got {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValidationError("x0", "must be finite")
        x = np.array(np.broadcast_to(x, (chains, problem.n)), dtype=np.float64)
    return ContinuousState(problem, np.ascontiguousarray(x), rng)


def checked_step(state: ContinuousState, steps: int, observer):
    """``steps`` checked, and the observer (a trivial one when None) checked against the state."""
    if not isinstance(state, ContinuousState):
        raise ValidationError("state", f"must be a ContinuousState from init, got {type(state).__name__}")
    steps = _checks.integer("steps", steps, low=0, high=2**62)
    if observer is None:
        from ..score.occupation import BasinObserver

        observer = BasinObserver.trivial(state.problem, state.chains)
    observer.check(state)
    return steps, observer


def finish_step(state: ContinuousState, steps: int, accepted: int) -> tuple[ContinuousState, ContinuousInfo]:
    state.steps += steps
    diverged = int((~np.isfinite(state.x).all(axis=1)).sum())
    return state, ContinuousInfo(steps, diverged, accepted)


@fingerprinted(parallel=True)
def _sgd_1d(fingerprint: str):
    def sgd_1d(kind, c, noise_kind, nc, eta, x, rng, steps, labels, core, lo, inv_width, cells, occupancy,
                transitions, last_core):  # fmt: skip
        fingerprint  # noqa: B018 -- part of numba's cache key (see kernels/cache_key.py)
        for r in prange(x.shape[0]):
            s = rng[r]
            t = x[r, 0]
            for _ in range(steps):
                t -= eta * (gradient_1d(kind, c, t) + draw(noise_kind, nc, t, s))
                if not np.isfinite(t):
                    break
                observe(r, cell(t, lo[0], inv_width[0], cells), labels, core, occupancy, transitions, last_core)
            x[r, 0] = t

    return sgd_1d


@objective_kernel(parallel=True)
def _sgd_nd(fingerprint: str):
    def sgd_nd(model, noise_kind, nc, eta, x, rng, steps, labels, core, lo, inv_width, cells, occupancy,
                transitions, last_core):  # fmt: skip
        fingerprint  # noqa: B018 -- part of numba's cache key (see kernels/cache_key.py)
        d = x.shape[1]
        for r in prange(x.shape[0]):
            s = rng[r]
            g = np.empty(d)
            y = x[r].copy()
            for _ in range(steps):
                objective_gradient(model, y, g)
                x0 = y[0]
                finite = True
                for i in range(d):
                    y[i] -= eta * (g[i] + draw(noise_kind, nc, x0, s))
                    finite = finite and np.isfinite(y[i])
                if not finite:
                    break
                observe_point(r, y, lo, inv_width, cells, labels, core, occupancy, transitions, last_core)
            x[r] = y

    return sgd_nd
