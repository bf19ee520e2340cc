"""The ``benchsuite`` command: ``score``, ``suites``, ``demo``, ``run``, ``equivalence``, ``advise-batch``, ``validate``,
``longrun`` and ``report``.

Bad input prints one line on stderr and exits with status 2; no traceback.  ``validate`` exits 1 when a check
fails and 3 when none failed but one was inconclusive (it had not the power to fail), ``advise-batch`` when SGD-like at the advised batch fraction does not recover the planted colouring.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ValidationError


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
        print(json.dumps(traj.to_dict(), allow_nan=False))
        return 0
    print(f"problem   {args.problem}  ({problem.instance_id}, n={problem.n}, terms={problem.m})")
    print(f"dynamics  {dynamics!r}")
    print(f"sweeps    {args.sweeps}  seed {args.seed}")
    print(f"energy per variable  start {traj.energy[0]:.5f}  end {traj.energy[-1]:.5f}")
    if traj.overlap is not None:
        print(f"overlap              start {traj.overlap[0]:.4f}  end {traj.overlap[-1]:.4f}")
    acceptance = "-" if traj.acceptance is None else f"{traj.acceptance:.4f}"
    rate = "" if traj.sweeps_per_second is None else f"   {traj.sweeps_per_second:.1f} sweeps/s"
    compiled = "" if traj.compile_s is None else f"   (compile or cache load {traj.compile_s:.3f} s, not counted)"
    print(f"acceptance {acceptance}   run {traj.wall_s[-1]:.3f} s{rate}{compiled}")
    return 0


def _finite_or_none(value):
    """A figure as strict JSON takes it: None for an infinite or NaN float."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _cmd_equivalence(args: argparse.Namespace) -> int:
    from .dynamics import facts, make_dynamics
    from .problems import make_problem
    from .score.equivalence import effective_temperatures
    from .score.sgd_theory import naive_temperature, theory_temperature

    problem = make_problem(args.problem, seed=args.seed)
    if args.s:
        if not args.dynamics.startswith("sgd-like"):
            raise ValueError("s: --s is for sgd-like dynamics")
        try:
            fractions = [float(v) for v in args.s.split(",")]
        except ValueError:
            raise ValueError(f"s: expected a comma-separated list of numbers, got {args.s!r}") from None
        dynamics = [make_dynamics(args.dynamics, s=v) for v in fractions]
    else:
        dynamics = [make_dynamics(args.dynamics)]
    progress = lambda msg: print(f"equivalence: {msg}", file=sys.stderr, flush=True)
    results = effective_temperatures(problem, dynamics, seed=args.seed, sweeps=args.sweeps,
                                     relax_sweeps=args.relax_sweeps, starts=args.starts, progress=progress)  # fmt: skip
    rows = []
    for dyn, (eff, rel) in zip(dynamics, results):
        stated = facts(dyn)
        theory = None
        if stated.theory == "sgd-like" and problem.family == "coloring":
            theory = theory_temperature(problem, stated.batch_fraction)
        rows.append({
            "dynamics": dyn.name, "params": dyn.params(), "s": getattr(dyn, "s", None),
            "t_eff": eff.t_eff, "t_eff_low": eff.low, "t_eff_high": eff.high,
            "t_theory": theory,
            "t_naive": naive_temperature(stated.batch_fraction) if stated.theory == "sgd-like" else None,
            "t_paramagnetic": eff.t_paramagnetic,
            "e_stationary": eff.target.mean, "e_stationary_error": eff.target.error,
            "stationary": eff.target.stationary and all(p.stationary for p in eff.reference.values()),
            "t_nominal": eff.nominal, "agrees_with_nominal": eff.agrees_with_nominal,
            **rel.fields(),
        })  # fmt: skip
    if args.json:
        rows = [{k: _finite_or_none(v) for k, v in row.items()} for row in rows]  # an unbounded interval: null
        print(json.dumps({"instance_id": problem.instance_id, "seed": args.seed, "rows": rows}, allow_nan=False))
        return 0
    print(f"problem {args.problem} ({problem.instance_id}), seed {args.seed}; T_eff with 95% interval")
    print(f"{'dynamics':<28}{'e_stat':>9}{'T_eff':>9}{'95% interval':>20}{'theory':>9}{'naive':>8}"
          f"{'time scale a':>22}{'late diff':>16}  relaxation vs Metropolis")  # fmt: skip
    for dyn, r in zip(dynamics, rows):
        label = f"{dyn.name} s={r['s']:g}" if r["t_naive"] is not None else repr(dyn)
        fmt = lambda v: "-" if v is None else f"{v:.4f}"
        interval = f"[{r['t_eff_low']:.4f}, {r['t_eff_high']:.4f}]"
        scale = f"{r['time_scale']:.2f} [{r['time_scale_low']:.2f}, {r['time_scale_high']:.2f}]"
        late = f"{r['late_difference']:+.4f}+-{r['late_error']:.4f}"
        verdict = "alike" if r["relaxation_agrees"] else "differs"
        print(f"{label:<28}{r['e_stationary']:>9.5f}{r['t_eff']:>9.4f}{interval:>20}{fmt(r['t_theory']):>9}"
              f"{fmt(r['t_naive']):>8}{scale:>22}{late:>16}  {verdict} (max |z| {r['relaxation_z_max']:.2f}, "
              f"threshold {r['relaxation_threshold']:.2f})")  # fmt: skip
        if r["agrees_with_nominal"] is False:
            print(f"  {label}: T_eff {r['t_eff']:.4f} disagrees with its nominal T = {r['t_nominal']:g} "
                  f"(more than 3.29 standard errors away)")  # fmt: skip
    print("a: e_D(t) ~ e_M(a t) (a > 1: faster than Metropolis); late diff: mean e_D - e_M over the second half")
    return 0


