"""CI regression gate: kernel time per sweep at HEAD against a baseline commit, same machine, same job.

    python benchmarks/gate.py                 # baseline HEAD~1, checked out in a temporary git worktree
    python benchmarks/gate.py --base main~3 --rounds 5

Each side is measured in its own subprocess with ``PYTHONPATH`` pointing at its tree (and its own numba
cache); sides alternate for ``--rounds`` rounds and the fastest time of each kernel is kept, so slow drifts of
the machine hit both.  A kernel over ``--threshold`` is measured again for ``--confirm-rounds`` more
alternating rounds, and the gate fails (exit 1) only if its HEAD / base ratio of the fastest times is still over
the threshold: a slow moment of a shared machine hits one round, a regression hits every round.  Noise, HEAD
against itself on a 2-core machine: within 1% with 5 rounds on a quiet day, up to 1.58 on a loaded one (the
reason for the confirmation step).  A baseline that cannot be measured (no previous commit, or an API it does
not have) skips the gate with a message, and so does a HEAD whose ``benchsuite/`` is identical to the
baseline's (only tests, docs or benchmarks changed): both sides would run the same kernels.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KERNELS = {
    "rrg3-metropolis": ("ising:model=rrg,n=50000,d=3", "metropolis:T=1.0"),
    "rrg3-anneal": ("ising:model=rrg,n=50000,d=3", "anneal:beta0=0.1,beta1=3"),
    "rrg3-sgd-like": ("ising:model=rrg,n=50000,d=3", "sgd-like:s=0.5"),
    "sk-metropolis": ("ising:model=sk,n=256,couplings=gauss", "metropolis:T=2.0"),
    "col5-metropolis": ("coloring:n=50000,q=5,c=10", "metropolis:T=1.0"),
    "col5-heat-bath": ("coloring:n=50000,q=5,c=10", "heat-bath:T=1.0"),
    "col5-sgd-like": ("coloring:n=50000,q=5,c=10", "sgd-like:s=0.5"),
    "col5-sgd-like-term": ("coloring:n=50000,q=5,c=10", "sgd-like:s=0.5,batch=term"),
    "ksat3-metropolis": ("ksat:n=50000,k=3,alpha=4.2", "metropolis:T=0.5"),
    "xorsat3-sgd-like": ("xorsat:n=50000,k=3,alpha=0.9", "sgd-like:s=0.8"),
    "perceptron-metropolis": ("perceptron:n=1000,alpha=1.0", "metropolis:T=0.5"),
}
HORIZON = 1_000_000
SAMPLE_SECONDS = 0.02  # each timing sample runs enough sweeps to last about this long
SAMPLES = 7


def measure(names: list[str]) -> dict[str, float]:
    """Seconds per sweep of the named kernels: fastest of SAMPLES timings of about SAMPLE_SECONDS each."""
    import benchsuite
    from benchsuite.dynamics import make_dynamics
    from benchsuite.problems import make_problem

    times = {"_file": benchsuite.__file__}
    for name in names:
        problem_spec, dynamics_spec = KERNELS[name]
        dyn = make_dynamics(dynamics_spec)
        state = dyn.init(make_problem(problem_spec, seed=1), 1, horizon=HORIZON)
        dyn.step(state, 10)  # compile or load from cache, and relax a little
        t0 = time.perf_counter()
        dyn.step(state, 1)
        sweeps = max(1, round(SAMPLE_SECONDS / (time.perf_counter() - t0)))
        best = float("inf")
        for _ in range(SAMPLES):
            t0 = time.perf_counter()
            dyn.step(state, sweeps)
            best = min(best, (time.perf_counter() - t0) / sweeps)
        times[name] = best
    return times


def _measure_tree(tree: Path, cache: Path, names: list[str]) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree), NUMBA_CACHE_DIR=str(cache))
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", ",".join(names)],
        env=env, capture_output=True, text=True, check=False, cwd=tree,
    )  # fmt: skip
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"measurement in {tree} failed: {last}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if not Path(result.pop("_file")).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"measurement in {tree} imported benchsuite from elsewhere")
    return result


class BaselineError(RuntimeError):
    """The baseline tree cannot run the measurement (no such API, or a failing import)."""


def alternate(best: dict[str, dict[str, float]], trees: dict[str, Path], names: list[str], rounds: int, tmp: Path):
    """Measure ``names`` on both trees for ``rounds`` rounds, alternating which goes first; keep the fastest."""
    for r in range(rounds):
        sides = ["base", "head"] if r % 2 == 0 else ["head", "base"]
        for side in sides:
            try:
                times = _measure_tree(trees[side], tmp / f"numba-cache-{side}", names)
            except RuntimeError as exc:
                if side == "base":
                    raise BaselineError(str(exc)) from exc
                raise
            for k, v in times.items():
                best[side][k] = min(v, best[side].get(k, math.inf))


def compare(trees: dict[str, Path], rounds: int, confirm_rounds: int, threshold: float, tmp: Path):
    """Fastest time of every kernel on both trees; kernels over ``threshold`` get ``confirm_rounds`` more rounds."""
    best: dict[str, dict[str, float]] = {"base": {}, "head": {}}
    alternate(best, trees, list(KERNELS), rounds, tmp)
    flagged = [k for k in best["head"] if best["head"][k] > threshold * best["base"].get(k, math.inf)]
    if flagged and confirm_rounds > 0:  # a slow moment of the machine, or a real regression?
        print(f"re-measuring {', '.join(flagged)} for {confirm_rounds} more rounds")
        alternate(best, trees, flagged, confirm_rounds, tmp)
    return best


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=os.environ.get("BENCHSUITE_GATE_BASE", "HEAD~1"), help="baseline revision")
    parser.add_argument("--rounds", type=int, default=5, help="alternating base/head measurement rounds")
    parser.add_argument("--confirm-rounds", type=int, default=8, help="extra rounds for kernels over the threshold")
    parser.add_argument("--threshold", type=float, default=1.15, help="fail when HEAD / base exceeds this")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure.split(","))))
        return 0

    head = Path(_git("rev-parse", "--show-toplevel", cwd=Path(__file__).parent))
    try:
        base_rev = _git("rev-parse", "--verify", "--quiet", f"{args.base}^{{commit}}", cwd=head)
    except subprocess.CalledProcessError:
        print(f"gate skipped: no baseline revision {args.base!r}")
        return 0
    changed = _git("diff", "--name-only", base_rev, "--", "benchsuite", cwd=head)
    if not changed:  # the working tree's package is the baseline's: its kernels cannot have changed
        print(f"gate skipped: nothing under benchsuite/ differs from {base_rev[:10]}")
        return 0
    with tempfile.TemporaryDirectory(prefix="benchsuite-gate-") as tmp:
        base = Path(tmp) / "base"
        _git("worktree", "add", "--detach", "--quiet", str(base), base_rev, cwd=head)
        try:
            try:
                best = compare(
                    {"base": base, "head": head}, args.rounds, args.confirm_rounds, args.threshold, Path(tmp)
                )
            except BaselineError as exc:
                print(f"gate skipped: baseline {base_rev[:10]} cannot be measured ({exc})")
                return 0
        finally:
            _git("worktree", "remove", "--force", str(base), cwd=head)
    return report(best, base_rev, args.threshold)


def report(best: dict[str, dict[str, float]], base_rev: str, threshold: float) -> int:
    """Print the table; return 1 if any kernel slowed down beyond ``threshold``."""
    print(f"kernel regression gate: HEAD vs {base_rev[:10]} (seconds per sweep, fastest of all rounds)")
    print(f"{'kernel':<22}{'base ms':>10}{'head ms':>10}{'head/base':>11}")
    failed = []
    for name in best["head"]:
        if name not in best["base"]:
            print(f"{name:<22}{'-':>10}{1e3 * best['head'][name]:>10.3f}{'new':>11}")
            continue
        ratio = best["head"][name] / best["base"][name]
        flag = "  SLOWER" if ratio > threshold else ""
        print(f"{name:<22}{1e3 * best['base'][name]:>10.3f}{1e3 * best['head'][name]:>10.3f}{ratio:>11.3f}{flag}")
        if ratio > threshold:
            failed.append(name)
    if failed:
        print(f"FAIL: {', '.join(failed)} slower than {threshold:g} x baseline")
        return 1
    print(f"ok: no kernel slower than {threshold:g} x baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
