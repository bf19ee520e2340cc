"""Stationary energy of a dynamics with a burn-in chosen from the data and a stationarity check."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..dynamics.base import Dynamics
from ..errors import ValidationError
from ..problems.base import Problem
from ..problems.landscapes import Landscape
from ..validate.autocorr import AutocorrError, integrated_time

Z_STATIONARY = 3.0  # two-sided, false alarm 0.27% per check

MIN_SWEEPS = 100  # shortest initial run of a stationary-energy estimate
DIVERGED_ENERGY = 1e150  # a mean f / d beyond this is a divergence (its square would overflow in MSER)


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

    def advance() -> float:
        nonlocal state
        state, _ = dynamics.step(state, 1)
        return state.energy / problem.n

    return _settle(advance, sweeps, max_sweeps)


def chains_stationary_energy(
    landscape: Landscape, dynamics, seed=0, chains: int = 1024, steps: int = 1_000, max_steps: int | None = None,
    x0=None,
) -> StationaryEnergy:  # fmt: skip
    """:func:`stationary_energy` of a continuous rule (``init`` / ``step`` of R chains at once, as
    :class:`~benchsuite.dynamics.constant_step.ConstantStepSGD`): the series is the mean over the ``chains``
    chains of f / d after every step, burn-in and stationarity as there (times in steps).  Chains start
    uniformly in the box or at ``x0``; a run in which a chain diverges is refused (ValidationError), since the
    mean of the survivors is not the law's."""
    chains = _checks.count("chains", chains, low=2)
    steps = _checks.count("steps", steps, low=MIN_SWEEPS)
    max_steps = _checks.count("max_steps", 16 * steps if max_steps is None else max_steps, low=steps)
    state = dynamics.init(landscape, seed, chains=chains, x0=x0)

    def advance() -> float:
        dynamics.step(state, 1)
        with np.errstate(over="ignore", invalid="ignore"):
            energy = float(state.energy.mean()) / landscape.n
        if not math.isfinite(energy) or abs(energy) > DIVERGED_ENERGY:
            raise ValidationError("dynamics", f"chains diverged after {state.steps} steps (mean f / d = "
                                              f"{energy:.3g}): no stationary energy (a smaller step?)")  # fmt: skip
        return energy

    return _settle(advance, steps, max_steps)


def _settle(advance: Callable[[], float], length: int, max_length: int) -> StationaryEnergy:
    """Record ``advance()`` (one energy per call) for ``length`` calls, doubling up to ``max_length`` until the
    series after its MSER burn-in passes :func:`stationarity`."""
    energies: list[float] = []
    target = length
    while True:
        while len(energies) < target:
            energies.append(advance())
        series = np.asarray(energies)
        burn = mser_burn_in(series)
        verdict, error, tau = stationarity(series[burn:])
        if verdict == "stationary" or target >= max_length:
            mean = float(series[burn:].mean())
            return StationaryEnergy(mean, error, tau, burn, series.size, verdict == "stationary", verdict)
        target = min(2 * target, max_length)
