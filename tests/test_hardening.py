"""Numbers at the door: values beyond float range, temperatures whose inverse overflows, counts beyond what a
kernel or the machine can hold, energies that would overflow.  Each raises a ValidationError naming the field
(exit status 2 with one line on the command line), before any work or allocation."""

import subprocess
import sys

import pytest

from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike, make_dynamics
from benchsuite.errors import ValidationError
from benchsuite.problems import coloring, ising, make_problem
from benchsuite.score import record_grid, run
from benchsuite.score.stationary import stationary_energy

HUGE = 10**400  # an int that float() cannot hold


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: coloring(n=500, c=HUGE), "c"),
        (lambda: Metropolis(T=HUGE), "T"),
        (lambda: SGDLike(s=HUGE), "s"),
        (lambda: ising("rrg", n=500, h=HUGE), "h"),
        (lambda: Metropolis(T=1e-310), "T"),  # 1/T overflows to inf
        (lambda: HeatBath(T=1e-310), "T"),
        (lambda: make_problem("coloring:n=500,q=5,c=" + "7" * 5000), "c"),  # beyond Python's int conversion
        (lambda: ising("rrg", n=500, h=1e306), "fields"),  # the total energy would overflow
        (lambda: SGDLike(0.5, persist=2**64), "persist"),
        (lambda: record_grid(2**63 - 1), "sweeps"),
        (lambda: record_grid(2**70), "sweeps"),
        (lambda: record_grid(10**9, "every"), "record"),  # 24 GB of records: refused before allocating
        (lambda: Annealing(0.1, 2.0).init(coloring(n=50, q=5, c=3), 0, horizon=10**10), "horizon"),
    ],
)
def test_refused_at_the_door_with_the_field_named(call, field):
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field


def test_smallest_representable_temperature_runs():
    """Just above the limit, beta is finite and heat bath stays a proper law (no NaN weights)."""
    problem = coloring(n=200, q=5, c=4, seed=1)
    t = run(problem, HeatBath(1e-300), 5, seed=1)
    assert t.energy[-1] <= t.energy[0] and t.energy[-1] == problem.energy(t.final_x) / problem.n


def test_stationary_runs_accept_long_initial_runs():
    """--sweeps above 16,000 used to be refused by a fixed cap; the cap is now 16 x sweeps."""
    result = stationary_energy(coloring(n=50, q=5, c=3, seed=0), Metropolis(1.0), seed=1, sweeps=20_000)
    assert result.sweeps >= 20_000


@pytest.mark.parametrize(
    "args",
    [
        ["--problem", "coloring:n=500,q=5,c=10", "--dynamics", "heat-bath:T=1e-310", "--sweeps", "20"],
        ["--problem", f"coloring:n=500,c={HUGE}", "--dynamics", "metropolis:T=1", "--sweeps", "5"],
        ["--problem", "ising:model=rrg,n=500,h=1e306", "--dynamics", "metropolis:T=1", "--sweeps", "5"],
        ["--problem", "coloring:n=50,q=5,c=3", "--dynamics", "metropolis:T=1", "--sweeps", str(2**63 - 1)],
        ["--problem", "coloring:n=50,q=5,c=3", "--dynamics", "anneal:beta0=0.1,beta1=3", "--sweeps", str(2**70)],
        [
            "--problem",
            "coloring:n=50,q=5,c=3",
            "--dynamics",
            "metropolis:T=1",
            "--record",
            "every",
            "--sweeps",
            str(10**9),
        ],
        ["--problem", "coloring:n=50,q=5,c=3", "--dynamics", f"sgd-like:s=0.5,persist={2**64}", "--sweeps", "5"],
    ],
)
def test_cli_refuses_with_one_line_and_exit_2(args):
    proc = subprocess.run([sys.executable, "-m", "benchsuite.cli", "run", *args], capture_output=True, text=True,
                          check=False, timeout=120)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1


def test_dynamics_spec_with_a_huge_number_names_its_key():
    with pytest.raises(ValidationError) as err:
        make_dynamics("metropolis:T=" + "9" * 5000)
    assert err.value.field == "T"
