"""Scoring metrics with intervals: success probability, time to solution, expected running time, ECDFs and a
bootstrap over instances and seeds.

Conventions.  Cost is counted in sweeps (seconds work the same way: pass costs in seconds).  A run *hits* a
target at the first sweep at which its best energy so far reaches the target; ``inf`` means it never did
within its budget.  A run of budget ``t`` succeeds when it hits by ``t``.

- Success probability: k successes out of r runs, with the Jeffreys interval, the quantiles of
  Beta(k + 1/2, r - k + 1/2), closed at 0 when k = 0 and at 1 when k = r (Brown, Cai & DasGupta, Stat. Sci.
  16, 101 (2001); used per instance by Aramon et al., Front. Phys. 7, 48 (2019), arXiv:1806.08815).
- Time to solution at 99%: TTS99(t) = t * R99 with R99 = ln(0.01) / ln(1 - p(t)) floored at 1 (so p >= 0.99
  gives TTS = t, never 0); p = 0 is *censored*: no number is reported (Ronnow et al., Science 345, 420 (2014),
  arXiv:1401.2910).  Minimised over the budgets tried, flagged when the best budget is at an edge.
- Expected running time (COCO; Hansen et al., arXiv:1605.03560): cost spent in all runs (up to the hit, or
  the whole budget) divided by the number of runs that hit; None when none did.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .. import _checks
from ..errors import ValidationError

LEVEL = 0.95  # default confidence level of every interval
TARGET = 0.99  # default success probability of the time to solution


@dataclass(frozen=True)
class Interval:
    """A point estimate and a two-sided interval at confidence ``level``."""

    value: float
    low: float
    high: float
    level: float


@dataclass(frozen=True)
class TimeToSolution:
    """Cost to reach the target with probability ``target`` by independent restarts of budget ``budget``.

    ``value`` is None when no run succeeded (censored); ``high`` is None when the lower end of the interval on
    p is 0 (the interval is open above).  ``low`` and ``high`` come from the Jeffreys interval on p (TTS
    decreases with p).
    """

    value: float | None
    low: float | None
    high: float | None
    budget: float
    successes: int
    runs: int
    target: float

    @property
    def censored(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class OptimalTimeToSolution:
    """The smallest time to solution over the budgets tried, and whether it lies at an edge of that range
    (the true optimum may then lie outside it: a wider range of budgets is needed)."""

    best: TimeToSolution
    at_edge: bool
    per_budget: tuple[TimeToSolution, ...]


def _level(level) -> float:
    return _checks.real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)


def _counts(successes, runs) -> tuple[int, int]:
    runs = _checks.integer("runs", runs, low=1)
    successes = _checks.integer("successes", successes, low=0, high=runs)
    return successes, runs


def jeffreys_interval(successes: int, runs: int, level: float = LEVEL) -> Interval:
    """Success probability ``successes / runs`` with its Jeffreys interval (see the module notes)."""
    k, r = _counts(successes, runs)
    alpha = 1.0 - _level(level)
    posterior = stats.beta(k + 0.5, r - k + 0.5)
    low = 0.0 if k == 0 else float(posterior.ppf(alpha / 2))
    high = 1.0 if k == r else float(posterior.ppf(1 - alpha / 2))
    return Interval(k / r, low, high, level)


def repetitions(p: float, target: float = TARGET) -> float:
    """Restarts needed to succeed with probability ``target`` when one run succeeds with probability ``p``:
    ln(1 - target) / ln(1 - p), floored at 1; ``inf`` for p = 0."""
    p = _checks.real("p", p, low=0.0, high=1.0)
    target = _checks.real("target", target, low=0.0, high=1.0, low_open=True, high_open=True)
    if p >= target:
        return 1.0
    if p == 0.0:
        return math.inf
    return max(1.0, math.log1p(-target) / math.log1p(-p))


def time_to_solution(
    budget: float, successes: int, runs: int, target: float = TARGET, level: float = LEVEL
) -> TimeToSolution:
    """TTS at ``budget`` (sweeps or seconds per run) from ``successes`` out of ``runs`` (see the module notes)."""
    budget = _checks.real("budget", budget, low=0.0, low_open=True)
    p = jeffreys_interval(successes, runs, level)

    def cost(prob: float) -> float | None:
        r = repetitions(prob, target)
        return None if math.isinf(r) else budget * r

    return TimeToSolution(cost(p.value), cost(p.high), cost(p.low), budget, int(successes), int(runs), target)


def successes_by_budget(hit_costs, budgets) -> np.ndarray:
    """Runs that hit by each budget, ``#(hit <= budget)``: valid when a run of a smaller budget is the prefix
    of a longer one (fixed-temperature rules; not an annealing schedule stretched over its budget)."""
    hits = _costs("hit_costs", hit_costs)
    grid = _costs("budgets", budgets, finite=True)
    return np.searchsorted(np.sort(hits), grid, side="right")


def optimal_time_to_solution(
    budgets, successes, runs: int, target: float = TARGET, level: float = LEVEL
) -> OptimalTimeToSolution:
    """The smallest TTS over ``budgets`` (increasing), from ``successes[k]`` out of ``runs`` at ``budgets[k]``.

    Censored budgets never win over a finite one; when all are censored the largest budget is reported.
    """
    grid = _costs("budgets", budgets, finite=True)
    if grid.size == 0 or np.any(grid <= 0) or np.any(np.diff(grid) <= 0):
        raise ValidationError("budgets", "must be a non-empty, strictly increasing sequence of positive costs")
    wins = _checks.array("successes", successes, ndim=1, kind="i", shape=(grid.size,))
    per_budget = tuple(time_to_solution(float(t), int(k), runs, target, level) for t, k in zip(grid, wins))
    finite = [i for i, tts in enumerate(per_budget) if not tts.censored]
    best = min(finite, key=lambda i: per_budget[i].value) if finite else grid.size - 1
    return OptimalTimeToSolution(per_budget[best], best in (0, grid.size - 1), per_budget)


def expected_running_time(hit_costs, spent_costs) -> float | None:
    """COCO's ERT: (sum over runs of the cost to the hit, or the cost spent when the run missed) / hits."""
    hits = _costs("hit_costs", hit_costs)
    spent = _costs("spent_costs", spent_costs, finite=True)
    if spent.shape != hits.shape:
        raise ValidationError("spent_costs", f"must have one entry per run ({hits.size}), got {spent.size}")
    hit = np.isfinite(hits)
    if np.any(hits[hit] > spent[hit]):
        raise ValidationError("hit_costs", "a run cannot hit after the cost it spent")
    return float(np.where(hit, hits, spent).sum() / hit.sum()) if hit.any() else None


