"""Batch-size advisor for planted colouring: which SGD-like fraction s should recover the planted colouring fastest?

1. Theory bounds the useful temperatures: the paramagnet is linearly unstable toward the planted colouring
   only below the spinodal T_sp, exp(-1/T_sp) = (c - (q-1)^2) / (c + q - 1), which exists for c above the
   Kesten-Stigum threshold (q-1)^2 (Decelle, Krzakala, Moore, Zdeborova, PRE 84, 066106 (2011)).
2. Metropolis runs on the instance at temperatures below T_sp find the one that reaches overlap 0.9 in the
   fewest sweeps (too cold and the dynamics gets stuck; too close to T_sp and the escape is slow).
3. That temperature is mapped to s through the zero-drift theory T(s) of the SGD-like rule.
4. SGD-like is run at the recommended s to check.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .. import _checks
from ..dynamics import Metropolis, SGDLike
from ..errors import ValidationError
from ..problems.coloring import ColoringProblem
from .run import Trajectory, run
from .sgd_theory import zero_drift_temperature

RECOVERED = 0.9  # overlap that counts as recovery


def spinodal_temperature(c: float, q: int) -> float | None:
    """T_sp of the planted paramagnet, or None when c <= (q-1)^2 (stable at every T)."""
    x = (c - (q - 1) ** 2) / (c + q - 1)
    return -1.0 / math.log(x) if 0.0 < x < 1.0 else None


def recovery_sweeps(traj: Trajectory) -> float:
    """First recorded sweep with overlap > 0.9 (inf if never)."""
    hit = np.flatnonzero(traj.overlap > RECOVERED)
    return float(traj.sweeps[hit[0]]) if hit.size else math.inf


S_RANGE = (0.01, 0.999)  # batch fractions the advisor chooses from


def batch_for_temperature(t: float, q: int, c: float) -> float:
    """The s whose zero-drift temperature T(s) equals ``t`` (T(s) decreases from large values to 0 at s = 1)."""
    lo, hi = S_RANGE
    t_lo, t_hi = zero_drift_temperature(lo, q, c=c), zero_drift_temperature(hi, q, c=c)
    if not t_hi <= t <= t_lo:
        raise ValidationError("problem", f"the best Metropolis temperature {t:.4g} is outside the SGD-like range "
                                         f"T(s) in [{t_hi:.4g}, {t_lo:.4g}] for s in [{lo}, {hi}]")  # fmt: skip
    return float(brentq(lambda s: zero_drift_temperature(s, q, c=c) - t, lo, hi, xtol=1e-6))


@dataclass(frozen=True)
class Advice:
    """The advisor's reasoning and its check; temperatures T, times in sweeps."""

    t_spinodal: float
    temperatures: list[float]
    metropolis_recovery: list[float]  # sweeps to overlap > 0.9 at each temperature (inf: not within the run)
    t_best: float
    s: float
    check_overlap: float
    check_recovery: float

    @property
    def check_passed(self) -> bool:
        """Whether SGD-like at the advised s recovered the planted colouring (overlap > 0.9) within the run."""
        return not math.isinf(self.check_recovery)

    def to_dict(self) -> dict:
        fix = lambda v: None if math.isinf(v) else v
        return {
            "t_spinodal": self.t_spinodal,
            "temperatures": self.temperatures,
            "metropolis_recovery_sweeps": [fix(v) for v in self.metropolis_recovery],
            "t_best": self.t_best,
            "s": self.s,
            "check_overlap": self.check_overlap,
            "check_recovery_sweeps": fix(self.check_recovery),
            "check_passed": self.check_passed,
        }


def advice_temperatures(problem: ColoringProblem, sweeps: int = 3_000, points: int = 8) -> list[float]:
    """The Metropolis temperatures the advisor will try (``points`` between 0.4 and 0.95 T_sp), after checking
    that it can advise on ``problem`` with runs of ``sweeps`` sweeps; no simulation runs."""
    if not isinstance(problem, ColoringProblem) or problem.planted is None:
        raise ValidationError("problem", "the advisor needs a planted colouring")
    _checks.count("sweeps", sweeps, low=10)
    points = _checks.integer("points", points, low=2)
    c = 2 * problem.m / problem.n
    t_sp = spinodal_temperature(c, problem.q)
    if t_sp is None:
        raise ValidationError("c", f"c = {c:.3g} <= (q-1)^2 = {(problem.q - 1) ** 2}: no spinodal, local "
                                   "dynamics does not recover the planted colouring")  # fmt: skip
    return [float(t) for t in t_sp * np.linspace(0.4, 0.95, points)]


def advise_batch(
    problem: ColoringProblem, sweeps: int = 3_000, seed: int = 0, points: int = 8, workers: int | None = None
) -> Advice:
    """Recommend the SGD-like batch fraction for recovering ``problem``'s planted colouring (see module doc);
    the Metropolis runs go to ``workers`` threads (default: every core)."""
    temperatures = advice_temperatures(problem, sweeps, points)
    workers = _checks.workers(workers)
    c = 2 * problem.m / problem.n
    t_sp = spinodal_temperature(c, problem.q)
    with ThreadPoolExecutor(workers) as pool:
        trajs = list(pool.map(lambda t: run(problem, Metropolis(t), sweeps, seed=seed), temperatures))
    times = [recovery_sweeps(t) for t in trajs]
    if all(math.isinf(v) for v in times):
        raise ValidationError("sweeps", f"Metropolis recovered at no temperature below T_sp = {t_sp:.3f} "
                                        f"within {sweeps} sweeps")  # fmt: skip
    t_best = temperatures[int(np.argmin(times))]
    s = batch_for_temperature(t_best, problem.q, c)
    check = run(problem, SGDLike(s), sweeps, seed=seed)
    return Advice(t_sp, temperatures, times, t_best, s, float(check.overlap[-1]), recovery_sweeps(check))
