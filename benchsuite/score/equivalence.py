"""Effective temperature: at what Metropolis temperature does a dynamics behave the same, and how well?

``effective_temperature`` measures the dynamics' stationary energy, then the Metropolis reference E_eq(T) on the
same instance at temperatures chosen adaptively around it (each point with its own burn-in and stationarity
check), and inverts E_eq with a weighted straight line through the measured temperatures within 3.5% of the crossing.
The interval propagates both error bars (the target's and the line's).  ``relaxation_match`` compares the
dynamics with Metropolis at T_eff out of equilibrium, from the same random initial configurations: the mean
energy difference against time with a pointwise band, a family-wise verdict, and the time rescaling between them.
On a continuous landscape (``landscape_effective_temperature``) the reference is MALA, exactly Gibbs at T, and the
energies are means over many chains of f / d; constant-step SGD is compared with its nominal eta Var Z / 2.
Temperatures are T (k_B = 1); energies are per variable.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.stats import t as student_t

from .. import _checks
from ..dynamics.base import Dynamics
from ..dynamics.constant_step import ChainsOnLandscape
from ..dynamics.metropolis import Metropolis
from ..dynamics.metropolis_adjusted import MALA
from ..errors import ValidationError
from ..problems.base import Problem
from ..problems.landscapes import Landscape
from .run import run
from .stationary import MIN_SWEEPS, StationaryEnergy, chains_stationary_energy, stationary_energy

Z_95 = 1.959963984540054
NOMINAL_Z = 3.290526731491926  # two-sided normal quantile at 1e-3
METHOD_VERSION = 2  # 2: each reference temperature runs on its own seed (stored measurements of 1 are not reused)
REFERENCE_STEP = 0.25  # MALA's step on a landscape, times the largest curvature at a critical point


@dataclass(frozen=True)
class EffectiveTemperature:
    """T_eff with its 95% interval, the stationary energy it matches, and the reference points used."""

    t_eff: float
    low: float
    high: float
    target: StationaryEnergy
    reference: dict[float, StationaryEnergy]
    t_paramagnetic: float | None  # the exact paramagnetic formula inverted at the same energy (cross-check)
    nominal: float | None = None  # the temperature the dynamics claims (its T), when it has one

    @property
    def nominal_z(self) -> float | None:
        """(T_eff - nominal) / standard error of T_eff; None without a nominal temperature, or when the interval
        gives no finite, nonzero standard error (a frozen run, an unbounded bracket: nothing to compare)."""
        error = (self.high - self.low) / (2 * Z_95)
        if self.nominal is None or not math.isfinite(error) or error <= 0 or not math.isfinite(self.t_eff):
            return None
        return (self.t_eff - self.nominal) / error

    @property
    def agrees_with_nominal(self) -> bool | None:
        """False when T_eff and the nominal T differ by more than ``NOMINAL_Z`` standard errors (two-sided
        false-alarm rate 1e-3 when the dynamics does sample at its nominal T); None without a nominal T or
        without a usable standard error (see :attr:`nominal_z`)."""
        z = self.nominal_z
        return None if z is None else abs(z) <= NOMINAL_Z


class ReferenceCurve:
    """Reference stationary energies on one instance at the temperatures this curve asked for (T ->
    StationaryEnergy): Metropolis on a discrete problem; on a landscape, MALA (exactly Gibbs at T, see
    :func:`reference_dynamics`) with ``chains`` chains and ``sweeps`` steps.  Each point runs on its own seed,
    derived from (seed, T) by :func:`point_seed`, so the points are independent, as the line through them
    assumes (with one seed for all, the points moved together and T_eff's interval was too narrow: over 20
    seeds on a quadratic, (T_eff - exact) / standard error had a spread of 1.41, not 1).  Each point depends
    on (instance, seed, sweeps, chains, T) only, so curves made by :meth:`view` share measurements without
    sharing points: a T_eff found on one view does not depend on what other views asked for."""

    def __init__(self, problem: Problem, seed=0, sweeps: int = 1_000, workers: int | None = None,
                 chains: int = 1024, _measured: dict[float, StationaryEnergy] | None = None):  # fmt: skip
        self.problem = problem
        self.seed = seed
        self.sweeps = sweeps
        self.chains = chains
        self.workers = _checks.workers(workers)
        self.points: dict[float, StationaryEnergy] = {}
        self._measured = {} if _measured is None else _measured  # shared by views

    def view(self) -> ReferenceCurve:
        """A curve with no points of its own that reuses this curve's measurements."""
        return ReferenceCurve(self.problem, self.seed, self.sweeps, self.workers, self.chains, self._measured)

    def _point(self, t: float) -> StationaryEnergy:
        reference, seed = reference_dynamics(self.problem, t), point_seed(self.seed, t)
        if isinstance(self.problem, Landscape):
            return chains_stationary_energy(self.problem, reference, seed, self.chains, self.sweeps)
        return stationary_energy(self.problem, reference, seed, sweeps=self.sweeps)

    def measure(self, temperatures) -> None:
        wanted = {float(t) for t in temperatures}
        todo = sorted(wanted - set(self._measured))
        threads = 1 if isinstance(self.problem, Landscape) else self.workers  # a landscape's kernel runs in parallel
        with ThreadPoolExecutor(threads) as pool:
            self._measured.update(zip(todo, pool.map(self._point, todo)))
        self.points.update({t: self._measured[t] for t in wanted})

    def bracket(self, energy: float) -> tuple[float, float] | None:
        """Adjacent measured temperatures whose energies enclose ``energy`` (the first such pair), if any."""
        ts = sorted(self.points)
        for t1, t2 in itertools.pairwise(ts):
            if self.points[t1].mean <= energy < self.points[t2].mean:
                return t1, t2
        return None


