"""Statistical checks of a dynamics on small instances, each with a stated false-alarm rate.

``stays_at_target``: draw exact Boltzmann samples of an enumerable instance, advance each by ``sweeps`` sweeps as
an independent chain, and test that the law has not moved (Pearson chi-square on the configuration histogram,
cells expected fewer than 5 times pooled), together with checks that the chains moved at all (a dynamics that
never moves keeps every law) and that every variable did (one that skips a variable keeps Boltzmann too).
``detailed_balance``: the net flux of an estimated one-step matrix at Boltzmann.

A check that lacks the power to fail says so: its ``passed`` is None (*inconclusive*) with the reason in
``detail``, never True.  The chi-square is inconclusive when no configuration is expected 5 times (0 degrees of
freedom); the flux test when no pair of states is exchanged often enough; the two mobility checks when a
variable that moves as rarely as the heat bath moves it could stay still in every chain by chance (see
:func:`mobility_reference`).  Any object with
``init(problem, seed, x0)`` and ``step(state, sweeps)`` can be checked, and it needs no temperature of its own:
the target temperature is given.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import chi2, norm

from .. import _checks
from ..problems.base import Problem
from .chains import run_chains
from .estimate import MIN_EXPECTED, estimate_transition_matrix, pooled_chi_square, require_runnable
from .markov import StateSpace, boltzmann, state_space


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict: ``passed`` True when ``statistic`` is on the right side of ``threshold`` (see
    ``detail``), False when not, None when the check cannot tell (inconclusive: ``detail`` says why;
    ``statistic`` and ``threshold`` may then be None)."""

    name: str
    passed: bool | None
    statistic: float | None
    threshold: float | None
    detail: str

    @property
    def inconclusive(self) -> bool:
        return self.passed is None

    def as_dict(self) -> dict:
        """JSON-ready: a non-finite statistic or threshold is None."""
        out = asdict(self)
        for name in ("statistic", "threshold"):
            if out[name] is not None and not math.isfinite(out[name]):
                out[name] = None
        return out


def overall(results: list[CheckResult]) -> bool | None:
    """False when a check failed, None when none failed but one was inconclusive, True when all passed."""
    if any(r.passed is False for r in results):
        return False
    return None if any(r.passed is None for r in results) else True


def mobility_reference(space: StateSpace, temperature: float) -> np.ndarray:
    """For each variable, the probability that one update changes it from a Boltzmann(``temperature``)
    configuration, for the less mobile of heat bath and Metropolis (uniform proposal among the other values)
    in each configuration: the least mobility a correct single-site sampler is expected to have.

    A rule that keeps Boltzmann at every site update sees a Boltzmann configuration at its first visit of a
    variable, so with ``chains`` independent chains, the chance that it changes variable i in none of them is
    at most (1 - p_i)^chains when it is at least this mobile.
    """
    beta = 1.0 / temperature
    pi = boltzmann(space.energy, temperature)
    out = np.empty(space.n)
    for i in range(space.n):
        energies = np.stack([space.energy[space.moved(i, d)] for d in range(space.q)], axis=1)  # (states, q)
        current = space.energy[:, None]
        weights = np.exp(-beta * (energies - energies.min(axis=1, keepdims=True)))
        own = np.exp(-beta * (space.energy - energies.min(axis=1)))
        heat_bath = 1.0 - own / weights.sum(axis=1)
        uphill = np.minimum(1.0, np.exp(-beta * np.clip(energies - current, 0.0, None)))
        metropolis = (uphill.sum(axis=1) - 1.0) / (space.q - 1)  # the current value contributes exp(0) = 1
        out[i] = float(pi @ np.minimum(heat_bath, metropolis))
    return out


def stays_at_target(problem: Problem | StateSpace, dynamics, temperature: float, *, chains: int = 4000,
                    sweeps: int = 5, seed: int = 0, false_alarm: float = 1e-3) -> list[CheckResult]:  # fmt: skip
    """Start ``chains`` chains at exact Boltzmann(``temperature``) samples, advance them ``sweeps`` sweeps, and
    test that their configurations still follow Boltzmann (false-alarm rate ``false_alarm``, up to the
    chi-square approximation), that some chain moved, and that every variable changed in some chain (a rule
    that skips a variable still keeps Boltzmann, but it is not ergodic).  Returns the three verdicts."""
    space = state_space(problem)
    t = _checks.real("temperature", temperature, low=0.0, low_open=True)
    chains = _checks.integer("chains", chains, low=2, high=10**7)
    sweeps = _checks.integer("sweeps", sweeps, low=1, high=10**6)
    seed = _checks.integer("seed", seed, low=0)
    false_alarm = _checks.real("false_alarm", false_alarm, low=0.0, high=1.0, low_open=True, high_open=True)
    require_runnable(dynamics)
    target = boltzmann(space.energy, t)
    starts = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,))).choice(space.size, chains, p=target)
    ends = run_chains(space, dynamics, starts, sweeps, np.random.SeedSequence(seed, spawn_key=(1,))).ends
    statistic, dof = pooled_chi_square(np.bincount(ends, minlength=space.size), chains * target)
    described = (f"{chains} chains after {sweeps} sweeps from Boltzmann(T={t:g}) over {space.size} states, "
                 f"false-alarm rate {false_alarm:g}")  # fmt: skip
    if dof > 0:
        threshold = float(chi2.isf(false_alarm, dof))
        law = CheckResult("stays_at_target", bool(statistic <= threshold), statistic, threshold,
                          f"chi-square of {described} ({dof} degrees of freedom)")  # fmt: skip
    else:
        law = CheckResult("stays_at_target", None, None, None, f"inconclusive: no configuration is expected "
                          f"{MIN_EXPECTED:g} times in {described}, so the chi-square has no degree of freedom; "
                          "use more chains or an instance with fewer states")  # fmt: skip
    return [law, *_mobility(space, t, starts, ends, sweeps, false_alarm)]


