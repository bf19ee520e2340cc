"""Scoring metrics: definitions checked on cases worked by hand, limits, and the errors at the door."""

import math

import numpy as np
import pytest
from scipy import stats

from benchsuite.errors import ValidationError
from benchsuite.score.metrics import (
    ecdf,
    expected_running_time,
    hierarchical_bootstrap,
    jeffreys_interval,
    optimal_time_to_solution,
    repetitions,
    successes_by_budget,
    time_to_solution,
)


def test_jeffreys_interval_is_the_beta_posterior_quantiles():
    p = jeffreys_interval(7, 20)
    assert p.value == 7 / 20
    assert p.low == pytest.approx(stats.beta.ppf(0.025, 7.5, 13.5), rel=1e-12)
    assert p.high == pytest.approx(stats.beta.ppf(0.975, 7.5, 13.5), rel=1e-12)


def test_jeffreys_interval_is_closed_at_the_ends():
    none, every = jeffreys_interval(0, 10), jeffreys_interval(10, 10)
    assert none.low == 0.0 and 0 < none.high < 0.25
    assert every.high == 1.0 and 0.75 < every.low < 1


def test_jeffreys_interval_approaches_the_normal_one_for_many_runs():
    # k = r/2 with r = 10^4: the Beta quantiles differ from p +- 1.96 sqrt(p(1-p)/r) by O(1/r) = 1e-4
    p = jeffreys_interval(5000, 10_000)
    half = stats.norm.ppf(0.975) * math.sqrt(0.25 / 10_000)
    assert p.low == pytest.approx(0.5 - half, abs=1e-4)
    assert p.high == pytest.approx(0.5 + half, abs=1e-4)


def test_repetitions_are_floored_at_one_and_infinite_without_success():
    assert repetitions(1.0) == 1.0  # not 0: the run itself must be paid for
    assert repetitions(0.995) == 1.0
    assert repetitions(0.5) == pytest.approx(math.log(0.01) / math.log(0.5))
    assert math.isinf(repetitions(0.0))


def test_time_to_solution_worked_example():
    tts = time_to_solution(100, 10, 20)  # p = 0.5: 100 ln(0.01) / ln(0.5) = 664.39 sweeps
    assert tts.value == pytest.approx(664.3856, rel=1e-6)
    p = jeffreys_interval(10, 20)
    assert tts.low == pytest.approx(100 * math.log(0.01) / math.log(1 - p.high))
    assert tts.high == pytest.approx(100 * math.log(0.01) / math.log(1 - p.low))
    assert tts.low < tts.value < tts.high


def test_time_to_solution_at_certain_success_is_the_budget():
    tts = time_to_solution(50, 20, 20)
    assert tts.value == 50 and tts.low == 50 and tts.high > 50


def test_time_to_solution_without_success_is_censored():
    tts = time_to_solution(50, 0, 20)
    assert tts.censored and tts.value is None and tts.high is None
    assert tts.low > 50  # the interval still says something: at least this much


def test_optimal_budget_inside_the_range_and_at_its_edge():
    budgets = [10, 100, 1000]
    # p = 0.05, 0.9, 0.95: TTS = 898, 200, 1537 -> the middle budget wins
    best = optimal_time_to_solution(budgets, [1, 18, 19], 20)
    assert best.best.budget == 100 and not best.at_edge
    # p rises steeply with the budget: the largest wins, flagged as an edge
    edge = optimal_time_to_solution(budgets, [0, 1, 20], 20)
    assert edge.best.budget == 1000 and edge.at_edge
    censored = optimal_time_to_solution(budgets, [0, 0, 0], 20)
    assert censored.best.censored and censored.best.budget == 1000


def test_successes_by_budget_counts_hits_by_each_budget():
    hits = [3, 10, math.inf, 10, 40]
    assert successes_by_budget(hits, [1, 3, 10, 39, 40, 100]).tolist() == [0, 1, 3, 3, 4, 4]


def test_expected_running_time_worked_example():
    # hits at 10 and 20 sweeps, one run missed after its 100-sweep budget: (10 + 20 + 100) / 2
    assert expected_running_time([10, 20, math.inf], [100, 100, 100]) == 65.0
    assert expected_running_time([math.inf, math.inf], [100, 100]) is None


