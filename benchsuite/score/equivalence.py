"""Effective temperature: at what Metropolis temperature does a dynamics behave the same, and how well?

``effective_temperature`` measures the dynamics' stationary energy, then the Metropolis reference E_eq(T) on the
same instance at temperatures chosen adaptively around it (each point with its own burn-in and stationarity
check), and inverts E_eq with a weighted straight line through the measured temperatures within 3.5% of the crossing.
The interval propagates both error bars (the target's and the line's).  ``relaxation_match`` compares the dynamics with Metropolis at T_eff
out of equilibrium, from the same random initial configurations, against the seed-to-seed noise of Metropolis
itself.  Temperatures are T (k_B = 1); energies are per variable.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .. import _checks
from ..dynamics.base import Dynamics
from ..dynamics.metropolis import Metropolis
from ..errors import ValidationError
from ..problems.base import Problem
from .run import run
from .stationary import MIN_SWEEPS, StationaryEnergy, stationary_energy

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class EffectiveTemperature:
    """T_eff with its 95% interval, the stationary energy it matches, and the reference points used."""

    t_eff: float
    low: float
    high: float
    target: StationaryEnergy
    reference: dict[float, StationaryEnergy]
    t_paramagnetic: float | None  # the exact paramagnetic formula inverted at the same energy (cross-check)


class ReferenceCurve:
    """Metropolis stationary energies on one instance, measured on demand and kept (T -> StationaryEnergy)."""

    def __init__(self, problem: Problem, seed=0, sweeps: int = 1_000, workers: int | None = None):
        self.problem = problem
        self.seed = seed
        self.sweeps = sweeps
        self.workers = workers or os.cpu_count() or 1
        self.points: dict[float, StationaryEnergy] = {}

    def measure(self, temperatures) -> None:
        todo = sorted({float(t) for t in temperatures} - set(self.points))
        with ThreadPoolExecutor(self.workers) as pool:
            results = pool.map(
                lambda t: stationary_energy(self.problem, Metropolis(t), self.seed, sweeps=self.sweeps), todo
            )
            self.points.update(zip(todo, results))

    def bracket(self, energy: float) -> tuple[float, float] | None:
        """Adjacent measured temperatures whose energies enclose ``energy`` (the first such pair), if any."""
        ts = sorted(self.points)
        for t1, t2 in itertools.pairwise(ts):
            if self.points[t1].mean <= energy < self.points[t2].mean:
                return t1, t2
        return None


def paramagnetic_temperature(problem: Problem, energy: float) -> float | None:
    """Invert the family's exact paramagnetic energy, where it has one (colouring); None otherwise."""
    formula = getattr(problem, "paramagnetic_energy", None)
    if formula is None:
        return None
    try:
        return float(brentq(lambda t: formula(t) - energy, 1e-3, 1e3, xtol=1e-12))
    except ValueError:
        return None


def _fit_inverse(curve: ReferenceCurve, target: StationaryEnergy, centre: float, window: float):
    """Weighted straight line E = a + b T through the measured temperatures within ``centre (1 +- window)``;
    returns T* = (e - a) / b, its standard error from both the target's and the line's uncertainty, and the
    temperatures used."""
    ts = np.array([t for t in sorted(curve.points) if abs(t / centre - 1) <= window])
    es = np.array([curve.points[t].mean for t in ts])
    weights = 1.0 / np.array([curve.points[t].error for t in ts]) ** 2
    design = np.stack([np.ones_like(ts), ts], axis=1)
    cov = np.linalg.inv(design.T @ (design * weights[:, None]))
    a, b = cov @ design.T @ (weights * es)
    t_star = (target.mean - a) / b
    var_line = cov[0, 0] + t_star**2 * cov[1, 1] + 2 * t_star * cov[0, 1]
    return float(t_star), float(math.sqrt(target.error**2 + var_line) / abs(b)), ts


def effective_temperature_from_energy(
    curve: ReferenceCurve, target: StationaryEnergy, guess: float | None = None
) -> EffectiveTemperature:
    """T_eff for a measured stationary energy.

    First bracket the energy (Metropolis at guess (1 +- 5%), widening geometrically on the side that is
    missing); then measure at T_mid (1 +- 1%) and T_mid (1 +- 3%) around the interpolated crossing T_mid and fit
    a weighted line through every point within 3.5% of it (curvature of E_eq over that window shifts T by
    about 1e-4 relative on the paramagnetic curve).  The guess defaults to the inverted paramagnetic formula
    where the family has one, else T = 1.
    """
    t_para = paramagnetic_temperature(curve.problem, target.mean)
    t = guess or t_para or 1.0
    step = 0.05
    for _ in range(12):
        if curve.bracket(target.mean):
            break
        curve.measure([t * (1 - step), t * (1 + step)])
        ts = sorted(curve.points)
        if curve.points[ts[0]].mean > target.mean:
            t = ts[0] * (1 - step)
        elif curve.points[ts[-1]].mean < target.mean:
            t = ts[-1] * (1 + step)
        step = min(2 * step, 0.5)
    else:
        raise ValidationError("dynamics", f"no Metropolis temperature reproduces the energy {target.mean:.5g}")
    t1, t2 = curve.bracket(target.mean)
    e1, e2 = curve.points[t1].mean, curve.points[t2].mean
    t_mid = t1 + (target.mean - e1) * (t2 - t1) / (e2 - e1)
    curve.measure([t_mid * f for f in (0.97, 0.99, 1.01, 1.03)])
    t_eff, sigma, used = _fit_inverse(curve, target, t_mid, 0.035)
    reference = {float(t): curve.points[t] for t in used}
    return EffectiveTemperature(t_eff, t_eff - Z_95 * sigma, t_eff + Z_95 * sigma, target, reference, t_para)


