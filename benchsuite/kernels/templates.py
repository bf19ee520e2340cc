"""The rules, each written once over the family primitives: Metropolis (and annealing), heat bath, SGD-like.

``rule.for_model(model)`` is the rule compiled for ``model``'s family (a numba dispatcher, compiled on first
use and then loaded from numba's on-disk cache); ``rule(model, ...)`` calls it.  Every rule mutates ``x``,
``cache`` and the RNG state in place and returns ``(accepted moves, total energy change)``.

Every rule also keeps the *track*: a float64 array of ``TRACK_SIZE`` entries holding the energy and sweep
count at the start of the call (written by the caller), the best energy so far and the sweep count at which
it was first reached, a target energy and the first sweep count at which the energy was at or below it
(-1: not yet).  A rule reads it once, updates its own copies with :func:`observe` after every move that
lowers the energy, and writes them back at the end.  So the best energy and the time to a target are exact, whatever grid a
runner records on.  A sweep count ``k`` means "during the k-th sweep": a run of budget ``t`` has reached
the target iff ``hit <= t``.

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


START_ENERGY, START_SWEEP, BEST_ENERGY, BEST_SWEEP, TARGET, HIT_SWEEP = range(6)
TRACK_SIZE = 6


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
def _track_out(track, best, best_sweep, hit):
    """Write a rule's best, its sweep and the hit back into the track."""
    track[BEST_ENERGY] = best
    track[BEST_SWEEP] = best_sweep
    track[HIT_SWEEP] = hit


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


def _metropolis(fingerprint: str):
    def metropolis(model, x, cache, betas, random_order, rng, track):
        """One sweep per entry of ``betas`` (inverse temperatures): propose, accept with min(1, e^(-beta dE))."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.size
        table = boltzmann_table(model.delta_bound)
        accepted = 0
        d_energy = 0
        start, sweep0, best, best_sweep, target, hit = _track_in(track)
        for b in range(betas.size):
            beta = betas[b]
            fill_boltzmann_table(beta, table)
            for t in range(n):
                i = next_below(rng, n) if random_order else t
                new = propose(model, x, i, rng)
                de = delta(model, x, cache, i, new)
                if de <= 0 or accept(boltzmann_weight(de, beta, table), rng):
                    apply(model, x, cache, i, new)
                    accepted += 1
                    d_energy += de
                    if de < 0:
                        best, best_sweep, hit = observe(start + d_energy, sweep0 + b + 1, best, best_sweep, hit, target)
        _track_out(track, best, best_sweep, hit)
        return accepted, d_energy

    return metropolis


def _heat_bath(fingerprint: str):
    def heat_bath(model, x, cache, betas, random_order, rng, track):
        """One sweep per entry of ``betas``: redraw x_i from its conditional Boltzmann law (one uniform).

        Weights are taken relative to the lowest conditional energy, so that no temperature underflows all
        of them; the value is found by subtracting the weights, in domain order, from ``u * total``.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.size
        q = model.n_values
        weights = np.empty(q)
        table = boltzmann_table(model.delta_bound)
        accepted = 0
        d_energy = 0
        start, sweep0, best, best_sweep, target, hit = _track_in(track)
        for b in range(betas.size):
            beta = betas[b]
            fill_boltzmann_table(beta, table)
            for t in range(n):
                i = next_below(rng, n) if random_order else t
                least = conditional_energy(model, x, cache, i, 0)
                for v in range(1, q):
                    least = min(least, conditional_energy(model, x, cache, i, v))
                total = 0.0
                for v in range(q):
                    weights[v] = boltzmann_weight(conditional_energy(model, x, cache, i, v) - least, beta, table)
                    total += weights[v]
                u = next_uniform(rng) * total
                chosen = q - 1
                for v in range(q - 1):
                    u -= weights[v]
                    if u < 0.0:
                        chosen = v
                        break
                new = domain_value(model, chosen)
                if new != x[i]:
                    de = delta(model, x, cache, i, new)
                    d_energy += de
                    apply(model, x, cache, i, new)
                    accepted += 1
                    if de < 0:
                        best, best_sweep, hit = observe(start + d_energy, sweep0 + b + 1, best, best_sweep, hit, target)
        _track_out(track, best, best_sweep, hit)
        return accepted, d_energy

    return heat_bath


