"""The ``benchsuite`` command: ``demo`` and ``run``.

Bad input prints one line on stderr and exits with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from . import __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def _progress_printer(label: str):
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{label}: sweep {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def _cmd_run(args: argparse.Namespace) -> int:
    from .dynamics import make_dynamics
    from .problems import make_problem
    from .score import run

    problem = make_problem(args.problem, seed=args.seed)
    dynamics = make_dynamics(args.dynamics)
    traj = run(problem, dynamics, args.sweeps, seed=args.seed, record=args.record,
               progress=None if args.json else _progress_printer(dynamics.name))  # fmt: skip
    if args.json:
        print(json.dumps(traj.to_dict()))
        return 0
    print(f"problem   {args.problem}  ({problem.instance_id}, n={problem.n}, terms={problem.m})")
    print(f"dynamics  {dynamics!r}")
    print(f"sweeps    {args.sweeps}  seed {args.seed}")
    print(f"energy per variable  start {traj.energy[0]:.5f}  end {traj.energy[-1]:.5f}")
    if traj.overlap is not None:
        print(f"overlap              start {traj.overlap[0]:.4f}  end {traj.overlap[-1]:.4f}")
    print(f"acceptance {traj.acceptance:.4f}   wall {traj.wall_s[-1]:.3f} s   {traj.sweeps_per_second:.1f} sweeps/s")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(n=args.n, c=args.c, sweeps=args.sweeps, seed=args.seed, out=args.out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="benchsuite", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"benchsuite {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="Metropolis and SGD-like relaxation on a planted 5-colouring")
    demo.add_argument("--out", default=".", help="directory for demo.png (default: current directory)")
    demo.add_argument("--n", type=int, default=10_000, help="number of variables (multiple of 5)")
    demo.add_argument("--c", type=float, default=30.0, help="mean degree of the planted graph")
    demo.add_argument("--sweeps", type=int, default=1_000, help="sweeps per run")
    demo.add_argument("--seed", type=int, default=1, help="seed for the instance and the runs")
    demo.set_defaults(func=_cmd_demo)

    r = sub.add_parser("run", help="run one dynamics on one problem")
    r.add_argument("--problem", required=True, help="FAMILY:key=value,... e.g. coloring:n=5000,q=5,c=10")
    r.add_argument("--dynamics", required=True, help="NAME:key=value,... e.g. metropolis:T=1.0 or sgd-like:s=0.5")
    r.add_argument("--sweeps", type=int, required=True, help="number of sweeps (n attempted updates each)")
    r.add_argument("--seed", type=int, default=0, help="seed for the instance (unless the spec has seed=) and the run")
    r.add_argument("--record", choices=["log", "every"], default="log", help="sweep grid for the trajectory")
    r.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    r.set_defaults(func=_cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:  # ValidationError and SpecError included
        print(f"benchsuite: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchsuite: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal failure: one line, unless BENCHSUITE_DEBUG asks for the traceback
        if os.environ.get("BENCHSUITE_DEBUG"):
            raise
        print(f"benchsuite: internal error: {type(exc).__name__}: {exc} (set BENCHSUITE_DEBUG=1 for details)",
              file=sys.stderr)  # fmt: skip
        return 1


if __name__ == "__main__":
    sys.exit(main())
