"""Time per sweep against n, and parallel efficiency of independent replicas.

    python benchmarks/scaling.py
    python benchmarks/scaling.py --sizes 1000,10000,100000 --sweeps 50

Part 1: Metropolis (T = 1) on random 3-regular +-1 spin glasses and on planted 5-colourings (c = 10) for each
n; prints ns per attempted update and the exponent b of a least-squares fit time_per_sweep ~ n^b over all
sizes and over the sizes up to ``--cache-limit`` (where the working set stops fitting in cache).
Part 2: replicas advanced by ``run_many`` on all cores; efficiency = (sum of the replicas' times alone) /
(cores x time of the replicas run together on ``cores`` threads); 1.0 is perfect.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def _seconds_per_sweep(problem, dynamics, sweeps: int, repeats: int = 3) -> float:
    from benchsuite.score import run

    run(problem, dynamics, 2, seed=0)  # compile or load from cache
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(problem, dynamics, sweeps, seed=0, record=[sweeps])
        best = min(best, time.perf_counter() - t0)
    return best / sweeps


def _exponent(sizes, times) -> float:
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def scaling(sizes: list[int], sweeps: int, cache_limit: int) -> None:
    from benchsuite.dynamics import Metropolis
    from benchsuite.problems import coloring, ising

    families = {
        "3-regular +-1 spin glass": lambda n: ising("rrg", n=n, d=3, seed=1),
        "planted 5-colouring c=10": lambda n: coloring(n=n - n % 5, q=5, c=10, seed=1),
    }
    for label, make in families.items():
        times = []
        print(f"\n{label}, Metropolis T=1, {sweeps} sweeps per timing")
        print(f"{'n':>9}{'ms/sweep':>11}{'ns/update':>11}")
        for n in sizes:
            problem = make(n)
            t = _seconds_per_sweep(problem, Metropolis(1.0), max(sweeps * 100_000 // n, 5) if n < 100_000 else sweeps)
            times.append(t)
            print(f"{problem.n:>9}{1e3 * t:>11.3f}{1e9 * t / problem.n:>11.2f}")
        small = [k for k, n in enumerate(sizes) if n <= cache_limit]
        print(f"exponent b (all sizes): {_exponent(sizes, times):.3f}")
        if len(small) >= 2:
            print(
                f"exponent b (n <= {cache_limit}): {_exponent([sizes[k] for k in small], [times[k] for k in small]):.3f}"
            )


def parallel_efficiency(n: int, sweeps: int, cores: int) -> None:
    """(sum over replicas of their time alone) / (cores x time of all replicas together on ``cores`` threads)."""
    from benchsuite.dynamics import Metropolis
    from benchsuite.problems import ising
    from benchsuite.score import run, run_many

    problem = ising("rrg", n=n, d=3, seed=1)
    dyn = Metropolis(1.0)
    run(problem, dyn, 2, seed=0)
    alone = sum(
        min(_timed(lambda s=seed: run(problem, dyn, sweeps, seed=s, record=[sweeps])) for _ in range(3))
        for seed in range(cores)
    )
    together = min(
        _timed(lambda: run_many(problem, dyn, sweeps, seeds=range(cores), record=[sweeps], workers=cores))
        for _ in range(3)
    )
    print(f"n={n}: {cores} replicas one after another {alone:.3f} s, together on {cores} threads {together:.3f} s, "
          f"efficiency {alone / (cores * together):.3f}")  # fmt: skip


def _timed(call) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000,30000,100000,300000,1000000")
    parser.add_argument("--sweeps", type=int, default=50, help="sweeps per timing at n >= 1e5 (more below)")
    parser.add_argument("--cache-limit", type=int, default=100_000, help="largest n in the in-cache fit")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    scaling([int(v) for v in args.sizes.split(",")], args.sweeps, args.cache_limit)
    print(f"\nreplica-parallel efficiency on {args.cores} cores (Metropolis T=1, 3-regular spin glass, ~0.5 s runs)")
    for n in (10_000, 100_000, 1_000_000):
        parallel_efficiency(n, max(5, 100_000_000 // n), args.cores)


if __name__ == "__main__":
    main()
