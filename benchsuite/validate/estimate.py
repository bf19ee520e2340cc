"""Transition matrices of black-box dynamics, estimated from repeated runs from every state of a small system.

For each of the ``q^n`` states (order of :class:`~.markov.StateSpace`) the dynamics is started there ``runs``
times with independent seeds (``SeedSequence(seed, spawn_key=(state, run))``: runs from different states do not
share random numbers, so the rows are independent) and advanced ``sweeps`` sweeps; the counts of where it ends
are the estimate.  Any object with the :class:`~benchsuite.dynamics.base.Dynamics` methods ``init`` and
``step`` can be measured.  Cost: ``q^n * runs`` calls of ``init`` and ``step``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.stats import chi2

from .. import _checks
from ..errors import ValidationError
from ..problems.base import Problem
from .markov import StateSpace, state_space

MAX_RUNS = 10**7  # total init + step calls one estimate may make
MIN_EXPECTED = 5.0  # chi-square cells expected fewer times than this are pooled, where the chi-square law holds


def pooled_chi_square(observed: np.ndarray, expected: np.ndarray) -> tuple[float, int]:
    """Pearson statistic and degrees of freedom, cells expected fewer than ``MIN_EXPECTED`` times merged."""
    big = expected >= MIN_EXPECTED
    obs = np.append(observed[big], observed[~big].sum())
    exp = np.append(expected[big], expected[~big].sum())
    keep = exp > 0
    return float(np.sum((obs[keep] - exp[keep]) ** 2 / exp[keep])), int(keep.sum()) - 1


def require_runnable(dynamics) -> None:
    """Refuse an object without ``init`` and ``step``."""
    if not callable(getattr(dynamics, "init", None)) or not callable(getattr(dynamics, "step", None)):
        raise ValidationError("dynamics", f"must have init(problem, seed, x0) and step(state, sweeps), got "
                                          f"{type(dynamics).__name__}")  # fmt: skip


def end_state(space: StateSpace, dynamics, start: int, seed: np.random.SeedSequence, sweeps: int) -> int:
    """Index of the state one chain started at state ``start`` with ``seed`` reaches after ``sweeps`` sweeps."""
    state, _ = dynamics.step(dynamics.init(space.problem, seed, x0=space.x[start].copy()), sweeps)
    return space.index(state.x)


@dataclass(frozen=True)
class EstimatedMatrix:
    """Counts of one-step outcomes: ``counts[i, j]`` runs from state i ended in state j, out of ``runs``."""

    counts: sp.csr_matrix
    runs: int

    @property
    def matrix(self) -> sp.csr_matrix:
        """The empirical transition matrix counts / runs."""
        return (self.counts / self.runs).tocsr()

    def error_bound(self, false_alarm: float = 1e-3) -> float:
        """A bound that every entry's error |P_hat - P| stays under, except with probability ``false_alarm``:
        Hoeffding's inequality with a union bound over all N^2 entries, sqrt(log(2 N^2 / false_alarm) / 2 runs)."""
        a = _checks.real("false_alarm", false_alarm, low=0.0, high=1.0, low_open=True, high_open=True)
        n = self.counts.shape[0]
        return math.sqrt(math.log(2 * n * n / a) / (2 * self.runs))

    def chi_square(self, exact) -> tuple[float, int, float]:
        """Pearson chi-square of the counts against an exact matrix, all rows pooled (cells expected fewer than
        5 times merged into one per row, where the chi-square law holds); returns (statistic, degrees of
        freedom, p-value).  A count where the exact matrix has 0 gives p-value 0."""
        exact = np.asarray(exact.toarray() if sp.issparse(exact) else exact, dtype=np.float64)
        counts = self.counts.toarray()
        if exact.shape != counts.shape:
            raise ValidationError("exact", f"must have shape {counts.shape}, got {exact.shape}")
        expected = self.runs * exact
        if np.any(counts[expected == 0] > 0):
            return math.inf, 0, 0.0
        rows = [pooled_chi_square(observed, wanted) for observed, wanted in zip(counts, expected)]
        statistic, dof = sum(r[0] for r in rows), sum(r[1] for r in rows)
        return statistic, dof, float(chi2.sf(statistic, dof)) if dof > 0 else 1.0


def estimate_transition_matrix(problem: Problem | StateSpace, dynamics, *, runs: int = 1000, seed: int = 0,
                               sweeps: int = 1) -> EstimatedMatrix:  # fmt: skip
    """Estimate the ``sweeps``-sweep transition matrix of ``dynamics`` on every state of ``problem``."""
    space = state_space(problem)
    runs = _checks.integer("runs", runs, low=1)
    seed = _checks.integer("seed", seed, low=0)
    sweeps = _checks.integer("sweeps", sweeps, low=1)
    require_runnable(dynamics)
    if space.size * runs > MAX_RUNS:
        raise ValidationError("runs", f"{space.size} states x {runs} runs is above {MAX_RUNS} runs")
    rows = np.repeat(np.arange(space.size), runs)
    cols = [end_state(space, dynamics, start, np.random.SeedSequence(seed, spawn_key=(start, run)), sweeps)
            for start in range(space.size) for run in range(runs)]  # fmt: skip
    counts = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(space.size, space.size))
    counts.sum_duplicates()
    return EstimatedMatrix(counts, runs)