def test_ecdf_keeps_unsolved_pairs_in_the_denominator():
    assert ecdf([1, 5, math.inf, math.inf], [0, 1, 5, 1e9]).tolist() == [0.0, 0.25, 0.5, 0.5]


def test_hierarchical_bootstrap_collapses_without_variance_and_is_reproducible():
    flat = hierarchical_bootstrap([np.full(4, 2.0)] * 5, lambda g: float(np.mean([a.mean() for a in g])))
    assert (flat.value, flat.low, flat.high) == (2.0, 2.0, 2.0)
    rng = np.random.default_rng(1)
    groups = [rng.normal(i, 1.0, size=6) for i in range(8)]
    mean = lambda g: float(np.mean([a.mean() for a in g]))
    a, b = hierarchical_bootstrap(groups, mean, seed=3), hierarchical_bootstrap(groups, mean, seed=3)
    assert a == b and a.low < a.value < a.high


@pytest.mark.slow
def test_hierarchical_bootstrap_coverage():
    """95% intervals of the grand mean over G = 8 instances x 6 seeds (instance means N(0, 1), seeds N(0, 1)
    around them) contain the true mean 0 at least as often as a one-level percentile bootstrap over instances
    would: that one is the plug-in interval mean +- 1.96 sqrt((G-1)/G) s/sqrt(G), whose coverage is
    P(|t_7| < 1.96 sqrt(7/8)) = 0.891 (in the normal approximation of the percentile interval); resampling the
    seeds as well only widens it.  One-sided bound at 3 binomial standard errors (false alarm 0.13%)."""
    trials, covered = 300, 0
    rng = np.random.default_rng(20261201)
    mean = lambda g: float(np.mean([a.mean() for a in g]))
    for t in range(trials):
        centres = rng.normal(0.0, 1.0, size=8)
        groups = [rng.normal(c, 1.0, size=6) for c in centres]
        iv = hierarchical_bootstrap(groups, mean, resamples=400, seed=t)
        covered += iv.low <= 0.0 <= iv.high
    floor = 2 * stats.t.cdf(stats.norm.ppf(0.975) * math.sqrt(7 / 8), 7) - 1
    assert covered / trials >= floor - 3 * math.sqrt(floor * (1 - floor) / trials)


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: jeffreys_interval(3, 2), "successes"),
        (lambda: jeffreys_interval(1, 0), "runs"),
        (lambda: jeffreys_interval(1, 2, level=1.0), "level"),
        (lambda: repetitions(1.5), "p"),
        (lambda: time_to_solution(0, 1, 2), "budget"),
        (lambda: optimal_time_to_solution([10, 5], [1, 1], 2), "budgets"),
        (lambda: optimal_time_to_solution([5, 10], [1], 2), "successes"),
        (lambda: expected_running_time([1, 2], [5]), "spent_costs"),
        (lambda: expected_running_time([10], [5]), "hit_costs"),
        (lambda: ecdf([math.nan], [1]), "hit_costs"),
        (lambda: successes_by_budget([1], [math.inf]), "budgets"),
        (lambda: hierarchical_bootstrap([[]], np.mean), "groups"),
        (lambda: hierarchical_bootstrap([[1.0]], np.mean, resamples=5), "resamples"),
    ],
)
def test_bad_arguments_name_their_field(call, field):
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field


def test_instance_quantiles_of_tts99():
    from benchsuite.score.quantiles import instance_quantiles

    solved = np.ones((4, 2), dtype=bool)  # every run at budgets 10 and 100: TTS99 = 10
    half = np.array([[1, 1], [0, 1], [1, 1], [0, 1]], dtype=bool)  # p = 0.5 at 10: 10 ln 0.01 / ln 0.5 = 66.4
    q50, q90 = instance_quantiles("x", [10, 100], [solved, half])
    tts_half = 10 * np.log(0.01) / np.log(0.5)
    assert q50.value == pytest.approx((10 + tts_half) / 2) and q90.value == pytest.approx(10 + 0.9 * (tts_half - 10))
    assert q50.low <= q50.value <= q50.high
    never = np.zeros((4, 2), dtype=bool)
    q50, q90 = instance_quantiles("x", [10, 100], [solved, never, never])
    assert q50.value is None and "censored" in q50.note and q90.value is None
