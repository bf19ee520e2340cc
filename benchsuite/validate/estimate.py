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
from .markov import StateSpace

MAX_RUNS = 10**7  # total init + step calls one estimate may make


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
        statistic, dof = 0.0, 0
        for observed_row, expected_row in zip(counts, expected):
            big = expected_row >= 5
            observed = np.append(observed_row[big], observed_row[~big].sum())
            wanted = np.append(expected_row[big], expected_row[~big].sum())
            cells = wanted > 0
            statistic += float(np.sum((observed[cells] - wanted[cells]) ** 2 / wanted[cells]))
            dof += int(cells.sum()) - 1
        return statistic, dof, float(chi2.sf(statistic, dof)) if dof > 0 else 1.0


def estimate_transition_matrix(problem: Problem | StateSpace, dynamics, *, runs: int = 1000, seed: int = 0,
                               sweeps: int = 1) -> EstimatedMatrix:  # fmt: skip
    """Estimate the ``sweeps``-sweep transition matrix of ``dynamics`` on every state of ``problem``."""
    space = problem if isinstance(problem, StateSpace) else StateSpace(problem)
    runs = _checks.integer("runs", runs, low=1)
    seed = _checks.integer("seed", seed, low=0)
    sweeps = _checks.integer("sweeps", sweeps, low=1)
    if not callable(getattr(dynamics, "init", None)) or not callable(getattr(dynamics, "step", None)):
        raise ValidationError("dynamics", f"must have init(problem, seed, x0) and step(state, sweeps), got "
                                          f"{type(dynamics).__name__}")  # fmt: skip
    if space.size * runs > MAX_RUNS:
        raise ValidationError("runs", f"{space.size} states x {runs} runs is above {MAX_RUNS} runs")
    rows, cols = [], []
    for start in range(space.size):
        for run in range(runs):
            child = np.random.SeedSequence(seed, spawn_key=(start, run))
            state = dynamics.init(space.problem, child, x0=space.x[start].copy())
            state, _ = dynamics.step(state, sweeps)
            rows.append(start), cols.append(space.index(state.x))
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(space.size, space.size))
    counts.sum_duplicates()
    return EstimatedMatrix(counts, runs)