def point_seed(seed: int, temperature: float) -> int:
    """The seed of the reference point at ``temperature``: a function of the curve's seed and of T's bits, the
    same on every machine, independent between temperatures."""
    bits = int(np.float64(temperature).view(np.uint64))
    return int(np.random.SeedSequence([int(seed), bits & 0xFFFFFFFF, bits >> 32]).generate_state(2, np.uint64)[0] >> 1)


def reference_dynamics(problem: Problem, temperature: float) -> Dynamics | MALA:
    """The sampler that defines "temperature T" on ``problem``: Metropolis on a discrete problem; on a landscape,
    MALA at T with step ``REFERENCE_STEP / lambda_max``, lambda_max the largest Hessian eigenvalue at the
    landscape's critical points (in more than 2 dimensions, where they are not searched, at the centre of the
    box: the landscapes there are quadratic).  Its law is exactly Gibbs at any step; the step sets how fast it
    mixes."""
    if not isinstance(problem, Landscape):
        return Metropolis(temperature)
    points = [p.x for p in problem.critical_points] if problem.n <= 2 else [problem.box.mean(axis=1)]
    curvature = max(float(np.linalg.eigvalsh(problem.hessian(x)).max()) for x in points)
    return MALA(temperature, REFERENCE_STEP / max(curvature, 1e-12))


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
    for t in ts:  # a reference point without an error bar would weigh the fit with nan
        point = curve.points[t]
        if not (math.isfinite(point.mean) and math.isfinite(point.error)):
            raise ValidationError("sweeps", f"the Metropolis reference at T = {t:.4g} near T_eff has no error bar "
                                            f"({point.verdict}); run longer (sweeps)")  # fmt: skip
    es = np.array([curve.points[t].mean for t in ts])
    weights = 1.0 / np.array([curve.points[t].error for t in ts]) ** 2
    design = np.stack([np.ones_like(ts), ts], axis=1)
    cov = np.linalg.inv(design.T @ (design * weights[:, None]))
    a, b = cov @ design.T @ (weights * es)
    t_star = (target.mean - a) / b
    var_line = cov[0, 0] + t_star**2 * cov[1, 1] + 2 * t_star * cov[0, 1]
    return float(t_star), float(math.sqrt(target.error**2 + var_line) / abs(b)), ts