@dataclass(frozen=True)
class RelaxationMatch:
    """Out-of-equilibrium distance between a dynamics and Metropolis at T_eff (energy per variable).

    ``distance_max`` / ``distance_mean``: max and time-averaged |e_D(t) - e_M(t)| over the record grid, averaged
    over initial configurations; ``band_max`` / ``band_mean``: the largest such distance between two Metropolis
    runs from the same initial configuration.  ``good`` iff both distances lie within the band.
    """

    sweeps: np.ndarray
    energy_dynamics: np.ndarray  # [seed, time]
    energy_metropolis: np.ndarray
    overlap_dynamics: np.ndarray | None
    overlap_metropolis: np.ndarray | None
    distance_max: float
    distance_mean: float
    band_max: float
    band_mean: float

    @property
    def good(self) -> bool:
        return self.distance_max <= self.band_max and self.distance_mean <= self.band_mean


def relaxation_match(
    problem: Problem,
    dynamics: Dynamics,
    t_eff: float,
    sweeps: int = 200,
    starts: int = 3,
    seed: int = 0,
    workers: int | None = None,
) -> RelaxationMatch:
    """Run ``dynamics`` and two Metropolis chains at ``t_eff`` from each of ``starts`` random configurations."""
    sweeps = _checks.integer("sweeps", sweeps, low=1)
    starts = _checks.integer("starts", starts, low=1)
    root = np.random.SeedSequence(_checks.integer("seed", seed, low=0))
    jobs = []
    for k, child in enumerate(root.spawn(starts)):
        x0_ss, d_ss, m1_ss, m2_ss = child.spawn(4)
        x0 = problem.random_configuration(np.random.default_rng(x0_ss))
        jobs += [
            (k, "D", dynamics, d_ss, x0),
            (k, "M1", Metropolis(t_eff), m1_ss, x0),
            (k, "M2", Metropolis(t_eff), m2_ss, x0),
        ]
    with ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
        trajs = dict(zip([(k, r) for k, r, *_ in jobs],
                         pool.map(lambda j: run(problem, j[2], sweeps, seed=j[3], x0=j[4]), jobs)))  # fmt: skip

    def dist(a, b) -> tuple[float, float]:
        diff = np.abs(trajs[a].energy - trajs[b].energy)
        return float(diff.max()), float(diff.mean())

    d = np.array([dist((k, "D"), (k, "M1")) for k in range(starts)])
    band = np.array([dist((k, "M1"), (k, "M2")) for k in range(starts)])
    planted = trajs[(0, "D")].overlap is not None
    stack = lambda role, attr: np.array([getattr(trajs[(k, role)], attr) for k in range(starts)])
    return RelaxationMatch(
        sweeps=trajs[(0, "D")].sweeps,
        energy_dynamics=stack("D", "energy"),
        energy_metropolis=stack("M1", "energy"),
        overlap_dynamics=stack("D", "overlap") if planted else None,
        overlap_metropolis=stack("M1", "overlap") if planted else None,
        distance_max=float(d[:, 0].mean()),
        distance_mean=float(d[:, 1].mean()),
        band_max=float(band[:, 0].max()),
        band_mean=float(band[:, 1].max()),
    )


def effective_temperatures(
    problem: Problem,
    dynamics_list: list[Dynamics],
    seed: int = 0,
    sweeps: int = 1_000,
    relax_sweeps: int = 200,
    starts: int = 3,
    guesses: list[float | None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[tuple[EffectiveTemperature, RelaxationMatch]]:
    """T_eff and the relaxation match for each dynamics, sharing one Metropolis reference curve."""
    _checks.integer("seed", seed, low=0)
    _checks.count("sweeps", sweeps, low=MIN_SWEEPS)  # every argument is checked before the first (long) simulation
    _checks.count("relax_sweeps", relax_sweeps, low=1)
    _checks.count("starts", starts, low=1)
    if not dynamics_list or not all(isinstance(d, Dynamics) for d in dynamics_list):
        raise ValidationError("dynamics_list", "must be a non-empty list of dynamics")
    if progress is not None and not callable(progress):
        raise ValidationError("progress", f"must be a function progress(message) or None, got {progress!r}")
    say = progress or (lambda _msg: None)
    workers = os.cpu_count() or 1
    say(f"stationary energies of {len(dynamics_list)} dynamics")
    with ThreadPoolExecutor(workers) as pool:
        targets = list(pool.map(lambda d: stationary_energy(problem, d, seed, sweeps=sweeps), dynamics_list))
    curve = ReferenceCurve(problem, seed=seed, sweeps=sweeps, workers=workers)
    guesses = guesses or [None] * len(dynamics_list)
    out = []
    for dyn, target, guess in zip(dynamics_list, targets, guesses):
        say(f"{dyn!r}: e = {target.mean:.5f}; Metropolis reference around it")
        eff = effective_temperature_from_energy(curve, target, guess)
        say(f"{dyn!r}: T_eff = {eff.t_eff:.4f}; relaxation from {starts} random starts")
        out.append((eff, relaxation_match(problem, dyn, eff.t_eff, relax_sweeps, starts, seed)))
    return out
