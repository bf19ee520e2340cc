"""Cost of the scoring machinery (cell planning, the algorithm adapter, the store) against the bare kernels.

A grid of 64 cells (one planted 5-colouring, Metropolis and SGD-like, 8 seeds, budgets 50 / 100 / 200 / 400
sweeps) is computed three ways in one process, kernels compiled beforehand: the bare ``init`` + ``step`` of
every cell, ``compute_grid`` in this process into a fresh store (the two alternate for ``--rounds`` rounds,
fastest kept), and ``compute_grid`` on a pool of worker
processes (startup included).  Prints the wall times and the ratios to the bare kernels.

    python benchmarks/scoring_overhead.py [--n 20000] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchsuite.dynamics import make_dynamics
from benchsuite.experiment import Store
from benchsuite.experiment.grid import compute_grid, plan_cells, run_seed
from benchsuite.experiment.suites import SuiteInstance, build_instance

ALGORITHMS = ("metropolis:T=0.5", "sgd-like:s=0.8")
BUDGETS = (50, 100, 200, 400)


def bare(cells) -> float:
    """Seconds of init + step for every cell, nothing else."""
    total = 0.0
    for cell in cells:
        problem = build_instance(cell.instance)
        dynamics = make_dynamics(cell.algorithm)
        t0 = time.perf_counter()
        state = dynamics.init(problem, run_seed(problem.instance_id, cell.key.seed), horizon=cell.key.budget)
        dynamics.step(state, cell.key.budget)
        total += time.perf_counter() - t0
    return total


def grid(cells, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.sqlite") as store:
        t0 = time.perf_counter()
        compute_grid(cells, store, workers=workers, progress=False)
        return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="variables of the planted colouring")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the pool run")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds of bare and in-process runs")
    args = parser.parse_args()
    instance = SuiteInstance("colouring", f"coloring:n={args.n},q=5,c=10,seed=1")
    cells = plan_cells([instance], ALGORITHMS, seeds=8, budgets=BUDGETS)
    bare(cells[:2])  # compile / load every kernel first
    grid(cells[:2], 1)
    rounds = [(bare(cells), grid(cells, 1)) for _ in range(args.rounds)]  # alternating: drifts hit both
    base, in_process = min(r[0] for r in rounds), min(r[1] for r in rounds)
    pool = grid(cells, args.workers)
    print(f"{len(cells)} cells, colouring n = {args.n}, budgets {list(BUDGETS)}, {len(ALGORITHMS)} algorithms x 8 seeds")
    print(f"bare init + step          {base:8.3f} s")
    print(f"compute_grid, 1 process   {in_process:8.3f} s   x {in_process / base:.3f}")
    print(f"compute_grid, {args.workers} workers   {pool:8.3f} s   x {pool / base:.3f} (worker start-up included)")


if __name__ == "__main__":
    main()
