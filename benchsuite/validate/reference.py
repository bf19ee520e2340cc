"""A rule checked against a slow reference of your own, written in plain Python from the rule's definition.

A *reference* is a function ``reference(problem, x, rng, sweeps) -> (x, accepted)``: it advances the int8
configuration ``x`` (its own copy) by ``sweeps`` sweeps, drawing its random numbers from ``rng`` (a
:class:`~benchsuite.kernels.PyXoshiro`: ``uniform()``, ``below(n)``), and returns the configuration reached
and the number of accepted moves.  Energies may be recomputed from scratch with ``problem.term_energies``:
the reference is meant to be obviously right, not fast.

- :func:`same_numbers` (exact, no false alarm): for a kernel that draws from its state's xoshiro stream
  (``State.rng``, as the built-in rules do), the reference is given a generator in the same state before each
  of ``SCHEDULE``'s steps, on every kit instance; configuration, accepted moves and the generator's state
  after the step must be equal.
- :func:`same_transitions` (statistical): for a kernel whose random numbers the reference cannot replay, the
  one-sweep matrices of both are estimated from ``runs`` runs per state of a 16-state instance and compared
  entry by entry (two-proportion z, Bonferroni over the entries compared); ``runs`` is planned so that a
  difference ``transition_error`` in any one entry is detected with probability ``power`` (normal
  approximation, at the least favourable entry 1/2).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.stats import norm

from .. import _checks
from ..errors import ValidationError
from ..kernels import PyXoshiro, seed_state
from ..problems.base import Problem
from .chains import run_chains
from .checks import CheckResult
from .estimate import MIN_EXPECTED, require_runnable
from .instances import REVERSIBILITY_INSTANCE, TARGET_INSTANCES, instances
from .markov import StateSpace, state_space

SCHEDULE = (1, 3, 2, 5)  # sweeps per step of same_numbers
MAX_RUNS = 200_000  # runs per state of same_transitions

Reference = Callable[[Problem, np.ndarray, PyXoshiro, int], tuple[np.ndarray, int]]


def _reference_step(reference: Reference, problem: Problem, x: np.ndarray, rng: PyXoshiro, sweeps: int):
    """The reference's answer, checked: an int8-compatible configuration of ``problem`` and an integer count."""
    out = reference(problem, x.copy(), rng, sweeps)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise ValidationError("reference", f"must return (x, accepted), got {type(out).__name__}")
    x_ref = np.asarray(out[0])
    if x_ref.shape != x.shape or not np.all(np.isin(x_ref, problem.domain.values)):
        raise ValidationError("reference", f"returned a configuration that is not one of the problem's: {x_ref!r}")
    return x_ref.astype(np.int8), _checks.integer("reference accepted", out[1], low=0)


def same_numbers(dynamics, reference: Reference, *, seed: int = 0,
                 problems: dict[str, Problem] | None = None) -> CheckResult:  # fmt: skip
    """Kernel and reference on the same random numbers (see the module notes); ``problems`` defaults to the kit's
    target instances."""
    require_runnable(dynamics)
    if not callable(reference):
        raise ValidationError("reference", f"must be a function (problem, x, rng, sweeps) -> (x, accepted), got "
                                           f"{type(reference).__name__}")  # fmt: skip
    seed = _checks.integer("seed", seed, low=0)
    chosen = problems if problems is not None else {name: instances()[name] for name in TARGET_INSTANCES}
    for name, problem in chosen.items():
        state = dynamics.init(problem, seed)
        for sweeps in SCHEDULE:
            x, rng = state.x.copy(), PyXoshiro(state.rng)
            x_ref, accepted_ref = _reference_step(reference, problem, x, rng, sweeps)
            state, info = dynamics.step(state, sweeps)
            where = f"on {name}, the step of {sweeps} sweeps after sweep {state.sweep - sweeps}"
            if not np.array_equal(state.x, x_ref):
                return _differs(f"configurations differ {where}: at variables {np.flatnonzero(state.x != x_ref)}")
            if info.accepted != accepted_ref:
                return _differs(f"accepted moves differ {where}: {info.accepted} against {accepted_ref}")
            if not np.array_equal(state.rng, rng.state()):
                return _differs(f"the random stream differs {where}: the kernel drew other numbers, or another "
                                "count, than the reference")  # fmt: skip
    return CheckResult("same_numbers", True, 0.0, 0.0, f"kernel and reference agree exactly on {len(chosen)} "
                       f"instances, steps of {', '.join(map(str, SCHEDULE))} sweeps on the same random numbers")  # fmt: skip


