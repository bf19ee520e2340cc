"""A check kit for dynamics, to run in your own test suite (after scikit-learn's ``check_estimator``).

    from benchsuite.validate import check_dynamics, parametrize_with_checks

    check_dynamics(MyRule(T=0.8))                      # raises CheckFailed naming every failed check

    @parametrize_with_checks([MyRule(T=0.8), MyRule(T=1.5)])
    def test_my_rule(dynamics, check):                 # one pytest case per (dynamics, check)
        check(dynamics)

Which checks run follows the dynamics' tags (:func:`dynamics_tags`): ``target="boltzmann"`` (it claims to sample
e^(-E/T) at its ``T``) selects ``stays_at_target`` (with ``chains_move`` and ``every_variable_moves``) on each of
``TARGET_INSTANCES``; ``reversible=True`` (by default: random site order) adds ``detailed_balance`` on a
16-state spin glass.  A class can declare tags with a ``tags`` attribute (a dict).  False-alarm rate of one ``stays_at_target`` at the
defaults: ``FALSE_ALARM`` per instance (chi-square approximation; measured in the tests).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from ..dynamics.base import facts
from ..errors import ValidationError
from ..problems import coloring, ising
from ..problems.base import Problem
from .checks import CheckResult, detailed_balance, stays_at_target

FALSE_ALARM = 1e-3
CHAINS = 4000
SWEEPS = 5
RUNS = 1000  # detailed_balance: one-sweep runs from each state
ON_FAIL = ("raise", "warn", None)


@cache
def instances() -> dict[str, Problem]:
    """The small instances the checks run on: spin glasses with Gaussian couplings (64 states; 16 for
    ``detailed_balance``, which runs from every state) and a 3-colouring of a sparse random graph (243 states)."""
    return {
        "sk-gauss-n6": ising("sk", n=6, couplings="gauss", seed=5),
        "coloring-q3-n5": coloring(n=5, q=3, c=2, planted=False, seed=1),
        "sk-gauss-n4": ising("sk", n=4, couplings="gauss", seed=2),
    }


TARGET_INSTANCES = ("sk-gauss-n6", "coloring-q3-n5")
REVERSIBILITY_INSTANCE = "sk-gauss-n4"


class CheckFailed(AssertionError):
    """Raised by ``check_dynamics`` (``on_fail="raise"``) with the failed checks in ``results``."""

    def __init__(self, results: list[CheckResult]):
        self.results = results
        super().__init__("; ".join(_described(r) for r in results))


class CheckInconclusive(AssertionError):
    """Raised by ``check_dynamics`` (``on_fail="raise"``) when no check failed but some had not the power to
    fail (``results``): a test suite must not pass on them quietly."""

    def __init__(self, results: list[CheckResult]):
        self.results = results
        super().__init__("; ".join(_described(r) for r in results))


def _described(r: CheckResult) -> str:
    number = lambda v: "-" if v is None else f"{v:.4g}"
    return f"{r.name}: {r.detail} (statistic {number(r.statistic)}, threshold {number(r.threshold)})"


class CheckWarning(UserWarning):
    """Issued by ``check_dynamics`` (``on_fail="warn"``) for each failed check."""


def dynamics_tags(dynamics) -> dict:
    """What a dynamics claims: ``target`` ("boltzmann" or None), ``temperature``, ``sweep`` ("sequential",
    "random" or None), ``reversible`` (one step satisfies detailed balance with the target), ``stochastic``.

    From its :class:`~benchsuite.dynamics.Facts` (:func:`~benchsuite.dynamics.facts`), updated by a ``tags``
    attribute (a dict) when it has one."""
    stated = facts(dynamics)
    tags = {"target": stated.target, "temperature": stated.temperature, "sweep": stated.sweep,
            "reversible": bool(stated.reversible), "stochastic": stated.stochastic}  # fmt: skip
    tags.update(getattr(dynamics, "tags", None) or {})
    return tags


@dataclass(frozen=True)
class Check:
    """One check of the kit, bound to an instance: ``check(dynamics)`` returns its results or raises."""

    name: str
    instance: str
    temperature: float | None = None
    seed: int = 0

    def results(self, dynamics) -> list[CheckResult]:
        t = self.temperature if self.temperature is not None else dynamics_tags(dynamics).get("temperature")
        if t is None:
            raise ValidationError("temperature", f"{type(dynamics).__name__} has no T; give the target temperature")
        problem = instances()[self.instance]
        if self.name == "detailed_balance":
            results = [detailed_balance(problem, dynamics, t, runs=RUNS, seed=self.seed, false_alarm=FALSE_ALARM)]
        else:
            results = stays_at_target(problem, dynamics, t, chains=CHAINS, sweeps=SWEEPS, seed=self.seed,
                                      false_alarm=FALSE_ALARM)  # fmt: skip
        return [CheckResult(f"{r.name}[{self.instance}]", r.passed, r.statistic, r.threshold, r.detail)
                for r in results]  # fmt: skip

    def __call__(self, dynamics) -> list[CheckResult]:
        results = self.results(dynamics)
        failed = [r for r in results if r.passed is False]
        if failed:
            raise CheckFailed(failed)
        unsure = [r for r in results if r.passed is None]
        if unsure:
            raise CheckInconclusive(unsure)
        return results

    def __repr__(self) -> str:
        return f"{self.name}[{self.instance}]"


def yield_checks(dynamics, *, temperature: float | None = None, seed: int = 0) -> Iterator[Check]:
    """The checks that apply to ``dynamics`` by its tags."""
    tags = dynamics_tags(dynamics)
    if tags.get("target") == "boltzmann" or temperature is not None:
        for name in TARGET_INSTANCES:
            yield Check("stays_at_target", name, temperature, seed)
        if tags.get("reversible"):
            yield Check("detailed_balance", REVERSIBILITY_INSTANCE, temperature, seed)


def check_dynamics(dynamics, *, temperature: float | None = None, on_fail: str | None = "raise",
                   expected_failed_checks: dict[str, str] | None = None, seed: int = 0) -> list[CheckResult]:  # fmt: skip
    """Run every check that applies to ``dynamics``; one :class:`CheckResult` per verdict.

    ``on_fail``: ``"raise"`` a :class:`CheckFailed` listing the failures (or, when none failed, a
    :class:`CheckInconclusive` listing the checks that had not the power to fail), ``"warn"`` one
    :class:`CheckWarning` per failed or inconclusive check, or ``None`` to only return the results (an
    inconclusive one has ``passed`` None).  ``expected_failed_checks`` maps a check name (as in the
    results, e.g. ``"stays_at_target[sk-gauss-n6]"``) to the reason it is expected to fail: it still runs and
    is reported, but does not raise or warn.  ``temperature`` is the target for a dynamics without ``T``.
    """
    if on_fail not in ON_FAIL:
        raise ValidationError("on_fail", f"must be 'raise', 'warn' or None, got {on_fail!r}")
    expected = dict(expected_failed_checks or {})
    results = [
        r for check in yield_checks(dynamics, temperature=temperature, seed=seed) for r in check.results(dynamics)
    ]
    if not results:
        raise ValidationError("dynamics", f"no check applies to {type(dynamics).__name__}: give a temperature or "
                                          "tags={'target': 'boltzmann'}")  # fmt: skip
    unknown = set(expected) - {r.name for r in results}
    if unknown:
        raise ValidationError("expected_failed_checks", f"no such checks: {sorted(unknown)}")
    failed = [r for r in results if r.passed is False and r.name not in expected]
    unsure = [r for r in results if r.passed is None and r.name not in expected]
    if failed and on_fail == "raise":
        raise CheckFailed(failed)
    if unsure and on_fail == "raise":
        raise CheckInconclusive(unsure)
    if on_fail == "warn":
        for r in failed + unsure:
            warnings.warn(f"{r.name}: {r.detail}", CheckWarning, stacklevel=2)
    return results


def parametrize_with_checks(dynamics_list: list, *, temperature: float | None = None) -> Callable:
    """A ``pytest.mark.parametrize("dynamics, check", ...)`` over every (dynamics, applicable check) pair."""
    import pytest

    pairs = [(d, c) for d in dynamics_list for c in yield_checks(d, temperature=temperature)]
    return pytest.mark.parametrize("dynamics, check", pairs, ids=[f"{d!r}-{c!r}" for d, c in pairs])
