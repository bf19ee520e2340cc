"""Fuzz suite: the command line, every public constructor and entry point, and corrupted instance files.

Each test draws cases with hypothesis (derandomised) and requires success or a ValidationError (exit 0 or 2
with one line on the command line), within ``HANG_SECONDS`` per case.  State tampering, where a failure could
take the interpreter down, runs in a subprocess: ``test_fuzz_state.py``.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
import tempfile
import zipfile

import numpy as np
import pytest
from fuzzing import JUNK, SIZES, Bucket, choices, counts, fuzz, ints, reals, spec_value
from hypothesis import strategies as st

from benchsuite import cli
from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike, make_dynamics
from benchsuite.kernels import acceptance_table
from benchsuite.problems import (
    ColoringProblem,
    IsingProblem,
    KSatProblem,
    PerceptronProblem,
    XorSatProblem,
    coloring,
    ising,
    ksat,
    load_problem,
    make_problem,
    perceptron,
    save_problem,
    xorsat,
)
from benchsuite.problems.hypergraph import Hypergraph
from benchsuite.score import record_grid, run, run_many
from benchsuite.score.sgd_theory import zero_drift_temperature
from benchsuite.validate import all_energies

# --- generators of problems and dynamics, with every keyword drawn from its bucket ---------------------------

FAMILY_KWARGS = {
    "coloring": {"n": ints(2, 60), "q": ints(2, 6), "c": reals(0, 6), "d": ints(1, 6),
                 "planted": Bucket(st.booleans(), JUNK), "seed": ints(0, 9)},
    "ising": {"model": choices("sk", "ea2d", "ea3d", "rrg", "ferro"), "n": ints(2, 40), "L": ints(3, 6),
              "d": ints(1, 5), "couplings": choices("pm1", "gauss"), "h": reals(-2, 2), "seed": ints(0, 9)},
    "ksat": {"n": ints(1, 40), "alpha": reals(0, 5), "k": ints(1, 5), "planted": Bucket(st.booleans(), JUNK),
             "seed": ints(0, 9)},
    "xorsat": {"n": ints(1, 40), "k": ints(1, 5), "alpha": reals(0, 1.2), "d": ints(1, 4),
               "planted": Bucket(st.booleans(), JUNK), "seed": ints(0, 9)},
    "perceptron": {"n": ints(1, 40), "alpha": reals(0, 2), "patterns": choices("pm1", "gauss"), "seed": ints(0, 9)},
}  # fmt: skip
GENERATORS = {"coloring": coloring, "ising": ising, "ksat": ksat, "xorsat": xorsat, "perceptron": perceptron}
DYNAMICS_KWARGS = {
    "metropolis": {"T": reals(0, 3), "order": choices("sequential", "random")},
    "heat-bath": {"T": reals(0, 3), "order": choices("sequential", "random")},
    "anneal": {"beta0": reals(0, 3), "beta1": reals(0, 3), "schedule": choices("linear", "geometric")},
    "sgd-like": {"s": reals(0, 1), "batch": choices("half-edge", "term"), "persist": ints(1, 3)},
}
CLASSES = {"metropolis": Metropolis, "heat-bath": HeatBath, "anneal": Annealing, "sgd-like": SGDLike}


REQUIRED = {  # keywords a valid call needs, given the others drawn so far (exactly one of c / d, and so on)
    "coloring": lambda kw: ["n", "c" if "d" not in kw else "d"],
    "ising": lambda kw: ["model", "L" if kw.get("model") in ("ea2d", "ea3d", "ferro") else "n"],
    "ksat": lambda kw: ["n", "alpha"],
    "xorsat": lambda kw: ["n", "alpha" if "d" not in kw else "d"],
    "perceptron": lambda kw: ["n", "alpha"],
    "metropolis": lambda kw: ["T"],
    "heat-bath": lambda kw: ["T"],
    "anneal": lambda kw: ["beta0", "beta1"],
    "sgd-like": lambda kw: ["s"],
}
EXCLUSIVE = {"coloring": ("c", "d"), "xorsat": ("alpha", "d"), "ising": ("n", "L")}


@st.composite
def kwargs_of(draw, table: dict, name: str) -> dict:
    """Keywords for ``name``: half the cases a well-formed call with valid values (which may still be refused
    for their combination, e.g. n not divisible by q), the others any subset with any value of each bucket and
    sometimes an unknown keyword."""
    clean = draw(st.booleans())
    keys = draw(st.lists(st.sampled_from(sorted(table[name])), unique=True, max_size=len(table[name])))
    if clean:
        first, second = EXCLUSIVE.get(name, (None, None))
        if first in keys and second in keys:
            keys.remove(second)
        if "model" in table[name]:  # the model decides between n and L
            keys = ["model", *[k for k in keys if k not in ("model", "n", "L")]]
    kwargs = {key: draw(table[name][key].draw_from(clean)) for key in keys}
    if clean:
        for key in REQUIRED[name](kwargs):
            if key not in kwargs:
                kwargs[key] = draw(table[name][key].valid)
    elif draw(st.integers(0, 4)) == 0:
        kwargs[draw(st.sampled_from(["size", "T", "x", "_private"]))] = draw(st.integers(0, 3))
    return kwargs


def problems() -> st.SearchStrategy:
    return st.sampled_from(sorted(FAMILY_KWARGS)).flatmap(lambda f: st.tuples(st.just(f), kwargs_of(FAMILY_KWARGS, f)))


def dynamics() -> st.SearchStrategy:
    return st.sampled_from(sorted(DYNAMICS_KWARGS)).flatmap(
        lambda d: st.tuples(st.just(d), kwargs_of(DYNAMICS_KWARGS, d))
    )


def spec(name: str, kwargs: dict) -> str:
    items = ",".join(f"{k}={spec_value(v)}" for k, v in kwargs.items())
    return f"{name}:{items}" if items else name


# --- command line -------------------------------------------------------------------------------------------

NAMES = st.sampled_from(["", " ", "nosuchfamily", "nosuchmodule:thing", "math:pi", "benchsuite:nothing", ":", "a:b:c"])


@st.composite
def command_lines(draw) -> list[str]:
    family, fkw = draw(problems())
    dyn, dkw = draw(dynamics())
    clean = draw(st.integers(0, 3)) > 0  # names and sweeps well formed in three cases out of four
    problem_spec = draw(Bucket(st.just(spec(family, fkw)), NAMES | st.text(max_size=20)).draw_from(clean))
    dynamics_spec = draw(Bucket(st.just(spec(dyn, dkw)), NAMES | st.text(max_size=20)).draw_from(clean))
    sweeps = draw(Bucket(st.integers(0, 20), HUGE_TEXT | st.text(max_size=5)).draw_from(clean))
    argv = ["run", "--problem", problem_spec, "--dynamics", dynamics_spec, "--sweeps", str(sweeps)]
    if draw(st.booleans()):
        argv += ["--seed", str(draw(Bucket(st.integers(0, 5), HUGE_TEXT).draw_from(clean)))]
    if draw(st.booleans()):
        argv += ["--record", draw(choices("log", "every", bad=("all", "")).draw_from(clean))]
    if draw(st.booleans()):
        argv.append("--json")
    if not clean and draw(st.booleans()):
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(["--bogus", "-x", "run", "--sweeps"])))
    return argv


HUGE_TEXT = st.sampled_from(["-1", "2**70", "9223372036854775807", "1e400", "nan", "3.5", "0x10", "١٢"])


def _cli(argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse's own refusals
            code = exc.code
    lines = err.getvalue().strip().splitlines()
    assert code in (0, 2), f"exit {code} for {argv}: {err.getvalue()}"
    if code == 2:
        assert len(lines) == 1 and re.match(r"benchsuite( [a-z-]+)?: error: ", lines[0]), err.getvalue()
    else:
        assert out.getvalue() and not lines, err.getvalue()
        if "--json" in argv:
            json.loads(out.getvalue(), parse_constant=_non_strict)
    return f"exit {code}"


def _non_strict(constant: str):
    raise AssertionError(f"non-strict JSON: {constant}")


@pytest.mark.parametrize("examples", SIZES)
def test_fuzz_command_line(examples, warm_kernels):
    fuzz(examples, command_lines(), _cli, "command line (run)")


# The other commands run long simulations on valid input; here one of their options is always bad, and the
# refusal must come before any simulation (within the case time limit) with exit 2 and one line.
LONG_COMMANDS = {
    "demo": {"--n": ("10", ["-5", "7", "0", "1e400", "x", "100000000000"]), "--c": ("30", ["-1", "nan", "inf"]),
             "--sweeps": ("10", ["-1", "2**70", "9223372036854775807"]), "--seed": ("1", ["-1", "x"]),
             "--out": (".", ["/dev/null", "/proc/nonexistent/dir", "/etc/passwd"])},
    "equivalence": {"--problem": ("coloring:n=500,q=5,c=10", ["coloring:n=-5", "ising:model=x", "nosuch"]),
                    "--dynamics": ("sgd-like", ["metropolis:T=0", "sgd-like:batch=x", "nosuch:x"]),
                    "--s": ("0.5", ["2", "nan", "0.5,x", ""]), "--sweeps": ("10", ["-1", "2**70", "0.5"]),
                    "--relax-sweeps": ("10", ["-3", "1e400", "9"]),
                    "--starts": ("2", ["0", "1", "-1", "9223372036854775807"]),
                    "--seed": ("0", ["-1", "1e3"])},
    "advise-batch": {"--problem": ("coloring:n=500,q=5,c=30", ["coloring:n=500,q=5,c=3", "ksat:n=10,alpha=1",
                                                               "coloring:n=500,q=5,c=30,planted=false"]),
                     "--sweeps": ("10", ["-1", "5", "2**70"]), "--seed": ("0", ["-1", "x"])},
    "report": {"--out": ("reports/x", ["/dev/null", "/proc/nonexistent/dir"]), "--seed": ("1", ["-1", "1e400"])},
    "score": {"": ("sgd-like:s=0.8", ["sgd-like:s=2", "nosuch:x", "metropolis:T=0", "math:pi"]),
              "--suite": ("quick", ["nope", ""]), "--seeds": ("2", ["0", "-1", "x", "2**70"]),
              "--budget": ("20", ["0", "100,10", "x", "-5", "1e400", "10,10"]), "--workers": ("1", ["0", "-1", "x"]),
              "--store": ("{tmp}/s.sqlite", ["/proc/nonexistent/dir/s.sqlite", "/etc", "/dev/null"]),
              "--tune": ("s=0.7,0.8", ["s", "=1", "s=2", "x=1", "s=0.5;;t", "s=", "s=0.5,,0.6"]),
              "--report": ("{tmp}/benchsuite-fuzz-report", ["/proc/nonexistent/dir", "/etc/passwd"])},
    "longrun": {"--landscape": ("double-well:tilt=0.3", ["camel", "double-well:tilt=2", "nosuch", "quadratic",
                                                         "double-well:spread=1", "double-well:examples=1",
                                                         "double-well:examples=4,curvature=nan", "teacher-student:d=3",
                                                         "teacher-student:d=1,n=1"]),
                "--noise": ("gaussian:sigma=2", ["gaussian:sigma=0", "laplace:b=-1", "cauchy", "uniform:a=nan",
                                                 "minibatch:b=2", "minibatch:b=0", "minibatch:b=2,replace=x"]),
                "--eta": ("0.2,0.3", ["0.1", "0.1,0.1", "0,0.1", "x", "0.1,1e400", "-0.1,0.2"]),
                "--chains": ("16", ["0", "1", "x", "2**70"]), "--max-steps": ("40000", ["0", "-1", "x"]),
                "--min-transitions": ("10", ["0", "-1", "x"]), "--fit": ("step-bias", ["cubic", ""]),
                "--cells": ("256", ["8", "4096", "x"]), "--claims": ("0.05", ["0", "-1", "x", "nan", "5", "1e-5"]),
                "--seed": ("0", ["-1", "x"])},
    "scorecard": {"": ("sgd-like:s=0.8", ["sgd-like:s=2", "nosuch:x"]), "--suite": ("quick", ["nope"]),
                  "--store": ("{tmp}/benchsuite-fuzz-missing.sqlite", ["/etc", "/dev/null"]),
                  "--seeds": ("2", ["0", "x"]), "--budget": ("20", ["0", "x"])},
    "instances generate": {"": ("ksat:n=20,alpha=2", ["ksat:n=-1,alpha=2", "nosuch", "G99", "ising:model=sk,n=10"]),
                           "--seed": ("1", ["-1", "x", "2**70"]), "--format": ("cnf", ["xyz", "col", "gset", ""]),
                           "--out": ("{tmp}/benchsuite-fuzz.cnf", ["/proc/nonexistent/x.cnf", "/etc", "/dev/null/x"]),
                           "--q": ("", ["3", "x"]), "--json": ("", [None])},
    "instances show": {"": ("G1", ["nosuch", "/etc/passwd", "/dev/null", "{tmp}", "G1:q=3"]),
                       "--out": ("", ["x.cnf"]), "--format": ("", ["xyz", "cnf"])},
    "validate": {"--problem": ("ising:model=sk,n=6", ["ising:model=sk,n=17", "coloring:n=-5", "nosuch"]),
                 "--dynamics": ("metropolis:T=1", ["metropolis:T=0", "sgd-like:batch=x", "nosuch:x"]),
                 "--temperature": ("1.0", ["0", "-1", "nan", "inf", "x", "1e400"]), "--seed": ("0", ["-1", "x"])},
}  # fmt: skip


@st.composite
def refused_command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(sorted(LONG_COMMANDS)))
    options = LONG_COMMANDS[command]
    bad = draw(st.sampled_from(sorted(options)))
    argv = command.split()
    for option in draw(st.permutations(sorted(options))):
        good, bad_values = options[option]
        flag = [option] if option else []  # "": the command's positional argument
        if option == bad:
            value = draw(st.sampled_from(bad_values))
            argv += flag if value is None else [*flag, value.format(tmp=tempfile.gettempdir())]  # None: a bare flag
        elif good and (
            draw(st.booleans())
            or command in ("equivalence", "advise-batch", "validate")
            and option in ("--problem", "--dynamics")
            or (command, option) == ("instances generate", "--out")
            or option == ""
        ):  # an option whose good value is "" is given only to be bad
            argv += [*flag, good.format(tmp=tempfile.gettempdir())]
    return argv


def _refused(argv: list[str]) -> str:
    outcome = _cli(argv)
    assert outcome == "exit 2", f"{argv} was not refused"
    return outcome


@pytest.mark.parametrize("examples", SIZES)
def test_fuzz_long_commands_refuse_bad_options_before_running(examples, warm_kernels):
    fuzz(
        examples,
        refused_command_lines(),
        _refused,
        "command line (demo, equivalence, advise-batch, report, score, scorecard, validate, longrun, instances)",
    )


# Valid runs of the commands that print JSON: every outcome is a run (exit 0) whose stdout is one strict JSON
# document, or a refusal of a combination (exit 2, one line).  run: test_fuzz_command_line; validate on drawn
# instances: tests/test_inconclusive.py; score and scorecard: tests/test_experiment.py.
VALID_RUN_EXAMPLES = [pytest.param(10, id="default"), pytest.param(120, id="slow", marks=pytest.mark.slow)]
SMALL_FAMILIES = {  # valid ranges at which 100 sweeps of a stationary run take well under a second
    "coloring": {"n": ints(6, 120), "q": ints(2, 6), "c": reals(0.5, 6), "planted": choices(False, True),
                 "seed": ints(0, 9)},
    "ising": {"model": choices("sk", "ea2d", "rrg", "ferro"), "n": ints(4, 40), "L": ints(3, 6),
              "couplings": choices("pm1", "gauss"), "h": reals(-2, 2), "seed": ints(0, 9)},
    "ksat": {"n": ints(5, 40), "alpha": reals(0.5, 5), "k": ints(2, 4), "seed": ints(0, 9)},
    "xorsat": {"n": ints(5, 40), "alpha": reals(0.2, 1.0), "seed": ints(0, 9)},
    "perceptron": {"n": ints(5, 100), "alpha": reals(0.2, 2), "patterns": choices("pm1", "gauss"),
                   "seed": ints(0, 9)},
}  # fmt: skip
TEMPERED_DYNAMICS = {  # temperatures at which no small instance freezes in 100 sweeps
    "metropolis": {"T": reals(0.3, 3), "order": choices("sequential", "random")},
    "heat-bath": {"T": reals(0.3, 3), "order": choices("sequential", "random")},
    "sgd-like": {"s": reals(0.05, 0.95), "batch": choices("half-edge", "term"), "persist": ints(1, 3)},
}


@st.composite
def valid_spec(draw, table: dict, name: str) -> str:
    """A spec with the keywords a call needs and any others, each value from its valid range (the combination
    may still be refused, e.g. n not divisible by q for a planted colouring)."""
    keys = draw(st.lists(st.sampled_from(sorted(table[name])), unique=True))
    for key in EXCLUSIVE.get(name, ()):
        if key in keys:
            keys.remove(key)
    kwargs = {key: draw(table[name][key].valid) for key in sorted(keys, key=lambda k: k != "model")}
    for key in REQUIRED[name](kwargs):  # "model" first: it decides between n and L
        kwargs.setdefault(key, draw(table[name][key].valid))
    if name == "coloring" and kwargs.get("planted", True):  # a planted colouring has n / q vertices per colour
        q = kwargs.get("q", inspect.signature(coloring).parameters["q"].default)
        kwargs["n"] = q * max(2, kwargs["n"] // q)
    return spec(name, kwargs)


@st.composite
def json_command_lines(draw) -> list[str]:
    seed = ["--seed", str(draw(st.integers(0, 5)))]
    command = draw(st.sampled_from(["equivalence", "advise-batch", "suites", "longrun"]))
    if command == "longrun":  # step sizes where the double well mixes in a few rounds
        etas = draw(st.lists(st.floats(0.12, 0.4), min_size=2, max_size=3, unique=True))
        noise = draw(st.sampled_from(["gaussian:sigma={:.3g}", "laplace:b={:.3g}", "uniform:a={:.3g}", "minibatch"]))
        landscape = f"double-well:tilt={draw(st.floats(-0.5, 0.5)):.3g}"
        if noise == "minibatch":  # a finite sum of examples and a batch of them
            landscape += (f",examples={draw(st.integers(4, 8))},spread={draw(st.floats(3.0, 5.0)):.3g},"
                          f"curvature={draw(st.floats(0.0, 2.0)):.3g},anchor={draw(st.floats(-1, 1)):.3g}")  # fmt: skip
            noise = f"minibatch:b={draw(st.integers(1, 2))},replace={draw(st.booleans())}"
        return ["longrun", "--landscape", landscape,
                "--noise", noise.format(draw(st.floats(1.5, 3.0))), "--eta", ",".join(f"{e:.3g}" for e in etas),
                "--chains", str(draw(st.integers(2, 32))), "--max-steps", "200000", "--cells", "256", *seed,
                *(["--claims", f"{draw(st.floats(0.03, 0.08)):.3g}"] if draw(st.booleans()) else []),
                "--json"]  # fmt: skip
    if command == "suites":
        return ["suites", *draw(st.sampled_from([["list"], ["show", "quick"], ["show", "seed1-coloring"]])), "--json"]
    if command == "advise-batch":
        q = draw(st.integers(3, 5))  # above the spinodal, c > (q - 1)^2, and sparse
        c = (q - 1) ** 2 + draw(st.floats(0.5, 8.0))
        problem = f"coloring:n={q * draw(st.integers(20, 40))},q={q},c={c:.3g}"
        return ["advise-batch", "--problem", problem, "--sweeps", str(draw(st.integers(100, 300))), *seed, "--json"]
    family = draw(st.sampled_from(sorted(SMALL_FAMILIES)))
    name = draw(st.sampled_from(sorted(TEMPERED_DYNAMICS)))
    argv = ["equivalence", "--problem", draw(valid_spec(SMALL_FAMILIES, family))]
    argv += ["--dynamics", draw(valid_spec(TEMPERED_DYNAMICS, name)), *seed]
    if name == "sgd-like" and draw(st.booleans()):
        argv += ["--s", ",".join(f"{s:.3g}" for s in draw(st.lists(st.floats(0.05, 0.95), min_size=1, max_size=2)))]
    argv += ["--sweeps", str(draw(st.integers(100, 150))), "--relax-sweeps", str(draw(st.integers(10, 30)))]
    return [*argv, "--starts", str(draw(st.integers(2, 3))), "--json"]


def _json_run(argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    if code == 2:  # progress lines may come first; the error is one line, the last
        *progress, last = err.getvalue().strip().splitlines() or [""]
        assert last.startswith("benchsuite: error: "), err.getvalue()
        assert not any(line.startswith("benchsuite") for line in progress), err.getvalue()
        return "exit 2"
    document = json.loads(out.getvalue(), parse_constant=_non_strict)
    assert isinstance(document, dict | list) and document, out.getvalue()
    if argv[0] == "advise-batch" and code == 1:  # its documented verdict: the advised s did not recover
        assert document["check_passed"] is False, out.getvalue()
        return "exit 1 (check failed)"
    assert code == 0, f"exit {code} for {argv}: {err.getvalue()}"
    if argv[0] == "advise-batch":
        assert document["check_passed"] is True, out.getvalue()
    return "exit 0"


@pytest.mark.parametrize("examples", VALID_RUN_EXAMPLES)
def test_fuzz_valid_runs_print_strict_json(examples, warm_kernels):
    tally = fuzz(examples, json_command_lines(), _json_run, "command line (equivalence, advise-batch, suites, longrun)")
    assert tally["exit 0"] >= examples // 2, tally  # most drawn runs run: the fuzz is not only refusals


# --- public constructors and entry points -------------------------------------------------------------------


def _binds(func, kwargs: dict) -> bool:
    """Whether ``func(**kwargs)`` is a well-formed call (else Python raises TypeError, as for any function; the
    spec path is then fuzzed instead, where the same mistake must be a SpecError)."""
    try:
        inspect.signature(func).bind(**kwargs)
    except TypeError:
        return False
    return True


def _make_problem(case) -> None:
    family, kwargs = case
    make = GENERATORS[family]
    problem = make(**kwargs) if _binds(make, kwargs) else make_problem(spec(family, kwargs))
    assert problem.energy(problem.random_configuration(np.random.default_rng(0))) >= -1e300


def _make_dynamics(case) -> None:
    name, kwargs = case
    if _binds(CLASSES[name], kwargs):
        CLASSES[name](**kwargs)
    else:
        make_dynamics(spec(name, kwargs))


@pytest.mark.parametrize("examples", SIZES)
def test_fuzz_problem_generators(examples):
    fuzz(examples, problems(), _make_problem, "problem generators")


@pytest.mark.parametrize("examples", SIZES)
def test_fuzz_dynamics_constructors(examples):
    fuzz(examples, dynamics(), _make_dynamics, "dynamics constructors")


SMALL = [
    coloring(n=30, q=3, c=3, seed=1),
    ising("rrg", n=20, d=3, seed=1),
    ising("sk", n=10, couplings="gauss", seed=1),
    ksat(n=20, alpha=3.0, seed=1),
    xorsat(n=20, alpha=0.8, seed=1),
    perceptron(n=15, alpha=0.8, seed=1),
]
SMALL_DYNAMICS = [Metropolis(1.0), HeatBath(1.0, order="random"), Annealing(0.2, 3.0), SGDLike(0.6),
                  SGDLike(0.6, persist=2), SGDLike(0.6, batch="term")]  # fmt: skip


@st.composite
def run_calls(draw):
    problem = draw(st.sampled_from(SMALL))
    dyn = draw(st.sampled_from(SMALL_DYNAMICS))
    clean = draw(st.booleans())
    sweeps = draw(counts(0, 30).draw_from(clean))
    kwargs = {}
    if draw(st.booleans()):
        kwargs["seed"] = draw(st.one_of(ints(0, 9).draw_from(clean), st.just(np.random.SeedSequence(3))))
    if draw(st.booleans()):
        grid = st.lists(
            counts(0, sweeps if isinstance(sweeps, int) and 0 <= sweeps <= 30 else 30).draw_from(clean), max_size=4
        )
        kwargs["record"] = draw(choices("log", "every", bad=("bogus", None, 3)).draw_from(clean) | grid)
    which = draw(st.sampled_from(["run", "run", "run_many", "record_grid"]))
    if which == "run" and draw(st.booleans()):
        kwargs["x0"] = draw(
            st.one_of(
                st.lists(st.integers(-2, 3), min_size=problem.n, max_size=problem.n), st.lists(st.integers(0, 1)), JUNK
            )
        )
    if which == "run" and draw(st.integers(0, 3)) == 0:
        kwargs["progress"] = draw(Bucket(st.just(lambda done, total: None), JUNK).draw_from(clean))
    if which == "run_many":
        seeds = st.lists(ints(0, 5).draw_from(clean), min_size=1, max_size=3)
        kwargs["seeds"] = draw(seeds if clean else st.one_of(seeds, st.integers(0, 3), JUNK))
        kwargs.pop("seed", None)
        if draw(st.booleans()):
            kwargs["workers"] = draw(ints(1, 2).draw_from(clean))
        kwargs.pop("x0", None)
    return which, problem, dyn, sweeps, kwargs


def _run_call(case) -> None:
    which, problem, dyn, sweeps, kwargs = case
    if which == "record_grid":
        record_grid(sweeps, kwargs.get("record", "log"))
    elif which == "run":
        traj = run(problem, dyn, sweeps, **kwargs)
        assert np.isfinite(traj.energy).all()
    else:
        for traj in run_many(problem, dyn, sweeps, **kwargs):
            assert np.isfinite(traj.energy).all()


@pytest.mark.parametrize("examples", SIZES)
def test_fuzz_run_and_run_many(examples, warm_kernels):
    fuzz(examples, run_calls(), _run_call, "run / run_many / record_grid")


ARRAYS = st.one_of(
    st.lists(st.integers(-3, 40), max_size=12).map(np.array),
    st.lists(st.lists(st.integers(-3, 40), min_size=2, max_size=2), max_size=10).map(np.array),
    st.lists(st.floats(allow_nan=True), max_size=6).map(np.array),
    st.just(np.zeros((3, 0), dtype=np.int64)),
    JUNK,
)


@st.composite
def entry_calls(draw):
    which = draw(st.sampled_from(["acceptance_table", "zero_drift", "all_energies", "from_terms", "from_edges",
                                  "ising_from_edges", "coloring_from_edges", "ksat_from_clauses",
                                  "xorsat_from_equations", "perceptron_from_patterns", "energy",
                                  "check_configuration"]))  # fmt: skip
    clean = draw(st.booleans())
    if which == "acceptance_table":
        return which, (draw(reals(0, 1).draw_from(clean)), draw(ints(0, 40).draw_from(clean)))
    if which == "zero_drift":
        law = st.lists(st.floats(0, 1), min_size=1, max_size=6).map(lambda p: np.array(p) / max(sum(p), 1e-300))
        degrees = Bucket(st.none() | law, ARRAYS)
        c = Bucket(st.none() | st.floats(0.5, 12), reals(0.5, 12).bad)
        return which, (draw(reals(0, 1).draw_from(clean)), draw(ints(2, 6).draw_from(clean)),
                       draw(c.draw_from(clean)), draw(degrees.draw_from(clean)))  # fmt: skip
    if which == "all_energies":
        return which, (draw(Bucket(st.sampled_from(SMALL[1:3]), st.one_of(JUNK, st.integers(0, 30))).draw_from(clean)),)
    if which in ("from_terms", "from_edges", "ising_from_edges"):
        return which, (draw(ints(1, 40).draw_from(clean)), draw(ARRAYS), draw(ARRAYS))
    if which in ("coloring_from_edges", "ksat_from_clauses", "xorsat_from_equations"):
        return which, (draw(ints(1, 40).draw_from(clean)), draw(ARRAYS), draw(ARRAYS), draw(ARRAYS),
                       draw(ints(2, 5).draw_from(clean)))  # fmt: skip
    if which == "perceptron_from_patterns":
        return which, (draw(ARRAYS), draw(ARRAYS))
    return which, (draw(st.sampled_from(SMALL)), draw(ARRAYS))


def _entry_call(case) -> None:
    which, args = case
    if which == "acceptance_table":
        table = acceptance_table(*args)
        assert np.all((table >= 0) & (table <= 1))
    elif which == "zero_drift":
        s, q, c, degrees = args
        zero_drift_temperature(s, q, c=c, degrees=degrees)
    elif which == "all_energies":
        all_energies(args[0])
    elif which == "from_terms":
        Hypergraph.from_terms(args[0], args[1], args[2])
    elif which == "from_edges":
        Hypergraph.from_edges(args[0], args[1])
    elif which == "coloring_from_edges":
        ColoringProblem.from_edges(args[0], args[1], args[4])
    elif which == "ksat_from_clauses":
        KSatProblem.from_clauses(args[0], args[1], args[2], args[3])
    elif which == "xorsat_from_equations":
        XorSatProblem.from_equations(args[0], args[1], args[2], args[3])
    elif which == "perceptron_from_patterns":
        PerceptronProblem.from_patterns(args[0], args[1])
    elif which == "ising_from_edges":
        IsingProblem.from_edges(args[0], args[1], args[2])
    elif which == "energy":
        args[0].energy(args[1])
    else:
        args[0].check_configuration(args[1])


@pytest.mark.parametrize("examples", SIZES)
def test_fuzz_other_entry_points(examples):
    fuzz(examples, entry_calls(), _entry_call, "theory, enumeration, hypergraphs, configurations")


# --- corrupted instance files -------------------------------------------------------------------------------

SAVED = {}


def _saved(tmp_dir, problem) -> bytes:
    if problem.instance_id not in SAVED:
        path = save_problem(problem, tmp_dir / "original.npz")
        SAVED[problem.instance_id] = path.read_bytes()
    return SAVED[problem.instance_id]


def _rezip(raw: bytes, edit) -> bytes:
    """Rewrite the archive with ``edit(members) -> members`` applied to its {name: bytes}."""
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in edit(members).items():
            zf.writestr(name, data)
    return out.getvalue()


def _npy(value) -> bytes:
    buf = io.BytesIO()
    np.save(buf, value, allow_pickle=False)
    return buf.getvalue()


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def corruptions(draw):
    """(problem, a function turning the saved bytes into corrupted bytes, a label)."""
    problem = draw(st.sampled_from(SMALL))
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "header field", "header json", "member swap",
                                 "member dtype", "drop member", "extra member", "deep json"]))  # fmt: skip
    if kind == "flip":
        positions = draw(st.lists(st.integers(0, 10**6), min_size=1, max_size=4))
        values = draw(st.lists(st.integers(0, 255), min_size=len(positions), max_size=len(positions)))

        def corrupt(raw):
            data = bytearray(raw)
            for p, v in zip(positions, values):
                data[p % len(data)] = v
            return bytes(data)
    elif kind == "truncate":
        keep = draw(st.floats(0, 1, exclude_max=True))

        def corrupt(raw):
            return raw[: int(keep * len(raw))]
    elif kind == "insert":
        at, junk = draw(st.floats(0, 1)), draw(st.binary(min_size=1, max_size=64))

        def corrupt(raw):
            cut = int(at * len(raw))
            return raw[:cut] + junk + raw[cut:]
    elif kind in ("header field", "header json", "deep json"):
        key = draw(st.sampled_from(["format", "family", "n", "params", "seed", "instance_id", "extra"]))
        value = draw(JSON)
        depth = draw(st.integers(100, 100_000))

        def corrupt(raw):
            def edit(members):
                header = json.loads(np.load(io.BytesIO(members["header.npy"])).item())
                if kind == "header field":
                    header[key] = value
                    text = json.dumps(header)
                elif kind == "header json":
                    text = json.dumps(value)
                else:
                    text = "[" * depth + "]" * depth
                return {**members, "header.npy": _npy(np.array(text))}

            return _rezip(raw, edit)
    else:
        name = draw(st.sampled_from(sorted(problem._content())))
        replacement = draw(ARRAYS.filter(lambda a: isinstance(a, np.ndarray)))
        dtype = draw(st.sampled_from(["int8", "int64", "float32", "float64", "bool", "U3", "complex128"]))

        def corrupt(raw):
            def edit(members):
                member = f"{name}.npy"
                if kind == "member swap":
                    return {**members, member: _npy(replacement)}
                if kind == "member dtype":
                    return {**members, member: _npy(np.load(io.BytesIO(members[member])).astype(dtype))}
                if kind == "drop member":
                    return {k: v for k, v in members.items() if k != member}
                return {**members, "unknown.npy": _npy(replacement)}

            return _rezip(raw, edit)

    return problem, corrupt, kind


@pytest.mark.parametrize("examples", SIZES)
def test_fuzz_corrupted_instance_files(examples, tmp_path):
    """Every corrupted file is refused with a ValidationError, or loads as the very instance that was saved."""
    target = tmp_path / "corrupted.npz"

    def load(case):
        problem, corrupt, _ = case
        target.write_bytes(corrupt(_saved(tmp_path, problem)))
        loaded = load_problem(target)
        assert loaded.instance_id == problem.instance_id and loaded.params == problem.params

    fuzz(2 * examples, corruptions(), load, "corrupted instance files")
