"""A check kit for dynamics, to run in your own test suite (after scikit-learn's ``check_estimator``).

    from benchsuite.validate import check_dynamics, parametrize_with_checks

    check_dynamics(MyRule(T=0.8))                      # raises CheckFailed naming every failed check

    @parametrize_with_checks([MyRule(T=0.8), MyRule(T=1.5)])
    def test_my_rule(dynamics, check):                 # one pytest case per (dynamics, check)
        check(dynamics)

First the exact API checks of :mod:`.api` on every instance of :mod:`.instances` (bookkeeping, determinism,
chunking, seeds, and for a rule that advances blocks of chains, the block against single chains).  Then, by
the dynamics' tags (:func:`dynamics_tags`): ``target="boltzmann"`` (it claims to sample e^(-E/T) at its ``T``)
selects, on each of ``TARGET_INSTANCES``, the omnibus ``stays_at_target`` (with ``chains_move`` and
``every_variable_moves``) and the planned directed tests of :mod:`.planned` (``mean_energy_holds``, and
``acceptance_holds`` for a rule that states its exact local law), sized to detect a relative temperature
error ``temperature_error`` and an uphill acceptance bias ``acceptance_bias`` with probability ``power``;
``reversible=True`` adds ``detailed_balance`` on a 16-state glass with fields.  A rule with no Boltzmann target
that states its exact local law (``Facts.local_law`` and ``Facts.sweep``: SGD-like with half-edge batches drawn
at each visit, or a variant of your own that states the same) is checked against that law instead, in the order
it runs (:mod:`.own_law`: ``own_mean_energy_holds``, ``own_acceptance_holds``, ``stays_at_own_law``).  A class
can declare tags with a ``tags`` attribute (a dict).  False-alarm rate of each statistical check: ``FALSE_ALARM``.

A planned test that cannot reach its power with the chains it may run (at most ``MAX_CHAINS`` for a rule that
advances blocks of chains, ``MAX_STEPPED_CHAINS`` for one stepped chain by chain) is *inconclusive*:
``check_dynamics`` raises :class:`CheckInconclusive` rather than pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .. import _checks
from ..dynamics.base import facts, supports_replicas
from ..errors import ValidationError
from .api import API_CHECKS
from .checks import CheckResult, detailed_balance, stays_at_target
from .instances import REVERSIBILITY_INSTANCE, TARGET_INSTANCES, instances
from .markov import has_exact_law
from .own_law import own_law_checks, states_its_order
from .planned import planned_checks

FALSE_ALARM = 1e-3
CHAINS = 4000  # stays_at_target for a dynamics stepped chain by chain
BLOCK_CHAINS = 100_000  # stays_at_target for a dynamics that advances blocks
SWEEPS = 5
RUNS = 1000  # detailed_balance: one-sweep runs from each state
TEMPERATURE_ERROR = 0.02
ACCEPTANCE_BIAS = 0.01
POWER = 0.99
ON_FAIL = ("raise", "warn", None)


def omnibus_chains(dynamics) -> int:
    """Chains of ``stays_at_target``: ``BLOCK_CHAINS`` for a rule that advances blocks, else ``CHAINS``."""
    return BLOCK_CHAINS if supports_replicas(dynamics) else CHAINS


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
    temperature_error: float = TEMPERATURE_ERROR
    acceptance_bias: float = ACCEPTANCE_BIAS
    power: float = POWER

    def results(self, dynamics) -> list[CheckResult]:
        problem = instances()[self.instance]
        if self.name in API_CHECKS:
            results = [API_CHECKS[self.name](problem, dynamics, self.seed)]
        else:
            results = self._statistical(problem, dynamics)
        return [CheckResult(f"{r.name}[{self.instance}]", r.passed, r.statistic, r.threshold, r.detail)
                for r in results]  # fmt: skip

    def _statistical(self, problem, dynamics) -> list[CheckResult]:
        if self.name == "own_law":
            return self._own_law(problem, dynamics)
        t = self.temperature if self.temperature is not None else dynamics_tags(dynamics).get("temperature")
        if t is None:
            raise ValidationError("temperature", f"{type(dynamics).__name__} has no T; give the target temperature")
        if self.name == "detailed_balance":
            return [detailed_balance(problem, dynamics, t, runs=RUNS, seed=self.seed, false_alarm=FALSE_ALARM)]
        if self.name == "planned":
            return planned_checks(problem, dynamics, t, temperature_error=self.temperature_error,
                                  acceptance_bias=self.acceptance_bias, power=self.power, sweeps=SWEEPS,
                                  seed=self.seed, false_alarm=FALSE_ALARM)  # fmt: skip
        return stays_at_target(problem, dynamics, t, chains=omnibus_chains(dynamics), sweeps=SWEEPS, seed=self.seed,
                               false_alarm=FALSE_ALARM)  # fmt: skip

    def _own_law(self, problem, dynamics) -> list[CheckResult]:
        if not states_its_order(dynamics):
            return [CheckResult("own_law", None, None, None, f"inconclusive: {type(dynamics).__name__} states its "
                                "local law but not its site order (Facts.sweep), on which its exact law depends")]  # fmt: skip
        return own_law_checks(problem, dynamics, temperature_error=self.temperature_error,
                              acceptance_bias=self.acceptance_bias, power=self.power, sweeps=SWEEPS, seed=self.seed,
                              false_alarm=FALSE_ALARM)  # fmt: skip

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


def yield_checks(dynamics, *, temperature: float | None = None, seed: int = 0,
                 temperature_error: float = TEMPERATURE_ERROR, acceptance_bias: float = ACCEPTANCE_BIAS,
                 power: float = POWER) -> Iterator[Check]:  # fmt: skip
    """The checks that apply to ``dynamics`` by its tags, API checks first."""
    tags = dynamics_tags(dynamics)
    effects = {"temperature_error": temperature_error, "acceptance_bias": acceptance_bias, "power": power}
    for name in API_CHECKS:
        if name == "replicas_agree" and not supports_replicas(dynamics):
            continue
        if name == "seeds_differ" and not facts(dynamics).stochastic:
            continue
        for instance in TARGET_INSTANCES:
            yield Check(name, instance, temperature, seed, **effects)
    if tags.get("target") == "boltzmann" or temperature is not None:
        for instance in TARGET_INSTANCES:
            yield Check("stays_at_target", instance, temperature, seed, **effects)
            yield Check("planned", instance, temperature, seed, **effects)
        if tags.get("reversible"):
            yield Check("detailed_balance", REVERSIBILITY_INSTANCE, temperature, seed, **effects)
    elif has_exact_law(dynamics):
        for instance in TARGET_INSTANCES:
            yield Check("own_law", instance, None, seed, **effects)


def check_dynamics(dynamics, *, temperature: float | None = None, on_fail: str | None = "raise",
                   expected_failed_checks: dict[str, str] | None = None, seed: int = 0,
                   temperature_error: float = TEMPERATURE_ERROR, acceptance_bias: float = ACCEPTANCE_BIAS,
                   power: float = POWER) -> list[CheckResult]:  # fmt: skip
    """Run every check that applies to ``dynamics``; one :class:`CheckResult` per verdict.

    ``on_fail``: ``"raise"`` a :class:`CheckFailed` listing the failures (or, when none failed, a
    :class:`CheckInconclusive` listing the checks that had not the power to fail), ``"warn"`` one
    :class:`CheckWarning` per failed or inconclusive check, or ``None`` to only return the results (an
    inconclusive one has ``passed`` None).  ``expected_failed_checks`` maps a check name (as in the
    results, e.g. ``"stays_at_target[sk-gauss-n6]"``) to the reason it is expected to fail: it still runs and
    is reported, but does not raise or warn.  ``temperature`` is the target for a dynamics without ``T``.
    ``temperature_error`` (relative), ``acceptance_bias`` (relative, of uphill moves) and ``power``: the
    effects the planned tests are sized to detect, and with which probability.
    """
    temperature_error = _checks.real("temperature_error", temperature_error, low=0.0, high=0.5, low_open=True)
    acceptance_bias = _checks.real("acceptance_bias", acceptance_bias, low=0.0, high=0.5, low_open=True)
    power = _checks.real("power", power, low=0.5, high=1.0, high_open=True)
    if temperature is not None:
        temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
    seed = _checks.integer("seed", seed, low=0)
    if on_fail not in ON_FAIL:
        raise ValidationError("on_fail", f"must be 'raise', 'warn' or None, got {on_fail!r}")
    expected = dict(expected_failed_checks or {})
    effects = {"temperature_error": temperature_error, "acceptance_bias": acceptance_bias, "power": power}
    checks = yield_checks(dynamics, temperature=temperature, seed=seed, **effects)
    results = [r for check in checks for r in check.results(dynamics)]
    if not any(name.split("[")[0] not in API_CHECKS for name in (r.name for r in results)):
        results.append(CheckResult("target_law", None, None, None, f"inconclusive: only the API checks apply to "
                                   f"{type(dynamics).__name__}, which states neither a Boltzmann target nor an exact "
                                   "local law; give a temperature or tags={'target': 'boltzmann'}, or state its "
                                   "Facts.local_law, to check it against a law"))  # fmt: skip
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
