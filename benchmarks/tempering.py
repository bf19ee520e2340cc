"""Parallel tempering's cost per attempted update against single-chain Metropolis on the same instance.

    python benchmarks/tempering.py                      # the instances below, 16 replicas
    python benchmarks/tempering.py --replicas 32 --rounds 400

A round of R replicas attempts R x n updates (plus R/2 swaps); the ratio compares ns per attempted update of
a round with those of single-chain Metropolis sweeps at the same temperatures (one chain per ladder
temperature, timed apart; their mean cost per update, since an update costs more where more moves are
accepted), all timed in this process (best of ``--repeats``, after a warm-up that compiles the kernels).
Target: within 1.2x.
"""

from __future__ import annotations

import argparse
import time

from benchsuite.dynamics import Metropolis, ParallelTempering
from benchsuite.problems import make_problem

INSTANCES = {
    "3-regular +-1, n=10^4": "ising:model=rrg,n=10000,d=3",
    "3-regular +-1, n=10^5": "ising:model=rrg,n=100000,d=3",
    "SK gauss, n=256": "ising:model=sk,n=256,couplings=gauss",
    "5-colouring, n=10^4, c=10": "coloring:n=10000,q=5,c=10",
}


def ns_per_update(dynamics, state, sweeps: int, updates_per_sweep: int, repeats: int) -> float:
    dynamics.step(state, 2)  # compile or load, then time
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        dynamics.step(state, sweeps)
        best = min(best, time.perf_counter() - t0)
    return 1e9 * best / (sweeps * updates_per_sweep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=200, help="PT rounds (and Metropolis sweeps) per timing")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    R = args.replicas
    print(f"{'instance':<28}{'Metropolis ns':>14}{'PT ns':>10}{'PT / Metropolis':>17}   swap acceptance (min-max)")
    for label, spec in INSTANCES.items():
        problem = make_problem(spec, seed=1)
        pt = ParallelTempering(0.5, 3.0, replicas=R)
        state = pt.init(problem, 1)
        t_metro = 0.0
        for temperature in state.temperatures:
            metro = Metropolis(float(temperature))
            t_metro += ns_per_update(metro, metro.init(problem, 1), args.rounds, problem.n, args.repeats) / R
        t_pt = ns_per_update(pt, state, args.rounds, R * problem.n, args.repeats)
        rates = [a for a in state.swap_acceptance() if a is not None]
        print(f"{label:<28}{t_metro:>14.2f}{t_pt:>10.2f}{t_pt / t_metro:>17.3f}   {min(rates):.2f}-{max(rates):.2f}")


if __name__ == "__main__":
    main()
