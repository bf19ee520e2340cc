"""Checks of continuous samplers against Gibbs, exp(-f / T), on a 1-D landscape: the law by quadrature.

:func:`stays_at_gibbs` starts ``chains`` chains at exact Gibbs draws (inverse CDF of the density on a fine grid
of the box), advances them ``steps`` steps, and bins the final positions (one per chain, so the draws are
independent) into ``bins`` bins of equal Gibbs probability.  Pearson's chi-square against the bins' exact
probabilities fails above its 1 - ``alpha`` quantile: the false-alarm rate is ``alpha`` (up to the chi-square
approximation, accurate with at least ``MIN_PER_BIN`` draws per bin).  The check states its power: the smallest
chi-square distance D = sum_b (q_b - p_b)^2 / p_b between the sampler's binned law q and Gibbs that it detects
with probability ``power`` (noncentral chi-square with noncentrality N D), and, given the law of a suspected bug
(:func:`binned`), the probability of detecting that one.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.optimize import brentq

from .. import _checks
from ..errors import ValidationError
from ..problems.landscapes import Landscape
from .checks import CheckResult

NODES = 20_001  # quadrature nodes over the box
MIN_PER_BIN = 20


class GibbsLaw:
    """exp(-f / T) on a 1-D landscape's box, by the trapezoid rule on ``NODES`` nodes."""

    def __init__(self, landscape: Landscape, temperature: float):
        if not isinstance(landscape, Landscape) or landscape.n != 1:
            raise ValidationError("landscape", "the quadrature check is built for 1-D landscapes")
        self.temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
        lo, hi = landscape.box[0]
        self.nodes = np.linspace(lo, hi, NODES)
        f = landscape.values(self.nodes[:, None])
        density = np.exp(-(f - f.min()) / self.temperature)
        cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(self.nodes))])
        self.cdf = cdf / cdf[-1]

    def sample(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` draws by inverse CDF (linear between nodes)."""
        return np.interp(rng.uniform(size=count), self.cdf, self.nodes)

    def edges(self, bins: int) -> np.ndarray:
        """Inner edges of ``bins`` bins of equal probability."""
        return np.interp(np.arange(1, bins) / bins, self.cdf, self.nodes)


def binned(law_x: np.ndarray, law_p: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """A discrete law (points ``law_x`` with masses ``law_p``, e.g. a grid chain's) summed into the bins."""
    return np.bincount(np.searchsorted(edges, law_x), weights=law_p, minlength=edges.size + 1)


def detectable_distance(chains: int, bins: int, alpha: float, power: float) -> float:
    """Smallest chi-square distance D detected with probability ``power`` by ``chains`` draws in ``bins`` bins."""
    threshold = stats.chi2.isf(alpha, bins - 1)
    lam = brentq(lambda x: stats.ncx2.sf(threshold, bins - 1, x) - power, 1e-9, 1e7)
    return lam / chains


def detection_probability(q: np.ndarray, chains: int, alpha: float) -> float:
    """Probability that the check fails a sampler whose binned law is ``q`` (equal-probability bins)."""
    bins = q.size
    distance = float(((q - 1.0 / bins) ** 2 * bins).sum())
    return float(stats.ncx2.sf(stats.chi2.isf(alpha, bins - 1), bins - 1, chains * distance))


def stays_at_gibbs(dynamics, landscape: Landscape, temperature: float, *, chains: int = 16_384, steps: int = 200,
                   bins: int = 32, alpha: float = 1e-3, power: float = 0.99, seed: int = 0) -> CheckResult:  # fmt: skip
    """Start at Gibbs, take ``steps`` steps of ``dynamics`` (init / step over chains), check the law did not move."""
    law = GibbsLaw(landscape, temperature)
    chains = _checks.integer("chains", chains, low=2, high=1 << 22)
    steps = _checks.integer("steps", steps, low=1)
    bins = _checks.integer("bins", bins, low=2, high=10_000)
    alpha = _checks.real("alpha", alpha, low=0.0, high=0.5, low_open=True)
    power = _checks.real("power", power, low=0.0, high=1.0, low_open=True, high_open=True)
    if chains < MIN_PER_BIN * bins:
        raise ValidationError("chains", f"{chains} draws in {bins} bins: need at least {MIN_PER_BIN * bins} "
                                        f"({MIN_PER_BIN} per bin) for the chi-square to hold its false-alarm rate")  # fmt: skip
    starts = law.sample(chains, np.random.default_rng(np.random.SeedSequence([seed, 1])))
    state = dynamics.init(landscape, seed, chains=chains, x0=starts[:, None])
    dynamics.step(state, steps)
    counts = np.bincount(np.searchsorted(law.edges(bins), state.x[:, 0]), minlength=bins)
    expected = chains / bins
    statistic = float(((counts - expected) ** 2 / expected).sum())
    threshold = float(stats.chi2.isf(alpha, bins - 1))
    floor = detectable_distance(chains, bins, alpha, power)
    return CheckResult(
        "stays_at_gibbs",
        statistic <= threshold,
        statistic,
        threshold,
        f"{chains} chains from exact Gibbs draws at T = {temperature:g}, {steps} steps, {bins} bins of equal "
        f"probability: chi-square {statistic:.1f} against {threshold:.1f} (false-alarm rate {alpha:g}); detects a "
        f"chi-square distance of {floor:.2g} with probability {power:g}",
    )
