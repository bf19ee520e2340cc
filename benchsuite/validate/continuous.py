"""Checks of continuous samplers against Gibbs, exp(-f / T), on a 1-D or 2-D landscape: the law by quadrature.

:func:`stays_at_gibbs` starts ``chains`` chains at exact draws of the quadrature law, advances them ``steps``
steps, and tests the final positions (one per chain, so the draws are independent) twice, each at false-alarm
rate ``alpha / 2`` (so the check's is at most ``alpha``):

- an omnibus test, Pearson's chi-square over ``bins`` bins of equal Gibbs probability (1-D: intervals of x;
  2-D: intervals of f within each basin, each basin given bins in proportion to its mass), accurate with at
  least ``MIN_PER_BIN`` draws per bin;
- a directed test, the mean energy of the draws against its Gibbs value, z = (mean f - E f) / (sd f / sqrt N).
  A wrong temperature moves the mean energy first (f is the score of T), so this test sees a temperature error
  that the 31 degrees of freedom of the chi-square dilute.

The check states its power: the smallest chi-square distance D = sum_b (q_b - p_b)^2 / p_b between the
sampler's binned law q and Gibbs it detects with probability ``power`` (noncentral chi-square, noncentrality N D),
and the smallest shift of the mean energy, in units of sd f, it detects with that probability.  Given the law of
a suspected bug, :func:`detection_probability` and :func:`energy_detection_probability` give the probability of
detecting that one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.optimize import brentq

from .. import _checks
from ..errors import ValidationError
from ..problems.critical import basin_labels, cell_centres
from ..problems.landscapes import Landscape
from .checks import CheckResult

NODES = 20_001  # quadrature nodes over a 1-D box
CELLS_2D = 1024  # quadrature cells per axis of a 2-D box
BASIN_CELLS_2D = 256  # cells per axis of the basin map (as the basin counters)
MIN_PER_BIN = 20
MAX_OUTSIDE_MASS = 3e-4  # Gibbs mass beyond the box (estimated) above which the check refuses


def _tails(density: np.ndarray, outward_slope: np.ndarray, temperature: float) -> float:
    """Mass beyond a boundary whose points have Gibbs ``density`` (normalised) and f rising outward at
    ``outward_slope``: sum of density T / slope (an exponential tail); inf where f does not rise outward."""
    density, slope = np.asarray(density), np.asarray(outward_slope)
    if np.any((slope <= 0) & (density > 0)):
        return float("inf")
    return float(np.sum(np.where(density > 0, density * temperature / np.where(slope > 0, slope, 1.0), 0.0)))


@dataclass(frozen=True)
class Binning:
    """Bins of the box: ``p`` their Gibbs probabilities, ``index(points)`` the bin of each point (N, d)."""

    p: np.ndarray
    index: object


class GibbsLaw:
    """exp(-f / T) on a landscape's box by quadrature: in 1-D on ``NODES`` nodes (trapezoid rule, the CDF linear
    between nodes), in 2-D on ``CELLS_2D`` x ``CELLS_2D`` cells (midpoint rule, uniform within a cell).
    ``mean_energy`` and ``energy_sd`` are E f and the standard deviation of f under it.  A temperature whose law
    the box truncates (more than ``MAX_OUTSIDE_MASS`` beyond it, from exponential tails at the edges) is
    refused."""

    def __init__(self, landscape: Landscape, temperature: float):
        if not isinstance(landscape, Landscape) or landscape.n not in (1, 2):
            raise ValidationError("landscape", "the quadrature check is built for 1-D and 2-D landscapes")
        self.landscape = landscape
        self.temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
        if landscape.n == 1:
            lo, hi = landscape.box[0]
            self.nodes = np.linspace(lo, hi, NODES)
            f = landscape.values(self.nodes[:, None])
            density = np.exp(-(f - f.min()) / self.temperature)
            cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(self.nodes))])
            self.cdf = cdf / cdf[-1]
            weights = density * np.gradient(self.nodes)  # trapezoid weights
            weights[[0, -1]] /= 2
            outward = np.array([-1.0, 1.0]) * np.gradient(f, self.nodes)[[0, -1]]  # f's slope out of the box
            outside = _tails(density[[0, -1]] / weights.sum(), outward, self.temperature)
        else:
            self.centres = cell_centres(landscape.box, CELLS_2D)
            f = landscape.values(self.centres)
            weights = np.exp(-(f - f.min()) / self.temperature)
            self.cdf = np.cumsum(weights) / weights.sum()
            width = (landscape.box[:, 1] - landscape.box[:, 0]) / CELLS_2D
            grid, fg = weights.reshape(CELLS_2D, CELLS_2D) / (weights.sum() * width.prod()), f.reshape(CELLS_2D, -1)
            gx, gy = np.gradient(fg, width[0], width[1])
            outside = sum(width[1 - axis] * _tails(g_side[0], sign * g_side[1], self.temperature)
                          for axis, g in ((0, gx), (1, gy)) for sign, k in ((-1.0, 0), (1.0, -1))
                          for g_side in [(np.take(grid, k, axis), np.take(g, k, axis))])  # fmt: skip
        if outside > MAX_OUTSIDE_MASS:
            raise ValidationError("temperature", f"at T = {self.temperature:g} about {outside:.2g} of the Gibbs mass "
                                                 "lies beyond the box: the check's law would be truncated, so a "
                                                 "correct sampler would fail it (take a lower T)")  # fmt: skip
        self.f, self.weights = f, weights / weights.sum()
        self.mean_energy = float(self.weights @ f)
        self.energy_sd = float(np.sqrt(self.weights @ (f - self.mean_energy) ** 2))

    def sample(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` draws, shape (count, d): by inverse CDF in 1-D, a cell and a uniform point in it in 2-D."""
        if self.landscape.n == 1:
            return np.interp(rng.uniform(size=count), self.cdf, self.nodes)[:, None]
        cell = np.minimum(np.searchsorted(self.cdf, rng.uniform(size=count), side="right"), self.cdf.size - 1)
        width = (self.landscape.box[:, 1] - self.landscape.box[:, 0]) / CELLS_2D
        return self.centres[cell] + (rng.uniform(size=(count, 2)) - 0.5) * width

    def edges(self, bins: int) -> np.ndarray:
        """Inner edges of ``bins`` intervals of x of equal probability (1-D)."""
        return np.interp(np.arange(1, bins) / bins, self.cdf, self.nodes)

    def binning(self, bins: int) -> Binning:
        """``bins`` bins of (about) equal probability: intervals of x in 1-D; in 2-D, intervals of f within each
        basin, a basin of mass m getting round(bins m) of them (at least one)."""
        if self.landscape.n == 1:
            edges = self.edges(bins)
            return Binning(np.full(bins, 1.0 / bins), lambda points: np.searchsorted(edges, points[:, 0]))
        ls = self.landscape
        labels = basin_labels(ls, BASIN_CELLS_2D).ravel()
        inv_width = BASIN_CELLS_2D / (ls.box[:, 1] - ls.box[:, 0])

        def basin(points):
            j = np.clip(((points - ls.box[:, 0]) * inv_width).astype(np.int64), 0, BASIN_CELLS_2D - 1)
            return labels[j[:, 0] * BASIN_CELLS_2D + j[:, 1]]

        own = basin(self.centres)
        masses = np.bincount(own, weights=self.weights, minlength=len(ls.minima))
        counts = np.maximum(np.rint(bins * masses).astype(np.int64), 1)
        edges, first = [], np.concatenate([[0], np.cumsum(counts)])
        p = np.zeros(int(counts.sum()))
        for k, count in enumerate(counts):
            inside = own == k
            order = np.argsort(self.f[inside])
            cumulative = np.cumsum(self.weights[inside][order])
            cut = np.interp(np.arange(1, count) / count * cumulative[-1], cumulative, self.f[inside][order])
            edges.append(cut)
            p[first[k] : first[k + 1]] = np.bincount(np.searchsorted(cut, self.f[inside]),
                                                     weights=self.weights[inside], minlength=count)  # fmt: skip

        def index(points):
            b = basin(points)
            f = ls.values(points)
            return first[b] + np.array([np.searchsorted(edges[k], v) for k, v in zip(b, f, strict=True)])

        return Binning(p, index)


