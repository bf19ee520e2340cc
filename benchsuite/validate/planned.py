"""Directed tests with planned sample sizes, on chains started at exact Boltzmann samples: the mean energy
(``mean_energy_holds``, a temperature error) and, for a rule that states an exact local law, the acceptance
rate (``acceptance_holds``, a bias of its uphill acceptance).

``mean_energy_holds`` starts ``chains`` independent chains at exact Boltzmann(T) samples and advances each one
sweep at a time (``sweeps`` calls of ``step``), reading the energy of the configuration after each; a rule that
keeps Boltzmann(T) keeps the mean of these energies at the exact Boltzmann mean.  Statistic: z = (mean over
chains of each chain's average energy - exact mean) / its standard error estimated from the chains (they are
independent), two-sided normal threshold at the false-alarm rate.  A temperature error moves the mean energy
at first order (d<E>/dT = Var(E) / T^2), which the omnibus chi-square on configurations dilutes over all cells.

**Planning.**  The number of chains is chosen so that a Metropolis sweep at T (1 +- ``effect``), in the
dynamics' own site order, is detected with probability ``power``: its exact shift of the mean after each sweep
is computed from the site matrices of :mod:`.markov`, and the standard error under the null from Metropolis(T)'s
exact autocovariances.  The test itself uses the empirical standard error, so its false-alarm rate does not
depend on that model; the planning does.  The result states the smallest relative temperature error the run can
detect at ``power`` (first order in the error).  A plan above ``max_chains`` runs ``max_chains``: a rejection
still fails the check, but acceptance is *inconclusive*, never a pass.

**Pilot.**  In :func:`planned_checks` the standard deviation of one chain's statistic is measured on a pilot
of ``PILOT_CHAINS`` chains with their own random numbers (not part of the test) rather than modelled, so the
run is sized for the rule itself.

**Acceptance.**  A rule that states its local law (``Facts.local_law``) and keeps Boltzmann sees a Boltzmann
configuration at every visit, so its accepted moves per attempted update have the exact expectation
mean_i E_pi[1 - P_i(x, x)] (the off-diagonal mass of site i's matrix).  The bias planned for is a rule that
takes uphill moves with (1 - ``effect``) times the stated probability; its first-visit shift is exact, later
visits differ at second order.  Both tests run on one set of chains, sized for the more demanding plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import norm

from .. import _checks
from ..dynamics import Metropolis
from ..dynamics.base import facts, supports_replicas
from ..problems.base import Problem
from .chains import ChainRun, run_chains
from .checks import CheckResult
from .estimate import require_runnable
from .markov import StateSpace, boltzmann, has_exact_law, site_matrix, state_space, sweep_operator

MAX_CHAINS = 1_000_000  # chains of a block-advanced plan
MAX_STEPPED_CHAINS = 10_000  # chains of a plan for a dynamics that advances one chain per step call
PILOT_CHAINS = 2000  # chains of the pilot run that measures one chain's standard deviation for the plan


@dataclass(frozen=True)
class TemperaturePlan:
    """Chains needed to detect a relative temperature error ``effect`` with probability ``power``; the
    standard error of one chain's average energy under the null (``chain_sd``) and the mean shift of that
    average at T (1 + effect) and T (1 - effect)."""

    chains: int
    effect: float
    power: float
    false_alarm: float
    chain_sd: float
    shift_hot: float
    shift_cold: float

    @property
    def weakest_shift(self) -> float:
        return min(abs(self.shift_hot), abs(self.shift_cold))

    def detectable(self, chains: int) -> float:
        """The smallest relative temperature error detected with probability ``power`` by ``chains`` chains
        (first order in the error)."""
        return _detectable(self, chains)


def plan_temperature_test(problem: Problem | StateSpace, temperature: float, sweep: str | None, sweeps: int,
                          effect: float, power: float, false_alarm: float) -> TemperaturePlan:  # fmt: skip
    """The plan of :func:`mean_energy_holds` (see the module notes); ``sweep`` is the site order
    ("sequential", "random"; None is read as sequential)."""
    space = state_space(problem)
    order = "random" if sweep == "random" else "sequential"
    energy = space.energy
    pi = boltzmann(energy, temperature)
    mean = float(pi @ energy)
    centred = energy - mean
    null = sweep_operator(space, Metropolis(temperature, order=order))
    lagged = [centred]
    for _ in range(sweeps - 1):
        lagged.append(null(lagged[-1]))
    autocov = np.array([pi @ (centred * v) for v in lagged])  # c_l = Cov(E_0, E_l) at Boltzmann
    lags = np.arange(sweeps)
    variance = (sweeps * autocov[0] + 2 * np.sum((sweeps - lags[1:]) * autocov[1:])) / sweeps**2
    hot, cold = (Metropolis(temperature * (1 + sign * effect), order=order) for sign in (1.0, -1.0))
    shifts = law_shifts(space, pi, [hot, cold], sweeps)
    return plan_from_shifts(shifts, math.sqrt(max(variance, 0.0)), effect, power, false_alarm)


def plan_from_shifts(shifts: list[float], chain_sd: float, effect: float, power: float,
                     false_alarm: float) -> TemperaturePlan:  # fmt: skip
    """The plan for the mean shifts of a hot and a cold error (a missing side: pass the other twice)."""
    plan = TemperaturePlan(0, effect, power, false_alarm, chain_sd, shifts[0], shifts[1])
    return replace(plan, chains=_chains_for(plan, chain_sd))


def law_shifts(space: StateSpace, start: np.ndarray, perturbed: list, sweeps: int) -> list[float]:
    """For each rule of ``perturbed``, the exact shift of a chain's average energy over sweeps 1..``sweeps``
    from the law ``start``, against ``start``'s mean (0 for a rule that keeps ``start``)."""
    mean = float(start @ space.energy)
    shifts = []
    for rule in perturbed:
        step, moved, total = sweep_operator(space, rule), space.energy, 0.0
        for _ in range(sweeps):
            moved = step(moved)  # (P^a E)(x): the mean energy after a sweeps from x
            total += float(start @ moved) - mean
        shifts.append(total / sweeps)
    return shifts


