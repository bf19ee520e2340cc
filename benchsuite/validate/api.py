"""Checks of what ``init`` and ``step`` promise, run before the statistical ones (after scikit-learn's API
checks): exact, so they have no false alarms and need no temperature.

Each advances a few chains through steps of several lengths (``SCHEDULE``):

- ``bookkeeping``: after every step the configuration holds domain values, ``state.energy`` equals the
  energy of ``state.x``, ``state.sweep`` counts the sweeps done, ``info`` counts 0 <= accepted <= attempted,
  and (for a state with a kernel model) the cache equals the one filled afresh from ``x``;
- ``deterministic``: the same seed gives the same configurations and energies;
- ``chunk_invariant``: a chain's configuration and random state after 11 sweeps do not depend on how they
  are split into steps (the runner and the scorer record on different grids; a rule that restores or redraws its random
  state at every step fails);
- ``seeds_differ``: chains started from different seeds have different random states (the same
  configurations when a state has none);
- ``replicas_agree`` (for a dynamics that advances blocks): a block of chains and the same chains stepped one
  by one, from the same configurations and random states, stay equal.
"""

from __future__ import annotations

import math

import numpy as np

from ..dynamics.base import State, facts, supports_replicas
from ..errors import ValidationError
from ..kernels import fill, new_cache
from ..problems.base import Problem
from .checks import CheckResult

SCHEDULE = (1, 3, 2, 5)  # sweeps per step call
CHAINS = 4
ENERGY_TOLERANCE = 1e-9  # relative to 1 + |E|: what summing the changes of float terms can drift


def _result(name: str, problems: list[str], what: str) -> CheckResult:
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return CheckResult(name, False, float(len(problems)), 0.0, problems[0] + more)
    return CheckResult(name, True, 0.0, 0.0, what)


def _chain(dynamics, problem: Problem, seed, x0=None):
    return dynamics.init(problem, seed, x0=None if x0 is None else x0.copy())


def _seeds(seed: int) -> list[int]:
    return [seed * CHAINS + c for c in range(CHAINS)]


def bookkeeping(problem: Problem, dynamics, seed: int = 0) -> CheckResult:
    """See the module notes."""
    found = []
    for chain_seed in _seeds(seed):
        state = _chain(dynamics, problem, chain_seed)
        done = int(getattr(state, "sweep", 0))
        for sweeps in SCHEDULE:
            state, info = dynamics.step(state, sweeps)
            done += sweeps
            found.extend(f"seed {chain_seed}, after {done} sweeps: {p}"
                         for p in _state_problems(problem, state, done, sweeps, info))  # fmt: skip
            if found:
                break
    return _result("bookkeeping", found, f"energy, sweep count, moves counted and cache right after steps of "
                                         f"{list(SCHEDULE)} sweeps in {CHAINS} chains")  # fmt: skip


def _state_problems(problem: Problem, state, done: int, sweeps: int, info) -> list[str]:
    out = []
    try:
        x = problem.check_configuration(state.x, field="state.x")
    except ValidationError as error:
        return [str(error)]
    energy = problem.energy(x)
    reported = float(state.energy)
    if not math.isfinite(reported) or abs(reported - energy) > ENERGY_TOLERANCE * (1 + abs(energy)):
        out.append(f"state.energy is {reported:.12g}, the energy of state.x is {energy:.12g}")
    if hasattr(state, "sweep") and int(state.sweep) != done:
        out.append(f"state.sweep is {state.sweep}, {done} sweeps were done")
    accepted, attempted = getattr(info, "accepted", None), getattr(info, "attempted", None)
    if not (isinstance(accepted, int | np.integer) and isinstance(attempted, int | np.integer)
            and 0 <= accepted <= attempted and attempted > 0):  # fmt: skip
        out.append(f"info counts {accepted} accepted of {attempted} attempted updates in {sweeps} sweeps")
    if isinstance(state, State):
        fresh = new_cache(problem)
        fill(state.model, state.x, fresh)
        if not np.allclose(fresh, state.cache, rtol=ENERGY_TOLERANCE, atol=ENERGY_TOLERANCE):
            bad = np.argwhere(~np.isclose(fresh, state.cache, rtol=ENERGY_TOLERANCE, atol=ENERGY_TOLERANCE))[0]
            out.append(f"state.cache{list(bad)} is {state.cache[tuple(bad)]}, filled afresh from state.x it is "
                       f"{fresh[tuple(bad)]} (a move applied without its cache update?)")  # fmt: skip
    return out


