import json
import math
import subprocess
import sys

import numpy as np
import pytest

from benchsuite import cli
from benchsuite.dynamics import Info, Metropolis, SGDLike, State, make_dynamics
from benchsuite.errors import ValidationError
from benchsuite.problems import coloring, ising
from benchsuite.score import ProtocolError, record_grid, run


def test_record_grids():
    np.testing.assert_array_equal(record_grid(5, "every"), np.arange(6))
    g = record_grid(1000, "log")
    assert g[0] == 0 and g[-1] == 1000 and np.all(np.diff(g) > 0)
    np.testing.assert_array_equal(record_grid(10, [3, 3, 7]), [0, 3, 7, 10])
    with pytest.raises(ValidationError, match="record"):
        record_grid(10, [11])
    with pytest.raises(ValidationError, match="record"):
        record_grid(10, "sometimes")


def test_run_is_reproducible_and_records_overlap():
    p = coloring(n=500, q=5, c=10, seed=1)
    a = run(p, Metropolis(1.0), 40, seed=3, record="every")
    b = run(p, Metropolis(1.0), 40, seed=3, record="every")
    np.testing.assert_array_equal(a.energy, b.energy)
    np.testing.assert_array_equal(a.overlap, b.overlap)
    assert a.energy[-1] == pytest.approx(p.energy(a.final_x) / p.n)
    assert a.overlap[-1] == pytest.approx(p.overlap(a.final_x))
    assert a.attempted == 40 * 500 and 0 < a.acceptance < 1
    assert np.all(np.diff(a.wall_s) >= 0)
    d = a.to_dict()
    assert d["instance_id"] == p.instance_id and len(d["sweeps"]) == len(d["energy"]) == 41


def test_run_without_planted_has_no_overlap():
    t = run(ising("rrg", n=100, seed=0), make_dynamics("anneal:beta0=0.1,beta1=2"), 30, seed=0)
    assert t.overlap is None and t.to_dict()["overlap"] is None


def test_run_accepts_a_users_own_dynamics():
    """Anything with name / params / init / step runs; here a zero-temperature random-site quench."""

    class Quench:
        name = "my-quench"

        def params(self):
            return {}

        def init(self, problem, seed, x0=None, horizon=None):
            return Metropolis(1e-9).init(problem, seed, x0=x0)

        def step(self, state: State, sweeps: int):
            return Metropolis(1e-9, "random").step(state, sweeps)

    t = run(coloring(n=500, q=5, c=4, seed=0), Quench(), 20, seed=0)
    assert t.dynamics == "my-quench" and t.energy[-1] < t.energy[0]
    assert t.compile_s is None  # no compile method: compilation, if any, is inside the first step


class _Forgetful:
    """A user's dynamics wrapping Metropolis whose step forgets to advance the sweep count or the energy."""

    name = "forgetful"

    def __init__(self, forget: str):
        self.forget = forget

    def params(self):
        return {"forget": self.forget}

    def init(self, problem, seed, x0=None, horizon=None):
        return Metropolis(1.0).init(problem, seed, x0=x0)

    def step(self, state: State, sweeps: int):
        sweep, energy = state.sweep, state.energy
        state, info = Metropolis(1.0).step(state, sweeps)
        if self.forget == "sweep":
            state.sweep = sweep
        elif self.forget == "energy":
            state.energy = energy
        return state, info


@pytest.mark.parametrize("forget, message", [("sweep", "must advance state.sweep"), ("energy", "state.energy")])
def test_run_rejects_a_step_that_breaks_the_protocol(forget, message):
    problem = coloring(n=300, q=5, c=4, seed=0)
    with pytest.raises(ProtocolError, match=message):
        run(problem, _Forgetful(forget), 50, seed=0)
    assert run(problem, _Forgetful("nothing"), 50, seed=0).sweeps[-1] == 50  # the same dynamics, done right


def test_zero_sweeps_report_no_rate_and_valid_json(capsys):
    t = run(coloring(n=100, q=5, c=4, seed=0), Metropolis(1.0), 0, seed=0)
    assert t.acceptance is None and t.sweeps_per_second is None and Info(0, 0).acceptance is None
    assert cli.main(["run", "--problem", "coloring:n=100,q=5,c=4", "--dynamics", "metropolis:T=1", "--sweeps", "0",
                     "--json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert out["acceptance"] is None and out["sweeps_per_s"] is None and out["compile_s"] >= 0
    assert (
        cli.main(["run", "--problem", "coloring:n=100,q=5,c=4", "--dynamics", "metropolis:T=1", "--sweeps", "0"]) == 0
    )
    text = capsys.readouterr().out
    assert "acceptance -" in text and "nan" not in text and "inf" not in text


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: SGDLike(0.0), "s"),
        (lambda: SGDLike(1.5), "s"),
        (lambda: SGDLike(0.5, batch="edge"), "batch"),
        (lambda: SGDLike(0.5, persist=0), "persist"),
        (lambda: Metropolis(0.0), "T"),
        (lambda: Metropolis(-1.0), "T"),
        (lambda: Metropolis(float("nan")), "T"),
        (lambda: Metropolis(1.0, order="backwards"), "order"),
        (lambda: make_dynamics("anneal:beta0=0.1"), "beta0"),
        (lambda: make_dynamics("metropolis:T=1,s=2"), "dynamics"),
        (lambda: make_dynamics("glauber:T=1"), "dynamics"),
        (lambda: make_dynamics("sgd-like"), "s"),
    ],
)
def test_dynamics_validation(make, field):
    with pytest.raises(ValidationError) as err:
        make()
    assert err.value.field == field