def _cmd_advise_batch(args: argparse.Namespace) -> int:
    from .problems import make_problem
    from .score.advisor import advice_temperatures, advise_batch

    problem = make_problem(args.problem, seed=args.seed)
    temperatures = advice_temperatures(problem, args.sweeps)  # refuses before announcing any work
    print(f"advise-batch: Metropolis at {len(temperatures)} temperatures below the spinodal, then SGD-like at the "
          f"advised s ({args.sweeps} sweeps each)", file=sys.stderr, flush=True)  # fmt: skip
    advice = advise_batch(problem, sweeps=args.sweeps, seed=args.seed)
    if args.json:
        print(json.dumps({"instance_id": problem.instance_id, "seed": args.seed, **advice.to_dict()}, allow_nan=False))
        return 0 if advice.check_passed else 1
    fmt = lambda v: "not within the run" if v == float("inf") else f"{v:.0f} sweeps"
    print(f"problem {args.problem} ({problem.instance_id}); spinodal T_sp = {advice.t_spinodal:.4f}")
    print("Metropolis: temperature -> sweeps to overlap > 0.9")
    for t, v in zip(advice.temperatures, advice.metropolis_recovery):
        print(f"  T = {t:.4f}  {fmt(v)}")
    print(f"fastest at T = {advice.t_best:.4f} -> advised s = {advice.s:.4f} (zero-drift theory T(s))")
    if advice.check_passed:
        print(f"check passed: SGD-like s = {advice.s:.4f} reaches overlap {advice.check_overlap:.3f}, recovery "
              f"(overlap > 0.9) in {fmt(advice.check_recovery)}")  # fmt: skip
        return 0
    print(f"check FAILED: SGD-like s = {advice.s:.4f} reaches overlap {advice.check_overlap:.3f} and does not recover "
          f"(overlap > 0.9) within {args.sweeps} sweeps")  # fmt: skip
    return 1


