"""Exact Boltzmann averages of tiny instances by enumerating every configuration."""

from __future__ import annotations

import itertools

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..problems.base import PairwiseProblem

MAX_CONFIGURATIONS = 1 << 22


def all_energies(problem: PairwiseProblem) -> np.ndarray:
    """Total energy of every configuration (colouring: q^n of them; Ising: 2^n), at most 2^22."""
    values = list(range(problem.q)) if problem.family == "coloring" else [-1, 1]
    count = len(values) ** problem.n
    if count > MAX_CONFIGURATIONS:
        raise ValidationError("problem", f"{count} configurations is too many to enumerate (max {MAX_CONFIGURATIONS})")
    configs = np.array(list(itertools.product(values, repeat=problem.n)), dtype=np.int8)
    e = problem.graph.edges
    a, b = configs[:, e[:, 0]], configs[:, e[:, 1]]
    if problem.family == "coloring":
        return np.count_nonzero(a == b, axis=1).astype(np.float64)
    return -(a * b).astype(np.float64) @ problem.couplings - configs.astype(np.float64) @ problem.fields


def boltzmann_mean_energy(problem: PairwiseProblem, temperature: float) -> float:
    """Exact <E>/n at temperature T (per variable)."""
    t = _checks.real("T", temperature, low=0.0, low_open=True)
    energies = all_energies(problem)
    w = np.exp(-(energies - energies.min()) / t)
    return float(np.dot(w, energies) / w.sum() / problem.n)
