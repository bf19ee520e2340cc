"""Jitted sweeps for Ising models.  Cached field: ``local[i] = sum_j J_ij s_j + h_i``; flipping i costs 2 s_i local[i].

All kernels mutate ``s``, ``local`` and the RNG state in place and return ``(accepted flips, total energy
change)``.  Random-number order, reproduced by the naive twins in ``tests/naive.py``: site (random order
only), then one uniform when the acceptance probability is strictly between 0 and 1.

``bound >= 0`` declares integer local fields with |local| <= bound (integer couplings and fields): the
kernels then read acceptance probabilities from a per-sweep table instead of calling ``exp``; when the bound
is at most 127, couplings, fields and local fields are int8 (see ``IsingProblem.kernel_couplings``), so the
scattered updates of neighbours' fields touch 8 times less memory.
``bound = -1`` is the general real-valued path.  Complete graphs (SK) use the ``*_dense`` kernels, which
update local fields from a row of the dense coupling matrix.  They repeat the sparse kernels' loop on
purpose: one kernel choosing the update at run time measured 1.3-2x slower on sparse graphs.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._rng import next_below, next_uniform
from ._acceptance import accept, boltzmann_factor, fill_boltzmann_table
from ._coloring_kernels import in_batch


@njit(cache=True, nogil=True)
def local_fields(s, ptr, nbr, slot_j, h):
    """``local[i] = sum_j J_ij s_j + h_i``, in the dtype of ``h`` (int8 for small integer models, else float64)."""
    n = s.size
    local = np.empty(n, dtype=h.dtype)
    for i in range(n):
        acc = h[i]
        for k in range(ptr[i], ptr[i + 1]):
            acc += slot_j[k] * s[nbr[k]]
        local[i] = acc
    return local


@njit(inline="always", cache=True)
def _flip(i, s, local, ptr, nbr, slot_j):
    s[i] = -s[i]
    two_si = 2 * s[i]  # integer, so int8 local fields stay in integer arithmetic
    for k in range(ptr[i], ptr[i + 1]):
        local[nbr[k]] += two_si * slot_j[k]


@njit(inline="always", cache=True)
def _flip_dense(i, s, local, dense_j):
    s[i] = -s[i]
    two_si = 2.0 * s[i]
    row = dense_j[i]
    for j in range(local.size):
        local[j] += two_si * row[j]


@njit(inline="always", cache=True)
def _metropolis_probability(aligned, beta, table, bound):
    """Acceptance probability of flipping a spin with s_i local_i = ``aligned`` (dE = 2 aligned)."""
    if aligned <= 0.0:
        return 1.0
    if bound >= 0:
        return table[int(aligned)]
    return boltzmann_factor(2.0 * beta * aligned)


@njit(inline="always", cache=True)
def _up_probability(field, beta, table, bound):
    """Heat-bath probability of s_i = +1 given local field ``field``: 1 / (1 + exp(-2 beta field))."""
    if bound >= 0:
        return table[int(field) + bound]
    return 1.0 / (1.0 + np.exp(-2.0 * beta * field))


@njit(cache=True, nogil=True)
def _fill_up_table(beta, bound, table):
    for k in range(table.size):
        table[k] = 1.0 / (1.0 + np.exp(-2.0 * beta * (k - bound)))


@njit(cache=True, nogil=True)
def metropolis(s, local, ptr, nbr, slot_j, betas, random_order, rng, bound):
    """One Metropolis sweep per entry of ``betas`` (single spin flips)."""
    n = s.size
    table = np.empty(max(bound, 0) + 1)
    accepted = 0
    d_energy = 0.0
    for beta in betas:
        if bound >= 0:
            fill_boltzmann_table(beta, 2.0, table)
        for t in range(n):
            i = next_below(rng, n) if random_order else t
            aligned = s[i] * local[i]
            if accept(_metropolis_probability(aligned, beta, table, bound), rng):
                _flip(i, s, local, ptr, nbr, slot_j)
                accepted += 1
                d_energy += 2.0 * aligned
    return accepted, d_energy


@njit(cache=True, nogil=True)
def metropolis_dense(s, local, dense_j, betas, random_order, rng, bound):
    """Metropolis on a complete graph with a dense (n, n) coupling matrix (zero diagonal)."""
    n = s.size
    table = np.empty(max(bound, 0) + 1)
    accepted = 0
    d_energy = 0.0
    for beta in betas:
        if bound >= 0:
            fill_boltzmann_table(beta, 2.0, table)
        for t in range(n):
            i = next_below(rng, n) if random_order else t
            aligned = s[i] * local[i]
            if accept(_metropolis_probability(aligned, beta, table, bound), rng):
                _flip_dense(i, s, local, dense_j)
                accepted += 1
                d_energy += 2.0 * aligned
    return accepted, d_energy


@njit(cache=True, nogil=True)
def heat_bath(s, local, ptr, nbr, slot_j, betas, random_order, rng, bound):
    """Heat bath (Glauber): s_i = +1 with probability 1 / (1 + exp(-2 beta local[i])), one uniform per visit."""
    n = s.size
    table = np.empty(2 * max(bound, 0) + 1)
    accepted = 0
    d_energy = 0.0
    for beta in betas:
        if bound >= 0:
            _fill_up_table(beta, bound, table)
        for t in range(n):
            i = next_below(rng, n) if random_order else t
            up = next_uniform(rng) < _up_probability(local[i], beta, table, bound)
            if up != (s[i] > 0):
                d_energy += 2.0 * s[i] * local[i]
                _flip(i, s, local, ptr, nbr, slot_j)
                accepted += 1
    return accepted, d_energy


@njit(cache=True, nogil=True)
def heat_bath_dense(s, local, dense_j, betas, random_order, rng, bound):
    """Heat bath on a complete graph with a dense coupling matrix."""
    n = s.size
    table = np.empty(2 * max(bound, 0) + 1)
    accepted = 0
    d_energy = 0.0
    for beta in betas:
        if bound >= 0:
            _fill_up_table(beta, bound, table)
        for t in range(n):
            i = next_below(rng, n) if random_order else t
            up = next_uniform(rng) < _up_probability(local[i], beta, table, bound)
            if up != (s[i] > 0):
                d_energy += 2.0 * s[i] * local[i]
                _flip_dense(i, s, local, dense_j)
                accepted += 1
    return accepted, d_energy


@njit(cache=True, nogil=True)
def sgd_like_table(s, local, ptr, nbr, slot_j, accept_prob, sweeps, rng):
    """SGD-like sweeps for +-1 couplings without fields: half-edge rule, fresh batch each sweep, in order.

    With n_sat satisfied and n_unsat unsatisfied edges at i (s_i local_i = n_sat - n_unsat), the batch
    energy change of a flip is 2 (Bin(n_sat, s) - Bin(n_unsat, s)), so the flip is accepted with
    ``accept_prob[n_unsat, n_sat]`` = P[Bin(n_sat, s) <= Bin(n_unsat, s)], as in the colouring kernel.
    """
    n = s.size
    accepted = 0
    d_energy = 0.0
    for _ in range(sweeps):
        for i in range(n):
            aligned = np.int64(s[i] * local[i])
            degree = ptr[i + 1] - ptr[i]
            n_sat = (degree + aligned) // 2
            if accept(accept_prob[degree - n_sat, n_sat], rng):
                _flip(i, s, local, ptr, nbr, slot_j)
                accepted += 1
                d_energy += 2.0 * aligned
    return accepted, d_energy


@njit(cache=True, nogil=True)
def sgd_like_flags(s, local, ptr, nbr, slot_j, h, flag_index, batch, p_in, first_sweep, sweeps, persist, rng):
    """SGD-like sweeps in sequential order: flip iff the energy change on the batch terms is <= 0.

    Flag ``flag_index[k]`` decides half-edge slot k; flag ``batch.size - n + i`` decides the field term of i
    (drawn only where h_i != 0).  The batch changes every ``persist`` sweeps; flags are drawn lazily at
    first use in an epoch (in batch with probability ``p_in``; see ``in_batch``).
    """
    n = s.size
    field_base = batch.size - n
    accepted = 0
    d_energy = 0.0
    for sweep in range(first_sweep, first_sweep + sweeps):
        epoch = sweep // persist
        for i in range(n):
            batch_field = 0.0
            for k in range(ptr[i], ptr[i + 1]):
                if in_batch(batch, flag_index[k], epoch, p_in, rng):
                    batch_field += slot_j[k] * s[nbr[k]]
            if h[i] != 0.0 and in_batch(batch, field_base + i, epoch, p_in, rng):
                batch_field += h[i]
            if s[i] * batch_field <= 0.0:
                d_energy += 2.0 * s[i] * local[i]
                _flip(i, s, local, ptr, nbr, slot_j)
                accepted += 1
    return accepted, d_energy
