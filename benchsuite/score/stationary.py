"""Stationary energy of a dynamics with a burn-in chosen from the data and a stationarity check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..dynamics.base import Dynamics
from ..problems.base import Problem
from ..validate.autocorr import AutocorrError, integrated_time

Z_STATIONARY = 3.0  # two-sided, false alarm 0.27% per check


@dataclass(frozen=True)
class StationaryEnergy:
    """Mean energy per variable after burn-in, its standard error, and how it was obtained (times in sweeps)."""

    mean: float
    error: float
    tau: float
    burn_in: int
    sweeps: int
    stationary: bool


def _half_means_agree(series: np.ndarray) -> tuple[bool, float, float, float]:
    """Split in halves; stationary if their means agree within Z_STATIONARY combined standard errors."""
    try:
        tau = integrated_time(series, min_length_factor=50.0)
        halves = np.array_split(series, 2)
        errs = [float(np.sqrt(h.var() * tau / h.size)) for h in halves]
    except (AutocorrError, ValueError):
        return False, float("nan"), float("nan"), float("nan")
    z = abs(halves[0].mean() - halves[1].mean()) / max(float(np.hypot(*errs)), 1e-300)
    err = float(np.sqrt(series.var() * tau / series.size))
    return bool(z < Z_STATIONARY), float(series.mean()), err, tau


def mser_burn_in(series: np.ndarray) -> int:
    """MSER truncation point: the burn-in b <= n/2 minimising var(series[b:]) / (n - b) (White, Simulation 69,
    323 (1997)): the start whose removal most reduces the standard error of the remaining mean."""
    n = series.size
    tail_sum = np.cumsum(series[::-1])[::-1]
    tail_sq = np.cumsum((series**2)[::-1])[::-1]
    b = np.arange(n // 2 + 1)
    m = n - b
    var = tail_sq[b] / m - (tail_sum[b] / m) ** 2
    return int(np.argmin(var / m))


def stationary_energy(
    problem: Problem, dynamics: Dynamics, seed=0, sweeps: int = 1_000, max_sweeps: int = 16_000, x0=None
) -> StationaryEnergy:
    """Run ``dynamics`` recording the energy every sweep; discard the MSER burn-in; accept if the two halves of
    the rest agree within 3 standard errors and it is at least 50 autocorrelation times long; otherwise double
    the run (up to ``max_sweeps``).  ``stationary=False`` when even the longest run fails the check.
    """
    sweeps = _checks.integer("sweeps", sweeps, low=100)
    max_sweeps = _checks.integer("max_sweeps", max_sweeps, low=sweeps)
    state = dynamics.init(problem, seed, x0=x0, horizon=max_sweeps)
    energies: list[float] = []
    target = sweeps
    while True:
        while len(energies) < target:
            state, _ = dynamics.step(state, 1)
            energies.append(state.energy / problem.n)
        series = np.asarray(energies)
        burn = mser_burn_in(series)
        ok, mean, err, tau = _half_means_agree(series[burn:])
        if ok or target >= max_sweeps:
            if np.isnan(mean):
                mean = float(series[burn:].mean())
            return StationaryEnergy(mean, err, tau, burn, series.size, ok)
        target = min(2 * target, max_sweeps)