@dataclass(frozen=True)
class AcceptancePlan:
    """Chains needed to detect an acceptance bias ``effect`` (uphill moves taken with (1 - effect) times the
    stated probability) with probability ``power``: the exact acceptance per attempted update at Boltzmann
    under the stated law, the shift the bias makes (first visits), and one chain's standard deviation of its
    acceptance fraction (binomial, for the plan only)."""

    chains: int
    effect: float
    power: float
    false_alarm: float
    expected: float
    shift: float
    chain_sd: float

    @property
    def weakest_shift(self) -> float:
        return abs(self.shift)

    def detectable(self, chains: int) -> float:
        """The smallest relative bias detected with probability ``power`` by ``chains`` chains."""
        return _detectable(self, chains)


def plan_acceptance_test(problem: Problem | StateSpace, dynamics, sweeps: int, effect: float, power: float,
                         false_alarm: float, law: np.ndarray | None = None) -> AcceptancePlan | None:  # fmt: skip
    """The plan of the acceptance test for ``dynamics``' stated exact local law, or None when it states none
    (:func:`~.markov.has_exact_law`).  Chains start at ``law`` (default: Boltzmann at the stated temperature),
    a law one sweep of the rule keeps; the law at each visit follows from it along the rule's site order."""
    if not has_exact_law(dynamics):
        return None
    space = state_space(problem)
    p = boltzmann(space.energy, facts(dynamics).temperature) if law is None else law
    sequential = facts(dynamics).sweep != "random"
    expected = uphill = 0.0
    for i in range(space.n):
        matrix = site_matrix(space, dynamics, i).tocoo()
        moves = matrix.row != matrix.col
        expected += float(p @ np.bincount(matrix.row[moves], matrix.data[moves], minlength=space.size))
        up = moves & (space.energy[matrix.col] > space.energy[matrix.row])
        uphill += float(p @ np.bincount(matrix.row[up], matrix.data[up], minlength=space.size))
        if sequential:
            p = matrix.T @ p  # the law at the next site's visit
    expected, shift = expected / space.n, -effect * uphill / space.n
    sd = math.sqrt(expected * (1 - expected) / (sweeps * space.n))
    plan = AcceptancePlan(0, effect, power, false_alarm, expected, shift, sd)
    return replace(plan, chains=_chains_for(plan, sd))


def _z(plan) -> float:
    return norm.isf(plan.false_alarm / 2) + norm.isf(1 - plan.power)


def _chains_for(plan, chain_sd: float) -> int | float:
    """Chains the plan needs when one chain's standard deviation is ``chain_sd``."""
    shift = plan.weakest_shift
    return math.inf if shift == 0 else math.ceil((_z(plan) * chain_sd / shift) ** 2)


