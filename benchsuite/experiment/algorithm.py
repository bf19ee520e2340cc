"""Algorithms as the scorer sees them: a small lifecycle, and the adapter for any dynamics.

An algorithm solves one instance under a budget of sweeps from a seed and reports an :class:`Outcome`: the
best energy it found, the first sweep at which it reached a target energy, the end state and the time it
took.  It may decline an instance (``skip`` returns ``(True, reason)``), warms up outside the timing
(``warm_up``: compiling or loading its kernels) and is rebuilt in a worker process from its ``spec``
string, so that only names and numbers cross process boundaries.

:class:`DynamicsAlgorithm` adapts any dynamics (a built-in name, or ``module:attribute``): a run from the
seed's random start for the whole budget.  When its facts say its kernel observes every move (all
built-in rules) the best energy and the hit sweep are exact; otherwise they are read at the end of each of
``OBSERVED_CHUNKS`` log-spaced chunks, and the outcome says so.  A dynamics whose step sweeps cost several
single-site sweeps (``Facts.sweep_cost``: R for R replicas) runs ``budget // cost`` steps, and its sweeps
are reported in single-site sweeps (a hit during step k is at sweep k x cost).
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .. import __version__, _checks
from ..dynamics import Dynamics, make_dynamics
from ..dynamics.base import facts, seed_sequence
from ..errors import ValidationError
from ..problems.base import Problem
from ..score.run import check_energy, checked_step, record_grid

OBSERVED_CHUNKS = 32  # chunk ends at which a dynamics without exact tracking is observed


@dataclass(frozen=True)
class Outcome:
    """What one run did.  Energies are totals; sweeps count from 1 (0 is the start); ``hit_sweep`` is None
    when the target was not reached (or none was given); ``exact_tracking`` is False when the best energy and
    the hit were only observed at chunk ends (or, for a sampler that reports no times, at the end);
    ``wall_s`` excludes the warm-up; ``accepted`` is None for a sampler that does not report it;
    ``diagnostics`` is what the algorithm's end state reports about itself as JSON values (parallel
    tempering: its ladder, swap acceptance per pair, round trips and rounds), None when it reports nothing."""

    budget: int
    best_energy: float
    best_sweep: int
    hit_sweep: int | None
    final_energy: float
    final_overlap: float | None
    wall_s: float
    accepted: int | None
    attempted: int
    exact_tracking: bool
    diagnostics: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        return cls(**data)


@runtime_checkable
class Algorithm(Protocol):
    """What the scorer needs: a name, a version, its parameters, a spec to rebuild it from, and the lifecycle."""

    name: str
    version: str

    def params(self) -> dict[str, Any]: ...

    @property
    def spec(self) -> str: ...

    def skip(self, problem: Problem) -> tuple[bool, str | None]: ...

    def warm_up(self, problem: Problem) -> None: ...

    def solve(self, problem: Problem, budget: int, seed, target: float | None = None) -> Outcome: ...


class DynamicsAlgorithm:
    """A dynamics run from the seed's random start for ``budget`` sweeps (see the module notes)."""

    def __init__(self, spec: str):
        self._spec = spec
        self.dynamics: Dynamics = make_dynamics(spec)
        self.name = self.dynamics.name
        self.version = _version_of(self.dynamics)

    @property
    def spec(self) -> str:
        return self._spec

    def params(self) -> dict[str, Any]:
        return self.dynamics.params()

    def skip(self, problem: Problem) -> tuple[bool, str | None]:
        """Dynamics with a ``skip(problem)`` of their own decide; the built-in rules take every family."""
        own = getattr(self.dynamics, "skip", None)
        return own(problem) if callable(own) else (False, None)

    def warm_up(self, problem: Problem) -> None:
        compile_kernel = getattr(self.dynamics, "compile", None)
        if callable(compile_kernel):
            compile_kernel(self.dynamics.init(problem, 0, horizon=1))

    def solve(self, problem: Problem, budget: int, seed, target: float | None = None) -> Outcome:
        budget = _checks.count("budget", budget, low=1)
        stated = facts(self.dynamics)
        cost = stated.sweep_cost  # a step's sweep costs this many single-site sweeps
        steps = budget // cost
        if steps < 1:
            raise ValidationError("budget", f"{self.name} does {cost} sweeps per step: a budget of {budget} sweeps "
                                            "does not pay for one")  # fmt: skip
        given = seed_sequence(seed)  # copied: spawning children from the caller's object would change it
        fresh = np.random.SeedSequence(given.entropy, spawn_key=given.spawn_key, pool_size=given.pool_size)
        state = self.dynamics.init(problem, fresh, horizon=steps)
        if target is not None:
            state.watch(target)
        exact = stated.observes_every_move
        chunks = [steps] if exact else np.diff(record_grid(steps, "log", OBSERVED_CHUNKS)).tolist()
        accepted = attempted = 0
        t0 = time.perf_counter()
        for chunk in chunks:
            state, info = checked_step(self.dynamics, state, int(chunk))
            accepted, attempted = accepted + info.accepted, attempted + info.attempted
            if not exact:
                state._observe()
        wall = time.perf_counter() - t0
        check_energy(problem, self.dynamics, state)
        report = getattr(state, "diagnostics", None)
        return Outcome(
            budget=budget,
            best_energy=state.best_energy,
            best_sweep=state.best_sweep * cost,
            hit_sweep=None if state.hit_sweep is None else state.hit_sweep * cost,
            final_energy=float(state.energy),
            final_overlap=problem.overlap(state.x),
            wall_s=wall,
            accepted=int(accepted),
            attempted=int(attempted),
            exact_tracking=exact,
            diagnostics=report() if callable(report) else None,
        )

    def __repr__(self) -> str:
        return f"DynamicsAlgorithm({self._spec!r})"


def make_algorithm(spec: str) -> Algorithm:
    """An algorithm from its spec: any dynamics spec (``metropolis:T=0.5``, ``module:Class:k=3``), or a dimod
    sampler (``dimod:module:Class[:key=value,...]``, see :mod:`.dimod_adapter`)."""
    if not isinstance(spec, str):
        raise ValidationError("algorithm", f"must be a spec string like 'metropolis:T=0.5', got {spec!r}")
    if spec.startswith("dimod:"):
        from .dimod_adapter import DimodAlgorithm  # dimod is an optional extra

        return DimodAlgorithm(spec)
    return DynamicsAlgorithm(spec)


def _version_of(dynamics: Dynamics) -> str:
    """The package version for built-in dynamics; a dynamics' own ``version`` or its package's otherwise."""
    own = getattr(dynamics, "version", None)
    if isinstance(own, str) and own:
        return own
    module = type(dynamics).__module__.partition(".")[0]
    if module == "benchsuite":
        return __version__
    return str(getattr(sys.modules.get(module), "__version__", "unversioned"))