def effective_temperature_from_energy(
    curve: ReferenceCurve, target: StationaryEnergy, guess: float | None = None, nominal: float | None = None
) -> EffectiveTemperature:
    """T_eff for a measured stationary energy.

    First bracket the energy (Metropolis at guess (1 +- 5%), widening geometrically on the side that is
    missing); then measure at T_mid (1 +- 1%) and T_mid (1 +- 3%) around the interpolated crossing T_mid and fit
    a weighted line through every point within 3.5% of it (curvature of E_eq over that window shifts T by
    about 1e-4 relative on the paramagnetic curve).  The guess defaults to the inverted paramagnetic formula
    where the family has one, else T = 1.  With a ``nominal`` temperature (what the dynamics claims), the
    result says whether T_eff agrees with it (``agrees_with_nominal``).
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
        lowest = min(point.mean for point in curve.points.values())
        why = ""
        if target.mean < lowest and getattr(curve.problem, "planted", None) is not None:
            why = ("; the dynamics sits below every Metropolis equilibrium measured from random starts, which on a "
                   "planted instance means it found the planted assignment and the reference chains did not: "
                   "measure T_eff on the unplanted twin (planted=false)")  # fmt: skip
        raise ValidationError("dynamics", f"no Metropolis temperature reproduces the energy {target.mean:.5g} "
                                          f"(Metropolis equilibria measured: {lowest:.5g} and up){why}")  # fmt: skip
    t1, t2 = curve.bracket(target.mean)
    e1, e2 = curve.points[t1].mean, curve.points[t2].mean
    t_mid = t1 + (target.mean - e1) * (t2 - t1) / (e2 - e1)
    curve.measure([t_mid * f for f in (0.97, 0.99, 1.01, 1.03)])
    t_eff, sigma, used = _fit_inverse(curve, target, t_mid, 0.035)
    reference = {float(t): curve.points[t] for t in used}
    nominal = None if nominal is None else _checks.real("nominal", nominal, low=0.0, low_open=True)
    return EffectiveTemperature(t_eff, t_eff - Z_95 * sigma, t_eff + Z_95 * sigma, target, reference, t_para, nominal)


def _require_error_bar(target: StationaryEnergy, who: str, field: str) -> None:
    """ValidationError naming ``field`` (the run length to raise) when the stationary energy has no error bar."""
    if not (math.isfinite(target.mean) and math.isfinite(target.error)):
        raise ValidationError(field, f"{who}: its stationary energy has no error bar ({target.verdict}); run longer "
                                     f"({field})")  # fmt: skip


def landscape_effective_temperature(landscape: Landscape, dynamics, seed: int = 0, steps: int = 1_000,
                                    chains: int = 1_024) -> EffectiveTemperature:  # fmt: skip
    """T_eff of a continuous rule (R chains at once: SGD, ULA, MALA, RWM) on ``landscape``: its stationary mean
    f / d (:func:`~.stationary.chains_stationary_energy`, ``chains`` chains, ``steps`` steps and more until
    stationary) matched to MALA's Gibbs energies at T as in :func:`effective_temperature_from_energy`.  The
    nominal temperature is the rule's ``T`` (for SGD eta Var Z / 2, the Langevin temperature it approximates;
    on a quadratic of curvature a with Gaussian noise the exact T_eff is eta sigma^2 / (2 - eta a)).  The
    reference chains run on a seed derived from ``seed``, independent of the rule's chains."""
    if not isinstance(landscape, Landscape):
        raise ValidationError("landscape", f"must be a Landscape, got {type(landscape).__name__}")
    if not isinstance(dynamics, ChainsOnLandscape):
        raise ValidationError("dynamics", f"must be a continuous rule (SGD, MALA, random-walk Metropolis), got "
                                          f"{type(dynamics).__name__}")  # fmt: skip
    seed = _checks.integer("seed", seed, low=0)
    target = chains_stationary_energy(landscape, dynamics, seed, chains, steps)
    _require_error_bar(target, dynamics.name, "steps")
    reference_seed = int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])
    curve = ReferenceCurve(landscape, reference_seed, steps, chains=chains)
    nominal = getattr(dynamics, "T", None)
    return effective_temperature_from_energy(curve, target, guess=nominal, nominal=nominal)