def _detectable(plan, chains: int) -> float:
    """The smallest relative effect ``chains`` chains detect with the plan's power (first order)."""
    shift = plan.weakest_shift
    return math.inf if shift == 0 else plan.effect * _z(plan) * plan.chain_sd / (math.sqrt(chains) * shift)


def resized(plan, chain_sd: float):
    """The plan with one chain's standard deviation measured (by a pilot run) instead of modelled."""
    return replace(plan, chain_sd=chain_sd, chains=_chains_for(plan, chain_sd))


def planned_checks(problem: Problem | StateSpace, dynamics, temperature: float, *, temperature_error: float = 0.02,
                   acceptance_bias: float = 0.01, power: float = 0.99, sweeps: int = 5, seed: int = 0,
                   false_alarm: float = 1e-3, max_chains: int | None = None) -> list[CheckResult]:  # fmt: skip
    """``mean_energy_holds`` (planned for a relative temperature error ``temperature_error``) and, for a
    dynamics that states an exact local law at ``temperature``, ``acceptance_holds`` (planned for a relative
    bias ``acceptance_bias`` of its uphill acceptance), on one set of chains sized for the more demanding of
    the two (see the module notes).  ``max_chains`` defaults to ``MAX_CHAINS`` for a dynamics that advances
    blocks of chains (:func:`~benchsuite.dynamics.supports_replicas`) and ``MAX_STEPPED_CHAINS`` otherwise."""
    space = state_space(problem)
    t = _checks.real("temperature", temperature, low=0.0, low_open=True)
    options = checked_options(dynamics, temperature_error, acceptance_bias, power, sweeps, seed, false_alarm,
                              max_chains)  # fmt: skip
    temperature_plan = plan_temperature_test(space, t, facts(dynamics).sweep, options.sweeps,
                                             options.temperature_error, options.power, options.false_alarm)  # fmt: skip
    stated = facts(dynamics).temperature
    acceptance_plan = (plan_acceptance_test(space, dynamics, options.sweeps, options.acceptance_bias,
                                            options.power, options.false_alarm)
                       if stated is not None and math.isclose(stated, t) else None)  # fmt: skip
    results, _ = run_directed(space, dynamics, boltzmann(space.energy, t), f"Boltzmann(T={t:g})", temperature_plan,
                              acceptance_plan, options)  # fmt: skip
    return results


@dataclass(frozen=True)
class DirectedOptions:
    """The checked options of a directed run (see :func:`planned_checks`)."""

    temperature_error: float
    acceptance_bias: float
    power: float
    sweeps: int
    seed: int
    false_alarm: float
    max_chains: int
    limit: str  # what bounds the chains, said when a plan is above it


def checked_options(dynamics, temperature_error: float, acceptance_bias: float, power: float, sweeps: int,
                    seed: int, false_alarm: float, max_chains: int | None) -> DirectedOptions:  # fmt: skip
    """The options of :func:`planned_checks`, checked at the door, with ``max_chains``' default for ``dynamics``."""
    temperature_error = _checks.real("temperature_error", temperature_error, low=0.0, high=0.5, low_open=True)
    acceptance_bias = _checks.real("acceptance_bias", acceptance_bias, low=0.0, high=0.5, low_open=True)
    power = _checks.real("power", power, low=0.5, high=1.0, high_open=True)
    sweeps = _checks.integer("sweeps", sweeps, low=1, high=1000)
    seed = _checks.integer("seed", seed, low=0)
    false_alarm = _checks.real("false_alarm", false_alarm, low=0.0, high=1.0, low_open=True, high_open=True)
    require_runnable(dynamics)
    blocks = supports_replicas(dynamics)
    if max_chains is None:
        max_chains = MAX_CHAINS if blocks else MAX_STEPPED_CHAINS
    max_chains = _checks.integer("max_chains", max_chains, low=PILOT_CHAINS, high=10**7)
    limit = f"at most {max_chains}" + ("" if blocks else " for a dynamics that advances one chain per step; "
                                       "implement advance_replicas to run blocks of chains")  # fmt: skip
    return DirectedOptions(temperature_error, acceptance_bias, power, sweeps, seed, false_alarm, max_chains, limit)