def _trajectory(dynamics, problem: Problem, seed, schedule, x0=None) -> list[tuple[bytes, float]]:
    """(configuration bytes, energy) after each step."""
    state = _chain(dynamics, problem, seed, x0)
    out = []
    for sweeps in schedule:
        state, _ = dynamics.step(state, sweeps)
        out.append((np.asarray(state.x).tobytes(), float(state.energy)))
    return out


def _end(dynamics, problem: Problem, seed, schedule) -> tuple[bytes, bytes]:
    """The configuration and the random state (empty when the state has none) after the steps."""
    state = _chain(dynamics, problem, seed)
    for sweeps in schedule:
        state, _ = dynamics.step(state, sweeps)
    words = getattr(state, "rng", None)
    return np.asarray(state.x).tobytes(), words.tobytes() if isinstance(words, np.ndarray) else b""


def deterministic(problem: Problem, dynamics, seed: int = 0) -> CheckResult:
    """See the module notes."""
    found = [f"seed {s}: two runs differ after steps of {list(SCHEDULE)} sweeps" for s in _seeds(seed)
             if _trajectory(dynamics, problem, s, SCHEDULE) != _trajectory(dynamics, problem, s, SCHEDULE)]  # fmt: skip
    return _result("deterministic", found, f"{CHAINS} seeds give the same configurations twice")


def chunk_invariant(problem: Problem, dynamics, seed: int = 0) -> CheckResult:
    """See the module notes."""
    total = sum(SCHEDULE)
    found = [f"seed {s}: steps of {list(SCHEDULE)} sweeps end elsewhere than one step of {total}"
             for s in _seeds(seed)
             if _end(dynamics, problem, s, SCHEDULE) != _end(dynamics, problem, s, (total,))]  # fmt: skip
    return _result("chunk_invariant", found, f"steps of {list(SCHEDULE)} sweeps end where one step of {total} does")


def seeds_differ(problem: Problem, dynamics, seed: int = 0) -> CheckResult:
    """See the module notes (for a dynamics that states it is stochastic)."""
    if not facts(dynamics).stochastic:
        raise ValidationError("dynamics", f"{type(dynamics).__name__} states it draws no random numbers")
    seeds = _seeds(seed)
    x0 = problem.random_configuration(np.random.default_rng(seed))
    words = [getattr(_chain(dynamics, problem, s, x0), "rng", None) for s in seeds]
    if all(isinstance(w, np.ndarray) for w in words):
        same = [f"seeds {seeds[a]} and {seeds[b]} give the same random state" for a in range(CHAINS)
                for b in range(a + 1, CHAINS) if np.array_equal(words[a], words[b])]  # fmt: skip
        return _result("seeds_differ", same, f"{CHAINS} seeds give {CHAINS} different random states")
    paths = {tuple(_trajectory(dynamics, problem, s, SCHEDULE, x0)) for s in seeds}
    if len(paths) == 1:
        return CheckResult("seeds_differ", None, 1.0, None, f"inconclusive: {CHAINS} seeds from one configuration "
                           "gave one trajectory, and the state has no random state to compare")  # fmt: skip
    return CheckResult("seeds_differ", True, float(len(paths)), 1.0, f"{CHAINS} seeds from one configuration gave "
                       f"{len(paths)} trajectories")  # fmt: skip


def replicas_agree(problem: Problem, dynamics, seed: int = 0) -> CheckResult:
    """See the module notes (for a dynamics that advances blocks of chains)."""
    if not supports_replicas(dynamics):
        raise ValidationError("dynamics", f"{type(dynamics).__name__} does not advance blocks of chains")
    rng = np.random.default_rng(seed)
    x0 = np.stack([problem.random_configuration(rng) for _ in range(CHAINS)])
    block = dynamics.init_replicas(problem, seed, x0)
    singles = []
    for c in range(CHAINS):
        state = dynamics.init(problem, seed, x0=x0[c].copy())
        state.rng[:] = block.rng[c]  # an outside write: step rebuilds the state from it
        singles.append(state)
    found, done = [], 0
    for sweeps in SCHEDULE:
        dynamics.step_replicas(block, sweeps)
        done += sweeps
        for c, state in enumerate(singles):
            dynamics.step(state, sweeps)
            if not np.array_equal(state.x, block.x[c]) or not math.isclose(state.energy, block.energy[c], rel_tol=1e-12,
                                                                              abs_tol=1e-9):  # fmt: skip
                found.append(f"chain {c} after {done} sweeps: the block and the chain stepped alone differ")
        if found:
            break
    return _result("replicas_agree", found, f"a block of {CHAINS} chains equals the chains stepped one by one")


API_CHECKS = {
    "bookkeeping": bookkeeping,
    "deterministic": deterministic,
    "chunk_invariant": chunk_invariant,
    "seeds_differ": seeds_differ,
    "replicas_agree": replicas_agree,
}
