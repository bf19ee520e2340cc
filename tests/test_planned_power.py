"""The planned tests keep their promises over many seeds (slow): false alarms at the stated rate on correct
rules, and detection of the effects they are sized for at least as often as planned."""

import pytest
from broken_dynamics import StatesItsLaw
from scipy.stats import binom

from benchsuite.validate.instances import instances
from benchsuite.validate.planned import planned_checks

SEEDS = range(100)
INSTANCE = "sk-gauss-n6"


@pytest.mark.slow
def test_false_alarms_of_the_planned_tests_are_at_the_stated_rate():
    """A correct rule stating its law, at a nominal rate of 0.1 per test: each test's alarm count over 100 seeds
    must be a plausible Binomial(100, 0.1) draw (two-sided, 1e-4)."""
    alarms = [0, 0]
    for seed in SEEDS:
        results = planned_checks(instances()[INSTANCE], StatesItsLaw(0.8), 0.8, seed=seed, false_alarm=0.1)
        assert all(r.passed is not None for r in results)  # the plan was reached: a verdict either way
        alarms = [a + (r.passed is False) for a, r in zip(alarms, results, strict=True)]
    low, high = binom.ppf(5e-5, 100, 0.1), binom.isf(5e-5, 100, 0.1)
    assert all(low <= a <= high for a in alarms), alarms


@pytest.mark.slow
@pytest.mark.parametrize("bug, test", [("two-percent-hot", 0), ("one-percent-acceptance-bias", 1)])
def test_the_effects_the_plan_is_sized_for_are_detected_as_often_as_planned(bug, test):
    """Power 0.99 per test at the defaults: over 100 seeds the detections must be a plausible draw from a
    Binomial(100, p) with p >= 0.99 (one-sided, 1e-4)."""
    detected = sum(planned_checks(instances()[INSTANCE], StatesItsLaw(0.8, bug), 0.8, seed=seed)[test].passed is False
                   for seed in SEEDS)  # fmt: skip
    assert detected >= binom.ppf(1e-4, 100, 0.99), detected
