"""Statistical checks from chains, for instances too large to enumerate (or with an exact value to compare).

- ``mean_energy_matches``: the mean energy of a few long chains against a reference value, with the Monte-Carlo
  standard error of ArviZ (``arviz_stats``, from the effective sample size), as a two-sided z test;
- ``chains_agree``: rank-normalised split R-hat <= 1.01 and bulk ESS >= 400 across chains from independent random
  starts (the thresholds of Vehtari et al., Bayesian Analysis 16, 667 (2021)); these are rules of thumb, not
  tests with a false-alarm rate: the measured rate at the defaults is in ``docs/validate.md``;
- ``same_energy_law``: two dynamics' energy laws compared by a chi-square test of homogeneity on the energies
  of independent chains (the final state of each), binned at pooled quantiles.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2, chi2_contingency, norm

from .. import _checks
from ..problems.base import Problem
from .checks import CheckResult
from .series import energy_series

RHAT_MAX = 1.01
ESS_MIN = 400
BINS = 20


def _array_stats():
    try:
        from arviz_stats.base import array_stats
    except ImportError as exc:  # arviz-stats needs Python >= 3.11
        raise ImportError(
            "R-hat, ESS and MCSE come from arviz-stats (Python >= 3.11): pip install arviz-stats"
        ) from exc
    return array_stats


def energy_chains(problem: Problem, dynamics, *, chains: int, sweeps: int, burn_in: int, seed: int) -> np.ndarray:
    """Energy per variable after each sweep of ``chains`` chains from independent random starts, (chains, sweeps)."""
    chains = _checks.integer("chains", chains, low=1, high=10**5)
    seed = _checks.integer("seed", seed, low=0)
    roots = np.random.SeedSequence(seed).spawn(chains)
    return np.stack([energy_series(problem, dynamics, sweeps, seed=r, burn_in=burn_in) for r in roots])


def mean_energy_matches(problem: Problem, dynamics, reference: float, *, chains: int = 4, sweeps: int = 4000,
                        burn_in: int = 500, seed: int = 0, false_alarm: float = 1e-3) -> CheckResult:  # fmt: skip
    """Test that the stationary mean energy per variable equals ``reference`` (e.g. the exact Boltzmann mean)."""
    reference = _checks.real("reference", reference)
    false_alarm = _checks.real("false_alarm", false_alarm, low=0.0, high=1.0, low_open=True, high_open=True)
    e = energy_chains(problem, dynamics, chains=chains, sweeps=sweeps, burn_in=burn_in, seed=seed)
    mcse = float(_array_stats().mcse(e, method="mean"))
    z = abs(float(e.mean()) - reference) / mcse if mcse > 0 else np.inf
    threshold = float(norm.isf(false_alarm / 2))
    return CheckResult("mean_energy", bool(z <= threshold), z, threshold,
                       f"|mean - reference| / MCSE: mean {e.mean():.6g} vs {reference:.6g} per variable, MCSE {mcse:.2g} "
                       f"({chains} chains x {sweeps} sweeps after {burn_in}; false-alarm rate {false_alarm:g})")  # fmt: skip


def chains_agree(problem: Problem, dynamics, *, chains: int = 4, sweeps: int = 2000, burn_in: int = 500,
                 seed: int = 0) -> list[CheckResult]:  # fmt: skip
    """R-hat and ESS of the energy across chains from independent random starts."""
    chains = _checks.integer("chains", chains, low=2, high=10**5)
    e = energy_chains(problem, dynamics, chains=chains, sweeps=sweeps, burn_in=burn_in, seed=seed)
    rhat = float(_array_stats().rhat(e, method="rank"))
    ess = float(_array_stats().ess(e, method="bulk"))
    return [
        CheckResult("rhat", bool(rhat <= RHAT_MAX), rhat, RHAT_MAX,
                    f"rank-normalised split R-hat of the energy over {chains} chains x {sweeps} sweeps"),
        CheckResult("ess", bool(ess >= ESS_MIN), ess, ESS_MIN, "bulk effective sample size of the energy"),
    ]  # fmt: skip


def same_energy_law(problem: Problem, first, second, *, samples: int = 1000, burn_in: int = 200, seed: int = 0,
                    false_alarm: float = 1e-3) -> CheckResult:  # fmt: skip
    """Chi-square test that ``first`` and ``second`` give the same law of the energy after ``burn_in`` sweeps
    from random starts (``samples`` independent chains each, seeds independent between the two)."""
    samples = _checks.integer("samples", samples, low=10, high=10**6)
    burn_in = _checks.integer("burn_in", burn_in, low=1)
    false_alarm = _checks.real("false_alarm", false_alarm, low=0.0, high=1.0, low_open=True, high_open=True)
    seed = _checks.integer("seed", seed, low=0)
    a, b = (np.array([energy_series(problem, dyn, 1, seed=r, burn_in=burn_in - 1)[0]
                      for r in np.random.SeedSequence(seed, spawn_key=(k,)).spawn(samples)])
            for k, dyn in enumerate((first, second)))  # fmt: skip
    edges = np.unique(np.quantile(np.concatenate([a, b]), np.linspace(0, 1, BINS + 1)[1:-1]))
    table = np.array([np.bincount(np.searchsorted(edges, x, side="right"), minlength=edges.size + 1) for x in (a, b)])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return CheckResult("same_energy_law", None, None, None, "inconclusive: both dynamics gave one energy "
                           "only, so their laws of the energy cannot be told apart")  # fmt: skip
    statistic, _, dof, _ = chi2_contingency(table, correction=False)
    threshold = float(chi2.isf(false_alarm, dof))
    return CheckResult("same_energy_law", bool(statistic <= threshold), float(statistic), threshold,
                       f"chi-square of homogeneity, {samples} chains of each dynamics after {burn_in} sweeps, "
                       f"{table.shape[1]} energy bins (false-alarm rate {false_alarm:g})")  # fmt: skip
