"""Run one dynamics on one problem and record energy and overlap on a grid of sweeps.

The runner observes from outside: it advances the dynamics in chunks up to each recorded sweep and checks
the protocol as it goes (``step`` must advance ``state.sweep`` by the chunk and keep ``state.energy`` equal
to the energy of ``state.x``), so that a dynamics of one's own that gets either wrong fails loudly instead of
recording a flat curve.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _checks
from ..dynamics.base import Dynamics, Info, seed_sequence
from ..errors import ValidationError
from ..problems.base import Problem
from ..problems.interop import as_problem

RECORD_MODES = ("log", "every")
MAX_RECORDS = 10_000_000  # recorded points per trajectory (energy, overlap, wall time: 24 bytes each)
ENERGY_TOLERANCE = 1e-7  # relative mismatch between tracked and recomputed energy that counts as stale


class ProtocolError(ValidationError):
    """A dynamics broke the init / step protocol (sweep count, tracked energy, Info)."""


@dataclass(frozen=True)
class Trajectory:
    """Energy per variable and overlap at recorded sweeps (sweep 0 is the initial configuration).

    ``wall_s[k]`` is the wall time in seconds spent in the dynamics up to ``sweeps[k]`` (recording and
    compilation excluded); ``compile_s`` is the time spent compiling (or loading from numba's cache) the
    dynamics' kernel before the run, None for a dynamics without a ``compile`` method (its first step then
    includes any compilation).  ``overlap`` is None when the problem has no planted assignment.
    """

    sweeps: np.ndarray
    energy: np.ndarray
    overlap: np.ndarray | None
    wall_s: np.ndarray
    accepted: int
    attempted: int
    seed: int | None
    instance_id: str
    dynamics: str
    params: dict[str, Any]
    final_x: np.ndarray
    compile_s: float | None = None

    @property
    def acceptance(self) -> float | None:
        """Accepted moves / attempted single-variable updates over the whole run; None when nothing was attempted."""
        return self.accepted / self.attempted if self.attempted else None

    @property
    def sweeps_per_second(self) -> float | None:
        """Sweeps per second of run time (compilation excluded); None for a run of zero sweeps."""
        total = float(self.wall_s[-1])
        return float(self.sweeps[-1]) / total if self.sweeps[-1] > 0 and total > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (lists and scalars only)."""
        return {
            "instance_id": self.instance_id,
            "dynamics": self.dynamics,
            "params": self.params,
            "seed": self.seed,
            "sweeps": self.sweeps.tolist(),
            "energy": self.energy.tolist(),
            "overlap": None if self.overlap is None else self.overlap.tolist(),
            "acceptance": self.acceptance,
            "wall_s": float(self.wall_s[-1]),
            "compile_s": self.compile_s,
            "sweeps_per_s": self.sweeps_per_second,
        }


def record_grid(sweeps: int, record="log", points: int = 60) -> np.ndarray:
    """Sorted distinct sweep counts at which to record, always including 0 and ``sweeps``.

    ``record``: ``"every"`` (each sweep), ``"log"`` (about ``points`` log-spaced values) or an explicit
    sequence of sweep counts in [0, sweeps].
    """
    sweeps = _checks.count("sweeps", sweeps)
    if isinstance(record, str):
        _checks.choice("record", record, RECORD_MODES)
        if record == "every" or sweeps == 0:
            if sweeps + 1 > MAX_RECORDS:
                raise ValidationError("record", f"'every' over {sweeps} sweeps would record {sweeps + 1} points "
                                                f"({24 * (sweeps + 1) / 1e9:.1f} GB); the limit is {MAX_RECORDS}: "
                                                "use 'log' or an explicit grid")  # fmt: skip
            grid = np.arange(sweeps + 1)
        else:
            grid = np.rint(np.geomspace(1, sweeps, _checks.integer("points", points, low=2))).astype(np.int64)
    else:
        grid = _checks.array("record", record, ndim=1, kind="i")
        if grid.size > MAX_RECORDS:
            raise ValidationError("record", f"{grid.size} points is above the limit of {MAX_RECORDS}")
        if grid.size and (grid.min() < 0 or grid.max() > sweeps):
            raise ValidationError("record", f"sweep counts must lie in [0, {sweeps}]")
    return np.unique(np.concatenate([[0, sweeps], grid]).astype(np.int64))


def run(
    problem: Problem,
    dynamics: Dynamics,
    sweeps: int,
    seed: int | np.random.SeedSequence = 0,
    record="log",
    x0=None,
    progress: Callable[[int, int], None] | None = None,
) -> Trajectory:
    """Advance ``dynamics`` on ``problem`` for ``sweeps`` sweeps from a random (or given ``x0``) start.

    Energies are per variable.  ``seed`` fixes the initial configuration and the kernel's random stream.
    ``progress(done, total)`` is called after each recorded chunk.
    """
    grid = record_grid(sweeps, record)
    if progress is not None and not callable(progress):
        raise ValidationError("progress", f"must be a function progress(done, total) or None, got {progress!r}")
    problem = as_problem(problem)
    state, ss = _start(problem, dynamics, grid, seed, x0)
    return _observe(problem, dynamics, state, grid, ss, progress)


