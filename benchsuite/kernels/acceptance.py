"""Acceptance rules for jitted kernels, and the SGD-like rule's binomial acceptance table.

Probabilities below e^-40 (about 4e-18, under the 2^-53 resolution of the uniforms) are treated as zero, and a
uniform is drawn only when the acceptance probability is strictly between 0 and 1.  Hence a hopeless proposal
costs no random number and no ``exp``; the outcome differs from the textbook rule only when the uniform is
exactly 0 (probability 2^-53 per attempt).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import overload

from .. import _checks
from .rng import next_uniform

HOPELESS = 40.0  # beta * dE beyond which a move is refused without a draw
MAX_TABLE = 4096  # integer energy changes up to this size read their Boltzmann factor from a table
MAX_BINOMIAL_DEGREE = 1024  # largest degree of an acceptance_table (8 MB, built in about 0.5 s)


@njit(inline="always", cache=True)
def boltzmann_factor(beta_de):
    """exp(-beta dE) for beta dE > 0, or 0 when beta dE >= HOPELESS."""
    return np.exp(-beta_de) if beta_de < HOPELESS else 0.0


@njit(inline="always", cache=True)
def accept(p, rng):
    """True with probability ``p``; draws a uniform only when 0 < p < 1."""
    if p >= 1.0:
        return True
    return p > 0.0 and next_uniform(rng) < p


@njit(cache=True, nogil=True)
def fill_boltzmann_table(beta, table):
    """``table[k] = boltzmann_factor(beta * k)`` for k = 0, 1, ..."""
    for k in range(table.size):
        table[k] = boltzmann_factor(beta * k)


@njit(inline="always", cache=True)
def boltzmann_table(delta_bound):
    """An empty table for integer energy changes 0 .. min(delta_bound, MAX_TABLE) (one entry when real-valued)."""
    return np.empty(min(max(delta_bound, 0), MAX_TABLE) + 1)


def boltzmann_weight(de, beta, table):
    """exp(-beta dE) for dE >= 0 (0 when hopeless), read from ``table`` (filled by :func:`fill_boltzmann_table`)
    when ``de`` is an integer within it; jitted code only."""
    raise TypeError("boltzmann_weight is for jitted code")


@overload(boltzmann_weight, inline="always")
def _boltzmann_weight(de, beta, table):
    if isinstance(de, types.Integer):

        def integer(de, beta, table):
            return table[de] if de < table.size else boltzmann_factor(beta * de)

        return integer

    def real(de, beta, table):
        return boltzmann_factor(beta * de)

    return real


def acceptance_table(s: float, max_degree: int) -> np.ndarray:
    """``table[a, b]`` = P[Bin(b, s) <= Bin(a, s)] for independent binomials, ``0 <= a, b <= max_degree``.

    The SGD-like rule with a fresh half-edge batch accepts a move that removes ``a`` unit terms and adds ``b``
    with this probability (each term's flag is drawn once, in with probability ``s``).  Building it costs
    O(max_degree^3); ``max_degree`` is limited to ``MAX_BINOMIAL_DEGREE`` (denser variables draw explicit flags).
    """
    from scipy.stats import binom  # imported here: scipy.stats costs 0.3 s at import time

    s = _checks.real("s", s, low=0.0, high=1.0, low_open=True)
    max_degree = _checks.integer("max_degree", max_degree, low=0, high=MAX_BINOMIAL_DEGREE)
    if s < 2.0**-64:  # 1 - table[a, b] <= b s < 2^-54: every entry rounds to 1 (and scipy's pmf overflows)
        return np.ones((max_degree + 1, max_degree + 1))
    k = np.arange(max_degree + 1)
    pmf = binom.pmf(k[None, :], k[:, None], s)  # pmf[a, j] = P[Bin(a, s) = j]
    cdf = binom.cdf(k[None, :], k[:, None], s)  # cdf[b, j] = P[Bin(b, s) <= j]
    table = np.clip(pmf @ cdf.T, 0.0, 1.0)
    table[:, 0] = 1.0  # Bin(0, s) = 0 is never above the other side
    return table
