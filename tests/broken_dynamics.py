"""A zoo of single-site dynamics with realistic bugs, written as a user would write them (numba over the
kernel primitives), and the correct rule they depart from: what the check kit must catch and must pass."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from benchsuite import kernels as K
from benchsuite.dynamics import KernelDynamics
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
SHARED_STREAM = "replicas-share-one-stream"  # init ignores the seed: every chain draws the same numbers


@njit(cache=True, nogil=True)
def buggy_sweeps(model, x, cache, beta, q, bug, sweeps, rng):
    accepted, d_energy = 0, 0.0
    last_value = K.domain_value(model, q - 1)
    for _ in range(sweeps):
        u_sweep = K.next_uniform(rng)
        for i in range(x.size - 1 if bug == 7 else x.size):
            if bug == 10:  # heat bath, weights not normalised
                low = K.conditional_energy(model, x, cache, i, 0)
                for v in range(1, q):
                    low = min(low, K.conditional_energy(model, x, cache, i, v))
                u = K.next_uniform(rng)
                new = x[i]
                for v in range(q):
                    if u < math.exp(-beta * (K.conditional_energy(model, x, cache, i, v) - low)):
                        new = K.domain_value(model, v)
                        break
                if new != x[i]:
                    d_energy += K.delta(model, x, cache, i, new)
                    K.apply(model, x, cache, i, new)
                    accepted += 1
                continue
            new = K.propose(model, x, i, rng)
            de = K.delta(model, x, cache, i, new)
            if bug == 8 and new == last_value:
                continue
            exponent = beta * max(de, 0.0)
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
            if u < math.exp(-exponent):
                d_energy += de
                if bug == 6:
                    x[i] = new
                else:
                    K.apply(model, x, cache, i, new)
                accepted += 1
    return accepted, d_energy


class UserMetropolis(KernelDynamics):
    """Single-site Metropolis (or heat bath for ``heat-bath-unnormalised``) as a user writes it, with one bug."""

    name = "user-metropolis"

    def __init__(self, T: float, bug: str = "none"):
        self.T, self.beta, self.bug = T, 1.0 / T, bug

    def params(self):
        return {"T": self.T, "bug": self.bug}

    def init(self, problem, seed, x0=None, horizon=None):
        if self.bug == SHARED_STREAM:
            seed = np.random.SeedSequence(0, spawn_key=seed_sequence(seed).spawn_key[:1])  # one stream per batch
        return super().init(problem, seed, x0=x0, horizon=horizon)

    def advance(self, state, sweeps):
        code = {**BUGS, **SUBTLE}.get(self.bug, CORRECT)
        q = state.problem.domain.size
        return buggy_sweeps(state.model, state.x, state.cache, self.beta, q, code, sweeps, state.rng)

    def __repr__(self):
        return f"UserMetropolis(T={self.T}, bug={self.bug!r})"


class StatesItsLaw(UserMetropolis):
    """The same user rule, stating that it implements Metropolis at its T (so the exact acceptance applies)."""

    def facts(self):
        from benchsuite.dynamics import Facts

        return Facts(target="boltzmann", temperature=self.T, sweep="sequential", reversible=False,
                     local_law="metropolis")  # fmt: skip
