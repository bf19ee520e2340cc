"""ns per attempted update of our kernels next to dwave-samplers' SimulatedAnnealingSampler, in one process.

Instance: random 3-regular +-1 spin glass.  Run as a script in an environment that also has
``dwave-samplers`` (it is not a dependency of benchsuite):

    python benchmarks/peers.py --n 100000 --sweeps 200

Times are differential: (t(sweeps) - t(sweeps / 4)) / (3/4 sweeps x n), which removes each sampler's
fixed per-call cost (model conversion, allocation); the best of ``--repeats`` is kept.  Both annealers
use the same geometric beta schedule and the same sweep count; final energies per spin are printed
beside the times so that speed is not bought with quality.  A second table times Metropolis and the
SGD-like rule on a planted 5-colouring (n = 50,000, c = 10).
"""

from __future__ import annotations

import argparse
import time


def _best_time(call, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - t0)
    return best


def _ns_per_update(call_with_sweeps, sweeps: int, n: int, repeats: int) -> float:
    short = max(sweeps // 4, 1)
    t_long = _best_time(lambda: call_with_sweeps(sweeps), repeats)
    t_short = _best_time(lambda: call_with_sweeps(short), repeats)
    return 1e9 * (t_long - t_short) / ((sweeps - short) * n)


def ours(problem, dynamics, sweeps: int, seed: int):
    from benchsuite.score import run

    return run(problem, dynamics, sweeps, seed=seed, record=[sweeps])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sweeps", type=int, default=200)
    parser.add_argument("--beta0", type=float, default=0.1)
    parser.add_argument("--beta1", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from benchsuite.dynamics import Annealing, Metropolis, SGDLike
    from benchsuite.problems import ising

    problem = ising("rrg", n=args.n, d=3, couplings="pm1", seed=args.seed)
    n = problem.n
    rows = []
    for label, dyn in [
        ("benchsuite anneal (geometric)", Annealing(args.beta0, args.beta1, "geometric")),
        ("benchsuite metropolis T=1", Metropolis(1.0)),
        ("benchsuite sgd-like s=0.5", SGDLike(0.5)),
    ]:
        ours(problem, dyn, 2, args.seed)  # compile or load the cached kernels
        ns = _ns_per_update(lambda s, dyn=dyn: ours(problem, dyn, s, args.seed), args.sweeps, n, args.repeats)
        rows.append((label, ns, ours(problem, dyn, args.sweeps, args.seed).energy[-1]))

    try:
        import dimod
        from dwave.samplers import SimulatedAnnealingSampler
    except ImportError:
        print("dwave-samplers is not installed here: peer column skipped (pip install dwave-samplers)")
    else:
        e = problem.graph.edges
        # dimod's Ising energy is sum h s + sum J s s; ours is -sum J s s - sum h s
        bqm = dimod.BinaryQuadraticModel.from_ising(
            {i: -float(h) for i, h in enumerate(problem.fields)},
            {(int(a), int(b)): -float(j) for (a, b), j in zip(e, problem.couplings)},
        )
        sampler = SimulatedAnnealingSampler()

        def dwave(sweeps: int):
            return sampler.sample(bqm, num_reads=1, num_sweeps=sweeps, beta_range=(args.beta0, args.beta1),
                                  beta_schedule_type="geometric", seed=args.seed)  # fmt: skip

        ns = _ns_per_update(dwave, args.sweeps, n, args.repeats)
        rows.append(("dwave-samplers SA (geometric)", ns, dwave(args.sweeps).first.energy / n))

    print(f"3-regular +-1 spin glass, n={n}, {args.sweeps} sweeps, beta {args.beta0} -> {args.beta1}")
    print(f"{'kernel':<32}{'ns/update':>10}{'final e/spin':>14}")
    for label, ns, e_final in rows:
        print(f"{label:<32}{ns:>10.2f}{e_final:>14.4f}")
    base = {label: ns for label, ns, _ in rows}
    if "dwave-samplers SA (geometric)" in base:
        ratio = base["benchsuite anneal (geometric)"] / base["dwave-samplers SA (geometric)"]
        print(f"ratio anneal / dwave: {ratio:.3f}")
    print(f"ratio sgd-like / metropolis: {base['benchsuite sgd-like s=0.5'] / base['benchsuite metropolis T=1']:.3f}")

    from benchsuite.problems import coloring

    col = coloring(n=50_000, q=5, c=10, seed=args.seed)
    print(f"\nplanted 5-colouring, n={col.n}, c=10, {args.sweeps} sweeps")
    print(f"{'kernel':<32}{'ns/update':>10}{'acceptance':>12}")
    for label, dyn in [
        ("benchsuite metropolis T=1", Metropolis(1.0)),
        ("benchsuite sgd-like s=0.5", SGDLike(0.5)),
        ("benchsuite sgd-like s=0.9", SGDLike(0.9)),
        ("benchsuite sgd-like s=0.5 term", SGDLike(0.5, "term")),
    ]:
        ours(col, dyn, 2, args.seed)
        ns = _ns_per_update(lambda s, dyn=dyn: ours(col, dyn, s, args.seed), args.sweeps, col.n, args.repeats)
        print(f"{label:<32}{ns:>10.2f}{ours(col, dyn, args.sweeps, args.seed).acceptance:>12.3f}")


if __name__ == "__main__":
    main()
