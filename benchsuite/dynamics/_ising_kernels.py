"""Jitted sweeps for Ising models.  Cached field: ``local[i] = sum_j J_ij s_j + h_i``; flipping i costs 2 s_i local[i].

All kernels mutate ``s``, ``local`` and the RNG state in place and return
``(accepted flips, total energy change)``.  Random-number order, reproduced by the naive twins in
``tests/naive.py``: site (random order only), then one uniform when the move is not certain.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._rng import next_below, next_uniform


@njit(cache=True, nogil=True)
def local_fields(s, ptr, nbr, slot_j, h):
    """``local[i] = sum_j J_ij s_j + h_i``."""
    n = s.size
    local = np.empty(n)
    for i in range(n):
        acc = h[i]
        for k in range(ptr[i], ptr[i + 1]):
            acc += slot_j[k] * s[nbr[k]]
        local[i] = acc
    return local


@njit(inline="always", cache=True)
def _flip(i, s, local, ptr, nbr, slot_j):
    s[i] = -s[i]
    two_si = 2.0 * s[i]
    for k in range(ptr[i], ptr[i + 1]):
        local[nbr[k]] += two_si * slot_j[k]


@njit(cache=True, nogil=True)
def metropolis(s, local, ptr, nbr, slot_j, betas, random_order, rng):
    """One Metropolis sweep per entry of ``betas`` (single spin flips)."""
    n = s.size
    accepted = 0
    d_energy = 0.0
    for beta in betas:
        for t in range(n):
            i = next_below(rng, n) if random_order else t
            de = 2.0 * s[i] * local[i]
            if de <= 0.0 or next_uniform(rng) < np.exp(-beta * de):
                _flip(i, s, local, ptr, nbr, slot_j)
                accepted += 1
                d_energy += de
    return accepted, d_energy


@njit(cache=True, nogil=True)
def heat_bath(s, local, ptr, nbr, slot_j, betas, random_order, rng):
    """Heat bath (Glauber): s_i = +1 with probability 1 / (1 + exp(-2 beta local[i])), one uniform per visit."""
    n = s.size
    accepted = 0
    d_energy = 0.0
    for beta in betas:
        for t in range(n):
            i = next_below(rng, n) if random_order else t
            up = next_uniform(rng) * (1.0 + np.exp(-2.0 * beta * local[i])) < 1.0
            if up != (s[i] > 0):
                d_energy += 2.0 * s[i] * local[i]
                _flip(i, s, local, ptr, nbr, slot_j)
                accepted += 1
    return accepted, d_energy


@njit(cache=True, nogil=True)
def sgd_like_flags(s, local, ptr, nbr, slot_j, h, flag_index, flags, stamps, p_in, first_sweep, sweeps, persist, rng):
    """SGD-like sweeps in sequential order: flip iff the energy change on the batch terms is <= 0.

    Flag ``flag_index[k]`` decides half-edge slot k; flag ``flags.size - n + i`` decides the field term of i
    (drawn only where h_i != 0).  The batch changes every ``persist`` sweeps; flags are drawn lazily at
    first use in an epoch (in batch with probability ``p_in``).
    """
    n = s.size
    field_base = flags.size - n
    accepted = 0
    d_energy = 0.0
    for sweep in range(first_sweep, first_sweep + sweeps):
        epoch = sweep // persist
        for i in range(n):
            batch_field = 0.0
            for k in range(ptr[i], ptr[i + 1]):
                f = flag_index[k]
                if stamps[f] != epoch:
                    stamps[f] = epoch
                    flags[f] = next_uniform(rng) < p_in
                if flags[f]:
                    batch_field += slot_j[k] * s[nbr[k]]
            if h[i] != 0.0:
                f = field_base + i
                if stamps[f] != epoch:
                    stamps[f] = epoch
                    flags[f] = next_uniform(rng) < p_in
                if flags[f]:
                    batch_field += h[i]
            if s[i] * batch_field <= 0.0:
                d_energy += 2.0 * s[i] * local[i]
                _flip(i, s, local, ptr, nbr, slot_j)
                accepted += 1
    return accepted, d_energy