def binned(law_x: np.ndarray, law_p: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """A discrete 1-D law (points ``law_x`` with masses ``law_p``, e.g. a grid chain's) summed into the bins."""
    return np.bincount(np.searchsorted(edges, law_x), weights=law_p, minlength=edges.size + 1)


def detectable_distance(chains: int, bins: int, alpha: float, power: float) -> float:
    """Smallest chi-square distance D detected with probability ``power`` by ``chains`` draws in ``bins`` bins."""
    threshold = stats.chi2.isf(alpha, bins - 1)
    lam = brentq(lambda x: stats.ncx2.sf(threshold, bins - 1, x) - power, 1e-9, 1e7)
    return lam / chains


def detection_probability(q: np.ndarray, chains: int, alpha: float, p: np.ndarray | None = None) -> float:
    """Probability that a chi-square at false-alarm rate ``alpha`` fails a sampler whose binned law is ``q``
    (the bins' Gibbs probabilities ``p``, equal by default)."""
    bins = q.size
    p = np.full(bins, 1.0 / bins) if p is None else p
    distance = float(((q - p) ** 2 / p).sum())
    return float(stats.ncx2.sf(stats.chi2.isf(alpha, bins - 1), bins - 1, chains * distance))


def energy_detection_probability(shift: float, sd: float, chains: int, alpha: float) -> float:
    """Probability that the two-sided mean-energy test at false-alarm rate ``alpha`` fails a sampler whose mean
    energy is ``shift`` away from Gibbs (``sd``: the standard deviation of f, taken as Gibbs')."""
    z = stats.norm.isf(alpha / 2)
    delta = shift * np.sqrt(chains) / sd
    return float(stats.norm.sf(z - delta) + stats.norm.cdf(-z - delta))


def stays_at_gibbs(dynamics, landscape: Landscape, temperature: float, *, chains: int = 16_384, steps: int = 200,
                   bins: int = 32, alpha: float = 1e-3, power: float = 0.99, seed: int = 0) -> CheckResult:  # fmt: skip
    """Start at Gibbs, take ``steps`` steps of ``dynamics`` (init / step over chains), check the law did not
    move.  The result's ``statistic`` is the smaller of the two tests' p-values times 2 (Bonferroni); the check
    passes when it exceeds ``threshold`` = ``alpha``."""
    law = GibbsLaw(landscape, temperature)
    chains = _checks.integer("chains", chains, low=2, high=1 << 22)
    steps = _checks.integer("steps", steps, low=1)
    bins = _checks.integer("bins", bins, low=2, high=10_000)
    alpha = _checks.real("alpha", alpha, low=0.0, high=0.5, low_open=True)
    power = _checks.real("power", power, low=0.0, high=1.0, low_open=True, high_open=True)
    if chains < MIN_PER_BIN * bins:
        raise ValidationError("chains", f"{chains} draws in {bins} bins: need at least {MIN_PER_BIN * bins} "
                                        f"({MIN_PER_BIN} per bin) for the chi-square to hold its false-alarm rate")  # fmt: skip
    binning = law.binning(bins)
    starts = law.sample(chains, np.random.default_rng(np.random.SeedSequence([seed, 1])))
    state = dynamics.init(landscape, seed, chains=chains, x0=starts)
    dynamics.step(state, steps)
    ends = state.x
    if not np.all(np.isfinite(ends)):
        return CheckResult("stays_at_gibbs", False, 0.0, alpha, f"{int((~np.isfinite(ends).all(1)).sum())} of "
                           f"{chains} chains diverged (non-finite positions) within {steps} steps")  # fmt: skip
    expected = chains * binning.p
    counts = np.bincount(binning.index(ends), minlength=binning.p.size)
    chi_square = float(((counts - expected) ** 2 / expected).sum())
    dof = binning.p.size - 1
    z = (float(landscape.values(ends).mean()) - law.mean_energy) / (law.energy_sd / np.sqrt(chains))
    p_values = float(stats.chi2.sf(chi_square, dof)), float(2 * stats.norm.sf(abs(z)))
    adjusted = min(1.0, 2 * min(p_values))
    floor = detectable_distance(chains, dof + 1, alpha / 2, power)
    shift = (stats.norm.isf(alpha / 4) + stats.norm.isf(1 - power)) / np.sqrt(chains)
    return CheckResult(
        "stays_at_gibbs",
        adjusted > alpha,
        adjusted,
        alpha,
        f"{chains} chains from exact Gibbs draws at T = {temperature:g}, {steps} steps: chi-square {chi_square:.1f} "
        f"over {dof + 1} bins of equal probability (p = {p_values[0]:.2g}), mean energy z = {z:.2f} "
        f"(p = {p_values[1]:.2g}); each test at false-alarm rate {alpha / 2:g}; detects with probability "
        f"{power:g} a chi-square distance of {floor:.2g} or a mean-energy shift of {shift:.2g} sd",
    )
