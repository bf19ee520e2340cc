"""The rules, each written once over the family primitives: Metropolis (and annealing), heat bath, SGD-like.

``rule.for_model(model)`` is the rule compiled for ``model``'s family (a numba dispatcher, compiled on first
use and then loaded from numba's on-disk cache); ``rule(model, ...)`` calls it.

Every rule advances a *block* of R independent replicas of one problem in one call: ``x`` is ``(R, n)``,
``cache`` is ``(R, *layout)``, the RNG states ``(R, 4)`` and the tracks ``(R, TRACK_SIZE)``; per-replica
parameters (inverse temperatures, batch flags) carry the same leading axis.  One chain is the block of
R = 1 (``state.x[None]``, a view).  A rule mutates the arrays in place and returns nothing; what a call did
to replica r is in its track.

The *track* of a replica is a float64 row of ``TRACK_SIZE`` entries: the energy and sweep count at the start
of the call (written by the caller), the best energy so far and the sweep count at which it was first
reached, a target energy and the first sweep count at which the energy was at or below it (-1: not yet),
and, written by the rule, the energy change and the number of accepted moves of this call.  A rule reads
the row once, updates its own copies with :func:`observe` after every move that lowers the energy, and
writes them back at the end.  So the best energy and the time to a target are exact, whatever grid a runner
records on.  A sweep count ``k`` means "during the k-th sweep": a run of budget ``t`` has reached the target
iff ``hit <= t``.

Random numbers, in the order a rule draws them (the naive twins in ``tests/naive.py`` repeat this order):
the site (random order only), the family's proposal (none for a spin flip, one for q states), then
Metropolis: one uniform only when 0 < p < 1 (:func:`~.acceptance.accept`); heat bath: one uniform per visit;
SGD-like with the binomial table: one uniform only when 0 < p < 1; SGD-like with explicit flags: one uniform
per batch flag at its first use in an epoch, for the slots whose term would change, in slot order.

Cache keys: numba keys a cached function on its own source file only.  Each rule is therefore built inside a
factory whose closure holds a fingerprint of the model's module and of the kernel modules it inlines; numba
hashes closure variables into the cache key, so editing a family's primitives recompiles the rules for it.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
from numba import njit

from . import acceptance, primitives
from . import rng as rng_module
from .acceptance import accept, boltzmann_table, boltzmann_weight, fill_boltzmann_table
from .primitives import (
    apply,
    change_counts,
    conditional_energy,
    delta,
    domain_value,
    fill_cache,
    propose,
    slot_delta,
    slot_range,
    slot_term,
    violated,
)
from .rng import next_below, next_uniform


@cache
def _fingerprint(module_name: str) -> str:
    """SHA-256 (16 hex) of the model's module source and of the kernel modules every rule inlines."""
    h = hashlib.sha256()
    for module in (sys.modules[module_name], primitives, acceptance, rng_module):
        source = getattr(module, "__file__", None)
        h.update(Path(source).read_bytes() if source and Path(source).is_file() else module.__name__.encode())
    return h.hexdigest()[:16]


class Rule:
    """One rule, compiled per model class on demand (see the module notes on cache keys)."""

    def __init__(self, factory: Callable[[str], Callable]):
        self._factory = factory
        self._compiled: dict[type, Callable] = {}
        self._lock = threading.Lock()
        self.__doc__ = factory("").__doc__  # the rule's docstring; no fingerprint (file reads) at import
        self.__name__ = factory.__name__.lstrip("_")

    def for_model(self, model) -> Callable:
        """The numba dispatcher of this rule for ``model``'s class."""
        cls = type(model)
        with self._lock:
            if cls not in self._compiled:
                self._compiled[cls] = njit(cache=True, nogil=True)(self._factory(_fingerprint(cls.__module__)))
            return self._compiled[cls]

    def __call__(self, model, *args):
        return self.for_model(model)(model, *args)


START_ENERGY, START_SWEEP, BEST_ENERGY, BEST_SWEEP, TARGET, HIT_SWEEP, ENERGY_CHANGE, ACCEPTED = range(8)
TRACK_SIZE = 8