def _start(problem, dynamics, grid: np.ndarray, seed, x0):
    if not isinstance(problem, Problem):
        raise ValidationError("problem", f"must be a problem instance, got {type(problem).__name__}")
    if not isinstance(dynamics, Dynamics):
        raise ValidationError("dynamics", f"must have name, params, init and step; got {type(dynamics).__name__}")
    ss = seed_sequence(seed)
    state = dynamics.init(problem, ss, x0=x0, horizon=int(grid[-1]))
    if getattr(state, "sweep", None) != 0:
        raise ProtocolError("dynamics", f"{dynamics.name}.init must return a state at sweep 0")
    check_energy(problem, dynamics, state)
    return state, ss


def check_energy(problem: Problem, dynamics: Dynamics, state) -> None:
    """The tracked total energy must equal the energy of the configuration (up to accumulated round-off)."""
    actual = problem.energy(state.x)
    if abs(state.energy - actual) > ENERGY_TOLERANCE * max(1.0, abs(actual)):
        raise ProtocolError("dynamics", f"{dynamics.name}: state.energy = {state.energy:.10g} but the energy of "
                                        f"state.x is {actual:.10g} at sweep {state.sweep} (step must update "
                                        "state.energy)")  # fmt: skip


def checked_step(dynamics: Dynamics, state, chunk: int):
    """``dynamics.step(state, chunk)``, checked to advance ``state.sweep`` by ``chunk`` and to return an Info."""
    before = state.sweep
    state, info = dynamics.step(state, chunk)
    if state.sweep != before + chunk:
        raise ProtocolError("dynamics", f"{dynamics.name}.step(state, {chunk}) must advance state.sweep by {chunk}; "
                                        f"it went from {before} to {state.sweep}")  # fmt: skip
    if not isinstance(info, Info) or not 0 <= info.accepted <= info.attempted:
        raise ProtocolError("dynamics", f"{dynamics.name}.step must return (state, Info) with 0 <= accepted <= "
                                        f"attempted, got {info!r}")  # fmt: skip
    return state, info


def _observe(problem, dynamics, state, grid: np.ndarray, ss, progress) -> Trajectory:
    """Step ``state`` through ``grid``, recording energy and overlap at each point.

    The tracked energy is compared with a recomputation at the first recorded sweep, then whenever the
    sweep count has doubled, and at the end (O(m) each, O(log sweeps) times).
    """
    n_rec = grid.size
    energy = np.empty(n_rec)
    overlap = None if getattr(problem, "planted", None) is None else np.empty(n_rec)
    wall = np.empty(n_rec)
    accepted = attempted = 0
    elapsed = 0.0
    compile_s = dynamics.compile(state) if callable(getattr(dynamics, "compile", None)) else None
    next_check = 1
    for k, target in enumerate(grid):
        chunk = int(target) - state.sweep
        if chunk:
            t0 = time.perf_counter()
            state, info = checked_step(dynamics, state, chunk)
            elapsed += time.perf_counter() - t0
            accepted += info.accepted
            attempted += info.attempted
            if progress is not None:
                progress(state.sweep, int(grid[-1]))
        if state.sweep >= next_check or k == n_rec - 1:
            check_energy(problem, dynamics, state)
            next_check = 2 * max(state.sweep, 1)
        energy[k] = state.energy / problem.n
        if overlap is not None:
            overlap[k] = problem.overlap(state.x)
        wall[k] = elapsed
    return Trajectory(
        sweeps=grid,
        energy=energy,
        overlap=overlap,
        wall_s=wall,
        accepted=accepted,
        attempted=attempted,
        seed=int(ss.entropy) if isinstance(ss.entropy, int) else None,
        instance_id=problem.instance_id,
        dynamics=dynamics.name,
        params=dynamics.params(),
        final_x=state.x.copy(),
        compile_s=compile_s,
    )


def run_many(
    problem: Problem,
    dynamics: Dynamics,
    sweeps: int,
    seeds,
    record="log",
    workers: int | None = None,
) -> list[Trajectory]:
    """Independent replicas, one per seed, advanced in parallel threads (the kernels release the GIL).

    Results are in the order of ``seeds`` and identical to calling :func:`run` on each seed in turn.
    ``workers`` defaults to the number of cores.  The replicas are initialised in the calling thread
    (Python-level work that would otherwise queue on the GIL), then stepped in the pool.
    """
    from concurrent.futures import ThreadPoolExecutor

    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise ValidationError("seeds", f"must be an iterable of seeds, got {seeds!r}")
    seeds = list(seeds)
    if not seeds:
        raise ValidationError("seeds", "needs at least one seed")
    workers = _checks.workers(workers)
    grid = record_grid(sweeps, record)
    started = [_start(problem, dynamics, grid, seed, None) for seed in seeds]
    with ThreadPoolExecutor(max_workers=min(workers, len(seeds))) as pool:
        return list(pool.map(lambda st: _observe(problem, dynamics, st[0], grid, st[1], None), started))
