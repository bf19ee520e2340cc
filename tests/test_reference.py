"""A rule against a reference written in plain Python: exactly on the same random numbers, or through the
one-sweep matrices when the numbers cannot be replayed; each shown to fail on a rule that departs."""

import naive
import pytest
from broken_dynamics import UserMetropolis

from benchsuite.dynamics import HeatBath, Metropolis
from benchsuite.errors import ValidationError
from benchsuite.validate.reference import planned_runs, same_numbers, same_transitions


def metropolis_reference(t: float):
    return lambda problem, x, rng, sweeps: naive.metropolis(problem, x, [1 / t] * sweeps, False, rng)[:2]


def heat_bath_reference(t: float):
    return lambda problem, x, rng, sweeps: naive.heat_bath(problem, x, [1 / t] * sweeps, False, rng)[:2]


def test_the_builtin_metropolis_matches_its_reference_on_the_same_numbers():
    result = same_numbers(Metropolis(0.8), metropolis_reference(0.8))
    assert result.passed is True and "8 instances" in result.detail


@pytest.mark.parametrize("dynamics", [Metropolis(0.8 * 1.02), UserMetropolis(0.8, "half-exponent"),
                                      UserMetropolis(0.8, "stale-cache")], ids=repr)  # fmt: skip
def test_a_rule_that_departs_from_the_reference_fails_on_the_same_numbers(dynamics):
    result = same_numbers(dynamics, metropolis_reference(0.8))
    assert result.passed is False and " differ" in result.detail


def test_a_reference_that_returns_nonsense_is_refused():
    with pytest.raises(ValidationError, match="reference"):
        same_numbers(Metropolis(0.8), lambda problem, x, rng, sweeps: x)
    with pytest.raises(ValidationError, match="reference"):
        same_numbers(Metropolis(0.8), lambda problem, x, rng, sweeps: (x * 0 + 7, 0))


def test_transitions_agree_for_the_same_law_drawn_differently_and_differ_for_another_law():
    same = same_transitions(HeatBath(0.8), heat_bath_reference(0.8), transition_error=0.25)
    other = same_transitions(Metropolis(0.8), heat_bath_reference(0.8), transition_error=0.25)
    assert same.passed is True and other.passed is False
    assert f"{planned_runs(16, 0.25, 0.99, 1e-3)} runs per state" in same.detail


@pytest.mark.slow
def test_transitions_at_a_planned_difference_of_ten_percent():
    assert same_transitions(HeatBath(0.8), heat_bath_reference(0.8), transition_error=0.1).passed is True
    assert same_transitions(Metropolis(0.8), heat_bath_reference(0.8), transition_error=0.1).passed is False