def _cmd_longrun(args: argparse.Namespace) -> int:
    from .score.longrun import longrun

    try:
        etas = [float(v) for v in args.eta.split(",")]
    except ValueError:
        raise ValidationError("eta", f"expected a comma-separated list of numbers, got {args.eta!r}") from None
    result = longrun(args.landscape, args.noise, etas, chains=args.chains, seed=args.seed, max_steps=args.max_steps,
                     min_transitions=args.min_transitions, model=args.fit, cells=args.cells,
                     progress=sys.stderr.isatty(), claims=args.claims)  # fmt: skip
    doc = result.to_dict()
    if args.json:
        print(json.dumps(doc, allow_nan=False))
        return 0
    left, right = doc["basins"]
    print(f"landscape {args.landscape} ({doc['landscape']}), noise {doc['noise']}")
    print(f"minima: left x = {left['x'][0]:.4f} (f = {left['value']:.4f}), right x = {right['x'][0]:.4f} "
          f"(f = {right['value']:.4f})")  # fmt: skip
    print("  eta     mu_left   log(mu_L/mu_R)       exact (grid)  transitions L->R / R->L")
    for row in doc["rows"]:
        t = row["transitions"]
        print(f"  {row['eta']:<7g} {row['occupation']['left']:.5f}   {row['log_ratio']:8.4f} +- "
              f"{row['log_ratio_error']:.4f}   {row['exact_log_ratio']:8.4f}      {t['left_to_right']} / "
              f"{t['right_to_left']}")  # fmt: skip
    predicted, diffusion = ("infinite (the noise cannot climb out of a well)" if doc[k] is None else f"{doc[k]:.4f}"
                            for k in ("predicted_slope", "diffusion_slope"))  # fmt: skip
    print(f"slope of log(mu_L/mu_R) against 1/eta ({doc['fit']}): measured {doc['slope']:.4f} "
          f"[{doc['slope_low']:.4f}, {doc['slope_high']:.4f}], exact grid chain {doc['exact_slope']:.4f}, "
          f"predicted (quasi-potential) {predicted}; the diffusion approximation (the noise's variance only) "
          f"gives {diffusion}")  # fmt: skip
    if "claims" in doc:
        _print_claims(doc["claims"])
    return 0


def _print_claims(table: dict) -> None:
    number = lambda v: "-" if v is None else f"{v:.4f}"
    print(f"claims (a)-(d): exponents e of windows (mass ~ exp(-e / eta)), half-width {table['window']:g}")
    header = "  claim  subject" + " " * 43 + "predicted  exact grid  measured [95%]            holds"
    print(header)
    for row in table["claims"]:
        if row["claim"] == "b":
            measured = f"least f at x = {row['least_f']:.4g}"
            print(f"  ({row['claim']})    {row['subject']:<49} x = {row['predicted']:<7.4g}            "
                  f"{measured:<26} {row['holds']}")  # fmt: skip
            continue
        interval = f"{number(row['measured_exponent'])} [{number(row['measured_low'])}, {number(row['measured_high'])}]"
        print(f"  ({row['claim']})    {row['subject']:<49} {row['predicted']:9.4f}  {row['exact']:10.4f}  "
              f"{interval:<26} {row['holds']}")  # fmt: skip


VALIDATE_EXIT = {True: 0, False: 1, None: 3}  # passed, failed, inconclusive (2 is a usage error)


def _cmd_validate(args: argparse.Namespace) -> int:
    from .dynamics import make_dynamics
    from .problems import make_problem
    from .validate.verdict import validate

    problem = make_problem(args.problem, seed=args.seed)
    dynamics = make_dynamics(args.dynamics)
    out = validate(problem, dynamics, temperature=args.temperature, seed=args.seed, runs=args.runs)
    if args.json:
        print(json.dumps({"problem": args.problem, "dynamics": repr(dynamics), "seed": args.seed, **out},
                         allow_nan=False))  # fmt: skip
    else:
        print(f"{dynamics!r} on {args.problem} ({out['states']} states), seed {args.seed}")
        number = lambda v: "-" if v is None else f"{v:.4g}"
        for c in out["checks"]:
            verdict = {True: "pass", False: "FAIL", None: "????"}[c["passed"]]
            print(f"  {verdict}  {c['name']:<22} {number(c['statistic'])} (threshold {number(c['threshold'])}): "
                  f"{c['detail']}")  # fmt: skip
        if out["t_eff"] is not None:
            bound = "" if out["matrix_error"] is None else f", entries within +-{out['matrix_error']:.3g}"
            production = "infinite" if out["entropy_production"] is None else f"{out['entropy_production']:.3g}"
            print(
                f"  {out['detailed_balance_of']}{bound}: net flux {out['detailed_balance_violation']:.3g}, "
                f"entropy production {production}/step, spectral gap {out['spectral_gap']:.3g}"
            )
            print(f"  T_eff {out['t_eff']:.5g} (of {out['t_eff_of']}), TV to Boltzmann(T_eff) "
                  f"{out['tv_to_boltzmann']:.3g}")  # fmt: skip
        print({True: "passed", False: "FAILED", None: "INCONCLUSIVE (no check failed, but not every check had the "
               "power to fail)"}[out["passed"]])  # fmt: skip
    return VALIDATE_EXIT[out["passed"]]


