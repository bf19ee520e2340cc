"""Long-run occupation of the basins of a 1-D landscape under constant-step SGD, against the theory.

Azizian, Iutzeler, Malick, Mertikopoulos (ICML 2024, arXiv:2406.09241): as eta -> 0 the invariant law of SGD
weighs the minima like exp(-E_i / eta), the energies set by the objective *and* the noise.  In 1-D with two
minima x_L < x_R the slope of log(mu_L / mu_R) against 1/eta is V(x_R) - V(x_L), with the quasi-potential
V' = p*(x), the non-zero root of H_x(-p) = p f'(x) (H the noise's cumulant generating function; Gaussian:
p* = 2 f' / sigma^2, so the slope is 2 (f_R - f_L) / sigma^2).

Three slopes are set side by side: ``predicted`` (the quasi-potential), ``exact`` (the grid chain of
:mod:`benchsuite.validate.grid_chain` at the same step sizes) and ``measured`` (chains of
:class:`~benchsuite.dynamics.constant_step.ConstantStepSGD`); a fourth, ``diffusion``, keeps only the noise's
variance (2 f' / Var Z), the usual SDE approximation of SGD, to show what the rest of the law changes.  Both log-ratio series are fitted with one of
:data:`FIT_MODELS`, since a fit of a / eta alone keeps the prefactor c in the slope: ``"step-bias"``
(default), a / eta + c + d eta, whose d eta is the first-order bias of a finite step (for Gaussian noise,
the unadjusted Langevin algorithm's O(eta) error); ``"prefactor"``, a / eta + b log eta + c, whose b log eta
arises when the competing components differ in dimension (zero for two isolated minima in 1-D).  With two
step sizes both reduce to a / eta + c.  On the tilted double well (tilt 0.3, sigma 2, exact grid values at
eta = 0.05, 0.1, 0.2) the step-bias fit is 0.4% from the predicted slope and the prefactor fit 2.4%.

A measurement starts its chains uniformly in the box, discards ``BURN_IN_RELAXATIONS`` relaxation times
(1 / (k_LR + k_RL), the rates k estimated from core-to-core transitions), then counts until every basin was
entered and left at least ``min_transitions`` times; a run that cannot reach that within its step budget is
refused, not reported.  The error of log(mu_L / mu_R) comes from independent replications: the chains are
cut into ``GROUPS`` groups and the delta method is applied to the groups' occupancies, which holds every
correlation along a chain (the renewal estimate sqrt(1/N_LR + 1/N_RL) is reported beside it; it assumes
independent exponential sojourns and was 20% low at eta = 0.1 on the tilted double well, 30 seeds).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.integrate import simpson

from .. import _checks
from ..dynamics.constant_step import ConstantStepSGD
from ..dynamics.noise import NoiseLaw, make_noise
from ..errors import ValidationError
from ..problems.landscapes import Landscape, make_landscape
from ..validate.grid_chain import DEFAULT_CELLS, GridLaw, grid_law
from ..validate.steady_state import MAX_GTH_STATES
from .occupation import BasinObserver

if TYPE_CHECKING:
    from .claims import ClaimsTable

BURN_IN_RELAXATIONS = 5.0
MIN_TRANSITIONS = 100
ROUND_STEPS = 20_000
GROUPS = 32  # replications for the error of a log ratio (fewer when there are fewer chains)
Z_95 = 1.959963984540054


def root_p(noise, slope, x0) -> np.ndarray:
    """p*(x), the non-zero root of H_x(-p) = p f'(x), of the sign of f' (``slope``), for every point ``x0``
    (arrays broadcast; ``noise`` bound to its landscape).  For f' > 0 it solves H(-p) / p = f', whose left
    side grows from 0 to -inf Z; for f' < 0, p = -s with H(s) / s = -f', which grows to sup Z.  inf where the
    noise cannot climb a slope that steep (|f'| beyond that bound), 0 where f' = 0.  Solved by bisection at
    every point at once (the cumulant generating function is convex, so each ratio is increasing)."""
    slope, x0 = np.broadcast_arrays(np.asarray(slope, dtype=float), np.asarray(x0, dtype=float))
    for name, a in (("slope", slope), ("x0", x0)):
        if not np.all(np.isfinite(a)):
            raise ValidationError(name, "must be finite")
    if noise.kind == "gaussian":
        return 2.0 * slope / noise.scale(x0) ** 2
    g = np.abs(slope)
    sign = np.sign(slope)
    low, high = noise.support(x0)
    reach = np.where(slope > 0, -low, high)
    climbable = (g > 0) & (g < reach)
    ratio = lambda s: noise.cgf(-sign * s, x0) / s - g
    if noise.kind == "laplace":
        top = np.full(g.shape, (1.0 - 1e-15) / noise.coefficients[0])
    else:
        top = np.where(climbable, 1.0 / np.sqrt(np.maximum(noise.variance(x0), 1e-300)), 1.0)
        for _ in range(1100):  # the ratio passes g once s is large (g below the bound)
            short = climbable & (ratio(top) <= 0.0)
            if not short.any():
                break
            top = np.where(short, 2.0 * top, top)
    bottom = np.zeros(g.shape)
    for _ in range(200):
        middle = 0.5 * (bottom + top)
        with np.errstate(divide="ignore", invalid="ignore"):
            below = ratio(np.where(climbable, middle, 1.0)) <= 0.0
        bottom, top = np.where(below, middle, bottom), np.where(below, top, middle)
        if np.all(top - bottom <= 1e-15 * top):
            break
    p = sign * 0.5 * (bottom + top)
    return np.where(g == 0, 0.0, np.where(climbable, p, np.copysign(np.inf, slope)))


def quasi_potential_slope(landscape: Landscape, noise: NoiseLaw, left: float, right: float, nodes: int = 4001) -> float:
    """V(right) - V(left) = integral of p*(x) from ``left`` to ``right`` (Simpson's rule on ``nodes`` points;
    inf when the noise cannot climb somewhere on the way)."""
    noise = noise.on(landscape)
    xs = np.linspace(left, right, nodes)
    ps = root_p(noise, landscape.gradients(xs[:, None])[:, 0], xs)
    if not np.all(np.isfinite(ps)):
        return math.inf
    return float(simpson(ps, x=xs))


def diffusion_slope(landscape: Landscape, noise: NoiseLaw, left: float, right: float, nodes: int = 4001) -> float:
    """The same gap under the diffusion approximation, which keeps only the noise's variance: the integral of
    2 f'(x) / Var Z(x) (the quasi-potential of Gaussian noise of the same variance at every point)."""
    noise = noise.on(landscape)
    xs = np.linspace(left, right, nodes)
    slopes = landscape.gradients(xs[:, None])[:, 0]
    with np.errstate(divide="ignore"):
        integrand = 2.0 * slopes / noise.variance(xs)
    return float(simpson(integrand, x=xs)) if np.all(np.isfinite(integrand)) else math.inf


FIT_MODELS = {"step-bias": "a/eta + c + d eta", "prefactor": "a/eta + b log eta + c"}


@dataclass(frozen=True)
class SlopeFit:
    """``slope`` (a in the fitted ``terms``) with a 95% interval from the log ratios' errors (None for exact
    values)."""

    slope: float
    low: float | None
    high: float | None
    terms: str


def fit_slope(etas, log_ratios, errors=None, model: str = "step-bias") -> SlopeFit:
    """Weighted least squares of log(mu_L / mu_R) on 1 / eta, a correction of :data:`FIT_MODELS` and 1 (on
    1 / eta and 1 alone for two step sizes); the interval is exact for normal errors of the stated sizes."""
    model = _checks.choice("model", model, tuple(FIT_MODELS))
    etas = np.asarray(etas, dtype=float)
    y = np.asarray(log_ratios, dtype=float)
    if etas.size < 2 or np.unique(etas).size != etas.size or y.shape != etas.shape:
        raise ValidationError("eta", "a slope needs at least two distinct step sizes, one log ratio each")
    columns = [1.0 / etas, np.ones_like(etas)]
    terms = "a/eta + c"
    if etas.size >= 3:
        columns.append(etas if model == "step-bias" else np.log(etas))
        terms = FIT_MODELS[model]
    x = np.stack(columns, 1)
    w = np.ones_like(y) if errors is None else 1.0 / np.asarray(errors, dtype=float) ** 2
    normal = x.T @ (w[:, None] * x)
    coef = np.linalg.solve(normal, x.T @ (w * y))
    if errors is None:
        return SlopeFit(float(coef[0]), None, None, terms)
    half = Z_95 * math.sqrt(np.linalg.inv(normal)[0, 0])
    return SlopeFit(float(coef[0]), float(coef[0] - half), float(coef[0] + half), terms)


@dataclass
class Occupation:
    """One measured step size: ``occupancy`` (chains, basins) steps per chain and basin and ``transitions``
    (i -> j, summed over chains) after a burn-in of ``burn_in`` steps per chain; ``steps`` counted per chain;
    ``regions`` (chains, regions) steps per chain and region when regions were counted."""

    eta: float
    burn_in: int
    steps: int
    occupancy: np.ndarray
    transitions: np.ndarray
    regions: np.ndarray | None = None

    @property
    def chains(self) -> int:
        return self.occupancy.shape[0]

    @property
    def fractions(self) -> np.ndarray:
        total = self.occupancy.sum(0)
        return total / total.sum()

    def fraction_errors(self) -> np.ndarray:
        """Standard error of each basin's fraction, from ``GROUPS`` replications (groups of chains)."""
        groups = np.array([g.sum(0) / g.sum() for g in np.array_split(self.occupancy, min(GROUPS, self.chains))])
        return groups.std(0, ddof=1) / math.sqrt(len(groups))

    def log_ratio(self, i: int, j: int) -> float:
        """log(mu_i / mu_j) from the occupancies of basins ``i`` and ``j``."""
        total = self.occupancy.sum(0)
        return float(np.log(total[i] / total[j]))

    def log_ratio_error(self, i: int, j: int) -> float:
        """Standard error of ``log_ratio(i, j)`` from ``GROUPS`` replications (groups of chains), by the delta
        method."""
        return group_log_ratio_error(self.occupancy[:, i], self.occupancy[:, j])

    def renewal_error(self, i: int, j: int) -> float:
        """sqrt(1/N_ij + 1/N_ji): the error if sojourns between transitions were independent exponentials."""
        return float(math.sqrt(1.0 / self.transitions[i, j] + 1.0 / self.transitions[j, i]))


def group_log_ratio_error(a: np.ndarray, b: np.ndarray) -> float:
    """Standard error of log(sum a / sum b) for per-chain counts ``a`` and ``b``, from ``GROUPS`` replications
    (groups of chains) by the delta method."""
    groups = np.array_split(np.stack([a, b], axis=1), min(GROUPS, a.size))
    sums = np.array([g.sum(0) for g in groups], dtype=float)
    share = sums / sums.mean(0)  # each group's count relative to the mean group
    return float(np.std(share[:, 0] - share[:, 1], ddof=1) / math.sqrt(len(groups)))


def measure_occupation(landscape: Landscape, noise: NoiseLaw, eta: float, *, chains: int = 256, seed: int = 0,
                       max_steps: int = 10_000_000, min_transitions: int = MIN_TRANSITIONS, x0=None,
                       cells: int | None = None, regions=None) -> Occupation:  # fmt: skip
    """Occupation of every basin by ``chains`` SGD chains started at ``x0`` (default: uniformly in the box);
    ValidationError when ``max_steps`` per chain do not bring ``min_transitions`` entries and exits of every
    basin after the burn-in, or when a chain diverges.  With ``regions`` (a label per cell of a grid of
    ``cells`` per axis, see :class:`~.occupation.BasinObserver`) the steps in each region are counted too."""
    sgd = ConstantStepSGD(eta, noise)
    chains = _checks.integer("chains", chains, low=2, high=1 << 16)
    max_steps = _checks.integer("max_steps", max_steps, low=ROUND_STEPS)
    min_transitions = _checks.integer("min_transitions", min_transitions, low=1)
    state = sgd.init(landscape, seed, chains=chains, x0=x0)
    observer = BasinObserver(landscape, chains, cells=cells, regions=regions)
    burn_in = 0
    while True:  # burn-in: until BURN_IN_RELAXATIONS relaxation times estimated from this phase have passed
        _step_or_refuse(sgd, state, observer, eta)
        burn_in += ROUND_STEPS
        relaxation = _relaxation(observer)
        if relaxation is not None and burn_in >= BURN_IN_RELAXATIONS * relaxation:
            break
        if burn_in > max_steps // 2:
            raise ValidationError("eta", _unmixed(eta, observer, burn_in, "burn-in"))
    observer.reset()
    steps = 0
    while steps + burn_in < max_steps:
        _step_or_refuse(sgd, state, observer, eta)
        steps += ROUND_STEPS
        t = observer.transitions.sum(0)
        if min(t.sum(0).min(), t.sum(1).min()) >= min_transitions:
            counted = observer.occupancy.copy() if regions is not None else None
            return Occupation(eta, burn_in, steps, observer.basin_occupancy(), t, counted)
    raise ValidationError("eta", _unmixed(eta, observer, steps, "measurement"))


def _step_or_refuse(sgd: ConstantStepSGD, state, observer: BasinObserver, eta: float) -> None:
    """One round of ``ROUND_STEPS`` steps; ValidationError if a chain diverged (its counts would be wrong)."""
    _, info = sgd.step(state, ROUND_STEPS, observer)
    if info.diverged:
        raise ValidationError("eta", f"{info.diverged} of {state.chains} chains diverged at eta = {eta:g}: the step "
                                     "is too large where they went (eta f'' > 2)")  # fmt: skip


def _relaxation(observer: BasinObserver) -> float | None:
    """The relaxation time of the basin occupations, in steps per chain: 1 / (k_01 + k_10) for two basins, the
    slowest exit time for more; None until every basin was entered and left at least ten times."""
    t = observer.transitions.sum(0)
    occupancy = observer.basin_occupancy().sum(0)
    if min(t.sum(0).min(), t.sum(1).min()) < 10 or np.any(occupancy == 0):
        return None
    exits = t.sum(1) / occupancy  # rate of leaving each basin, per step (of one chain)
    return float(1.0 / exits.sum()) if len(exits) == 2 else float(1.0 / exits.min())


def _unmixed(eta: float, observer: BasinObserver, steps: int, phase: str) -> str:
    t = observer.transitions.sum(0)
    return (f"at eta = {eta:g} the chains did not mix within the step budget ({phase}: {steps} steps per chain, "
            f"{int(t.sum())} basin transitions, fewest into or out of a basin "
            f"{int(min(t.sum(0).min(), t.sum(1).min()))}): raise eta or max_steps")  # fmt: skip


@dataclass
class LongRun:
    """Occupations at several step sizes beside the grid chain's exact log ratios (at ``cells`` and half as
    many cells, and the mass per step the grid chain lost at the box's edges) and the predicted slopes;
    ``left`` and ``right`` are the positions of the two minima in ``landscape.minima``, ordered by x."""

    landscape: Landscape
    noise: NoiseLaw
    left: int
    right: int
    rows: list[Occupation]
    exact_log_ratios: list[float]
    exact_coarse_log_ratios: list[float]
    exact_escapes: list[float]
    measured: SlopeFit
    exact: SlopeFit
    predicted_slope: float
    diffusion_slope: float
    seed: int
    claims: ClaimsTable | None = None

    def to_dict(self) -> dict:
        sides = {"left": self.left, "right": self.right}
        l, r = self.left, self.right
        predicted = self.predicted_slope if math.isfinite(self.predicted_slope) else None
        diffusion = self.diffusion_slope if math.isfinite(self.diffusion_slope) else None
        return {
            "landscape": self.landscape.instance_id,
            "landscape_params": self.landscape.params,
            "noise": self.noise.spec,
            "seed": self.seed,
            "basins": [{"name": n} | self.landscape.minima[k].to_dict() for n, k in sides.items()],
            "rows": [{"eta": row.eta, "occupation": {n: float(row.fractions[k]) for n, k in sides.items()},
                      "log_ratio": row.log_ratio(l, r), "log_ratio_error": row.log_ratio_error(l, r),
                      "renewal_error": row.renewal_error(l, r),
                      "exact_log_ratio": e, "exact_log_ratio_half_cells": ec, "exact_escape": x,
                      "transitions": {"left_to_right": int(row.transitions[l, r]),
                                      "right_to_left": int(row.transitions[r, l])},
                      "chains": row.chains, "burn_in_steps": row.burn_in, "steps": row.steps}
                     for row, e, ec, x in zip(self.rows, self.exact_log_ratios, self.exact_coarse_log_ratios,
                                              self.exact_escapes, strict=True)],
            "fit": self.measured.terms,
            "slope": self.measured.slope,
            "slope_low": self.measured.low,
            "slope_high": self.measured.high,
            "predicted_slope": predicted,
            "diffusion_slope": diffusion,
            "exact_slope": self.exact.slope,
        } | ({} if self.claims is None else {"claims": self.claims.to_dict()})  # fmt: skip


def grid_log_ratio(landscape: Landscape, noise: NoiseLaw, eta: float, cells: int, left: int,
                   right: int) -> tuple[float, float, GridLaw]:  # fmt: skip
    """The exact grid chain's log(mu_left / mu_right) (basins ``left`` and ``right`` of ``landscape.minima``),
    the mass per step it lost at the box's edges, and the law; ValidationError when a basin holds no mass."""
    law = grid_law(landscape, noise, eta, cells)
    masses = law.basin_masses()
    if min(masses[left], masses[right]) <= 0.0:
        raise ValidationError("noise", f"at eta = {eta:g} the exact grid chain ({cells} cells) leaves a basin "
                                       "empty: the noise cannot climb out of the other one")  # fmt: skip
    return float(np.log(masses[left] / masses[right])), law.escape, law


def longrun(landscape: Landscape | str, noise: NoiseLaw | str, etas, *, chains: int = 256, seed: int = 0,
            max_steps: int = 10_000_000, cells: int = DEFAULT_CELLS, model: str = "step-bias",
            min_transitions: int = MIN_TRANSITIONS, progress: bool = False,
            claims: float | None = None) -> LongRun:  # fmt: skip
    """Measure, solve and predict log(mu_left / mu_right) against 1 / eta on a 1-D landscape with two minima
    (``seed + k`` seeds the k-th step size's chains, the step sizes sorted).  With ``claims`` (a window
    half-width) the same chains also count the windows of :mod:`~.claims` and the result has its table."""
    landscape = make_landscape(landscape) if isinstance(landscape, str) else landscape
    noise = make_noise(noise)
    if not isinstance(landscape, Landscape) or landscape.n != 1 or len(landscape.minima) != 2:
        raise ValidationError("landscape", "the long-run slope is defined for 1-D landscapes with two minima")
    law = noise.on(landscape)  # a mini-batch law is checked against the examples before any chain runs
    if law.kind == "minibatch":
        law.check_enumerable()  # the grid chain enumerates its batches
    etas = sorted({_checks.real("eta", e, low=0.0, low_open=True) for e in etas})
    if len(etas) < 2:
        raise ValidationError("eta", "give at least two distinct step sizes")
    seed = _checks.integer("seed", seed, low=0)
    model = _checks.choice("model", model, tuple(FIT_MODELS))
    cells = _checks.integer("cells", cells, low=32, high=MAX_GTH_STATES)  # the coarse check uses cells // 2
    minima = landscape.minima  # ordered by value: the basins' numbering in the counters and the grid law
    left, right = sorted(range(2), key=lambda k: minima[k].x[0])
    found, regions, region_probe = None, None, None
    if claims is not None:
        from .claims import probe_regions, probes

        found = probes(landscape, noise, claims, etas[0])
        regions, region_probe = probe_regions(landscape, found, cells)
    rows, exact, coarse, escapes, laws = [], [], [], [], []
    from tqdm import tqdm

    bar = tqdm(total=len(etas), unit="eta", desc="longrun", file=sys.stderr, disable=not progress)
    for k, eta in enumerate(etas):
        rows.append(measure_occupation(landscape, noise, eta, chains=chains, seed=seed + k, max_steps=max_steps,
                                       min_transitions=min_transitions, cells=cells, regions=regions))  # fmt: skip
        ratio, escape, law = grid_log_ratio(landscape, noise, eta, cells, left, right)
        laws.append(law)
        exact.append(ratio)
        escapes.append(escape)
        coarse.append(grid_log_ratio(landscape, noise, eta, cells // 2, left, right)[0])
        bar.update()
    bar.close()
    ratios = [r.log_ratio(left, right) for r in rows]
    measured = fit_slope(etas, ratios, [r.log_ratio_error(left, right) for r in rows], model)
    ends = float(minima[left].x[0]), float(minima[right].x[0])
    table = None
    if claims is not None:
        from .claims import claims_table

        table = claims_table(found, region_probe, rows, laws, regions, claims)
    return LongRun(landscape, noise, left, right, rows, exact, coarse, escapes, measured,
                   fit_slope(etas, exact, model=model),
                   quasi_potential_slope(landscape, noise, *ends), diffusion_slope(landscape, noise, *ends),
                   seed, table)  # fmt: skip
