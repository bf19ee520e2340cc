"""A zoo of single-site dynamics with realistic bugs, written as a user would write them (numba over the
kernel primitives), and the correct rule they depart from: what the check kit must catch and must pass."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from numba import njit

from benchsuite import kernels as K
from benchsuite.dynamics import Facts, KernelDynamics, SGDLike
from benchsuite.dynamics.base import seed_sequence

CORRECT = 0
BUGS = {
    "half-exponent": 1,  # exp(-dE / 2T): the temperature doubled
    "double-counted-delta": 2,  # each term counted from both ends: exp(-2 dE / T)
    "no-max-in-exponent": 3,  # exp(-|dE| / T): downhill moves penalised too
    "delta-off-by-one": 4,  # exp(-(dE + 1) / T)
    "beta-for-T": 5,  # exp(-T dE)
    "stale-cache": 6,  # x written without updating the cached fields
    "skips-last-variable": 7,  # for i in range(n - 1)
    "never-proposes-last-value": 8,  # a move to the domain's last value is never made
    "uniform-drawn-once-per-sweep": 9,  # one random number reused for every site of a sweep
    "heat-bath-unnormalised": 10,  # the first value v with u < e^(-beta (E_v - E_min)) is taken
}
SUBTLE = {  # what the planned directed test is sized for (kit defaults: 2% at power 0.99)
    "two-percent-hot": 11,  # exp(-dE / (1.02 T)) while stating T
    "one-percent-acceptance-bias": 12,  # uphill moves accepted with 0.99 exp(-dE / T)
}
PATHS = {  # bugs that show only on some instances or through some calls (the kit's instances must reach them)
    "heat-bath-over-other-values": 13,  # never keeps the current value (spins: a deterministic flip)
    "asymmetric-proposal": 14,  # "next" value proposed half the time, no Hastings correction (q >= 3)
    "field-sign-error": 15,  # acceptance from an energy change with the field terms' sign flipped
    "proposal-right-for-q-le-3": 16,  # x + 1 or x + 2 (mod q): every other value only when q <= 3
    "unrolled-by-8-skips-a-site": 17,  # the remainder loop after blocks of 8 sites starts one too late
    "forgets-downhill-energy": 18,  # only uphill changes added to the energy it reports
    "heat-bath-one-percent-into-next-bin": 19,  # 1% of value 0's weight given to value 1
}
RESTORES_RNG = "restores-rng-every-step"  # every step starts from the random state of the first
SHARED_STREAM = "replicas-share-one-stream"  # init ignores the seed: every chain draws the same numbers
HEAT_BATH_BUGS = (10, 13, 19)


@njit(cache=True, nogil=True)
def _heat_bath_value(model, x, cache, i, beta, q, bug, rng):
    """The new value of site i from its conditional law (bug 10: unnormalised; 13: among the other values only;
    19: 1% of value 0's weight moved to value 1)."""
    low = K.conditional_energy(model, x, cache, i, 0)
    for v in range(1, q):
        low = min(low, K.conditional_energy(model, x, cache, i, v))
    u = K.next_uniform(rng)
    if bug == 10:
        for v in range(q):
            if u < math.exp(-beta * (K.conditional_energy(model, x, cache, i, v) - low)):
                return K.domain_value(model, v)
        return x[i]
    weights = np.empty(q)
    for v in range(q):
        skip = bug == 13 and K.domain_value(model, v) == x[i]
        weights[v] = 0.0 if skip else math.exp(-beta * (K.conditional_energy(model, x, cache, i, v) - low))
    if bug == 19:
        weights[1] += 0.01 * weights[0]
        weights[0] *= 0.99
    u *= weights.sum()
    for v in range(q - 1):
        u -= weights[v]
        if u < 0.0:
            return K.domain_value(model, v)
    return K.domain_value(model, q - 1)


@njit(cache=True, nogil=True)
def _proposal(model, x, i, q, bug, rng):
    """The family's proposal, or for q >= 3 (colour values 0..q-1) bug 14: the next value half the time, else a
    uniform other value; bug 16: x + 1 or x + 2 (mod q)."""
    if q >= 3 and (bug == 14 or bug == 16):
        step = 1 + K.next_below(rng, 2 if bug == 16 else q - 1)
        if bug == 14 and K.next_uniform(rng) < 0.5:
            step = 1
        new = np.int8((x[i] + step) % q)
    else:
        new = K.propose(model, x, i, rng)
    return new


@njit(cache=True, nogil=True)
def _visit(model, x, cache, i, beta, q, bug, fields, u_sweep, last_value, rng):
    """One update of site i: (accepted, energy change reported).  One exit and one call of each primitive
    (numba inlines them)."""
    heat_bath = bug == 10 or bug == 13 or bug == 19
    if heat_bath:
        new = _heat_bath_value(model, x, cache, i, beta, q, bug, rng)
    else:
        new = _proposal(model, x, i, q, bug, rng)
    take = False
    de = 0.0
    if new != x[i]:
        de = K.delta(model, x, cache, i, new)
        if heat_bath:
            take = True
        elif not (bug == 8 and new == last_value):
            seen = de - 4.0 * x[i] * fields[i] if bug == 15 else de  # flipping s_i changes -h s_i by 2 h s_i
            exponent = beta * max(seen, 0.0)
            if bug == 1:
                exponent = beta * max(de, 0.0) / 2
            elif bug == 2:
                exponent = 2 * beta * max(de, 0.0)
            elif bug == 3:
                exponent = beta * abs(de)
            elif bug == 4:
                exponent = beta * max(de + 1.0, 0.0)
            elif bug == 5:
                exponent = max(de, 0.0) / beta
            elif bug == 11:
                exponent = beta * max(de, 0.0) / 1.02
            elif bug == 12 and de > 0:
                exponent = beta * de - math.log(0.99)
            u = u_sweep if bug == 9 else K.next_uniform(rng)
            take = u < math.exp(-exponent)
    if take and bug == 6:
        x[i] = new
    elif take:
        K.apply(model, x, cache, i, new)
    reported = de if take and not (bug == 18 and de < 0) else 0.0
    return (1 if take else 0), reported


@njit(cache=True, nogil=True)
def buggy_sweeps(model, x, cache, beta, q, bug, sweeps, rng, fields):
    """Sweeps of one chain in site order: (accepted, energy change)."""
    accepted, d_energy = 0, 0.0
    last_value = K.domain_value(model, q - 1)
    n = x.size
    for _ in range(sweeps):
        u_sweep = K.next_uniform(rng)
        if bug == 17:  # blocks of 8 sites, then the remainder (from one site too far when n >= 8)
            for i in range(8 * (n // 8)):
                a, d = _visit(model, x, cache, i, beta, q, bug, fields, u_sweep, last_value, rng)
                accepted, d_energy = accepted + a, d_energy + d
            for i in range(8 * (n // 8) + (1 if n >= 8 else 0), n):
                a, d = _visit(model, x, cache, i, beta, q, bug, fields, u_sweep, last_value, rng)
                accepted, d_energy = accepted + a, d_energy + d
            continue
        for i in range(n - 1 if bug == 7 else n):
            a, d = _visit(model, x, cache, i, beta, q, bug, fields, u_sweep, last_value, rng)
            accepted, d_energy = accepted + a, d_energy + d
    return accepted, d_energy


@njit(cache=True, nogil=True)
def buggy_block(model, x, cache, beta, q, bug, sweeps, rng, fields, accepted, d_energy):
    """``buggy_sweeps`` for each chain of a block (x of shape (R, n))."""
    for r in range(x.shape[0]):
        accepted[r], d_energy[r] = buggy_sweeps(model, x[r], cache[r], beta, q, bug, sweeps, rng[r], fields)


def _fields(problem) -> np.ndarray:
    return np.asarray(getattr(problem, "fields", np.zeros(problem.n)), dtype=np.float64)


def _code(bug: str) -> int:
    return {**BUGS, **SUBTLE, **PATHS}.get(bug, CORRECT)


class UserMetropolis(KernelDynamics):
    """Single-site Metropolis (or heat bath for the heat-bath bugs) as a user writes it, over a block of chains
    (one chain is the block of one), with one bug."""

    name = "user-metropolis"

    def __init__(self, T: float, bug: str = "none"):
        self.T, self.beta, self.bug = T, 1.0 / T, bug

    def params(self):
        return {"T": self.T, "bug": self.bug}

    def init(self, problem, seed, x0=None, horizon=None):
        if self.bug == SHARED_STREAM:
            seed = np.random.SeedSequence(0, spawn_key=seed_sequence(seed).spawn_key[:1])  # one stream per batch
        return super().init(problem, seed, x0=x0, horizon=horizon)

    def advance_replicas(self, block, sweeps):
        accepted, d_energy = np.zeros(block.size, dtype=np.int64), np.zeros(block.size)
        saved = block.rng.copy()
        buggy_block(block.model, block.x, block.cache, self.beta, block.problem.domain.size, _code(self.bug), sweeps,
                    block.rng, _fields(block.problem), accepted, d_energy)  # fmt: skip
        if self.bug == RESTORES_RNG:
            block.rng[:] = saved
        return accepted, d_energy

    def __repr__(self):
        return f"{type(self).__name__}(T={self.T}, bug={self.bug!r})"


class OneChainMetropolis(UserMetropolis):
    """The same rule written for one chain only (no ``advance_replicas``): the kit steps it chain by chain."""

    advance_replicas = KernelDynamics.advance_replicas

    def advance(self, state, sweeps):
        return buggy_sweeps(state.model, state.x, state.cache, self.beta, state.problem.domain.size, _code(self.bug),
                            sweeps, state.rng, _fields(state.problem))  # fmt: skip


class StatesItsLaw(UserMetropolis):
    """The same user rule, stating that it implements Metropolis at its T (so the exact acceptance applies)."""

    def facts(self):
        return Facts(target="boltzmann", temperature=self.T, sweep="sequential", reversible=False,
                     local_law="metropolis")  # fmt: skip


@njit(cache=True, nogil=True)
def _variant_site_order(n, kind, order, rng):
    """The sites of one sweep: in order (kinds 0, 1, 5), backwards half the time (4) or a uniform shuffle (3)
    (kind 2 draws its sites one by one)."""
    for t in range(n):
        order[t] = t
    if kind == 3:  # Fisher-Yates
        for t in range(n - 1, 0, -1):
            j = K.next_below(rng, t + 1)
            order[t], order[j] = order[j], order[t]
    elif kind == 4 and K.next_uniform(rng) < 0.5:
        for t in range(n):
            order[t] = n - 1 - t


@njit(cache=True, nogil=True)
def _variant_proposal(model, x, i, q, kind, rng):
    """(new value, log of the proposal ratio q(new -> x) / q(x -> new)): uniform over all q values (kind 1),
    for q >= 3 the next value with probability 3/4 and the previous one with 1/4 (kind 5), else the family's."""
    if kind == 1:
        return K.domain_value(model, K.next_below(rng, q)), 0.0
    if kind == 5 and q >= 3:
        if K.next_uniform(rng) < 0.75:
            return np.int8((x[i] + 1) % q), -math.log(3.0)
        return np.int8((x[i] + q - 1) % q), math.log(3.0)
    return K.propose(model, x, i, rng), 0.0


@njit(cache=True, nogil=True)
def _variant_sweeps(model, x, cache, beta, q, kind, sweeps, rng, weights_cdf):
    accepted, d_energy = 0, 0.0
    n = x.size
    order = np.empty(n, dtype=np.int64)
    for _ in range(sweeps):
        _variant_site_order(n, kind, order, rng)
        for t in range(n):
            i = order[t]
            if kind == 2:  # site drawn with probability proportional to i + 1
                u = K.next_uniform(rng)
                i = 0
                while i < n - 1 and weights_cdf[i] <= u:
                    i += 1
            new, log_ratio = _variant_proposal(model, x, i, q, kind, rng)
            take = False
            de = 0.0
            if new != x[i]:
                de = K.delta(model, x, cache, i, new)
                if kind == 0:  # Glauber
                    take = K.next_uniform(rng) < 1.0 / (1.0 + math.exp(beta * de))
                else:  # Metropolis-Hastings
                    exponent = beta * de - log_ratio
                    take = exponent <= 0 or K.next_uniform(rng) < math.exp(-exponent)
            if take:
                K.apply(model, x, cache, i, new)
                accepted += 1
                d_energy += de
    return accepted, d_energy


@njit(cache=True, nogil=True)
def _variant_block(model, x, cache, beta, q, kind, sweeps, rng, cdf, acc, de):
    for r in range(x.shape[0]):
        acc[r], de[r] = _variant_sweeps(model, x[r], cache[r], beta, q, kind, sweeps, rng[r], cdf)


VARIANTS = {  # correct, but not the built-in Metropolis
    "glauber": 0,
    "all-q-proposals": 1,
    "weighted-random-site": 2,
    "shuffled-sweep": 3,
    "random-direction-sweep": 4,
    "hastings-asymmetric-proposal": 5,
}
UNORDERED_SWEEPS = {"weighted-random-site": "random", "shuffled-sweep": None, "random-direction-sweep": None}


class CorrectVariant(KernelDynamics):
    """A correct Boltzmann sampler unlike the built-in rules: Glauber acceptance; a proposal uniform over all q
    values (the current one included); sites drawn with probability proportional to i + 1; every sweep in a
    fresh uniformly shuffled order, or forwards or backwards with probability 1/2 each (the palindrome in law:
    a forward-then-backward sweep is reversible as a pair of sweeps, this is per sweep); or, for q >= 3, the
    next value proposed with probability 3/4 and the previous one with 1/4, with the Hastings ratio in the
    acceptance.  The three site orders are declared reversible: a mixture of products of reversible site
    updates is reversible when the mixture gives each product and its reverse the same weight.  What the kit
    must pass."""

    name = "correct-variant"

    def __init__(self, T, kind):
        self.T, self.kind = T, kind

    def params(self):
        return {"T": self.T, "kind": self.kind}

    def facts(self):
        return Facts(  # the variants that do not sweep in site order are the reversible ones
            target="boltzmann",
            temperature=self.T,
            sweep=UNORDERED_SWEEPS.get(self.kind, "sequential"),
            reversible=self.kind in UNORDERED_SWEEPS,
        )

    def advance_replicas(self, block, sweeps):
        n = block.problem.n
        w = np.arange(1, n + 1, dtype=np.float64)
        cdf = np.cumsum(w) / w.sum()
        acc, de = np.zeros(block.size, dtype=np.int64), np.zeros(block.size)
        _variant_block(
            block.model,
            block.x,
            block.cache,
            1.0 / self.T,
            block.problem.domain.size,
            VARIANTS[self.kind],
            sweeps,
            block.rng,
            cdf,
            acc,
            de,
        )
        return acc, de

    def __repr__(self):
        return f"CorrectVariant(T={self.T}, kind={self.kind!r})"


class MislabelledSGDLike(SGDLike):
    """SGD-like run at batch fraction ``s`` while stating ``stated``: a variant whose kernel departs from the
    law it states (what the own-law checks are sized for)."""

    def __init__(self, s: float, stated: float):
        super().__init__(s)
        self._stated = stated

    def facts(self):
        return replace(super().facts(), batch_fraction=self._stated)