def _budgets(text: str | None, suite) -> list[int]:
    """``--budget``: the suite's budgets (default), those up to one largest budget, or a comma-separated list."""
    if text is None:
        return list(suite.budgets)
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(f"budget: expected sweeps or a comma-separated list of sweeps, got {text!r}") from None
    if any(v < 1 for v in values) or values != sorted(set(values)):
        raise ValueError(f"budget: sweeps must be >= 1 and strictly increasing, got {text!r}")
    if len(values) == 1:
        return [b for b in suite.budgets if b < values[0]] + values
    return values


def _cmd_score(args: argparse.Namespace) -> int:
    from . import _checks
    from .experiment.scoring import check_at_teff, evaluate, plan_score, score
    from .experiment.store import Store, check_store_path
    from .experiment.suites import get_suite
    from .experiment.tuning import Tunable
    from .report.scorecard_page import write_scorecard

    check_store_path(args.store)
    if args.command == "scorecard" and not Path(args.store).exists():
        raise ValueError(f"store: {args.store} does not exist; scorecard reads the store a score run wrote")
    suite = get_suite(args.suite)
    budgets = _budgets(args.budget, suite)
    seeds = suite.seeds if args.seeds is None else args.seeds
    if seeds < 1:
        raise ValueError(f"seeds: must be >= 1, got {seeds}")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"workers: must be >= 1, got {args.workers}")
    if args.scheduler is not None and args.executor != "dask":
        raise ValueError("scheduler: --scheduler is the address of a Dask scheduler; it needs --executor dask")
    if args.report is not None:
        _checks.output_directory("report", args.report, create=True)
    algorithm = Tunable.parse(args.algorithm, args.tune)
    plan = plan_score(suite, algorithm, seeds, budgets)  # every input checked before the store is opened
    if args.at_teff:
        check_at_teff(algorithm)
    with Store(args.store) as store:
        if args.at_teff:  # measured once into the store; scorecard reads them
            plan = plan_score(suite, algorithm, seeds, budgets, at_teff=True, store=store,
                              compute=args.command != "scorecard")  # fmt: skip
        if args.command == "scorecard":
            result = evaluate(plan, store)
        else:
            print(f"score: {len(plan.cells)} cells ({len(suite.instances)} instances of suite {suite.name!r}, "
                  f"{seeds} seeds, budgets {budgets}; {suite.tuning_description}) -> "
                  f"{args.store}", file=sys.stderr, flush=True)  # fmt: skip
            result = score(plan, store, workers=args.workers, progress=None if not args.json else False,
                           executor=args.executor, scheduler=args.scheduler)  # fmt: skip
        if args.report is not None:
            written = write_scorecard(result, store, args.report, _reproduce(args, budgets, seeds))
            print(f"{args.command}: page {written['html']}, summary {written['markdown']}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_dict(), allow_nan=False))
        return 0
    done = result.run
    print(f"suite {suite.name} v{suite.version}: {done.cells} cells, {done.computed} computed, {done.reused} reused "
          f"from {args.store}")  # fmt: skip
    _print_results(result, budgets)
    return 0


def _reproduce(args: argparse.Namespace, budgets: list[int], seeds: int) -> str:
    """The command that recomputes (or, from the same store, rereads) this scorecard."""
    parts = ["benchsuite", "score", args.algorithm, "--suite", args.suite, "--seeds", str(seeds), "--budget",
             ",".join(map(str, budgets))]  # fmt: skip
    if args.tune:
        parts += ["--tune", args.tune]
    if args.at_teff:
        parts += ["--at-teff"]
    quote = lambda p: p if all(c.isalnum() or c in "-_.:=,/" for c in p) else "'" + p.replace("'", "'\\''") + "'"
    return " ".join(map(quote, parts + ["--store", str(args.store), "--report", str(args.report)]))


def _print_results(result, budgets) -> None:
    index = {(m.instance, m.algorithm, m.metric): m for m in result.results}
    fmt = lambda v, p=4: "-" if v is None else f"{v:.{p}g}"
    top = f"success@{budgets[-1]}"
    rows = []
    for (label, _), choice in result.choices.items():
        rows.append(
            (label, choice.recommended, "at T_eff" if choice.tunable.role else "tuned" if choice.training else "")
        )
        if choice.oracle != choice.recommended:
            rows.append((label, choice.oracle, "oracle"))
    width = max(34, *(len(spec) + 2 for _, spec, _ in rows))
    label_width = max(22, *(len(label) + 2 for label, _, _ in rows))
    print(f"{'instance':<{label_width}}{'algorithm':<{width}}{'':<9}{top:>22} {'TTS99 (sweeps)':>30}{'residual e':>12}"
          f"{'overlap':>9}")  # fmt: skip
    for label, algorithm, role in rows:
        success = index.get((label, algorithm, top))
        if success is None:
            continue
        tts = index.get((label, algorithm, "tts99_sweeps"))
        residual = index[(label, algorithm, "residual_energy")]
        overlap = index.get((label, algorithm, "overlap"))
        p = f"{success.value:.2f} [{success.low:.2f}, {success.high:.2f}]"
        t = "-" if tts is None else ("censored" if tts.value is None else
                                     f"{fmt(tts.value)} [{fmt(tts.low)}, {fmt(tts.high)}]")  # fmt: skip
        edge = "*" if tts is not None and tts.note and "edge" in tts.note else ""
        print(f"{label:<{label_width}}{algorithm:<{width}}{role:<9}{p:>22} {t + edge:>30}{residual.value:>12.4f}"
              f"{fmt(None if overlap is None else overlap.value, 3):>9}")  # fmt: skip
    for m in result.summary:
        value = "censored" if m.value is None else fmt(m.value)
        interval = ("(censored in every resample)" if m.low is None else
                    f"[{fmt(m.low)}, {'unbounded' if m.high is None else fmt(m.high)}]")  # fmt: skip
        print(f"{'(all instances)':<{label_width}}{m.algorithm:<{width}}{m.metric:<10}{value:>12} {interval}")
    for q in result.sampling:
        if q.t_eff_exact is not None:
            print(f"{q.instance:<{label_width}}{q.algorithm:<{width}}{'exact':<10}T_eff {q.t_eff_exact:.4g}, TV to "
                  f"Boltzmann there {q.tv_at_t_eff:.3g} ({q.states} states)")  # fmt: skip
    print(f"{result.plan.suite.tuning_description}; oracle: the best grid point on the instance itself")
    print("intervals 95% (Jeffreys for success, from it for TTS99); * best budget at the edge of the range; "
          "residual e = (best - reference) / n")  # fmt: skip


def _cmd_suites(args: argparse.Namespace) -> int:
    from .experiment.suites import SUITES, get_suite

    if args.action == "show" and not args.name:
        raise ValueError("suite: 'suites show' needs a suite name; known: " + ", ".join(SUITES))
    chosen = [get_suite(args.name)] if args.name else list(SUITES.values())
    if args.json:
        print(json.dumps([suite.to_dict() for suite in chosen], allow_nan=False))
        return 0
    for suite in chosen:
        print(f"{suite.name} v{suite.version}: {suite.description}")
        print(f"  budgets {list(suite.budgets)} sweeps, {suite.seeds} seeds per cell; {suite.tuning_description}")
        for entry in suite.instances:
            ref = entry.reference()
            print(f"  {entry.label:<22} {entry.spec:<48} reference {ref.value:g} ({ref.method}; {ref.source})")
        for family, tunables in suite.baselines.items():
            print(f"  baselines for {family}: {', '.join(t.label for t in tunables)}")
            for t in tunables:
                if t.grid:
                    grid = "; ".join(f"{k} in {list(v)}" for k, v in t.grid.items())
                    print(f"    {t.name}: {grid}")
    return 0


def _cmd_instances(args: argparse.Namespace) -> int:
    from .library.describe import catalog_rows, describe
    from .problems import make_problem
    from .problems.formats import write_instance

    takes = {"list": ("json",), "show": ("format", "q", "seed", "json"), "generate": ("format", "seed", "out")}
    given = [o for o in ("format", "q", "seed", "out") if getattr(args, o) is not None] + ["json"] * args.json
    for option in given:
        if option not in takes[args.action]:
            raise ValueError(f"{option}: 'instances {args.action}' takes no --{option}")
    if args.action == "list":
        rows = catalog_rows()
        if args.json:
            print(json.dumps(rows, allow_nan=False))
            return 0
        for row in rows:
            ref = row["reference"]
            print(f"{row['name']:<12} {row['collection']:<11} {row['family']:<9} n={row['n_vars']:<5} "
                  f"terms={row['n_terms']:<6} {row['instance_id']}  reference {ref['value']:g} ({ref['method']})")  # fmt: skip
        return 0
    if not args.target:
        raise ValueError(f"instance: 'instances {args.action}' needs a {'file' if args.action == 'show' else 'spec'}")
    options = ",".join(f"{key}={value}" for key, value in (("format", args.format), ("q", args.q)) if value is not None)
    spec = f"{args.target}:{options}" if options else args.target
    if args.action == "show":
        out = describe(make_problem(spec, seed=args.seed or 0), name=args.target)
        if args.json:
            print(json.dumps(out, allow_nan=False))
        else:
            for key, value in out.items():
                print(f"{key:<12} {value}")
        return 0
    if args.out is None:
        raise ValueError("out: 'instances generate' needs --out FILE")
    problem = make_problem(args.target, seed=args.seed or 0)
    path = write_instance(problem, args.out, args.format)
    print(f"{path}: {problem.instance_id} ({problem.family}, n={problem.n}, terms={problem.m})")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report.teff_report import make_report

    print(f"wrote {make_report(args.out, seed=args.seed)}")
    return 0


def _cmd_longrun_report(args: argparse.Namespace) -> int:
    from .report.longrun_report import make_longrun_report

    print(f"wrote {make_longrun_report(args.out, seed=args.seed)}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(n=args.n, c=args.c, sweeps=args.sweeps, seed=args.seed, out=args.out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="benchsuite", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"benchsuite {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sc = sub.add_parser("score", help="score an algorithm against the baselines on a suite of instances")
    sc.add_argument("algorithm", help="a dynamics spec, e.g. sgd-like:s=0.8 or my_module:MyRule:k=3")
    sc.add_argument("--suite", default="quick", help="suite name (benchsuite suites list); default quick")
    sc.add_argument("--seeds", type=int, help="runs per (instance, algorithm, budget); default: the suite's")
    sc.add_argument("--tune", help="a grid for the algorithm's parameters, tuned on training twins like the "
                                   "baselines, e.g. 's=0.6,0.7,0.8,0.9' (several joined by ';')")  # fmt: skip
    sc.add_argument("--budget", help="largest budget in sweeps, or a comma-separated list; default: the suite's")
    sc.add_argument("--store", default="benchsuite-scores.sqlite", help="results store (reused cells are not rerun)")
    sc.add_argument("--workers", type=int, help="worker processes (default: every core; 1: in this process)")
    sc.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="local process pool, or Dask distributed (a LocalCluster unless --scheduler is given)",
    )
    sc.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")
    sc.add_argument("--at-teff", action="store_true", help="add Metropolis at the algorithm's effective "
                                                             "temperature on each instance as a baseline")  # fmt: skip
    sc.add_argument("--report", help="directory for the scorecard page (index.html), its Markdown summary and "
                                     "score.json")  # fmt: skip
    sc.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    sc.set_defaults(func=_cmd_score)

    card = sub.add_parser("scorecard", help="render the scorecard of a score run again, from its store only")
    card.add_argument("algorithm", help="the algorithm spec given to score")
    card.add_argument("--suite", default="quick", help="suite name; default quick")
    card.add_argument("--seeds", type=int, help="as given to score; default: the suite's")
    card.add_argument("--budget", help="as given to score; default: the suite's")
    card.add_argument("--tune", help="as given to score")
    card.add_argument("--store", default="benchsuite-scores.sqlite", help="the store score wrote")
    card.add_argument("--at-teff", action="store_true", help="as given to score")
    card.add_argument("--report", help="directory for the page, its Markdown summary and score.json")
    card.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    card.set_defaults(func=_cmd_score, workers=None, executor="local", scheduler=None)

    su = sub.add_parser("suites", help="list the named suites, or show one")
    su.add_argument("action", choices=["list", "show"], help="list every suite, or show one")
    su.add_argument("name", nargs="?", help="the suite to show")
    su.add_argument("--json", action="store_true", help="print JSON on stdout")
    su.set_defaults(func=_cmd_suites)

    ins = sub.add_parser("instances", help="the shipped real instances; describe an instance file; write one")
    ins.add_argument("action", choices=["list", "show", "generate"],
                     help="list the shipped instances, show FILE (or any problem spec), generate SPEC --out FILE")  # fmt: skip
    ins.add_argument("target", nargs="?", help="show: a file, a shipped name or a spec; generate: a problem spec")
    ins.add_argument("--format", default=None, help="cnf, col, gset or native, where the file's kind is ambiguous")
    ins.add_argument("--q", type=int, default=None, help="number of colours of a DIMACS colouring file")
    ins.add_argument("--seed", type=int, default=None, help="generator seed (unless the spec has seed=; default 0)")
    ins.add_argument("--out", default=None, help="generate: the file to write (format from its suffix or --format)")
    ins.add_argument("--json", action="store_true", help="print JSON on stdout")
    ins.set_defaults(func=_cmd_instances)

    demo = sub.add_parser("demo", help="Metropolis and SGD-like relaxation on a planted 5-colouring")
    demo.add_argument("--out", default=".", help="directory for demo.png (default: current directory)")
    demo.add_argument("--n", type=int, default=10_000, help="number of variables (multiple of 5)")
    demo.add_argument("--c", type=float, default=30.0, help="mean degree of the planted graph")
    demo.add_argument("--sweeps", type=int, default=1_000, help="sweeps per run")
    demo.add_argument("--seed", type=int, default=1, help="seed for the instance and the runs")
    demo.set_defaults(func=_cmd_demo)

    eq = sub.add_parser("equivalence", help="effective Metropolis temperature of a dynamics, with theory")
    eq.add_argument("--problem", required=True, help="FAMILY:key=value,... e.g. coloring:n=50000,q=5,c=10")
    eq.add_argument("--dynamics", required=True, help="NAME[:key=value,...], e.g. sgd-like or metropolis:T=0.8")
    eq.add_argument("--s", help="comma-separated batch fractions for sgd-like, e.g. 0.5,0.7,0.9")
    eq.add_argument("--seed", type=int, default=0, help="seed for the instance and every run")
    eq.add_argument("--sweeps", type=int, default=1_000, help="initial length of each stationary run")
    eq.add_argument("--relax-sweeps", type=int, default=200, help="length of the relaxation comparison")
    eq.add_argument("--starts", type=int, default=16, help="random initial configurations for the relaxation")
    eq.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    eq.set_defaults(func=_cmd_equivalence)

    adv = sub.add_parser("advise-batch", help="SGD-like batch fraction that should recover a planted colouring")
    adv.add_argument("--problem", required=True, help="planted colouring, e.g. coloring:n=20000,q=5,c=22")
    adv.add_argument("--sweeps", type=int, default=3_000, help="sweeps per run")
    adv.add_argument("--seed", type=int, default=0, help="seed for the instance and every run")
    adv.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    adv.set_defaults(func=_cmd_advise_batch)

    lr = sub.add_parser("longrun", help="constant-step SGD on a 1-D landscape: basin occupations against 1/eta, "
                                        "beside the exact grid chain and the quasi-potential prediction")  # fmt: skip
    lr.add_argument("--landscape", default="double-well:tilt=0.3", help="a 1-D landscape with two minima; "
                    "examples=N,spread=..,curvature=..,anchor=.. make it a finite sum of N examples")  # fmt: skip
    lr.add_argument("--noise", default="gaussian:sigma=2", help="gaussian:sigma=...[,slope=...], "
                    "rademacher:scale=..., uniform:a=..., laplace:b=... or minibatch:b=...[,replace=true] "
                    "(a batch of the landscape's examples)")  # fmt: skip
    lr.add_argument("--eta", default="0.05,0.1,0.2", help="comma-separated step sizes")
    lr.add_argument("--seed", type=int, default=0, help="seed of the chains (seed + k for the k-th step size)")
    lr.add_argument("--chains", type=int, default=256, help="independent chains per step size")
    lr.add_argument("--max-steps", type=int, default=10_000_000, help="step budget per chain and step size")
    lr.add_argument("--min-transitions", type=int, default=100, help="basin transitions each way before a "
                    "measurement is reported")  # fmt: skip
    lr.add_argument("--cells", type=int, default=2048, help="cells of the exact grid chain (32 to 2048)")
    lr.add_argument("--fit", default="step-bias", help="step-bias (a/eta + c + d eta) or prefactor "
                    "(a/eta + b log eta + c)")  # fmt: skip
    lr.add_argument("--claims", type=float, nargs="?", const=0.05, metavar="WINDOW",
                    help="also count windows (half-width WINDOW, default 0.05) around the critical points and "
                         "between them, and print claims (a)-(d) of the theory as measured against predicted "
                         "exponents")  # fmt: skip
    lr.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    lr.set_defaults(func=_cmd_longrun)

    rep = sub.add_parser("report", help="effective-temperature report (T_eff(s), relaxation, recovery map)")
    rep.add_argument("--out", default="reports/seed1", help="output directory")
    rep.add_argument("--seed", type=int, default=1, help="seed for the instances and every run")
    rep.set_defaults(func=_cmd_report)

    lrr = sub.add_parser("longrun-report", help="the long-run report of SGD: which minimum it prefers under which "
                                                "noise, measured, exact and predicted (a few minutes)")  # fmt: skip
    lrr.add_argument("--out", default="reports/seed2", help="output directory")
    lrr.add_argument("--seed", type=int, default=2, help="seed of every measurement")
    lrr.set_defaults(func=_cmd_longrun_report)

    val = sub.add_parser("validate", help="check a dynamics on an enumerable instance (exit 1 if a check fails, "
                                          "3 if none failed but one was inconclusive)")  # fmt: skip
    val.add_argument("--problem", required=True, help="an instance with at most 2^16 states, e.g. ising:model=sk,n=10")
    val.add_argument("--dynamics", required=True, help="NAME:key=value,... or module:attribute[:key=value,...]")
    val.add_argument("--temperature", type=float, help="target temperature (default: the dynamics' T)")
    val.add_argument("--seed", type=int, default=0, help="seed for the instance and the chains")
    val.add_argument(
        "--runs",
        type=int,
        default=0,
        help="for a rule without an exact law: estimate its one-sweep matrix from RUNS runs per state",
    )
    val.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    val.set_defaults(func=_cmd_validate)

    r = sub.add_parser("run", help="run one dynamics on one problem")
    r.add_argument(
        "--problem",
        required=True,
        help="FAMILY:key=value,... e.g. coloring:n=5000,q=5,c=10 or "
        "ksat:n=10000,alpha=4.2, or module:attribute[:key=value,...] for a generator of your own",
    )
    r.add_argument(
        "--dynamics",
        required=True,
        help="NAME:key=value,... e.g. metropolis:T=1.0 or sgd-like:s=0.5, "
        "or module:attribute[:key=value,...] for a dynamics of your own",
    )
    r.add_argument("--sweeps", type=int, required=True, help="number of sweeps (n attempted updates each)")
    r.add_argument("--seed", type=int, default=0, help="seed for the instance (unless the spec has seed=) and the run")
    r.add_argument("--record", choices=["log", "every"], default="log", help="sweep grid for the trajectory")
    r.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    r.set_defaults(func=_cmd_run)
    return parser


_RUNNING = threading.local()  # set while a command runs: a spec naming benchsuite.cli:main must not recurse


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(_RUNNING, "active", False):
        raise ValidationError("spec", "benchsuite's own command line is not a problem or dynamics generator")
    args = build_parser().parse_args(argv)
    _RUNNING.active = True
    try:
        return args.func(args)
    except ValueError as exc:  # ValidationError and SpecError included
        print(f"benchsuite: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of stdout went away (``| head``): stop quietly, as SIGPIPE would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("benchsuite: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal failure: one line, unless BENCHSUITE_DEBUG asks for the traceback
        if os.environ.get("BENCHSUITE_DEBUG"):
            raise
        print(f"benchsuite: internal error: {type(exc).__name__}: {exc} (set BENCHSUITE_DEBUG=1 for details)",
              file=sys.stderr)  # fmt: skip
        return 1
    finally:
        _RUNNING.active = False


if __name__ == "__main__":
    sys.exit(main())
