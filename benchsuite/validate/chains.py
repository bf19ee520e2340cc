"""Independent chains of a dynamics from given states of an enumerable instance, advanced one sweep per step,
with the state each chain is in after every sweep: what the statistical checks measure.

A dynamics that advances blocks of chains (:func:`~benchsuite.dynamics.supports_replicas`) runs in blocks of
at most ``BLOCK_CHAINS`` chains, one kernel call per sweep; block b's kernel streams come from
``SeedSequence(entropy, spawn_key=seed.spawn_key + (BLOCK_KEY, b))``.  Any other object with ``init`` and
``step`` runs one chain at a time, chain c seeded with ``spawn_key=seed.spawn_key + (c,)``.  The states are
read from the configurations, never from the energies a dynamics reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dynamics.base import supports_replicas
from .markov import StateSpace

BLOCK_CHAINS = 100_000
BLOCK_KEY = 2**31  # spawn-key entry of block seeds (apart from the chain numbers of one-at-a-time runs)


@dataclass(frozen=True)
class ChainRun:
    """``visited[c, k]``: the state index of chain c after sweep k + 1; ``accepted[c]``: its accepted moves;
    ``attempted``: attempted updates per chain (sweeps x n)."""

    visited: np.ndarray
    accepted: np.ndarray
    attempted: int

    @property
    def ends(self) -> np.ndarray:
        return self.visited[:, -1]

    @property
    def acceptance(self) -> np.ndarray:
        """Each chain's accepted moves per attempted update."""
        return self.accepted / self.attempted


def run_chains(space: StateSpace, dynamics, starts: np.ndarray, sweeps: int, seed: np.random.SeedSequence) -> ChainRun:
    """Chains from the states ``starts`` (indices), ``sweeps`` steps of one sweep each (see the module notes)."""
    chains = starts.size
    visited = np.empty((chains, sweeps), dtype=np.int64)
    accepted = np.zeros(chains, dtype=np.int64)
    if supports_replicas(dynamics):
        for b, first in enumerate(range(0, chains, BLOCK_CHAINS)):
            part = slice(first, first + BLOCK_CHAINS)
            block_seed = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, BLOCK_KEY, b))
            block = dynamics.init_replicas(space.problem, block_seed, space.x[starts[part]])
            for k in range(sweeps):
                accepted[part] += dynamics.step_replicas(block, 1)
                visited[part, k] = space.indices(block.x)
    else:
        for c, start in enumerate(starts):
            chain_seed = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, c))
            state = dynamics.init(space.problem, chain_seed, x0=space.x[start].copy())
            for k in range(sweeps):
                state, info = dynamics.step(state, 1)
                accepted[c] += info.accepted
                visited[c, k] = space.index(state.x)
    return ChainRun(visited, accepted, sweeps * space.n)