@njit(inline="always", cache=True)
def observe(energy, sweep, best, best_sweep, hit, target):
    """``(best, best_sweep, hit)`` after a move to ``energy`` during sweep ``sweep`` (counted from the start of
    the chain): a lower energy is a new best, and the first one at or below ``target`` is the hit (hit < 0:
    not yet).  Pure, so that a rule keeps the three in registers (a write to the track array inside the loop
    would make the compiler reload the model's arrays after it: 4x slower on a 3-regular glass)."""
    if energy < best:
        best = energy
        best_sweep = sweep
        if hit < 0 and energy <= target:
            hit = sweep
    return best, best_sweep, hit


@njit(inline="always", cache=True)
def _track_in(track):
    """The track's entries as locals: start energy, start sweep, best, its sweep, target, hit."""
    return track[START_ENERGY], track[START_SWEEP], track[BEST_ENERGY], track[BEST_SWEEP], track[TARGET], track[HIT_SWEEP]


@njit(inline="always", cache=True)
def _track_out(track, best, best_sweep, hit, d_energy, accepted):
    """Write a rule's best, its sweep, the hit, the call's energy change and accepted moves into the track."""
    track[BEST_ENERGY] = best
    track[BEST_SWEEP] = best_sweep
    track[HIT_SWEEP] = hit
    track[ENERGY_CHANGE] = d_energy
    track[ACCEPTED] = accepted


@njit(inline="always", cache=True)
def in_batch(batch, f, epoch, s, rng):
    """Flag ``f`` of the current epoch, drawn (in with probability ``s``) at its first use in the epoch.

    ``batch[f]`` packs ``2 * epoch + flag``; it starts at -2 (no epoch).  Drawing at first use is equivalent
    to drawing every flag at the start of the epoch.
    """
    packed = batch[f]
    if packed >> 1 != epoch:
        packed = 2 * epoch + (1 if next_uniform(rng) < s else 0)
        batch[f] = packed
    return (packed & 1) == 1


@njit(inline="always", cache=True)
def metropolis_sweep(model, x, cache, beta, table, random_order, rng, start, d_energy, sweep, best, best_sweep, hit,
                     target):  # fmt: skip
    """One Metropolis sweep of one replica at inverse temperature ``beta`` (``table`` filled for it), as sweep
    number ``sweep``: returns the moves accepted, and ``d_energy`` (the change since ``start``), ``best``,
    ``best_sweep``, ``hit`` updated (see :func:`observe`)."""
    n = x.size
    accepted = 0
    for t in range(n):
        i = next_below(rng, n) if random_order else t
        new = propose(model, x, i, rng)
        de = delta(model, x, cache, i, new)
        if de <= 0 or accept(boltzmann_weight(de, beta, table), rng):
            apply(model, x, cache, i, new)
            accepted += 1
            d_energy += de
            if de < 0:
                best, best_sweep, hit = observe(start + d_energy, sweep, best, best_sweep, hit, target)
    return accepted, d_energy, best, best_sweep, hit