def _differs(detail: str) -> CheckResult:
    return CheckResult("same_numbers", False, 1.0, 0.0, detail)


def planned_runs(states: int, transition_error: float, power: float, false_alarm: float) -> int:
    """Runs per state for :func:`same_transitions` to detect a difference ``transition_error`` in one entry."""
    z = norm.isf(false_alarm / (2 * states * states)) + norm.isf(1 - power)
    return math.ceil(2 * 0.25 * (z / transition_error) ** 2)


def same_transitions(dynamics, reference: Reference, *, problem: Problem | StateSpace | None = None,
                     transition_error: float = 0.05, power: float = 0.99, false_alarm: float = 1e-3,
                     seed: int = 0) -> CheckResult:  # fmt: skip
    """Kernel and reference through their estimated one-sweep matrices (see the module notes); ``problem``
    defaults to the kit's 16-state glass with fields."""
    require_runnable(dynamics)
    space = state_space(problem if problem is not None else instances()[REVERSIBILITY_INSTANCE])
    transition_error = _checks.real("transition_error", transition_error, low=0.0, high=0.5, low_open=True)
    power = _checks.real("power", power, low=0.5, high=1.0, high_open=True)
    false_alarm = _checks.real("false_alarm", false_alarm, low=0.0, high=1.0, low_open=True, high_open=True)
    seed = _checks.integer("seed", seed, low=0)
    runs = planned_runs(space.size, transition_error, power, false_alarm)
    if runs > MAX_RUNS or runs * space.size > 10**8:
        raise ValidationError("transition_error", f"{transition_error:g} needs {runs} runs from each of "
                                                  f"{space.size} states: ask for a larger error or a smaller instance")  # fmt: skip
    starts = np.repeat(np.arange(space.size), runs)
    ends = run_chains(space, dynamics, starts, 1, np.random.SeedSequence(seed, spawn_key=(0,))).ends
    kernel = np.bincount(starts * space.size + ends, minlength=space.size**2).reshape(space.size, space.size)
    mine = np.zeros_like(kernel)
    for i in range(space.size):
        rng = PyXoshiro(seed_state(np.random.SeedSequence(seed, spawn_key=(1, i))))
        for _ in range(runs):
            x, _ = _reference_step(reference, space.problem, space.x[i], rng, 1)
            mine[i, space.index(x)] += 1
    pooled = (kernel + mine) / (2 * runs)
    keep = (pooled * runs >= MIN_EXPECTED) & (pooled < 1)
    if not keep.any():
        return CheckResult("same_transitions", None, None, None, "inconclusive: no transition is seen "
                           f"{MIN_EXPECTED:g} times in {runs} runs per state")  # fmt: skip
    z = np.abs(kernel - mine)[keep] / runs / np.sqrt(pooled[keep] * (1 - pooled[keep]) * 2 / runs)
    threshold = float(norm.isf(false_alarm / (2 * keep.sum())))
    return CheckResult("same_transitions", bool(z.max() <= threshold), float(z.max()), threshold,
                       f"largest |z| between the one-sweep matrices of kernel and reference over {int(keep.sum())} "
                       f"entries, {runs} runs per state of {space.size} (false-alarm rate {false_alarm:g}); detects "
                       f"a difference of {transition_error:g} in any entry with probability {power:g}")  # fmt: skip
