"""Stationary energy of a dynamics with a burn-in chosen from the data and a stationarity check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..dynamics.base import Dynamics
from ..problems.base import Problem
from ..validate.autocorr import AutocorrError, integrated_time

Z_STATIONARY = 3.0  # two-sided, false alarm 0.27% per check

MIN_SWEEPS = 100  # shortest initial run of a stationary-energy estimate


@dataclass(frozen=True)
class StationaryEnergy:
    """Mean energy per variable after burn-in, its standard error, and how it was obtained (times in sweeps).

    ``verdict`` says why ``stationary`` is what it is: ``"stationary"``, ``"drift: ..."`` (the halves' means
    differ), ``"too short: ..."`` (fewer than 50 autocorrelation times) or ``"constant: ..."`` (no fluctuation
    to estimate an error from).  ``error`` and ``tau`` are NaN unless the autocorrelation time was measured.
    """

    mean: float
    error: float
    tau: float
    burn_in: int
    sweeps: int
    stationary: bool
    verdict: str

    @property
    def constant(self) -> bool:
        """The energy never changed: no run length gives it an error bar."""
        return self.verdict.startswith("constant")


def stationarity(series: np.ndarray) -> tuple[str, float, float]:
    """``(verdict, standard error, tau)`` of a series: its halves' means must agree within Z_STATIONARY
    combined standard errors, from an integrated autocorrelation time measured on a series >= 50 tau long."""
    try:
        tau = integrated_time(series, min_length_factor=50.0)
    except AutocorrError as short:
        return f"too short: {series.size} samples < 50 tau = {50 * short.tau:.0f}", float("nan"), float("nan")
    except ValueError:
        return "constant: the series does not fluctuate", float("nan"), float("nan")
    halves = np.array_split(series, 2)
    errs = [float(np.sqrt(h.var() * tau / h.size)) for h in halves]
    z = abs(halves[0].mean() - halves[1].mean()) / max(float(np.hypot(*errs)), 1e-300)
    error = float(np.sqrt(series.var() * tau / series.size))
    if z >= Z_STATIONARY:
        return f"drift: the halves' means differ by {z:.1f} standard errors", error, tau
    return "stationary", error, tau


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
    problem: Problem, dynamics: Dynamics, seed=0, sweeps: int = 1_000, max_sweeps: int | None = None, x0=None
) -> StationaryEnergy:
    """Run ``dynamics`` recording the energy every sweep; discard the MSER burn-in; accept if the two halves of
    the rest agree within 3 standard errors and it is at least 50 autocorrelation times long; otherwise double
    the run (up to ``max_sweeps``, by default 16 x ``sweeps``).  ``stationary=False`` when even the longest run
    fails the check.
    """
    sweeps = _checks.count("sweeps", sweeps, low=MIN_SWEEPS)
    max_sweeps = _checks.count("max_sweeps", 16 * sweeps if max_sweeps is None else max_sweeps, low=sweeps)
    state = dynamics.init(problem, seed, x0=x0, horizon=max_sweeps)
    energies: list[float] = []
    target = sweeps
    while True:
        while len(energies) < target:
            state, _ = dynamics.step(state, 1)
            energies.append(state.energy / problem.n)
        series = np.asarray(energies)
        burn = mser_burn_in(series)
        verdict, error, tau = stationarity(series[burn:])
        if verdict == "stationary" or target >= max_sweeps:
            mean = float(series[burn:].mean())
            return StationaryEnergy(mean, error, tau, burn, series.size, verdict == "stationary", verdict)
        target = min(2 * target, max_sweeps)
