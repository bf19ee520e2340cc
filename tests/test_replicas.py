"""Blocks of chains (benchsuite.dynamics.replicas): a block advances as its chains do one by one, keeps its
energies and tracks, and is validated at the door like a State."""

import numpy as np
import pytest
from broken_dynamics import OneChainMetropolis

from benchsuite.dynamics import (
    Annealing,
    FocusedMetropolis,
    HeatBath,
    Metropolis,
    SGDLike,
    WalkSAT,
    supports_replicas,
)
from benchsuite.errors import ValidationError
from benchsuite.problems import coloring, ising, ksat, xorsat
from benchsuite.validate.api import replicas_agree

CASES = [
    (Metropolis(0.9), coloring(n=12, q=3, c=3, planted=False, seed=1)),
    (Metropolis(0.9, order="random"), ising("rrg", n=12, d=3, couplings="gauss", h=0.3, seed=2)),
    (HeatBath(0.7), ising("sk", n=8, couplings="gauss", seed=3)),
    (SGDLike(0.6), coloring(n=12, q=4, c=3, planted=False, seed=4)),
    (SGDLike(0.6, batch="term", persist=3), ising("rrg", n=12, d=3, couplings="gauss", seed=5)),
    (WalkSAT(0.4), ksat(12, 4.0, seed=6)),
    (FocusedMetropolis(0.3), xorsat(12, k=3, alpha=0.8, seed=7)),
]


@pytest.mark.parametrize("rule, problem", CASES, ids=[repr(r) for r, _ in CASES])
def test_a_block_equals_its_chains_stepped_one_by_one(rule, problem):
    assert supports_replicas(rule)
    result = replicas_agree(problem, rule, seed=3)
    assert result.passed, result.detail


def test_a_block_keeps_energies_sweeps_and_best_energies():
    problem = coloring(n=10, q=3, c=3, planted=False, seed=1)
    x0 = np.random.default_rng(0).integers(0, 3, (50, 10))
    rule = Metropolis(0.5)
    block = rule.init_replicas(problem, 2, x0)
    lowest = block.energy.copy()
    for sweeps in (1, 4, 2):
        accepted = rule.step_replicas(block, sweeps)
        lowest = np.minimum(lowest, block.energy)
        assert accepted.shape == (50,) and np.all((0 <= accepted) & (accepted <= sweeps * 10))
    np.testing.assert_array_equal(block.energy, problem.term_energies(block.x).sum(axis=1))
    assert block.sweep == 7 and np.all(block.track[:, 2] <= lowest)  # best energy, tracked at every move


def test_an_outside_write_is_checked_and_rebuilt():
    problem = coloring(n=6, q=3, c=2, planted=False, seed=1)
    rule = Metropolis(0.8)
    block = rule.init_replicas(problem, 0, np.zeros((3, 6), dtype=np.int8))
    block.x[1, 2] = 2  # the caches and the energy no longer match: rebuilt before the kernel runs
    rule.step_replicas(block, 1)
    np.testing.assert_array_equal(block.energy, problem.term_energies(block.x).sum(axis=1))
    block.x[0, 0] = 7
    with pytest.raises(ValidationError, match="x0: chain 0, variable 0: 7 is not in the domain"):
        rule.step_replicas(block, 1)


def test_blocks_are_refused_what_a_kernel_cannot_take():
    problem = coloring(n=6, q=3, c=2, planted=False, seed=1)
    rule = Metropolis(0.8)
    with pytest.raises(ValidationError, match="x0: must be a \\(chains, n\\)"):
        rule.init_replicas(problem, 0, np.zeros(6, dtype=np.int8))
    with pytest.raises(ValidationError, match="x0: must have an integer dtype"):
        rule.init_replicas(problem, 0, np.zeros((2, 6)))
    block = rule.init_replicas(problem, 0, np.zeros((2, 6), dtype=np.int8))
    block.cache = block.cache.astype(np.float64)
    with pytest.raises(ValidationError, match="block.cache"):
        rule.step_replicas(block, 1)
    for stepped in (OneChainMetropolis(0.8), Annealing(0.5, 2.0)):
        assert not supports_replicas(stepped)
        with pytest.raises(ValidationError, match="does not advance blocks"):
            stepped.init_replicas(problem, 0, np.zeros((2, 6), dtype=np.int8))
