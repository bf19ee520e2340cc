"""Zero-drift theory of the SGD-like rule on q-colouring, and the naive single-move guess.

In the paramagnetic Boltzmann measure at temperature T on a locally tree-like graph, the neighbours of a
variable are independent; each holds the variable's colour with probability p = x / (q - 1 + x),
x = exp(-1/T), and each other colour with probability (1 - p) / (q - 1).  A variable of degree d therefore has
n_old ~ Bin(d, p) conflicts now and n_new | n_old ~ Bin(d - n_old, 1/(q - 1)) after a proposal to a uniformly
chosen other colour.  A dynamics that accepts with probability A(n_old, n_new) changes the energy at the rate

    drift(T) = E_d E[(n_new - n_old) A(n_old, n_new)],     d ~ Poisson(c) (or the given degree law).

The SGD-like half-edge rule has A = P[Bin(n_new, s) <= Bin(n_old, s)] (Angelini et al., Sci. Rep. 14, 11638
(2024)); its predicted temperature T(s) solves drift(T) = 0.  That drift is computed in O(degree) per degree
(:func:`sgd_like_drift`, not through the (d+1)^2 table): each neighbour contributes e = -1 (holds the old
colour, probability p), +1 (the new one, u = (1 - p)/(q - 1)) or 0, and is in the batch with probability s;
the move is accepted iff the batch sum R of e over the batch is <= 0.  By exchangeability
drift_d = d E[e_1 1{e_1 f_1 + R_(d-1) <= 0}], with R_(d-1) = N+ - N- over the d - 1 other neighbours,
N- ~ Bin(d - 1, s p) and N+ | N- ~ Bin(d - 1 - N-, s u / (1 - s p)).  For Poisson(c) degrees,
E[d h(d - 1)] = c E[h(d)] and N+, N- are independent Poisson(c s u), Poisson(c s p): R is Skellam and the
drift has a closed form.  Metropolis at T has zero drift exactly at T
(detailed balance edge by edge), which the tests use to check the machinery.  The naive guess treats one
conflict: Metropolis accepts +1 with e^(-1/T), SGD-like with 1 - s, so T = -1 / ln(1 - s).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq
from scipy.stats import binom, poisson, skellam

from .. import _checks
from ..errors import ValidationError
from ..kernels.acceptance import acceptance_table

MAX_TEMPERATURE = 1e6  # the root search for T(s) widens its bracket up to here
Acceptance = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (n_old, n_new) -> probability


def naive_temperature(s: float) -> float:
    """T = -1 / ln(1 - s): the temperature at which Metropolis accepts one new conflict as often as SGD-like."""
    s = _checks.real("s", s, low=0.0, high=1.0, low_open=True)
    return 0.0 if s == 1.0 else -1.0 / math.log1p(-s)


def poisson_degrees(c: float, tail: float = 1e-12) -> np.ndarray:
    """P(d) for d = 0..d_max of Poisson(c), truncated where the tail mass is below ``tail`` and renormalised."""
    c = _checks.real("c", c, low=0.0, low_open=True)
    d_max = int(poisson.isf(tail, c)) + 1
    pd = poisson.pmf(np.arange(d_max + 1), c)
    return pd / pd.sum()


def energy_drift(temperature: float, q: int, degrees: np.ndarray, acceptance: Acceptance) -> float:
    """Mean energy change per attempted move in the paramagnetic state at ``temperature``.

    ``degrees[d]`` = P(degree = d); ``acceptance(n_old, n_new)`` broadcasts over integer arrays.
    """
    x = math.exp(-1.0 / temperature)
    p_same = x / (q - 1 + x)
    d_max = degrees.size - 1
    k = np.arange(d_max + 1)
    n_old, n_new = np.meshgrid(k, k, indexing="ij")
    gain = (n_new - n_old) * acceptance(n_old, n_new)  # [n_old, n_new]
    drift = 0.0
    for d in np.flatnonzero(degrees):
        p_old = binom.pmf(k[: d + 1], d, p_same)  # P(n_old = a)
        # P(n_new = b | n_old = a) = Bin(d - a, 1/(q-1)) at b
        p_new = binom.pmf(k[None, : d + 1], (d - k[: d + 1])[:, None], 1.0 / (q - 1))
        drift += degrees[d] * float(np.sum(p_old[:, None] * p_new * gain[: d + 1, : d + 1]))
    return drift


def _one_neighbour_term(p: float, u: float, s: float, cdf: Callable[[int], float]) -> float:
    """E[e_1 1{e_1 f_1 + R <= 0}] for neighbour 1 and ``cdf(t)`` = P(R <= t) of the others' batch sum."""
    at_zero = cdf(0)
    return u * (s * cdf(-1) + (1 - s) * at_zero) - p * (s * cdf(1) + (1 - s) * at_zero)