@dataclass(frozen=True)
class RelaxationMatch:
    """Out of equilibrium: the dynamics against Metropolis at T_eff from the same random starts (energy per
    variable, time in sweeps).

    From each of ``starts`` random configurations both run once, with independent seeds.  ``difference[t]`` is the
    mean over starts of e_D(t) - e_M(t), ``band[t]`` the half-width of its pointwise 95% interval (Student t,
    starts - 1 degrees of freedom).  ``z_max`` is the largest |difference| / standard error over the recorded
    sweeps and ``threshold`` the Student quantile at 0.05 / (2 x recorded sweeps): ``agrees`` (z_max <= threshold)
    errs with probability at most 5% (Bonferroni) when the two relax alike.  ``time_scale`` is the a that best
    fits e_D(t) ~ e_M(a t) (a > 1: the dynamics relaxes faster than Metropolis), with a 95% interval from
    resampling the starts; ``late_difference`` and ``late_error`` are the mean difference over the second half of
    the run and its standard error.
    """

    sweeps: np.ndarray
    energy_dynamics: np.ndarray  # [start, time]
    energy_metropolis: np.ndarray
    overlap_dynamics: np.ndarray | None
    overlap_metropolis: np.ndarray | None
    difference: np.ndarray
    band: np.ndarray
    z_max: float
    threshold: float
    time_scale: float
    time_scale_low: float
    time_scale_high: float
    late_difference: float
    late_error: float

    @property
    def agrees(self) -> bool:
        return self.z_max <= self.threshold

    def fields(self) -> dict:
        """The scalar results, as JSON fields."""
        return {
            "relaxation_agrees": self.agrees, "relaxation_z_max": self.z_max, "relaxation_threshold": self.threshold,
            "time_scale": self.time_scale, "time_scale_low": self.time_scale_low,
            "time_scale_high": self.time_scale_high, "late_difference": self.late_difference,
            "late_error": self.late_error,
        }  # fmt: skip


TIME_SCALE_RANGE = (0.1, 10.0)
MIN_RELAX_SWEEPS = int(TIME_SCALE_RANGE[1])  # at a = 10, sweeps t <= sweeps / 10 are compared: at least t = 1
BOOTSTRAP = 200


def _time_scale(sweeps: np.ndarray, e_dynamics: np.ndarray, e_metropolis: np.ndarray) -> float:
    """The a minimising the mean square of e_D(t) - e_M(a t) over the recorded t > 0 with a t in range."""
    t = sweeps.astype(float)
    positive = t > 0

    def loss(log_a: float) -> float:
        at = math.exp(log_a) * t
        use = positive & (at <= t[-1])
        return float(np.mean((e_dynamics[use] - np.interp(at[use], t, e_metropolis)) ** 2))

    bounds = (math.log(TIME_SCALE_RANGE[0]), math.log(TIME_SCALE_RANGE[1]))
    return math.exp(minimize_scalar(loss, bounds=bounds, method="bounded", options={"xatol": 1e-4}).x)


def difference_error(diff: np.ndarray, n: int) -> np.ndarray:
    """Standard error of the mean over starts (axis 0) of energy differences per variable, floored where the
    energies are quantised: when every total energy is an integer, a difference is a multiple of 1/n, and 16
    equal differences have a sample spread of zero (or of one rounding error) although the mean is not exact;
    the floor is the spread of a rounding to that resolution, (1/n) / sqrt(12) per start (Sheppard).  Without
    it a difference of -0.0001 came out at |z| = 1.6e15."""
    starts = diff.shape[0]
    error = diff.std(axis=0, ddof=1) / math.sqrt(starts)
    totals = diff * n
    if np.allclose(totals, np.round(totals), rtol=0.0, atol=1e-6):
        error = np.maximum(error, 1.0 / (n * math.sqrt(12 * starts)))
    return error


