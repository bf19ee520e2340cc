"""Acceptance rules shared by the jitted kernels.

Probabilities below e^-40 (about 4e-18, under the 2^-53 resolution of the uniforms) are treated as zero, and a
uniform is drawn only when the acceptance probability is strictly between 0 and 1.  Hence a hopeless proposal
costs no random number and no ``exp``; the outcome differs from the textbook rule only when the uniform is
exactly 0 (probability 2^-53 per attempt).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._rng import next_uniform

HOPELESS = 40.0  # beta * dE beyond which a move is refused without a draw


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
def fill_boltzmann_table(beta, step, table):
    """``table[k] = exp(-beta * step * k)`` (k = 0, 1, ...), 0 where hopeless."""
    for k in range(table.size):
        table[k] = boltzmann_factor(beta * step * k)
