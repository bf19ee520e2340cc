"""Energy time series of a dynamics, one sample per sweep, for stationarity and error-bar checks."""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..dynamics.base import Dynamics
from ..problems.base import PairwiseProblem


def energy_series(
    problem: PairwiseProblem, dynamics: Dynamics, sweeps: int, seed=0, burn_in: int = 0, x0=None
) -> np.ndarray:
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
