"""Exact analysis of a dynamics on an enumerable instance: its stationary law against Boltzmann, and how far it
is from reversible.  One call, one record (:class:`ExactAnalysis`), the numbers the ``validate`` command prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp

from .. import _checks
from ..problems.base import Problem
from .markov import (
    StateSpace,
    boltzmann,
    closest_temperature,
    detailed_balance_violation,
    entropy_production,
    random_scan_matrix,
    spectral_gap,
    state_space,
    sweep_matrix,
    total_variation,
)
from .steady_state import stationary_distribution

STEPS = ("site", "sweep")


@dataclass(frozen=True)
class ExactAnalysis:
    """What the exact matrix of one step says.

    ``step`` is ``"site"`` (one update of a uniformly random site: the single-site rule itself) or ``"sweep"``
    (sites 0..n-1 in order).  Temperatures in energy units; ``detailed_balance_violation`` is the total net flux
    sum_ij |pi_i P_ij - pi_j P_ji| / 2 per step and ``entropy_production`` its rate in nats per step, both at the
    stationary law pi; ``t_eff`` is the temperature whose Boltzmann law is closest to pi (min KL), ``kl`` and
    ``tv_to_boltzmann`` what remains there; ``spectral_gap`` is 1 - |second eigenvalue| of one step.  For a
    dynamics with a temperature T of its own, ``tv_to_nominal`` is the distance from pi to Boltzmann(T) (as
    accurate as the solver: its error grows as the spectral gap closes) and ``nominal_residual`` the 1-norm of
    pi_T P - pi_T, which needs no solver: round-off only when Boltzmann(T) is stationary.
    """

    states: int
    step: str
    detailed_balance_violation: float
    entropy_production: float
    t_eff: float
    kl: float
    tv_to_boltzmann: float
    spectral_gap: float
    tv_to_nominal: float | None = None  # distance to Boltzmann at the dynamics' own T, when it has one
    nominal_residual: float | None = None  # sum |pi_T P - pi_T| for Boltzmann at the own T: 0 iff it is stationary

    def as_dict(self) -> dict:
        return asdict(self)


def exact_analysis(problem: Problem | StateSpace, dynamics, *, step: str = "site") -> ExactAnalysis:
    """Build the exact ``step`` matrix of a built-in single-site dynamics on every state of ``problem`` and
    analyse it (see :class:`ExactAnalysis`)."""
    step = _checks.choice("step", step, STEPS)
    space = state_space(problem)
    matrix = random_scan_matrix(space, dynamics) if step == "site" else sweep_matrix(space, dynamics)
    return matrix_analysis(space, matrix, step, getattr(dynamics, "T", None))


def matrix_analysis(space: StateSpace, matrix, step: str, nominal: float | None = None) -> ExactAnalysis:
    """Analyse a transition matrix over the states of ``space`` (exact, or estimated by
    :func:`~.estimate.estimate_transition_matrix`); ``step`` says what one step of it is."""
    pi = stationary_distribution(matrix)
    t_eff, kl = closest_temperature(pi, space.energy)
    return ExactAnalysis(
        states=space.size,
        step=step,
        detailed_balance_violation=detailed_balance_violation(matrix, pi),
        entropy_production=entropy_production(matrix, pi),
        t_eff=t_eff,
        kl=kl,
        tv_to_boltzmann=total_variation(pi, boltzmann(space.energy, t_eff)),
        spectral_gap=spectral_gap(matrix),
        tv_to_nominal=None if nominal is None else total_variation(pi, boltzmann(space.energy, float(nominal))),
        nominal_residual=None if nominal is None else _residual(matrix, boltzmann(space.energy, float(nominal))),
    )


def _residual(matrix, law: np.ndarray) -> float:
    """sum |law P - law|: how far ``law`` is from being stationary under one step."""
    moved = matrix.T @ law if sp.issparse(matrix) else law @ matrix
    return float(np.abs(np.asarray(moved).ravel() - law).sum())
