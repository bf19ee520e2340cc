"""Jitted sweeps for q-colouring.  Cached field: ``counts[i, a]`` = neighbours of i holding colour a (int8 when
the maximum degree allows).

Energy changes are integers, so acceptance probabilities come from small per-sweep lookup tables.
All kernels mutate ``x``, ``counts`` and the RNG state in place and return
``(accepted moves, total energy change)``.  Random numbers are consumed in a documented order that the
naive twins in ``tests/naive.py`` reproduce: site (random order only), proposal, then one uniform only
when the acceptance probability is strictly between 0 and 1 (see ``_acceptance``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._rng import next_below, next_uniform
from ._acceptance import accept, fill_boltzmann_table


def colour_counts(x: np.ndarray, ptr: np.ndarray, nbr: np.ndarray, q: int, max_degree: int) -> np.ndarray:
    """``counts[i, a]`` = number of neighbours of i with colour a, in the smallest integer dtype that holds
    ``max_degree`` (int8 for sparse graphs, so the scattered count updates stay in cache)."""
    dtype = np.int8 if max_degree <= 127 else np.int16 if max_degree <= 32767 else np.int32
    counts = np.zeros((x.size, q), dtype=dtype)
    _fill_counts(x, ptr, nbr, counts)
    return counts


@njit(cache=True, nogil=True)
def _fill_counts(x, ptr, nbr, counts):
    for i in range(x.size):
        for k in range(ptr[i], ptr[i + 1]):
            counts[i, x[nbr[k]]] += 1


@njit(inline="always", cache=True)
def _move(i, old, new, x, counts, ptr, nbr):
    x[i] = new
    for k in range(ptr[i], ptr[i + 1]):
        j = nbr[k]
        counts[j, old] -= 1
        counts[j, new] += 1


@njit(inline="always", cache=True)
def _propose(old, q, rng):
    r = next_below(rng, q - 1)
    return r + 1 if r >= old else r


@njit(cache=True, nogil=True)
def metropolis(x, counts, ptr, nbr, max_degree, betas, random_order, rng):
    """One sweep per entry of ``betas``; proposal uniform among the other q - 1 colours."""
    n, q = counts.shape
    boltzmann = np.empty(max_degree + 1)
    accepted = 0
    d_energy = 0
    for beta in betas:
        fill_boltzmann_table(beta, 1.0, boltzmann)
        for t in range(n):
            i = next_below(rng, n) if random_order else t
            old = x[i]
            new = _propose(old, q, rng)
            de = counts[i, new] - counts[i, old]
            if de <= 0 or accept(boltzmann[de], rng):
                _move(i, old, new, x, counts, ptr, nbr)
                accepted += 1
                d_energy += de
    return accepted, d_energy


@njit(cache=True, nogil=True)
def heat_bath(x, counts, ptr, nbr, max_degree, betas, random_order, rng):
    """Heat bath: the new colour of i is drawn with weights exp(-beta counts[i, a]) over all q colours (one uniform)."""
    n, q = counts.shape
    boltzmann = np.empty(max_degree + 1)
    weights = np.empty(q)
    accepted = 0
    d_energy = 0
    for beta in betas:
        for k in range(max_degree + 1):
            boltzmann[k] = np.exp(-beta * k)
        for t in range(n):
            i = next_below(rng, n) if random_order else t
            least = counts[i, 0]
            for a in range(1, q):
                least = min(least, counts[i, a])
            total = 0.0
            for a in range(q):  # relative to the best colour, so that low T cannot underflow every weight
                weights[a] = boltzmann[counts[i, a] - least]
                total += weights[a]
            u = next_uniform(rng) * total
            new = q - 1
            for a in range(q - 1):
                u -= weights[a]
                if u < 0.0:
                    new = a
                    break
            old = x[i]
            if new != old:
                d_energy += counts[i, new] - counts[i, old]
                _move(i, old, new, x, counts, ptr, nbr)
                accepted += 1
    return accepted, d_energy


@njit(cache=True, nogil=True)
def sgd_like_table(x, counts, ptr, nbr, accept_prob, sweeps, rng):
    """SGD-like sweeps, half-edge rule with a fresh batch every sweep, in sequential order.

    A visit uses each half-edge of i once, so the batch energy change is Bin(n_new, s) - Bin(n_old, s)
    with independent binomials, and the move is accepted with ``accept_prob[n_old, n_new]`` =
    P[Bin(n_new, s) <= Bin(n_old, s)]: exactly the explicit rule, one uniform per uncertain decision.
    """
    n, q = counts.shape
    accepted = 0
    d_energy = 0
    for _ in range(sweeps):
        for i in range(n):
            old = x[i]
            new = _propose(old, q, rng)
            if accept(accept_prob[counts[i, old], counts[i, new]], rng):
                d_energy += counts[i, new] - counts[i, old]
                _move(i, old, new, x, counts, ptr, nbr)
                accepted += 1
    return accepted, d_energy


@njit(inline="always", cache=True)
def in_batch(batch, f, epoch, s, rng):
    """Flag f of the current epoch, drawn (in with probability s) at its first use in the epoch.

    ``batch[f]`` packs ``2 * epoch + flag``; it starts at -2 (no epoch).
    """
    packed = batch[f]
    if packed >> 1 != epoch:
        packed = 2 * epoch + (1 if next_uniform(rng) < s else 0)
        batch[f] = packed
    return (packed & 1) == 1


@njit(cache=True, nogil=True)
def sgd_like_flags(x, counts, ptr, nbr, flag_index, batch, s, first_sweep, sweeps, persist, rng):
    """SGD-like sweeps with explicit batch flags, in sequential order.

    Half-edge slot k belongs to flag ``flag_index[k]`` (k itself for the half-edge rule, the edge id for the
    term rule).  The batch changes every ``persist`` sweeps (epoch = sweep // persist); a flag is drawn the
    first time it is needed in an epoch, which is equivalent to drawing them all at the start of the epoch.
    Only neighbours with the old or new colour are looked at.  Accept iff (batch conflicts after) <=
    (batch conflicts before).
    """
    n, q = counts.shape
    accepted = 0
    d_energy = 0
    for sweep in range(first_sweep, first_sweep + sweeps):
        epoch = sweep // persist
        for i in range(n):
            old = x[i]
            new = _propose(old, q, rng)
            batch_de = 0
            for k in range(ptr[i], ptr[i + 1]):
                c = x[nbr[k]]
                if (c == old or c == new) and in_batch(batch, flag_index[k], epoch, s, rng):
                    batch_de += 1 if c == new else -1
            if batch_de <= 0:
                d_energy += counts[i, new] - counts[i, old]
                _move(i, old, new, x, counts, ptr, nbr)
                accepted += 1
    return accepted, d_energy
