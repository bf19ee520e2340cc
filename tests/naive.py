"""Naive twins of the jitted kernels: plain Python, energies recomputed from scratch, same random numbers.

Each twin consumes the PyXoshiro stream in the order the kernel documents, so for a given RNG state the
twin and the kernel must produce the same configuration, the same accepted-move count and the same
final RNG state.  They recompute every energy change from ``problem.energy`` (O(M) per attempt), so
they are only for small instances.
"""

from __future__ import annotations

import math

import numpy as np

from benchsuite._rng import PyXoshiro


def _with(x: np.ndarray, i: int, value: int) -> np.ndarray:
    y = x.copy()
    y[i] = value
    return y


def _propose_colour(old: int, q: int, rng: PyXoshiro) -> int:
    r = rng.below(q - 1)
    return r + 1 if r >= old else r


def _sites(n: int, random_order: bool, rng: PyXoshiro):
    for t in range(n):
        yield rng.below(n) if random_order else t


def _new_value(problem, x, i, rng):
    if problem.family == "coloring":
        return _propose_colour(int(x[i]), problem.q, rng)
    return -int(x[i])


def metropolis(problem, x, betas, random_order, rng: PyXoshiro):
    """Metropolis with energy differences from full recomputation. Returns (x, accepted, energy change).

    Acceptance exp(-beta dE) is taken as 0 when beta dE >= 40; a uniform is drawn only when 0 < p < 1.
    """
    x = x.copy()
    energy = start = problem.energy(x)
    accepted = 0
    for beta in betas:
        for i in _sites(problem.n, random_order, rng):
            y = _with(x, i, _new_value(problem, x, i, rng))
            de = problem.energy(y) - energy
            p = 1.0 if de <= 0 else (math.exp(-beta * de) if beta * de < 40.0 else 0.0)
            if p >= 1.0 or (p > 0.0 and rng.uniform() < p):
                x, energy, accepted = y, energy + de, accepted + 1
    return x, accepted, energy - start


def heat_bath(problem, x, betas, random_order, rng: PyXoshiro):
    """Heat bath: the new value is drawn from the conditional Boltzmann law, with one uniform per visit."""
    x = x.copy()
    start = problem.energy(x)
    accepted = 0
    values = list(range(problem.q)) if problem.family == "coloring" else [1, -1]
    for beta in betas:
        for i in _sites(problem.n, random_order, rng):
            energies = np.array([problem.energy(_with(x, i, v)) for v in values])
            weights = np.exp(-beta * (energies - energies.min()))
            u = rng.uniform()
            if problem.family == "coloring":
                cumulative = np.cumsum(weights) / weights.sum()
                new = values[min(int(np.searchsorted(cumulative, u, side="right")), len(values) - 1)]
            else:  # Glauber: up with probability w_up / (w_up + w_down)
                new = 1 if u < weights[0] / weights.sum() else -1
            if new != x[i]:
                x = _with(x, i, new)
                accepted += 1
    return x, accepted, problem.energy(x) - start


def binomial_not_above(n_new: int, n_old: int, s: float) -> float:
    """P[Bin(n_new, s) <= Bin(n_old, s)] by direct summation."""
    pmf = lambda n, k: math.comb(n, k) * s**k * (1 - s) ** (n - k)
    return sum(pmf(n_old, a) * sum(pmf(n_new, b) for b in range(min(a, n_new) + 1)) for a in range(n_old + 1))


def sgd_like_binomial(problem, x, s, sweeps, rng: PyXoshiro):
    """Half-edge rule, fresh batch each sweep: accept with P[Bin(n_new, s) <= Bin(n_old, s)].

    n_old / n_new: terms at i in conflict before / after the proposal (colouring: neighbours with the old /
    new colour; +-1 Ising: unsatisfied / satisfied edges), counted from the edge list, not from cached fields.
    """
    x = x.copy()
    start = problem.energy(x)
    accepted = 0
    edges = problem.graph.edges
    for _ in range(sweeps):
        for i in range(problem.n):
            new = _new_value(problem, x, i, rng)
            nbrs = np.concatenate([edges[edges[:, 0] == i, 1], edges[edges[:, 1] == i, 0]])
            if problem.family == "coloring":
                n_old, n_new = int(np.sum(x[nbrs] == x[i])), int(np.sum(x[nbrs] == new))
            else:
                terms = np.concatenate([np.flatnonzero(edges[:, 0] == i), np.flatnonzero(edges[:, 1] == i)])
                satisfied = problem.couplings[terms] * x[i] * x[nbrs] > 0
                n_old, n_new = int(np.sum(~satisfied)), int(np.sum(satisfied))
            p = binomial_not_above(n_new, n_old, s)
            if p >= 1.0 - 1e-12 or (p > 0.0 and rng.uniform() < p):
                x = _with(x, i, new)
                accepted += 1
    return x, accepted, problem.energy(x) - start


def sgd_like_flags(problem, x, s, batch, persist, first_sweep, sweeps, rng: PyXoshiro):
    """Explicit mini-batch: a term is in the batch with probability s, drawn at first use in each epoch.

    Batch keys: ``("half", i, slot)`` for the half-edge rule, ``("edge", a)`` for the term rule,
    ``("field", i)`` for an Ising field term.  The batch energy change is the sum, over the batch terms
    touching i, of (term energy after - term energy before).  Terms whose energy cannot change (colouring:
    neighbour colour neither old nor new; Ising: zero field) are skipped without a draw, as in the kernel.
    """
    g = problem.graph
    x = x.copy()
    start = problem.energy(x)
    accepted = 0
    flags: dict = {}

    def in_batch(key, epoch):
        if (epoch, key) not in flags:
            flags[(epoch, key)] = rng.uniform() < s
        return flags[(epoch, key)]

    for sweep in range(first_sweep, first_sweep + sweeps):
        epoch = sweep // persist
        for i in range(problem.n):
            new = _new_value(problem, x, i, rng)
            batch_de = 0.0
            for k in range(g.ptr[i], g.ptr[i + 1]):
                j, a = int(g.nbr[k]), int(g.term[k])
                if problem.family == "coloring":
                    if x[j] not in (x[i], new):
                        continue
                    term_change = float(x[j] == new) - float(x[j] == x[i])
                else:
                    term_change = -problem.couplings[a] * x[j] * (new - x[i])
                if in_batch(("half", i, k - g.ptr[i]) if batch == "half-edge" else ("edge", a), epoch):
                    batch_de += term_change
            if problem.family == "ising" and problem.fields[i] != 0.0 and in_batch(("field", i), epoch):
                batch_de += -problem.fields[i] * (new - x[i])
            if batch_de <= 0:
                x = _with(x, i, new)
                accepted += 1
    return x, accepted, problem.energy(x) - start