def relaxation_match(
    problem: Problem,
    dynamics: Dynamics,
    t_eff: float,
    sweeps: int = 200,
    starts: int = 16,
    seed: int = 0,
    workers: int | None = None,
) -> RelaxationMatch:
    """Run ``dynamics`` and Metropolis at ``t_eff`` once from each of ``starts`` random configurations.
    ``sweeps`` >= MIN_RELAX_SWEEPS: the time scale a is fitted in TIME_SCALE_RANGE."""
    sweeps = _checks.integer("sweeps", sweeps, low=MIN_RELAX_SWEEPS)
    starts = _checks.integer("starts", starts, low=2)
    root = np.random.SeedSequence(_checks.integer("seed", seed, low=0))
    jobs = []
    for k, child in enumerate(root.spawn(starts)):
        x0_ss, d_ss, m_ss = child.spawn(3)
        x0 = problem.random_configuration(np.random.default_rng(x0_ss))
        jobs += [(k, "D", dynamics, d_ss, x0), (k, "M", Metropolis(t_eff), m_ss, x0)]
    with ThreadPoolExecutor(_checks.workers(workers)) as pool:
        trajs = dict(zip([(k, r) for k, r, *_ in jobs],
                         pool.map(lambda j: run(problem, j[2], sweeps, seed=j[3], x0=j[4]), jobs)))  # fmt: skip
    stack = lambda role, attr: np.array([getattr(trajs[(k, role)], attr) for k in range(starts)])
    e_d, e_m = stack("D", "energy"), stack("M", "energy")
    grid = trajs[(0, "D")].sweeps
    diff = e_d - e_m
    difference, error = diff.mean(axis=0), difference_error(diff, problem.n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(error > 0, np.abs(difference) / error, np.where(difference == 0, 0.0, np.inf))
    late = grid >= grid[-1] / 2
    late_each = diff[:, late].mean(axis=1)
    rng = np.random.default_rng(root.spawn(1)[0])
    resampled = [_time_scale(grid, e_d[pick].mean(axis=0), e_m[pick].mean(axis=0))
                 for pick in rng.integers(0, starts, size=(BOOTSTRAP, starts))]  # fmt: skip
    planted = trajs[(0, "D")].overlap is not None
    return RelaxationMatch(
        sweeps=grid,
        energy_dynamics=e_d,
        energy_metropolis=e_m,
        overlap_dynamics=stack("D", "overlap") if planted else None,
        overlap_metropolis=stack("M", "overlap") if planted else None,
        difference=difference,
        band=student_t.isf(0.025, starts - 1) * error,
        z_max=float(z.max()),
        threshold=float(student_t.isf(0.05 / (2 * grid.size), starts - 1)),
        time_scale=_time_scale(grid, e_d.mean(axis=0), e_m.mean(axis=0)),
        time_scale_low=float(np.quantile(resampled, 0.025)),
        time_scale_high=float(np.quantile(resampled, 0.975)),
        late_difference=float(late_each.mean()),
        late_error=float(late_each.std(ddof=1) / math.sqrt(starts)),
    )


def effective_temperatures(
    problem: Problem,
    dynamics_list: list[Dynamics],
    seed: int = 0,
    sweeps: int = 1_000,
    relax_sweeps: int = 200,
    starts: int = 16,
    guesses: list[float | None] | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> list[tuple[EffectiveTemperature, RelaxationMatch]]:
    """T_eff and the relaxation match for each dynamics.  The Metropolis reference measurements are shared, but
    each dynamics' result depends on its own dynamics and the seed only (not on the others in the list).
    ``workers`` threads run the chains (default: every core)."""
    _checks.integer("seed", seed, low=0)
    _checks.count("sweeps", sweeps, low=MIN_SWEEPS)  # every argument is checked before the first (long) simulation
    _checks.count("relax_sweeps", relax_sweeps, low=MIN_RELAX_SWEEPS)
    _checks.count("starts", starts, low=2)  # a standard error over starts
    if not dynamics_list or not all(isinstance(d, Dynamics) for d in dynamics_list):
        raise ValidationError("dynamics_list", "must be a non-empty list of dynamics")
    if progress is not None and not callable(progress):
        raise ValidationError("progress", f"must be a function progress(message) or None, got {progress!r}")
    say = progress or (lambda _msg: None)
    workers = _checks.workers(workers)
    say(f"stationary energies of {len(dynamics_list)} dynamics")
    with ThreadPoolExecutor(workers) as pool:
        targets = list(pool.map(lambda d: stationary_energy(problem, d, seed, sweeps=sweeps), dynamics_list))
    curve = ReferenceCurve(problem, seed=seed, sweeps=sweeps, workers=workers)
    guesses = guesses or [None] * len(dynamics_list)
    for dyn, target in zip(dynamics_list, targets):
        if target.constant:
            raise ValidationError("dynamics", f"{dyn!r}: its energy never changed on this instance ({target.verdict}:"
                                              " no interaction terms, or a rule that never moves); it has no "
                                              "effective temperature")  # fmt: skip
        _require_error_bar(target, repr(dyn), "sweeps")
    out = []
    for dyn, target, guess in zip(dynamics_list, targets, guesses):
        say(f"{dyn!r}: e = {target.mean:.5f}; Metropolis reference around it")
        eff = effective_temperature_from_energy(curve.view(), target, guess, nominal=getattr(dyn, "T", None))
        say(f"{dyn!r}: T_eff = {eff.t_eff:.4f}; relaxation from {starts} random starts")
        out.append((eff, relaxation_match(problem, dyn, eff.t_eff, relax_sweeps, starts, seed, workers)))
    return out
