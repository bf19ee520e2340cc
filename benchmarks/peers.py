"""Our kernels next to the C++ annealers of dwave-samplers and OpenJij, timed in one process.

Instances: random 3-regular +-1 spin glasses (n = 10^4, 10^5, 10^6), an SK model (n = 1,000, Gaussian
couplings) and, for the SGD-like rule, a planted 5-colouring (n = 50,000, c = 10).  The peers are not
dependencies of benchsuite; install them in the benchmark environment only:

    pip install dwave-samplers openjij
    python benchmarks/peers.py                 # all instances, 200 sweeps
    python benchmarks/peers.py --sizes 100000 --sweeps 100

Times are differential, (t(sweeps) - t(sweeps / 4)) / (3/4 sweeps x n), which removes each sampler's fixed
per-call cost (model conversion, allocation); the best of ``--repeats`` is kept.  For OpenJij, whose
per-call conversion of the model takes seconds and varies by more than the sampling itself, t is the
sampling time it reports (``info["execution_time"]``) rather than the wall time.  All annealers run the same
number of sweeps from beta0 to beta1 on a geometric schedule (OpenJij's SASampler uses its own schedule
between the same end points), single-threaded, one read; final energies per spin are printed beside the
times so that speed is never bought with quality.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

PEER_NOTE = "not installed here (pip install dwave-samplers openjij)"


# (sweeps, reads) -> (final energies per spin of the reads, sampling seconds reported by the sampler or None)
Sampler = Callable[[int, int], tuple[np.ndarray, float | None]]


def _best_time(call: Sampler, sweeps: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        _, reported = call(sweeps, 1)
        best = min(best, reported if reported is not None else time.perf_counter() - t0)
    return best


def ns_per_update(call: Sampler, sweeps: int, n: int, repeats: int) -> float:
    """Differential ns per attempted single-variable update."""
    short = max(sweeps // 4, 1)
    call(short, 1)  # warm-up (JIT compile or cache load, peer initialisation)
    t_long = _best_time(call, sweeps, repeats)
    t_short = _best_time(call, short, repeats)
    return 1e9 * (t_long - t_short) / ((sweeps - short) * n)


def ising_peers(problem, beta0: float, beta1: float, seed: int) -> dict[str, Sampler]:
    """A sampler per installed peer (dimod's convention is E = +sum J s s + sum h s, hence the signs)."""
    e = problem.edges
    h = {i: -float(v) for i, v in enumerate(problem.fields)}
    J = {(int(a), int(b)): -float(j) for (a, b), j in zip(e, problem.couplings)}
    peers: dict[str, Sampler] = {}
    try:
        import dimod
        from dwave.samplers import SimulatedAnnealingSampler
    except ImportError:
        pass
    else:
        bqm = dimod.BinaryQuadraticModel.from_ising(h, J)
        sa = SimulatedAnnealingSampler()

        def dwave_sa(sweeps: int, reads: int) -> tuple[np.ndarray, None]:
            res = sa.sample(bqm, num_reads=reads, num_sweeps=sweeps, beta_range=(beta0, beta1),
                            beta_schedule_type="geometric", seed=seed)  # fmt: skip
            return np.asarray(res.record.energy) / problem.n, None

        peers["dwave-samplers SA"] = dwave_sa
    try:
        import openjij
    except ImportError:
        pass
    else:
        oj = openjij.SASampler()

        def openjij_sa(sweeps: int, reads: int) -> tuple[np.ndarray, float]:
            # one call per read: with a seed, OpenJij's reads within a call are identical copies
            energies, seconds = [], 0.0
            for k in range(reads):
                res = oj.sample_ising(
                    h, J, num_reads=1, num_sweeps=sweeps, beta_min=beta0, beta_max=beta1, seed=seed + k
                )
                energies.append(res.first.energy / problem.n)
                seconds += res.info["execution_time"] * 1e-6  # reported in microseconds
            return np.array(energies), seconds

        peers["openjij SA"] = openjij_sa
    return peers


def compare_annealers(problem, label: str, args) -> list[tuple[str, float, float]]:
    from benchsuite.dynamics import Annealing
    from benchsuite.score import run_many

    ours = Annealing(args.beta0, args.beta1, "geometric")
    rows = []

    def ours_run(sweeps: int, reads: int) -> tuple[np.ndarray, None]:
        seeds = range(args.seed, args.seed + reads)
        trajs = run_many(problem, ours, sweeps, seeds=seeds, record=[sweeps], workers=1)
        return np.array([t.energy[-1] for t in trajs]), None

    callers: dict[str, Sampler] = {"benchsuite anneal": ours_run}
    callers.update(ising_peers(problem, args.beta0, args.beta1, args.seed))
    for name, call in callers.items():
        ns = ns_per_update(call, args.sweeps, problem.n, args.repeats)
        energies = call(args.sweeps, args.reads)[0]
        rows.append((name, ns, energies))
    print(f"\n{label}: n={problem.n}, {args.sweeps} sweeps, beta {args.beta0} -> {args.beta1} (geometric)")
    print(f"{'annealer':<22}{'ns/update':>11}{'ours / peer':>13}   final e/spin, mean +- s.e. of {args.reads} reads")
    ours_ns = rows[0][1]
    for name, ns, energies in rows:
        ratio = "" if name == "benchsuite anneal" else f"{ours_ns / ns:.3f}"
        err = energies.std(ddof=1) / np.sqrt(energies.size) if energies.size > 1 else float("nan")
        print(f"{name:<22}{ns:>11.2f}{ratio:>13}   {energies.mean():.5f} +- {err:.5f}")
    if len(rows) == 1:
        print(f"(peers {PEER_NOTE})")
    return rows


def compare_sgd_like(args) -> None:
    from benchsuite.dynamics import Metropolis, SGDLike
    from benchsuite.problems import coloring
    from benchsuite.score import run

    problem = coloring(n=50_000, q=5, c=10, seed=args.seed)
    print(f"\nplanted 5-colouring: n={problem.n}, c=10, {args.sweeps} sweeps")
    print(f"{'dynamics':<34}{'ns/update':>11}{'acceptance':>12}{'/ Metropolis':>14}")
    base = None
    for name, dyn in [
        ("metropolis T=1", Metropolis(1.0)),
        ("sgd-like s=0.5 (half-edge)", SGDLike(0.5)),
        ("sgd-like s=0.9 (half-edge)", SGDLike(0.9)),
        ("sgd-like s=0.5 (term)", SGDLike(0.5, "term")),
        ("sgd-like s=0.5 (half-edge, persist=2)", SGDLike(0.5, persist=2)),
    ]:
        ns = ns_per_update(
            lambda sweeps, _reads, dyn=dyn: (run(problem, dyn, sweeps, seed=args.seed, record=[sweeps]).energy, None),
            args.sweeps,
            problem.n,
            args.repeats,
        )
        base = base or ns
        acc = run(problem, dyn, args.sweeps, seed=args.seed, record=[args.sweeps]).acceptance
        print(f"{name:<34}{ns:>11.2f}{acc:>12.3f}{ns / base:>14.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="3-regular spin-glass sizes (comma list)")
    parser.add_argument("--sk", type=int, default=1000, help="SK size (0 to skip)")
    parser.add_argument("--sweeps", type=int, default=200)
    parser.add_argument("--beta0", type=float, default=0.1)
    parser.add_argument("--beta1", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reads", type=int, default=5, help="independent reads for the final-energy comparison")
    parser.add_argument("--no-sgd", action="store_true", help="skip the colouring table")
    args = parser.parse_args()

    from benchsuite.problems import ising

    for n in (int(v) for v in args.sizes.split(",") if v):
        compare_annealers(ising("rrg", n=n, d=3, couplings="pm1", seed=args.seed), "3-regular +-1 spin glass", args)
    if args.sk:
        compare_annealers(ising("sk", n=args.sk, couplings="gauss", seed=args.seed), "SK, Gaussian couplings", args)
    if not args.no_sgd:
        compare_sgd_like(args)


if __name__ == "__main__":
    main()