def _metropolis(fingerprint: str):
    def metropolis(model, x, cache, betas, random_order, rng, track):
        """Replica r makes one sweep per entry of ``betas[r]`` (inverse temperatures): propose, accept with
        min(1, e^(-beta dE))."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        table = boltzmann_table(model.delta_bound)
        for r in range(x.shape[0]):
            xr, cr, rr = x[r], cache[r], rng[r]
            start, sweep0, best, best_sweep, target, hit = _track_in(track[r])
            accepted = 0
            d_energy = 0
            for b in range(betas.shape[1]):
                beta = betas[r, b]
                fill_boltzmann_table(beta, table)
                more, d_energy, best, best_sweep, hit = metropolis_sweep(
                    model, xr, cr, beta, table, random_order, rr, start, d_energy, sweep0 + b + 1, best, best_sweep,
                    hit, target)  # fmt: skip
                accepted += more
            _track_out(track[r], best, best_sweep, hit, d_energy, accepted)

    return metropolis


def _heat_bath(fingerprint: str):
    def heat_bath(model, x, cache, betas, random_order, rng, track):
        """Replica r makes one sweep per entry of ``betas[r]``: redraw x_i from its conditional Boltzmann law
        (one uniform).

        Weights are taken relative to the lowest conditional energy, so that no temperature underflows all
        of them; the value is found by subtracting the weights, in domain order, from ``u * total``.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.shape[1]
        q = model.n_values
        weights = np.empty(q)
        table = boltzmann_table(model.delta_bound)
        for r in range(x.shape[0]):
            xr, cr, rr = x[r], cache[r], rng[r]
            start, sweep0, best, best_sweep, target, hit = _track_in(track[r])
            accepted = 0
            d_energy = 0
            for b in range(betas.shape[1]):
                beta = betas[r, b]
                fill_boltzmann_table(beta, table)
                for t in range(n):
                    i = next_below(rr, n) if random_order else t
                    least = conditional_energy(model, xr, cr, i, 0)
                    for v in range(1, q):
                        least = min(least, conditional_energy(model, xr, cr, i, v))
                    total = 0.0
                    for v in range(q):
                        weights[v] = boltzmann_weight(conditional_energy(model, xr, cr, i, v) - least, beta, table)
                        total += weights[v]
                    u = next_uniform(rr) * total
                    chosen = q - 1
                    for v in range(q - 1):
                        u -= weights[v]
                        if u < 0.0:
                            chosen = v
                            break
                    new = domain_value(model, chosen)
                    if new != xr[i]:
                        de = delta(model, xr, cr, i, new)
                        d_energy += de
                        apply(model, xr, cr, i, new)
                        accepted += 1
                        if de < 0:
                            best, best_sweep, hit = observe(start + d_energy, sweep0 + b + 1, best, best_sweep, hit,
                                                            target)  # fmt: skip
            _track_out(track[r], best, best_sweep, hit, d_energy, accepted)

    return heat_bath