def run_directed(space: StateSpace, dynamics, start: np.ndarray, start_name: str, temperature_plan: TemperaturePlan,
                 acceptance_plan: AcceptancePlan | None, options: DirectedOptions,
                 names: tuple[str, str] = ("mean_energy_holds", "acceptance_holds"),
                 error_name: str = "a temperature error") -> tuple[list[CheckResult], ChainRun]:  # fmt: skip
    """Size the run by a pilot, then run chains from exact samples of the law ``start`` (which one sweep of a
    correct rule keeps) and test their mean energy against ``start``'s and, with an ``acceptance_plan``, their
    acceptance against its expectation.  Returns the verdicts (named ``names``; ``error_name`` is what the
    temperature plan detects) and the chains."""
    o = options
    pilot = _run_chains(space, dynamics, start, PILOT_CHAINS, o.sweeps, o.seed, stream=4)
    temperature_plan = resized(temperature_plan, float(_average_energy(space, pilot).std(ddof=1)))
    if acceptance_plan is not None:
        acceptance_plan = resized(acceptance_plan, float(pilot.acceptance.std(ddof=1)))
    wanted = max(temperature_plan.chains, acceptance_plan.chains if acceptance_plan else 0)
    chains = int(min(max(wanted, PILOT_CHAINS), o.max_chains))
    run = _run_chains(space, dynamics, start, chains, o.sweeps, o.seed)
    energies, acceptance = _average_energy(space, run), run.acceptance
    threshold = float(norm.isf(o.false_alarm / 2))
    mean = float(start @ space.energy)
    out = [_verdict(names[0], energies, mean, threshold, temperature_plan.chains, o.limit,
                    f"{chains} chains from {start_name}, mean energy over sweeps 1..{o.sweeps} "
                    f"{energies.mean():.6g} against {mean:.6g}", error_name,
                    temperature_plan.detectable(chains), o.temperature_error, o.power, o.false_alarm)]  # fmt: skip
    if acceptance_plan is not None:
        out.append(_verdict(names[1], acceptance, acceptance_plan.expected, threshold, acceptance_plan.chains,
                            o.limit, f"{chains} chains from {start_name}, accepted per attempted update over "
                            f"{o.sweeps} sweeps {acceptance.mean():.6g} against the stated law's "
                            f"{acceptance_plan.expected:.6g}", "an uphill acceptance bias",
                            acceptance_plan.detectable(chains), o.acceptance_bias, o.power, o.false_alarm))  # fmt: skip
    return out, run


def mean_energy_holds(problem: Problem | StateSpace, dynamics, temperature: float, **options) -> CheckResult:
    """The directed temperature test alone (options as :func:`planned_checks`)."""
    return planned_checks(problem, dynamics, temperature, **options)[0]


def _average_energy(space: StateSpace, run: ChainRun) -> np.ndarray:
    """Each chain's average energy over sweeps 1..k (of its configurations)."""
    return space.energy[run.visited].mean(axis=1)


def _run_chains(space: StateSpace, dynamics, law: np.ndarray, chains: int, sweeps: int, seed: int,
                stream: int = 2) -> ChainRun:  # fmt: skip
    """Chains from exact samples of ``law``: starts from ``SeedSequence(seed, spawn_key=(stream,))``, chains
    seeded from ``spawn_key=(stream + 1,)`` (:func:`~.chains.run_chains`): the pilot and the test use different
    streams."""
    starts = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream,))).choice(space.size, chains, p=law)
    return run_chains(space, dynamics, starts, sweeps, np.random.SeedSequence(seed, spawn_key=(stream + 1,)))


def _verdict(name: str, values: np.ndarray, expected: float, threshold: float, planned: float, limit: str,
             described: str, effect_name: str, reach: float, effect: float, power: float,
             false_alarm: float) -> CheckResult:  # fmt: skip
    """z of the chains' mean against ``expected`` with their standard error; a pass only when the run was as
    large as planned."""
    error = float(values.std(ddof=1)) / math.sqrt(values.size)
    gap = abs(float(values.mean()) - expected)
    z = gap / error if error > 0 else (0.0 if gap == 0 else math.inf)
    described = (f"{described} (z with the chains' standard error, false-alarm rate {false_alarm:g}); detects "
                 f"{effect_name} of {100 * reach:.3g}% with probability {power:g}")  # fmt: skip
    if z > threshold:
        return CheckResult(name, False, z, threshold, described)
    if values.size < planned:
        return CheckResult(name, None, z, threshold, f"inconclusive: {described}, not the {100 * effect:g}% asked "
                           f"for ({planned} chains needed, {limit})")  # fmt: skip
    return CheckResult(name, True, z, threshold, described)
