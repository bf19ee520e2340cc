"""ns per attempted update of Metropolis and SGD-like on every family, at the sizes of the open-core issue.

    python benchmarks/families.py
    python benchmarks/families.py --sweeps 20 --repeats 5

K-SAT and XORSAT at n = 10^5 near their thresholds (3-SAT alpha = 4.2, 3-XORSAT alpha = 0.9 and the
(3, 3)-regular hypergraph), the binary perceptron at alpha = 1 and n = 2,000 (a move costs O(patterns)),
next to the planted 5-colouring (c = 10) and the 3-regular +-1 spin glass at n = 10^5.  Times are the
fastest of ``--repeats`` steps of ``--sweeps`` sweeps each, after a warm-up that compiles (or loads) the
kernel; the acceptance rate is printed beside them, since rejected moves are cheaper.
"""

from __future__ import annotations

import argparse
import time

INSTANCES = {
    "coloring q=5 c=10, n=1e5": "coloring:n=100000,q=5,c=10",
    "3-regular +-1, n=1e5": "ising:model=rrg,n=100000,d=3",
    "3-SAT alpha=4.2, n=1e5": "ksat:n=100000,k=3,alpha=4.2",
    "planted 3-SAT alpha=4.2, n=1e5": "ksat:n=100000,k=3,alpha=4.2,planted=true",
    "3-XORSAT alpha=0.9, n=1e5": "xorsat:n=100000,k=3,alpha=0.9",
    "(3,3)-regular XORSAT, n=1e5": "xorsat:n=100000,k=3,d=3",
    "perceptron alpha=1 pm1, n=2000": "perceptron:n=2000,alpha=1.0",
    "perceptron alpha=1 gauss, n=2000": "perceptron:n=2000,alpha=1.0,patterns=gauss",
}
DYNAMICS = {
    "metropolis T=0.5": "metropolis:T=0.5",
    "sgd-like s=0.8": "sgd-like:s=0.8",
    "sgd-like s=0.8 term": "sgd-like:s=0.8,batch=term",
}


def ns_per_update(problem, dynamics_spec: str, sweeps: int, repeats: int) -> tuple[float, float]:
    from benchsuite.dynamics import make_dynamics

    dyn = make_dynamics(dynamics_spec)
    state = dyn.init(problem, 1)
    dyn.step(state, 3)  # compile or load, and leave the random start
    best, accepted, attempted = float("inf"), 0, 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        state, info = dyn.step(state, sweeps)
        best = min(best, time.perf_counter() - t0)
        accepted += info.accepted
        attempted += info.attempted
    return 1e9 * best / (sweeps * problem.n), accepted / attempted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweeps", type=int, default=10, help="sweeps per timed step")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from benchsuite.problems import make_problem

    header = "".join(f"{name:>26}" for name in DYNAMICS)
    print(f"ns per attempted update (acceptance), fastest of {args.repeats} x {args.sweeps} sweeps")
    print(f"{'instance':<34}{header}")
    for label, spec in INSTANCES.items():
        problem = make_problem(spec, seed=1)
        cells = []
        for dyn_spec in DYNAMICS.values():
            ns, acc = ns_per_update(problem, dyn_spec, args.sweeps, args.repeats)
            cells.append(f"{ns:>17.1f} ({acc:.3f})")
        print(f"{label:<34}{''.join(cells)}", flush=True)


if __name__ == "__main__":
    main()
