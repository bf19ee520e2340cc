"""Statistical checks of a dynamics on small instances, each with a stated false-alarm rate.

``stays_at_target``: draw exact Boltzmann samples of an enumerable instance, advance each by ``sweeps`` sweeps as
an independent chain, and test that the law has not moved (Pearson chi-square on the configuration histogram,
cells expected fewer than 5 times pooled), together with checks that the chains moved at all (a dynamics that
never moves keeps every law) and that every variable did (one that skips a variable keeps Boltzmann too).
``detailed_balance``: the net flux of an estimated one-step matrix at Boltzmann.  Any object with
``init(problem, seed, x0)`` and ``step(state, sweeps)`` can be checked, and it needs no temperature of its own:
the target temperature is given.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import chi2, norm

from .. import _checks
from ..errors import ValidationError
from ..problems.base import Problem
from .estimate import MIN_EXPECTED, end_state, estimate_transition_matrix, pooled_chi_square, require_runnable
from .markov import StateSpace, boltzmann, state_space


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict: ``passed`` when ``statistic`` is on the right side of ``threshold`` (see ``detail``)."""

    name: str
    passed: bool
    statistic: float
    threshold: float
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


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
    ends = np.array([end_state(space, dynamics, start, np.random.SeedSequence(seed, spawn_key=(1, c)), sweeps)
                     for c, start in enumerate(starts)])  # fmt: skip
    statistic, dof = pooled_chi_square(np.bincount(ends, minlength=space.size), chains * target)
    threshold = float(chi2.isf(false_alarm, dof)) if dof > 0 else math.inf
    moved = float(np.mean(ends != starts))
    changed = space.digits[ends] != space.digits[starts]  # (chains, n)
    still = np.flatnonzero(~changed.any(axis=0))
    return [
        CheckResult("stays_at_target", statistic <= threshold, statistic, threshold,
                    f"chi-square of {chains} chains after {sweeps} sweeps from Boltzmann(T={t:g}) over {space.size} "
                    f"states ({dof} degrees of freedom, false-alarm rate {false_alarm:g})"),
        CheckResult("chains_move", moved > 0.0, moved, 0.0,
                    f"fraction of {chains} chains whose configuration changed in {sweeps} sweeps"),
        CheckResult("every_variable_moves", still.size == 0, float(still.size), 0.0,
                    f"variables that no chain changed: {still.tolist()}" if still.size else "every variable changed"),
    ]  # fmt: skip


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
        raise ValidationError("runs", f"no pair of states is exchanged at least {MIN_EXPECTED:g} times in {runs} "
                                      "runs: more runs, or a higher temperature")  # fmt: skip
    i, j, p_ij, p_ji = i[keep], j[keep], p_ij[keep], p_ji[keep]
    error = np.sqrt(pi[i] ** 2 * p_ij * (1 - p_ij) / runs + pi[j] ** 2 * p_ji * (1 - p_ji) / runs)
    z = np.abs(pi[i] * p[i, j] - pi[j] * p[j, i]) / error
    threshold = float(norm.isf(false_alarm / (2 * keep.sum())))
    return CheckResult("detailed_balance", bool(z.max() <= threshold), float(z.max()), threshold,
                       f"largest |z| of the net flux over {int(keep.sum())} pairs of states, one step estimated from "
                       f"{runs} runs per state, at Boltzmann(T={t:g}) (false-alarm rate {false_alarm:g})")  # fmt: skip