def test_run_and_step_validation():
    p = coloring(n=50, q=5, c=3, seed=0)
    with pytest.raises(ValidationError, match="sweeps"):
        run(p, Metropolis(1.0), -1)
    with pytest.raises(ValidationError, match="x0"):
        run(p, Metropolis(1.0), 5, x0=np.full(50, 7))
    with pytest.raises(ValidationError, match="seed"):
        run(p, Metropolis(1.0), 5, seed=-3)
    with pytest.raises(ValidationError, match="dynamics"):
        run(p, "metropolis", 5)
    with pytest.raises(ValidationError, match="horizon"):
        make_dynamics("anneal:beta0=0.1,beta1=2").init(p, 0)
    dyn = make_dynamics("anneal:beta0=0.1,beta1=2")
    state = dyn.init(p, 0, horizon=5)
    with pytest.raises(ValidationError, match="schedule"):
        dyn.step(state, 6)
    other = Metropolis(1.0).init(coloring(n=60, q=5, c=3, seed=0), 0)
    other.x = other.x[:50]
    with pytest.raises(ValidationError, match="state.x"):
        Metropolis(1.0).step(other, 1)
    foreign = Metropolis(1.0).init(coloring(n=60, q=5, c=3, seed=1), 0)
    foreign.cache = Metropolis(1.0).init(p, 0).cache
    with pytest.raises(ValidationError, match="state.cache"):
        Metropolis(1.0).step(foreign, 1)


def test_cli_run_json(capsys):
    code = cli.main(["run", "--problem", "coloring:n=500,q=5,c=10", "--dynamics", "sgd-like:s=0.5,batch=term",
                     "--sweeps", "30", "--seed", "1", "--json"])  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("sweeps", "energy", "overlap", "acceptance", "seed", "instance_id", "wall_s"):
        assert key in out
    assert out["sweeps"][-1] == 30 and out["seed"] == 1 and len(out["overlap"]) == len(out["energy"])


def test_cli_run_summary(capsys):
    code = cli.main(["run", "--problem", "ising:model=ea2d,L=6", "--dynamics", "heat-bath:T=2", "--sweeps", "10"])
    assert code == 0
    assert "acceptance" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--problem", "coloring:n=501,q=5,c=10", "--dynamics", "metropolis:T=1", "--sweeps", "5"],
        ["run", "--problem", "coloring:n=500,q=1,c=10", "--dynamics", "metropolis:T=1", "--sweeps", "5"],
        ["run", "--problem", "coloring:n=500,q=5,c=10", "--dynamics", "metropolis:T=-1", "--sweeps", "5"],
        ["run", "--problem", "coloring:n=500,q=5,c=10", "--dynamics", "sgd-like:s=2", "--sweeps", "5"],
        ["run", "--problem", "coloring:n=500,q=5,c=10", "--dynamics", "sgd-like", "--sweeps", "-5"],
        ["run", "--problem", "coloring:n=500,q=5,c=", "--dynamics", "metropolis:T=1", "--sweeps", "5"],
        ["run", "--problem", "coloring:n=500", "--dynamics", "metropolis:T=1", "--sweeps", "x"],
        ["run", "--problem", "ising:model=sk,n=4", "--dynamics", "metropolis:T=1"],
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(args):
    proc = subprocess.run([sys.executable, "-m", "benchsuite.cli", *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as ex:
        cli.main(["--version"])
    assert ex.value.code == 0 and "benchsuite" in capsys.readouterr().out


def test_demo_writes_plot(tmp_path, capsys):
    code = cli.main(["demo", "--out", str(tmp_path), "--n", "500", "--sweeps", "20"])
    assert code == 0
    assert (tmp_path / "demo.png").stat().st_size > 10_000
    out = capsys.readouterr().out
    assert "Metropolis T=0.6" in out and "SGD-like s=0.9" in out
    assert cli.main(["demo", "--out", str(tmp_path / "missing")]) == 2


def test_run_many_equals_sequential_runs():
    from benchsuite.score import run_many

    p = coloring(n=500, q=5, c=10, seed=1)
    dyn = SGDLike(0.7, "term", persist=2)
    parallel = run_many(p, dyn, 30, seeds=[3, 4, 5], workers=2)
    for seed, traj in zip([3, 4, 5], parallel):
        alone = run(p, dyn, 30, seed=seed)
        np.testing.assert_array_equal(traj.energy, alone.energy)
        np.testing.assert_array_equal(traj.final_x, alone.final_x)
    with pytest.raises(ValidationError, match="seeds"):
        run_many(p, dyn, 30, seeds=[])


@pytest.mark.parametrize("recovery, code", [(120.0, 0), (math.inf, 1)])
def test_advise_batch_exit_status_follows_its_check(recovery, code, monkeypatch, capsys):
    """The advisor's own check (SGD-like at the advised s recovers the planted colouring) sets the exit status."""
    from benchsuite.score import advisor

    advice = advisor.Advice(0.5, [0.3, 0.4], [100.0, math.inf], 0.3, 0.9, 0.95 if code == 0 else 0.2, recovery)
    monkeypatch.setattr(advisor, "advise_batch", lambda problem, sweeps, seed: advice)
    monkeypatch.setattr(advisor, "advice_temperatures", lambda problem, sweeps: [0.3, 0.4])
    argv = ["advise-batch", "--problem", "coloring:n=500,q=5,c=30", "--sweeps", "100"]
    assert cli.main(argv) == code
    assert ("check passed" if code == 0 else "check FAILED") in capsys.readouterr().out
    assert cli.main([*argv, "--json"]) == code
    assert json.loads(capsys.readouterr().out)["check_passed"] is (code == 0)