def _skellam_cdf(t: int, plus: float, minus: float) -> float:
    """P(N+ - N- <= t) for independent Poisson N+, N- of means ``plus``, ``minus`` (either may be 0)."""
    if plus > 0 and minus > 0:
        return float(skellam.cdf(t, plus, minus))
    if minus > 0:
        return float(poisson.sf(-t - 1, minus))  # N+ = 0: P(N- >= -t)
    return float(poisson.cdf(t, plus)) if plus > 0 else float(t >= 0)


def sgd_like_drift(temperature: float, s: float, q: int, c: float | None = None, degrees=None) -> float:
    """Mean energy change per attempted move of the half-edge SGD-like rule in the paramagnet at ``temperature``,
    for Poisson(``c``) degrees (closed form) or the degree law ``degrees`` (``degrees[d]`` = P(degree = d)).
    Equal to ``energy_drift`` with ``sgd_like_acceptance`` (see the module notes), in O(degree) per degree."""
    x = math.exp(-1.0 / temperature)
    p = x / (q - 1 + x)
    u = (1 - p) / (q - 1)
    if c is not None:
        return c * _one_neighbour_term(p, u, s, lambda t: _skellam_cdf(t, c * s * u, c * s * p))
    drift = 0.0
    for d in np.flatnonzero(degrees[1:]) + 1:
        minus = np.arange(d)  # N- = 0 .. d - 1 among the other d - 1 neighbours
        # P(N- >= 1) <= (d - 1) s p < 2^-54 below 2^-64: N- = 0 to double precision (and scipy's pmf overflows)
        p_minus = binom.pmf(minus, d - 1, s * p) if s * p >= 2.0**-64 else (minus == 0).astype(np.float64)
        plus_rate = s * u / (1 - s * p)

        def cdf(t, d=d, minus=minus, p_minus=p_minus, plus_rate=plus_rate):
            return float(np.sum(p_minus * binom.cdf(t + minus, d - 1 - minus, plus_rate)))

        drift += degrees[d] * d * _one_neighbour_term(p, u, s, cdf)
    return drift


def sgd_like_acceptance(s: float, d_max: int) -> Acceptance:
    """A(n_old, n_new) = P[Bin(n_new, s) <= Bin(n_old, s)] (half-edge rule, fresh batch)."""
    table = acceptance_table(s, d_max)
    return lambda n_old, n_new: table[n_old, n_new]


def metropolis_acceptance(temperature: float) -> Acceptance:
    """A(n_old, n_new) = min(1, exp(-(n_new - n_old) / T))."""
    return lambda n_old, n_new: np.minimum(1.0, np.exp(-(n_new - n_old) / temperature))


def zero_drift_temperature(
    s: float, q: int, c: float | None = None, degrees: np.ndarray | None = None, t_range=(0.02, 50.0)
) -> float:
    """T(s) of the half-edge SGD-like rule: the temperature whose paramagnet has zero SGD-like energy drift.

    Give the mean degree ``c`` (Poisson degrees) or an explicit degree law ``degrees``.  Returns 0 for s = 1
    (the greedy rule drifts downhill at every T > 0).
    """
    s = _checks.real("s", s, low=0.0, high=1.0, low_open=True)
    q = _checks.integer("q", q, low=2)
    if (c is None) == (degrees is None):
        raise ValidationError("c", "give exactly one of c (Poisson degrees) or degrees (a degree law)")
    if degrees is None:
        c = _checks.real("c", c, low=0.0, low_open=True)
    else:
        degrees = np.asarray(_checks.array("degrees", degrees, ndim=1, kind="f"), dtype=np.float64)
        if np.any(degrees < 0) or not math.isclose(degrees.sum(), 1.0, rel_tol=1e-9):
            raise ValidationError("degrees", "must be a probability vector over degrees 0, 1, ...")
    if s == 1.0:
        return 0.0

    def drift(t: float) -> float:
        return sgd_like_drift(t, s, q, c=c, degrees=degrees)

    lo, hi = t_range
    f_lo, f_hi = drift(lo), drift(hi)
    while f_hi > 0 and hi < MAX_TEMPERATURE:  # small s on dense graphs: T(s) beyond the initial range
        lo, f_lo, hi = hi, f_hi, 4 * hi
        f_hi = drift(hi)
    if f_lo * f_hi > 0:
        raise ValidationError("s", f"no zero of the SGD-like drift for T in [{t_range[0]}, {hi:g}] "
                                   f"(drift {f_lo:.3g} at T = {lo:g}, {f_hi:.3g} at T = {hi:g})")  # fmt: skip
    return float(brentq(drift, lo, hi, xtol=1e-10, rtol=1e-10))


def theory_temperature(problem, s: float) -> float:
    """Zero-drift T(s) for a colouring instance: Poisson degrees of mean 2M/N for Erdos-Renyi graphs, the fixed
    degree d for random d-regular graphs."""
    if "d" in problem.params:
        law = np.zeros(problem.params["d"] + 1)
        law[-1] = 1.0
        return zero_drift_temperature(s, problem.q, degrees=law)
    return zero_drift_temperature(s, problem.q, c=2 * problem.m / problem.n)