def _sgd_like_binomial(fingerprint: str):
    def sgd_like_binomial(model, x, cache, accept_prob, sweeps, rng, track):
        """SGD-like sweeps in sequential order, half-edge batch drawn afresh every sweep, for ``unit_terms`` models.

        Each slot is used once per sweep, so the batch energy change is u (Bin(n_up, s) - Bin(n_down, s)) and the
        move is accepted with ``accept_prob[n_down, n_up]`` = P[Bin(n_up, s) <= Bin(n_down, s)]
        (:func:`~.acceptance.acceptance_table`): the law of explicit flags, one uniform per uncertain decision.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.size
        accepted = 0
        d_energy = 0
        start, sweep0, best, best_sweep, target, hit = _track_in(track)
        for sweep in range(sweeps):
            for i in range(n):
                new = propose(model, x, i, rng)
                n_down, n_up = change_counts(model, x, cache, i, new)
                if accept(accept_prob[n_down, n_up], rng):
                    de = delta(model, x, cache, i, new)
                    d_energy += de
                    apply(model, x, cache, i, new)
                    accepted += 1
                    if de < 0:
                        best, best_sweep, hit = observe(start + d_energy, sweep0 + sweep + 1, best, best_sweep, hit,
                                                        target)  # fmt: skip
        _track_out(track, best, best_sweep, hit)
        return accepted, d_energy

    return sgd_like_binomial


def _sgd_like_flags(fingerprint: str):
    def sgd_like_flags(model, x, cache, batch, term_rule, s, first_sweep, sweeps, persist, rng, track):
        """SGD-like sweeps in sequential order with explicit batch flags: accept iff the energy change summed over
        the batch terms is <= 0 (ties accepted).

        The flag of slot k is ``batch[k]`` (half-edge rule) or ``batch[slot_term(model, k)]`` (term rule); the
        batch changes every ``persist`` sweeps (epoch = sweep // persist) and flags are drawn lazily (see
        :func:`in_batch`), only for slots whose term would change.
        """
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        n = x.size
        accepted = 0
        d_energy = 0
        start, sweep0, best, best_sweep, target, hit = _track_in(track)
        for sweep in range(first_sweep, first_sweep + sweeps):
            epoch = sweep // persist
            for i in range(n):
                new = propose(model, x, i, rng)
                first, last = slot_range(model, i)
                batch_de = 0
                for k in range(first, last):
                    d = slot_delta(model, x, cache, i, new, k)
                    if d != 0 and in_batch(batch, slot_term(model, k) if term_rule else k, epoch, s, rng):
                        batch_de += d
                if batch_de <= 0:
                    de = delta(model, x, cache, i, new)
                    d_energy += de
                    apply(model, x, cache, i, new)
                    accepted += 1
                    if de < 0:
                        best, best_sweep, hit = observe(start + d_energy, sweep0 + sweep - first_sweep + 1, best,
                                                        best_sweep, hit, target)  # fmt: skip
        _track_out(track, best, best_sweep, hit)
        return accepted, d_energy

    return sgd_like_flags


def _fill(fingerprint: str):
    def fill(model, x, cache):
        """The family's cached fields of ``x``, written into ``cache``."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see the module notes)
        fill_cache(model, x, cache)

    return fill


metropolis = Rule(_metropolis)
heat_bath = Rule(_heat_bath)
sgd_like_binomial = Rule(_sgd_like_binomial)
sgd_like_flags = Rule(_sgd_like_flags)
fill = Rule(_fill)
