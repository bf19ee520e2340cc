"""Energy time series of a dynamics, and means over independent chains, for stationarity and error-bar checks."""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..dynamics.base import Dynamics
from ..problems.base import Problem


def energy_series(problem: Problem, dynamics: Dynamics, sweeps: int, seed=0, burn_in: int = 0, x0=None) -> np.ndarray:
    """Energy per variable after each of ``sweeps`` sweeps that follow ``burn_in`` discarded sweeps."""
    sweeps = _checks.integer("sweeps", sweeps, low=1)
    burn_in = _checks.integer("burn_in", burn_in, low=0)
    state = dynamics.init(problem, seed, x0=x0, horizon=burn_in + sweeps)
    if burn_in:
        state, _ = dynamics.step(state, burn_in)
    out = np.empty(sweeps)
    for k in range(sweeps):
        state, _ = dynamics.step(state, 1)
        out[k] = state.energy
    return out / problem.n


def chain_means(
    problem: Problem,
    dynamics: Dynamics,
    chains: int,
    sweeps: int,
    seed=0,
    burn_in: int = 0,
    thin: int = 1,
    workers: int | None = None,
) -> np.ndarray:
    """Time-averaged energy per variable of ``chains`` independent chains (random starts, seeds spawned from
    ``seed``): each runs ``burn_in`` discarded sweeps, then ``sweeps`` sweeps sampled every ``thin`` sweeps.

    The spread of these means gives a standard error that needs no autocorrelation estimate, and that stays
    honest (large) when the chains mix slowly: std(means) / sqrt(chains), with chains - 1 degrees of freedom.
    """
    from concurrent.futures import ThreadPoolExecutor

    chains = _checks.integer("chains", chains, low=2)
    sweeps = _checks.integer("sweeps", sweeps, low=1)
    thin = _checks.integer("thin", thin, low=1, high=sweeps)
    burn_in = _checks.integer("burn_in", burn_in, low=0)
    root = (
        seed
        if isinstance(seed, np.random.SeedSequence)
        else np.random.SeedSequence(_checks.integer("seed", seed, low=0))
    )
    states = [dynamics.init(problem, child, horizon=burn_in + sweeps) for child in root.spawn(chains)]

    def mean_of(state) -> float:
        if burn_in:
            state, _ = dynamics.step(state, burn_in)
        total, samples = 0.0, 0
        while samples * thin < sweeps:
            state, _ = dynamics.step(state, min(thin, sweeps - samples * thin))
            total += state.energy
            samples += 1
        return total / samples / problem.n

    with ThreadPoolExecutor(_checks.workers(workers)) as pool:
        return np.array(list(pool.map(mean_of, states)))
