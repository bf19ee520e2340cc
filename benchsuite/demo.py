"""The demo: Metropolis at a few temperatures and SGD-like at a few batch fractions on one planted 5-colouring."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from . import _checks
from .dynamics import Metropolis, SGDLike
from .problems import coloring
from .score import Trajectory, record_grid, run

TEMPERATURES = (0.6, 0.9, 1.2)
BATCH_FRACTIONS = (0.7, 0.8, 0.9, 0.95)


def _stationary(values: np.ndarray, sweeps: np.ndarray) -> float:
    """Mean over the recorded points in the last 10% of the run."""
    return float(values[sweeps >= 0.9 * sweeps[-1]].mean())


def run_demo(
    n: int = 10_000, c: float = 30.0, sweeps: int = 1_000, seed: int = 1, out: str | Path = ".",
    workers: int | None = None,
) -> Path:
    """Run the demo, print its table on stdout and write ``demo.png`` into ``out``; returns the PNG path.

    Runs are independent and go to a pool of ``workers`` threads (the kernels release the GIL; default: one
    per core).  Stationary values are means over the last 10% of sweeps, so ``sweeps`` is at least 10.
    """
    sweeps = _checks.count("sweeps", sweeps, low=10)
    workers = _checks.workers(workers)
    out = _checks.output_directory("out", out, create=False)
    problem = coloring(n=n, q=5, c=c, planted=True, seed=seed)
    dynamics = [Metropolis(T) for T in TEMPERATURES] + [SGDLike(s) for s in BATCH_FRACTIONS]
    labels = [f"Metropolis T={T:g}" for T in TEMPERATURES] + [f"SGD-like s={s:g}" for s in BATCH_FRACTIONS]
    grid = np.union1d(record_grid(sweeps, "log"), np.linspace(0, sweeps, 41).astype(np.int64))
    print(f"planted 5-colouring n={n} c={c:g} ({problem.instance_id}), {sweeps} sweeps per run, seed {seed}",
          file=sys.stderr)  # fmt: skip
    run(problem, dynamics[0], 1, seed=seed)  # compile (or load cached) kernels before timing
    run(problem, dynamics[-1], 1, seed=seed)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        trajs: list[Trajectory] = list(pool.map(lambda d: run(problem, d, sweeps, seed=seed, record=grid), dynamics))
    print("e_stationary, overlap: means over the last 10% of sweeps; energy per variable")
    print(f"{'dynamics':<22}{'e_stationary':>13}{'overlap':>9}{'acceptance':>12}{'sweeps/s':>10}")
    for label, t in zip(labels, trajs):
        e = _stationary(t.energy, t.sweeps)
        o = _stationary(t.overlap, t.sweeps)
        print(f"{label:<22}{e:>13.4f}{o:>9.3f}{t.acceptance:>12.4f}{t.sweeps_per_second:>10.0f}")
    from .report.plots import plot_relaxation

    path = plot_relaxation(trajs, labels, out / "demo.png", title=f"planted 5-colouring, n={n}, c={c:g}, seed {seed}")
    print(f"wrote {path}")
    return path