def _sgd_like_binomial(fingerprint: str):
    def sgd_like_binomial(model, x, cache, accept_prob, sweeps, rng, track):
        """SGD-like sweeps in sequential order, half-edge batch drawn afresh every sweep, for ``unit_terms`` models.

        Each slot is used once per sweep, so the batch energy change is u (Bin(n_up, s) - Bin(n_down, s)) and the
        move is accepted with ``accept_prob[n_down, n_up]`` = P[Bin(n_up, s) <= Bin(n_down, s)]
        (:func:`~.acceptance.acceptance_table`): the law of explicit flags, one uniform per uncertain decision.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.shape[1]
        for r in range(x.shape[0]):
            xr, cr, rr = x[r], cache[r], rng[r]
            start, sweep0, best, best_sweep, target, hit = _track_in(track[r])
            accepted = 0
            d_energy = 0
            for sweep in range(sweeps):
                for i in range(n):
                    new = propose(model, xr, i, rr)
                    n_down, n_up = change_counts(model, xr, cr, i, new)
                    if accept(accept_prob[n_down, n_up], rr):
                        de = delta(model, xr, cr, i, new)
                        d_energy += de
                        apply(model, xr, cr, i, new)
                        accepted += 1
                        if de < 0:
                            best, best_sweep, hit = observe(start + d_energy, sweep0 + sweep + 1, best, best_sweep,
                                                            hit, target)  # fmt: skip
            _track_out(track[r], best, best_sweep, hit, d_energy, accepted)

    return sgd_like_binomial


def _sgd_like_flags(fingerprint: str):
    def sgd_like_flags(model, x, cache, batch, term_rule, s, first_sweep, sweeps, persist, rng, track):
        """SGD-like sweeps in sequential order with explicit batch flags: accept iff the energy change summed over
        the batch terms is <= 0 (ties accepted).

        The flag of slot k for replica r is ``batch[r, k]`` (half-edge rule) or ``batch[r, slot_term(model, k)]``
        (term rule); the batch changes every ``persist`` sweeps (epoch = sweep // persist) and flags are drawn
        lazily (see :func:`in_batch`), only for slots whose term would change.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.shape[1]
        for r in range(x.shape[0]):
            xr, cr, rr, flags = x[r], cache[r], rng[r], batch[r]
            start, sweep0, best, best_sweep, target, hit = _track_in(track[r])
            accepted = 0
            d_energy = 0
            for sweep in range(first_sweep, first_sweep + sweeps):
                epoch = sweep // persist
                for i in range(n):
                    new = propose(model, xr, i, rr)
                    first, last = slot_range(model, i)
                    batch_de = 0
                    for k in range(first, last):
                        d = slot_delta(model, xr, cr, i, new, k)
                        if d != 0 and in_batch(flags, slot_term(model, k) if term_rule else k, epoch, s, rr):
                            batch_de += d
                    if batch_de <= 0:
                        de = delta(model, xr, cr, i, new)
                        d_energy += de
                        apply(model, xr, cr, i, new)
                        accepted += 1
                        if de < 0:
                            best, best_sweep, hit = observe(start + d_energy, sweep0 + sweep - first_sweep + 1, best,
                                                            best_sweep, hit, target)  # fmt: skip
            _track_out(track[r], best, best_sweep, hit, d_energy, accepted)

    return sgd_like_flags


def _parallel_tempering(fingerprint: str):
    def parallel_tempering(model, x, cache, betas, replica_at, energies, first_round, rounds, random_order, rng,
                           swap_rng, track, swaps, stage, trips):  # fmt: skip
        """Rounds of replica exchange on a block of R replicas; returns the Metropolis moves accepted.

        A round is one Metropolis sweep of every replica at its temperature (``replica_at[k]`` sits at
        ``betas[k]``, the coldest first), then swap attempts between neighbouring temperatures, even pairs
        (0-1, 2-3, ...) in even rounds and odd pairs in odd rounds (the deterministic even-odd scheme of Syed
        et al., JRSS B 84, 321 (2022), arXiv:1905.02939): the replicas at k and k+1 trade temperatures with
        probability min(1, e^((beta_k - beta_k+1)(E_k - E_k+1))), one uniform from ``swap_rng`` when below 1.
        ``energies[r]`` is replica r's energy; ``swaps[k]`` counts (attempts, accepted) of pair k; ``stage[r]``
        follows round trips (0: not yet at the coldest, 1: left the coldest, 2: reached the hottest since) and
        ``trips[0]`` counts the returns to the coldest after the hottest.  Replica r's track keeps its best
        energy and hit sweep, with rounds as sweeps.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n_replicas = x.shape[0]
        table = boltzmann_table(model.delta_bound)
        accepted = 0
        for t in range(rounds):
            this_round = first_round + t
            for k in range(n_replicas):
                r = replica_at[k]
                tr = track[r]
                best, best_sweep, target, hit = tr[BEST_ENERGY], tr[BEST_SWEEP], tr[TARGET], tr[HIT_SWEEP]
                fill_boltzmann_table(betas[k], table)
                more, d_energy, best, best_sweep, hit = metropolis_sweep(
                    model, x[r], cache[r], betas[k], table, random_order, rng[r], energies[r], 0, this_round + 1,
                    best, best_sweep, hit, target)  # fmt: skip
                energies[r] += d_energy
                accepted += more
                tr[BEST_ENERGY], tr[BEST_SWEEP], tr[HIT_SWEEP] = best, best_sweep, hit
            for k in range(this_round % 2, n_replicas - 1, 2):
                a, b = replica_at[k], replica_at[k + 1]
                log_ratio = (betas[k] - betas[k + 1]) * (energies[a] - energies[b])
                swaps[k, 0] += 1
                if log_ratio >= 0.0 or next_uniform(swap_rng) < np.exp(log_ratio):
                    replica_at[k], replica_at[k + 1] = b, a
                    swaps[k, 1] += 1
            coldest, hottest = replica_at[0], replica_at[n_replicas - 1]
            if stage[coldest] == 2:
                trips[0] += 1
            stage[coldest] = 1
            if stage[hottest] == 1:
                stage[hottest] = 2
        return accepted

    return parallel_tempering


def _walksat(fingerprint: str):
    def walksat(model, x, cache, noise, sweeps, rng, track):
        """WalkSAT (Selman, Kautz & Cohen, 1994) on a K-SAT model: ``sweeps * n`` flips per replica.

        Each flip picks an unsatisfied clause, ``unsat[next_below(n_unsat)]`` (the list starts in clause
        order; a clause that becomes satisfied is replaced by the last entry, one that becomes unsatisfied
        is appended), and counts for each of its variables the clauses the flip would break.  A variable
        that breaks none is flipped (drawn among them when several, one ``next_below``); otherwise, with
        probability ``noise`` (one uniform) a variable of the clause drawn uniformly (one ``next_below``),
        else one of least break count (drawn among the ties when several).  No unsatisfied clause: nothing
        more to do.  The list is rebuilt from the cache at each call, so it cannot go stale between calls.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.shape[1]
        m = model.term_ptr.size - 1
        unsat = np.empty(m, dtype=np.int64)
        where = np.empty(m, dtype=np.int64)
        longest = 0
        for a in range(m):
            longest = max(longest, model.term_ptr[a + 1] - model.term_ptr[a])
        ties = np.empty(longest, dtype=np.int64)
        for r in range(x.shape[0]):
            xr, cr, rr = x[r], cache[r], rng[r]
            start, sweep0, best, best_sweep, target, hit = _track_in(track[r])
            accepted = 0
            d_energy = 0
            n_unsat = 0
            for a in range(m):
                where[a] = -1
                if cr[a] == 0:
                    unsat[n_unsat] = a
                    where[a] = n_unsat
                    n_unsat += 1
            for sweep in range(sweeps):
                if n_unsat == 0:
                    break
                for _ in range(n):
                    if n_unsat == 0:
                        break
                    a = unsat[next_below(rr, n_unsat)]
                    first, last = model.term_ptr[a], model.term_ptr[a + 1]
                    least = 1 << 62
                    n_ties = 0
                    for k in range(first, last):
                        i = model.term_var[k]
                        breaks = 0
                        for slot in range(model.ptr[i], model.ptr[i + 1]):
                            if cr[model.clause[slot]] == 1 and model.sign[slot] * xr[i] > 0:
                                breaks += 1
                        if breaks < least:
                            least, n_ties = breaks, 0
                        if breaks == least:
                            ties[n_ties] = i
                            n_ties += 1
                    if least > 0 and next_uniform(rr) < noise:
                        i = model.term_var[first + next_below(rr, last - first)]
                    else:
                        i = ties[next_below(rr, n_ties)] if n_ties > 1 else ties[0]
                    new = -xr[i]
                    de = delta(model, xr, cr, i, new)
                    apply(model, xr, cr, i, new)
                    for slot in range(model.ptr[i], model.ptr[i + 1]):
                        b = model.clause[slot]
                        if cr[b] == 0 and where[b] < 0:
                            unsat[n_unsat] = b
                            where[b] = n_unsat
                            n_unsat += 1
                        elif cr[b] > 0 and where[b] >= 0:
                            moved = unsat[n_unsat - 1]
                            unsat[where[b]] = moved
                            where[moved] = where[b]
                            where[b] = -1
                            n_unsat -= 1
                    accepted += 1
                    d_energy += de
                    if de < 0:
                        best, best_sweep, hit = observe(start + d_energy, sweep0 + sweep + 1, best, best_sweep, hit,
                                                        target)  # fmt: skip
            _track_out(track[r], best, best_sweep, hit, d_energy, accepted)

    return walksat


def _focused_metropolis(fingerprint: str):
    def focused_metropolis(model, x, cache, beta, sweeps, rng, track):
        """Focused Metropolis search (Seitz, Alava & Orponen, J. Stat. Mech. P06006, 2005) on a constraint
        model (``violated``, terms in CSR form): ``sweeps * n`` attempted flips per replica.

        Each attempt picks a violated constraint, ``unsat[next_below(n_unsat)]`` (the list is kept as
        WalkSAT keeps it: constraint order at the start, one that becomes satisfied replaced by the last
        entry, one that becomes violated appended), one of its variables uniformly (one ``next_below``), and
        flips it with probability min(1, e^(-beta dE)) (one uniform only when 0 < p < 1).  No violated
        constraint: nothing more to do.  The list is rebuilt from the cache at each call.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.shape[1]
        m = model.term_ptr.size - 1
        unsat = np.empty(m, dtype=np.int64)
        where = np.empty(m, dtype=np.int64)
        table = boltzmann_table(model.delta_bound)
        fill_boltzmann_table(beta, table)
        for r in range(x.shape[0]):
            xr, cr, rr = x[r], cache[r], rng[r]
            start, sweep0, best, best_sweep, target, hit = _track_in(track[r])
            accepted = 0
            d_energy = 0
            n_unsat = 0
            for a in range(m):
                where[a] = -1
                if violated(model, cr, a):
                    unsat[n_unsat] = a
                    where[a] = n_unsat
                    n_unsat += 1
            for sweep in range(sweeps):
                if n_unsat == 0:
                    break
                for _ in range(n):
                    if n_unsat == 0:
                        break
                    a = unsat[next_below(rr, n_unsat)]
                    first, last = model.term_ptr[a], model.term_ptr[a + 1]
                    i = model.term_var[first + next_below(rr, last - first)]
                    new = propose(model, xr, i, rr)
                    de = delta(model, xr, cr, i, new)
                    if de > 0 and not accept(boltzmann_weight(de, beta, table), rr):
                        continue
                    apply(model, xr, cr, i, new)
                    slots_first, slots_last = slot_range(model, i)
                    for k in range(slots_first, slots_last):
                        b = slot_term(model, k)
                        if violated(model, cr, b):
                            if where[b] < 0:
                                unsat[n_unsat] = b
                                where[b] = n_unsat
                                n_unsat += 1
                        elif where[b] >= 0:
                            moved = unsat[n_unsat - 1]
                            unsat[where[b]] = moved
                            where[moved] = where[b]
                            where[b] = -1
                            n_unsat -= 1
                    accepted += 1
                    d_energy += de
                    if de < 0:
                        best, best_sweep, hit = observe(start + d_energy, sweep0 + sweep + 1, best, best_sweep, hit,
                                                        target)  # fmt: skip
            _track_out(track[r], best, best_sweep, hit, d_energy, accepted)

    return focused_metropolis


def _gray_code_walk(fingerprint: str):
    def gray_code_walk(model, x, cache):
        """Visit every configuration of a two-valued model once, in reflected Gray-code order from ``x`` (step k
        flips the variable whose index is the number of trailing zeros of k), and return (the lowest energy
        change from the start, the first step at which it was reached).  The configuration of step k differs
        from the start in the set bits of k ^ (k >> 1).  ``x`` and ``cache`` are left at the last step."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.size
        d_energy = 0.0
        best = 0.0
        best_step = 0
        for step in range(1, 1 << n):
            i = 0
            rest = step
            while rest & 1 == 0:
                rest >>= 1
                i += 1
            new = domain_value(model, 0)
            if new == x[i]:
                new = domain_value(model, 1)
            d_energy += delta(model, x, cache, i, new)
            apply(model, x, cache, i, new)
            if d_energy < best:
                best, best_step = d_energy, step
        return best, best_step

    return gray_code_walk


def _fill(fingerprint: str):
    def fill(model, x, cache):
        """The family's cached fields of ``x``, written into ``cache`` (one configuration, not a block)."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        fill_cache(model, x, cache)

    return fill


def _fill_replicas(fingerprint: str):
    def fill_replicas(model, x, cache):
        """The cached fields of every configuration of a block: ``fill`` for each replica r of ``x`` (R, n)."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        for r in range(x.shape[0]):
            fill_cache(model, x[r], cache[r])

    return fill_replicas


metropolis = Rule(_metropolis)
heat_bath = Rule(_heat_bath)
sgd_like_binomial = Rule(_sgd_like_binomial)
sgd_like_flags = Rule(_sgd_like_flags)
parallel_tempering = Rule(_parallel_tempering)
walksat = Rule(_walksat)
focused_metropolis = Rule(_focused_metropolis)
gray_code_walk = Rule(_gray_code_walk)
fill = Rule(_fill)
fill_replicas = Rule(_fill_replicas)