def _mobility(space: StateSpace, t: float, starts, ends, sweeps: int, false_alarm: float) -> list[CheckResult]:
    """``chains_move`` and ``every_variable_moves``, failing only where a rule as mobile as
    :func:`mobility_reference` would have moved except with probability ``false_alarm`` (Bonferroni over the
    variables), inconclusive elsewhere."""
    chains = starts.size
    p = mobility_reference(space, t)
    changed = space.digits[ends] != space.digits[starts]  # (chains, n)
    moved = float(np.mean(ends != starts))
    stay_chance = (1.0 - p) ** chains  # chance a variable changes in no chain, for a rule as mobile as the reference
    if moved > 0.0:
        move = CheckResult("chains_move", True, moved, 0.0, f"fraction of {chains} chains whose configuration changed "
                                                           f"in {sweeps} sweeps")  # fmt: skip
    elif stay_chance.min() <= false_alarm:
        move = CheckResult("chains_move", False, 0.0, 0.0, f"no chain of {chains} moved in {sweeps} sweeps, although "
                           f"a sampler as mobile as the heat bath moves one with probability >= {1 - stay_chance.min():.6g}")  # fmt: skip
    else:
        move = CheckResult("chains_move", None, 0.0, None, f"inconclusive: no chain moved, and at T={t:g} a correct "
                           f"sampler may stay still in all {chains} chains with probability {stay_chance.min():.3g}")  # fmt: skip
    still = np.flatnonzero(~changed.any(axis=0))
    alarming = [int(i) for i in still if stay_chance[i] <= false_alarm / space.n]
    doubtful = [int(i) for i in still if stay_chance[i] > false_alarm / space.n]
    if alarming:
        every = CheckResult("every_variable_moves", False, float(len(alarming)), 0.0, f"variables that no chain "
                            f"changed although a sampler as mobile as the heat bath would have (false-alarm rate "
                            f"{false_alarm:g}): {alarming}")  # fmt: skip
    elif doubtful:
        every = CheckResult("every_variable_moves", None, float(len(doubtful)), None, f"inconclusive: variables "
                            f"{doubtful} did not change, and at T={t:g} a correct sampler leaves them still in all "
                            f"{chains} chains with probability up to {stay_chance[doubtful].max():.3g}")  # fmt: skip
    else:
        every = CheckResult("every_variable_moves", True, 0.0, 0.0, "every variable changed")
    return [move, every]


def detailed_balance(problem: Problem | StateSpace, dynamics, temperature: float, *, runs: int = 1000,
                     seed: int = 0, false_alarm: float = 1e-3) -> CheckResult:  # fmt: skip
    """Test pi_i P_ij = pi_j P_ji for one step of ``dynamics`` with pi = Boltzmann(``temperature``), from its
    transition matrix estimated by ``runs`` one-sweep runs from every state (:mod:`.estimate`).

    For each pair of states whose flux is expected at least 5 times in both directions, z = (pi_i P^_ij -
    pi_j P^_ji) / its standard error under the null (the flux pooled over both directions); the check fails when
    max |z| exceeds the two-sided normal quantile at ``false_alarm`` / pairs (Bonferroni: valid whatever the
    dependence between entries of one row).  A sweep of a rule reversible at each site is reversible when its
    sites are visited in random order, not in a fixed order.
    """
    space = state_space(problem)
    t = _checks.real("temperature", temperature, low=0.0, low_open=True)
    false_alarm = _checks.real("false_alarm", false_alarm, low=0.0, high=1.0, low_open=True, high_open=True)
    estimate = estimate_transition_matrix(space, dynamics, runs=runs, seed=seed)
    p = estimate.matrix.toarray()
    pi = boltzmann(space.energy, t)
    i, j = np.triu_indices(space.size, k=1)
    flux = (pi[i] * p[i, j] + pi[j] * p[j, i]) / 2  # the common flux if detailed balance holds
    p_ij, p_ji = flux / pi[i], flux / pi[j]
    keep = (runs * p_ij >= MIN_EXPECTED) & (runs * p_ji >= MIN_EXPECTED) & (p_ij < 1) & (p_ji < 1)
    if not np.any(keep):
        return CheckResult("detailed_balance", None, None, None, f"inconclusive: no pair of states is exchanged at "
                           f"least {MIN_EXPECTED:g} times in {runs} runs at T={t:g}: more runs, or a higher "
                           "temperature")  # fmt: skip
    i, j, p_ij, p_ji = i[keep], j[keep], p_ij[keep], p_ji[keep]
    error = np.sqrt(pi[i] ** 2 * p_ij * (1 - p_ij) / runs + pi[j] ** 2 * p_ji * (1 - p_ji) / runs)
    z = np.abs(pi[i] * p[i, j] - pi[j] * p[j, i]) / error
    threshold = float(norm.isf(false_alarm / (2 * keep.sum())))
    return CheckResult("detailed_balance", bool(z.max() <= threshold), float(z.max()), threshold,
                       f"largest |z| of the net flux over {int(keep.sum())} pairs of states, one step estimated from "
                       f"{runs} runs per state, at Boltzmann(T={t:g}) (false-alarm rate {false_alarm:g})")  # fmt: skip