def ecdf(hit_costs, grid) -> np.ndarray:
    """Fraction of (run or instance, target) pairs hit by each cost of ``grid``; pairs never hit (``inf``) stay
    in the denominator, as in COCO's runtime distributions."""
    hits = _costs("hit_costs", hit_costs)
    if hits.size == 0:
        raise ValidationError("hit_costs", "needs at least one pair")
    return successes_by_budget(hits, grid) / hits.size


def hierarchical_bootstrap(
    groups: Sequence,
    statistic: Callable[[list[np.ndarray]], float],
    resamples: int = 2000,
    level: float = LEVEL,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap of ``statistic(groups)`` over instances, then seeds: each resample draws instances
    with replacement and, within each drawn instance, its values (one per seed) with replacement.

    ``groups`` holds one 1-D array per instance; ``statistic`` maps a list of such arrays to a number (e.g.
    the median over instances of each instance's mean).  Deterministic for a given ``seed``.
    """
    arrays = [_checks.array(f"groups[{g}]", a, ndim=1, kind="f").astype(np.float64) for g, a in enumerate(groups)]
    if not arrays or any(a.size == 0 for a in arrays):
        raise ValidationError("groups", "needs at least one instance, each with at least one value")
    resamples = _checks.integer("resamples", resamples, low=100, high=1_000_000)
    alpha = 1.0 - _level(level)
    rng = np.random.default_rng(_checks.integer("seed", seed, low=0))
    value = float(statistic(arrays))
    draws = np.empty(resamples)
    for b in range(resamples):
        picked = rng.integers(len(arrays), size=len(arrays))
        draws[b] = statistic([arrays[g][rng.integers(arrays[g].size, size=arrays[g].size)] for g in picked])
    # the order statistics themselves (no interpolation: conservative, and exact when draws are infinite)
    low = np.quantile(draws, alpha / 2, method="lower")
    high = np.quantile(draws, 1 - alpha / 2, method="higher")
    return Interval(value, float(low), float(high), level)


def _costs(field: str, values, finite: bool = False) -> np.ndarray:
    """A 1-D array of costs >= 0 (``inf`` allowed unless ``finite``: a run that never hit)."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(field, "must be a 1-D sequence of numbers") from None
    if arr.ndim != 1:
        raise ValidationError(field, f"must be 1-dimensional, got shape {arr.shape}")
    if np.any(np.isnan(arr)) or np.any(arr < 0) or (finite and not np.all(np.isfinite(arr))):
        raise ValidationError(field, "must hold costs >= 0" + (" (finite)" if finite else " (inf: never hit)"))
    return arr
