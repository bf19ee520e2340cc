"""Exact Boltzmann averages of tiny instances by enumerating every configuration (in chunks)."""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..kernels import fill, model_for, new_cache
from ..kernels.templates import gray_code_walk
from ..problems.base import Problem

MAX_CONFIGURATIONS = 1 << 22
MAX_GRAY_CONFIGURATIONS = 1 << 26  # ground states of two-valued problems: one flip per configuration, no arrays
CHUNK = 1 << 14  # configurations evaluated at once


def configurations(problem: Problem, first: int, count: int) -> np.ndarray:
    """Configurations number ``first .. first+count-1`` in mixed-radix order (variable 0 most significant),
    as an int8 array (count, n) of domain values."""
    values = problem.domain.values
    q, n = values.size, problem.n
    index = np.arange(first, first + count, dtype=np.int64)
    digits = (index[:, None] // q ** np.arange(n - 1, -1, -1, dtype=np.int64)) % q
    return values[digits]


def all_energies(problem: Problem) -> np.ndarray:
    """Total energy of every configuration, in the order of :func:`configurations` (at most 2^22 of them)."""
    if not isinstance(problem, Problem):
        raise ValidationError("problem", f"must be a Problem, got {type(problem).__name__}")
    count = problem.domain.size**problem.n
    if count > MAX_CONFIGURATIONS:
        raise ValidationError("problem", f"{count} configurations is too many to enumerate (max {MAX_CONFIGURATIONS})")
    out = np.empty(count)
    for first in range(0, count, CHUNK):
        size = min(CHUNK, count - first)
        out[first : first + size] = problem.energies(configurations(problem, first, size))
    return out


def ground_state(problem: Problem) -> tuple[float, np.ndarray]:
    """The lowest energy of ``problem`` and a configuration that has it, by visiting every configuration.

    Two-valued domains (up to 2^26 configurations) walk a Gray code in a kernel, one flip per configuration
    (:data:`benchsuite.kernels.templates.gray_code_walk`); the minimum's energy is then recomputed from its
    terms, so that no running sum rounds it.  Other domains enumerate (:func:`all_energies`)."""
    if not isinstance(problem, Problem):
        raise ValidationError("problem", f"must be a Problem, got {type(problem).__name__}")
    count = problem.domain.size**problem.n
    if problem.domain.size != 2 or count <= CHUNK:
        energies = all_energies(problem)
        best = int(np.argmin(energies))
        return float(energies[best]), configurations(problem, best, 1)[0]
    if count > MAX_GRAY_CONFIGURATIONS:
        raise ValidationError("problem", f"{count} configurations is too many to visit (max {MAX_GRAY_CONFIGURATIONS})")
    model = model_for(problem)
    start = np.full(problem.n, problem.domain.values[0], dtype=np.int8)
    x, cache = start.copy(), new_cache(problem)
    fill(model, x, cache)
    _, step = gray_code_walk(model, x, cache)
    flipped = np.array([(step ^ (step >> 1)) >> i & 1 for i in range(problem.n)], dtype=bool)
    best = np.where(flipped, problem.domain.values[1], start).astype(np.int8)
    return float(problem.energy(best)), best


def boltzmann_mean_energy(problem: Problem, temperature: float) -> float:
    """Exact <E>/n at temperature T (per variable)."""
    t = _checks.real("T", temperature, low=0.0, low_open=True)
    energies = all_energies(problem)
    w = np.exp(-(energies - energies.min()) / t)
    return float(np.dot(w, energies) / w.sum() / problem.n)
