"""Algorithms, suites, the grid of cells and the scorecard: each piece on small instances, and the whole through
the command line."""

import json
import math

import numpy as np
import pytest

from benchsuite.cli import main
from benchsuite.dynamics import Metropolis
from benchsuite.errors import ValidationError
from benchsuite.experiment import Store
from benchsuite.experiment.algorithm import DynamicsAlgorithm, Outcome, make_algorithm
from benchsuite.experiment.grid import compute_grid, plan_cells, run_seed
from benchsuite.experiment.scoring import plan_score, score
from benchsuite.experiment.suites import QUICK, Suite, SuiteInstance, get_suite
from benchsuite.experiment.tuning import Tunable, choose, objectives_from_store
from benchsuite.problems import make_problem
from benchsuite.score.scorecard import metrics

SMALL = (
    SuiteInstance("colouring", "coloring:n=60,q=3,c=2,seed=2"),
    SuiteInstance("glass", "ising:model=sk,n=10,couplings=gauss,seed=3"),
)


def test_solve_is_a_run_from_the_seed_with_the_target_watched():
    problem = make_problem("coloring:n=60,q=3,c=2,seed=2")
    seed = run_seed(problem.instance_id, 4)
    outcome = make_algorithm("metropolis:T=0.4").solve(problem, 50, seed, target=0.0)
    assert make_algorithm("metropolis:T=0.4").solve(problem, 50, seed, target=0.0).best_sweep == outcome.best_sweep
    state = Metropolis(0.4).init(problem, seed, horizon=50)
    state.watch(0.0)
    state, info = Metropolis(0.4).step(state, 50)
    assert outcome.exact_tracking and outcome.budget == 50
    assert (outcome.best_energy, outcome.best_sweep, outcome.hit_sweep) == (
        state.best_energy, state.best_sweep, state.hit_sweep)  # fmt: skip
    assert outcome.final_energy == state.energy and outcome.accepted == info.accepted
    assert outcome.final_overlap == problem.overlap(state.x)


def test_dynamics_without_observing_kernels_are_tracked_at_chunk_ends(tmp_path, monkeypatch):
    (tmp_path / "end_only_rule.py").write_text(
        "import numpy as np\n"
        "from benchsuite.dynamics import KernelDynamics, one_replica, replica_result\n"
        "from benchsuite.kernels import metropolis\n"
        "class EndOnly(KernelDynamics):\n"
        "    name = 'end-only'\n"
        "    def params(self):\n"
        "        return {}\n"
        "    def advance(self, state, sweeps):\n"
        "        x, cache, rng, track = one_replica(state)\n"
        "        scratch = track.copy()\n"
        "        metropolis(state.model, x, cache, np.full((1, sweeps), 2.5), False, rng, scratch)\n"
        "        return replica_result(scratch[0])\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    algorithm = make_algorithm("end_only_rule:EndOnly")
    assert algorithm.version == "unversioned"
    outcome = algorithm.solve(make_problem("coloring:n=60,q=3,c=2,seed=2"), 200, 1, target=0.0)
    assert not outcome.exact_tracking and outcome.best_energy <= outcome.final_energy


def test_plan_has_every_cell_and_seeds_depend_on_instance_and_seed_only():
    cells = plan_cells(SMALL, ["metropolis:T=0.5", "sgd-like:s=0.8"], seeds=3, budgets=[5, 20])
    assert len(cells) == 2 * 2 * 3 * 2 and len({c.key.digest for c in cells}) == len(cells)
    a = run_seed("inst", 1).generate_state(4)
    assert np.array_equal(a, run_seed("inst", 1).generate_state(4))
    assert not np.array_equal(a, run_seed("inst", 2).generate_state(4))
    with pytest.raises(ValidationError):
        plan_cells(SMALL, ["metropolis:T=0.5"], seeds=0, budgets=[5])


def test_suite_references_are_never_beaten(tmp_path):
    """An exact reference is a lower bound: no run of any algorithm finds a lower energy."""
    cells = plan_cells(SMALL, ["metropolis:T=0.3", "anneal:beta0=0.2,beta1=6"], seeds=4, budgets=[10, 200])
    with Store(tmp_path / "s.sqlite") as store:
        compute_grid(cells, store, workers=1, progress=False)
        for cell in cells:
            assert store.get(cell.key)["best_energy"] >= cell.reference - 1e-9
    assert SMALL[1].reference().method == "exact"
    assert SMALL[0].reference().method == "planted" and SMALL[0].reference().source.startswith("by construction")


def test_rerun_reuses_every_cell_and_pool_equals_one_process(tmp_path):
    cells = plan_cells(SMALL, ["metropolis:T=0.5", "sgd-like:s=0.8"], seeds=3, budgets=[5, 30])
    with Store(tmp_path / "one.sqlite") as one, Store(tmp_path / "pool.sqlite") as pool:
        first = compute_grid(cells, one, workers=1, progress=False)
        assert (first.cells, first.computed, first.reused) == (len(cells), len(cells), 0)
        again = compute_grid(cells, one, workers=1, progress=False)
        assert (again.computed, again.reused) == (0, len(cells))
        compute_grid(cells, pool, workers=2, progress=False)
        for cell in cells:
            a, b = one.get(cell.key), pool.get(cell.key)
            a.pop("wall_s"), b.pop("wall_s")
            assert a == b


def test_fixed_temperature_runs_are_prefixes_so_success_grows_with_the_budget(tmp_path):
    cells = plan_cells(SMALL[:1], ["metropolis:T=0.4"], seeds=12, budgets=[2, 8, 64])
    with Store(tmp_path / "s.sqlite") as store:
        compute_grid(cells, store, workers=1, progress=False)
        by_seed = {}
        for cell in cells:
            by_seed.setdefault(cell.key.seed, []).append(store.get(cell.key)["hit_sweep"])
        results = metrics(cells, store)
    for hits in by_seed.values():  # budgets 2, 8, 64: a hit by sweep 2 is the same hit in the longer runs
        assert len({h for h in hits if h is not None and h <= 2}) <= 1
    success = [m.value for m in results if m.metric.startswith("success@")]
    assert success == sorted(success)


TINY_SUITE = Suite(
    name="tiny", version="1", description="two small instances for the tests",
    instances=SMALL, budgets=(10, 100), seeds=4,
    baselines={"coloring": (Tunable("metropolis", grid={"T": (0.2, 0.6)}), Tunable("anneal", {"beta0": 0.2, "beta1": 6.0})),
               "ising": (Tunable("metropolis", grid={"T": (0.3, 1.0)}),
                         Tunable("parallel-tempering", {"T_min": 0.3, "T_max": 2.0, "replicas": 4}))},
    training_seeds=(11, 12), tuning_seeds=3,
)  # fmt: skip


def test_scoring_tunes_on_training_twins_only_and_shows_the_oracle_beside(tmp_path):
    plan = plan_score(TINY_SUITE, Tunable.parse("sgd-like:s=0.8"), 4, [10, 100])
    scored_ids = {entry.build().instance_id for entry in SMALL}
    for entry, tunable, training, scored in plan.entries:
        assert {c.key.instance_id for c in scored} == {entry.build().instance_id}
        assert not {c.key.instance_id for c in training} & scored_ids  # tuning never sees a scored instance
        assert len(training) == (2 * 3 * 2 * len(tunable.points()) if len(tunable.points()) > 1 else 0)
    with Store(tmp_path / "s.sqlite") as store:
        result = score(plan, store, workers=1, progress=False)
        for entry, tunable, training, scored in plan.entries:
            choice = result.choices[(entry.label, tunable.label)]
            if training:
                assert choice.recommended == choose(tunable.points(), objectives_from_store(training, store))
            assert choice.oracle == choose(tunable.points(), objectives_from_store(scored, store))
    rows = result.scorecard
    assert "recommended" in {r["baseline_role"] for r in rows} <= {"recommended", "oracle"}
    differ = {c.oracle for c in result.choices.values() if c.oracle != c.recommended}
    assert differ == {r["baseline"] for r in rows if r["baseline_role"] == "oracle"}  # an oracle row when it differs
    assert all(r["algorithm"] == "sgd-like:s=0.8" for r in rows)
    names = {m.metric for m in result.results}
    assert {"success@10", "success@100", "tts99_sweeps", "ert_sweeps", "residual_energy", "overlap"} <= names
    for m in result.results:
        if m.metric == "residual_energy":
            assert m.value >= -1e-12 and m.low <= m.value <= m.high  # exact references; running sums round
        if m.metric == "tts99_sweeps" and m.value is not None:
            assert m.low <= m.value and (m.high is None or m.value <= m.high)
    json.dumps(result.to_dict(), allow_nan=False)


def test_objective_ranks_by_median_time_then_residual_and_ties_go_to_the_first_point():
    assert choose(["a", "b", "c"], {"a": (10.0, 0.0), "b": (5.0, 0.1), "c": (5.0, 0.1)}) == "b"
    assert choose(["a", "b"], {"a": (math.inf, 0.2), "b": (math.inf, 0.1)}) == "b"
    with pytest.raises(ValidationError, match="both"):  # a fixed value and a grid for one parameter
        Tunable.parse("anneal:beta0=0.5,beta1=3", "beta1=2,5")
    grid = Tunable.parse("anneal:beta0=0.5", "beta1=2,5;schedule=linear,geometric")
    assert grid.fixed == {"beta0": 0.5} and grid.points()[0] == "anneal:beta0=0.5,beta1=2,schedule=linear"
    assert len(grid.points()) == 4 and grid.label == "anneal:beta0=0.5,beta1=?,schedule=?"
    with pytest.raises(ValidationError):
        Tunable.parse("anneal:beta0=0.5", "beta1")


def test_metrics_need_every_cell(tmp_path):
    cells = plan_cells(SMALL[:1], ["metropolis:T=0.5"], seeds=1, budgets=[5])
    with Store(tmp_path / "s.sqlite") as store, pytest.raises(LookupError):
        metrics(cells, store)


def test_quick_suite_has_references_for_every_instance():
    assert get_suite("quick") is QUICK
    for entry in QUICK.instances:
        assert math.isfinite(entry.reference().value)
    with pytest.raises(ValidationError):
        get_suite("nope")


@pytest.mark.slow  # the score command end to end, twice (about 20 s)
def test_score_command_json_and_rerun(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["score", "sgd-like:s=0.8", "--budget", "20", "--seeds", "2", "--workers", "1", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["computed"] == out["cells"] > 0 and out["reused"] == 0
    row = out["scorecard"][0]
    assert {"instance", "algorithm", "metric", "value", "low", "high", "baseline", "baseline_value",
            "baseline_role"} <= set(row)  # fmt: skip
    assert out["tuning"] and {"recommended", "oracle", "training", "scored"} <= set(out["tuning"][0])
    assert (tmp_path / "benchsuite-scores.sqlite").exists()
    assert main(argv) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["computed"] == 0 and again["reused"] == out["cells"] and again["scorecard"] == out["scorecard"]


def test_score_command_text_output(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    assert (
        main(["score", "metropolis:T=0.5", "--budget", "10", "--seeds", "2", "--workers", "1", "--store", store]) == 0
    )
    out = capsys.readouterr().out
    assert "TTS99 (sweeps)" in out and "metropolis:T=0.5" in out and "anneal:" in out


def test_suites_command(capsys):
    assert main(["suites", "list", "--json"]) == 0
    suites = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert set(suites) == {
        "quick",
        "seed1-coloring",
        "spin-glass",
        "planar-glass",
        "sat",
        "perceptron",
        "gset",
        "satlib",
        "dimacs-col",
        "biqmac",
    }
    assert len(suites["quick"]["instances"]) == len(QUICK.instances)
    assert main(["suites", "show", "quick"]) == 0
    assert "reference" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "sgd-like:s=0.8", "--seeds", "0"],
        ["score", "sgd-like:s=0.8", "--suite", "nope"],
        ["score", "sgd-like:s=2"],
        ["score", "no_such_module:Rule"],
        ["score", "sgd-like:s=0.8", "--budget", "100,10"],
        ["score", "sgd-like:s=0.8", "--budget", "ten"],
        ["score", "sgd-like:s=0.8", "--workers", "0"],
        ["score", "sgd-like", "--tune", "s=0.7,0.8", "--at-teff"],
        ["suites", "show"],
        ["suites", "show", "nope"],
    ],
)
def test_bad_score_input_is_one_line_and_exit_2(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("benchsuite: error:")
    assert not (tmp_path / "benchsuite-scores.sqlite").exists()  # refused before any work or file


def test_dynamics_algorithm_repr_and_spec():
    algorithm = DynamicsAlgorithm("metropolis:T=0.5")
    assert algorithm.spec == "metropolis:T=0.5" and algorithm.params() == {"T": 0.5, "order": "sequential"}
    assert algorithm.skip(make_problem("ising:model=sk,n=8,seed=1")) == (False, None)


@pytest.mark.slow  # the README's scoring snippet end to end (about 10 s)
def test_readme_scoring_snippet_runs_as_written(tmp_path, monkeypatch, capsys):
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    (snippet,) = [b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL) if "plan_score" in b]
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "README.md", "exec"), {})  # noqa: S102 -- the README's snippet, run as written
    out = capsys.readouterr().out
    assert "tts99_sweeps" in out and "recommended" in out and (tmp_path / "runs.sqlite").exists()


def _count_cells(path) -> int:
    import sqlite3

    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
        except sqlite3.OperationalError:  # the table is not created yet
            return 0


def _wait_for_more_cells(path, than: int, child, timeout: float = 120.0) -> None:
    """Until the store holds more than ``than`` cells (or the child ended)."""
    import time

    end = time.monotonic() + timeout
    while _count_cells(path) <= than and child.poll() is None and time.monotonic() < end:
        time.sleep(0.02)


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_score_killed_at_ten_random_moments_completes_with_nothing_lost(tmp_path, executor):
    """kill -9 of the whole process group (driver and workers, or the LocalCluster's) at 10 random moments while cells are being
    written (each after the first new cell of its run, a random fraction of a tenth of the uninterrupted run's
    writing time later), then a run to the end: the store is intact after every kill, holds every cell once,
    and equals the uninterrupted one."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    argv = [sys.executable, "-m", "benchsuite.cli", "score", "sgd-like:s=0.8", "--seeds", "8", "--budget", "10000",
            "--workers", "2", "--executor", executor, "--json", "--store"]  # fmt: skip
    clean_path = tmp_path / "clean.sqlite"
    clean_run = subprocess.Popen([*argv, str(clean_path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _wait_for_more_cells(clean_path, 0, clean_run)
    first_cell = time.monotonic()
    clean = json.loads(clean_run.communicate()[0])
    writing = time.monotonic() - first_cell  # seconds during which cells are written
    rng = np.random.default_rng(14)
    killed = tmp_path / "killed.sqlite"
    counts = []
    for _ in range(10):
        before = _count_cells(killed)
        child = subprocess.Popen([*argv, str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)  # fmt: skip
        _wait_for_more_cells(killed, before, child)
        time.sleep(rng.uniform(0.0, 0.1) * writing)
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:  # a late round on a loaded machine can finish its few remaining cells first
            pass
        child.wait()
        with sqlite3.connect(killed) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts.append(_count_cells(killed))
    final = json.loads(subprocess.run([*argv, str(killed)], capture_output=True, check=True).stdout)
    assert counts == sorted(counts)  # committed cells survive every later kill
    assert 0 < counts[0] < final["cells"]  # the first kill landed while cells were being written
    assert final["reused"] == counts[-1] and final["computed"] + final["reused"] == final["cells"]
    with Store(killed) as a, Store(clean_path) as b:
        assert len(a) == len(b) == final["cells"]
        left = {c["key"]: {k: v for k, v in c["result"].items() if k != "wall_s"} for c in a.cells()}
        right = {c["key"]: {k: v for k, v in c["result"].items() if k != "wall_s"} for c in b.cells()}
        assert left == right
    strip = lambda card: [r for r in card if "seconds" not in r["metric"]]
    assert strip(final["scorecard"]) == strip(clean["scorecard"])


def test_dask_local_cluster_gives_the_same_cells_as_one_process(tmp_path):
    """A real Dask LocalCluster of two worker processes (started by compute_grid) against the in-process run."""
    pytest.importorskip("distributed")
    cells = plan_cells(SMALL, ["metropolis:T=0.5", "sgd-like:s=0.8"], seeds=2, budgets=[5, 30])
    with Store(tmp_path / "one.sqlite") as one, Store(tmp_path / "dask.sqlite") as on_dask:
        compute_grid(cells, one, workers=1, progress=False)
        done = compute_grid(cells, on_dask, workers=2, progress=False, executor="dask")
        assert (done.computed, done.reused) == (len(cells), 0)
        for cell in cells:
            a, b = one.get(cell.key), on_dask.get(cell.key)
            a.pop("wall_s"), b.pop("wall_s")
            assert a == b


@pytest.mark.parametrize(
    "kwargs, field",
    [({"executor": "spark"}, "executor"), ({"scheduler": "tcp://x:1"}, "scheduler"),
     ({"executor": "dask", "scheduler": "localhost"}, "scheduler")],
)  # fmt: skip
def test_bad_executor_options(kwargs, field, tmp_path):
    cells = plan_cells(SMALL[:1], ["metropolis:T=0.5"], seeds=1, budgets=[5])
    with Store(tmp_path / "s.sqlite") as store, pytest.raises(ValidationError) as err:
        compute_grid(cells, store, progress=False, **kwargs)
    assert err.value.field == field


def test_metropolis_at_the_effective_temperature_is_a_baseline_per_instance(tmp_path):
    plan = plan_score(TINY_SUITE, Tunable.parse("sgd-like:s=0.8"), 2, [10, 100], at_teff=True)
    measured = {t.instance: t for t in plan.effective_temperatures}
    assert set(measured) == {entry.label for entry in SMALL}
    colouring = measured["colouring"]  # planted: measured on the unplanted twin
    assert "planted=false" in colouring.measured_on and colouring.low <= colouring.t_eff <= colouring.high
    assert measured["glass"].measured_on == SMALL[1].spec  # nothing planted: on the instance itself
    with Store(tmp_path / "s.sqlite") as store:
        result = score(plan, store, workers=1, progress=False)
    teff_rows = [r for r in result.scorecard if r["baseline_role"] == "at_teff"]
    assert {r["baseline"] for r in teff_rows} == {f"metropolis:T={round(t.t_eff, 4)!r}" for t in measured.values()}
    t_eff = {m.instance: m for m in result.results if m.metric == "t_eff"}  # the measurement, a metric of its own
    assert {label: (m.value, m.low, m.high) for label, m in t_eff.items()} == {
        label: (t.t_eff, t.low, t.high) for label, t in measured.items()}  # fmt: skip
    assert "planted=false" in t_eff["colouring"].note
    with pytest.raises(ValidationError) as err:
        plan_score(TINY_SUITE, Tunable.parse("sgd-like", "s=0.7,0.8"), 2, [10], at_teff=True)
    assert err.value.field == "at_teff"


def test_time_to_recovery_is_the_tts_of_end_states_with_overlap_above_the_threshold(tmp_path):
    from benchsuite.score.metrics import optimal_time_to_solution
    from benchsuite.score.scorecard import RECOVERY

    budgets = [2, 8, 64]
    recoverable = SuiteInstance("c=8", "coloring:n=60,q=3,c=8,seed=2")  # well above (q - 1)^2 = 4
    cells = plan_cells([recoverable], ["metropolis:T=0.3"], seeds=10, budgets=budgets)
    with Store(tmp_path / "s.sqlite") as store:
        compute_grid(cells, store, workers=1, progress=False)
        recovered = [sum(store.get(c.key)["final_overlap"] >= RECOVERY for c in cells if c.key.budget == b)
                     for b in budgets]  # fmt: skip
        (tts,) = [m for m in metrics(cells, store) if m.metric == "tts99_recovery_sweeps"]
    assert 0 < recovered[-1], "the instance must be recoverable at T=0.3 for this test to mean anything"
    expected = optimal_time_to_solution(budgets, recovered, 10).best
    assert (tts.value, tts.low, tts.high) == (expected.value, expected.low, expected.high)


def test_parallel_tempering_diagnostics_are_those_of_its_runs(tmp_path):
    from benchsuite.dynamics import make_dynamics
    from benchsuite.score.tempering import tempering_diagnostics

    plan = plan_score(TINY_SUITE, Tunable.parse("metropolis:T=0.5"), 3, [10, 40])
    with Store(tmp_path / "s.sqlite") as store:
        result = score(plan, store, workers=1, progress=False)
    (found,) = result.tempering  # the one parallel-tempering baseline, on the one glass
    spec = "parallel-tempering:T_max=2.0,T_min=0.3,replicas=4"
    assert (found.instance, found.algorithm, found.budget, found.runs) == ("glass", spec, 40, 3)
    problem = SMALL[1].build()
    pt = make_dynamics(spec)
    direct = []
    for seed in range(3):  # the same runs outside the scorer: 40 sweeps of budget are 10 rounds of 4 replicas
        state, _ = pt.step(pt.init(problem, run_seed(problem.instance_id, seed)), 10)
        direct.append(state.diagnostics())
    assert found.swap_acceptance == pytest.approx(np.mean([d["swap_acceptance"] for d in direct], axis=0).tolist())
    trips = sum(d["round_trips"] for d in direct)
    assert found.round_trips == trips / 3
    assert found.round_trip_rounds == (3 * 4 * 10 / trips if trips else None)
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["tempering"][0]["algorithm"] == spec
    assert (
        tempering_diagnostics("glass", "metropolis:T=0.5", [Outcome(40, 0, 0, None, 0, None, 0.1, 1, 1, True)]) is None
    )


def test_exact_sampling_quality_on_enumerable_instances_is_that_of_the_stated_law(tmp_path):
    from benchsuite.dynamics import SGDLike
    from benchsuite.validate.analysis import exact_analysis

    plan = plan_score(TINY_SUITE, Tunable.parse("sgd-like:s=0.8"), 2, [10, 100])
    with Store(tmp_path / "s.sqlite") as store:
        result = score(plan, store, workers=1, progress=False)
    by_algorithm = {q.algorithm: q for q in result.sampling}
    assert {q.instance for q in result.sampling} == {"glass"}  # 2^10 states; the colouring's 3^60 are not enumerable
    mine = by_algorithm["sgd-like:s=0.8"]
    expected = exact_analysis(SMALL[1].build(), SGDLike(0.8), step="sweep")  # SGD-like sweeps sites in order
    assert (mine.t_eff_exact, mine.tv_at_t_eff, mine.tv_at_own_t) == (expected.t_eff, expected.tv_to_boltzmann, None)
    assert mine.tv_at_t_eff > 1e-3  # SGD-like is not Boltzmann at any temperature on a Gaussian glass
    for spec, quality in by_algorithm.items():
        if spec.startswith("metropolis:"):  # a Boltzmann sampler at its own T
            assert quality.tv_at_own_t < 1e-9 and quality.t_eff_exact == pytest.approx(
                float(spec.split("=")[1]), rel=1e-4
            )
        if spec.startswith("parallel-tempering"):
            assert quality.t_eff_exact is None and "no exact stationary law" in quality.reason
    rows = [r for r in result.scorecard if r["metric"] == "tv_at_t_eff"]
    assert rows and all(r["value"] == mine.tv_at_t_eff for r in rows)
    assert {r["baseline"] for r in rows} == {q.algorithm for q in result.sampling if q.tv_at_t_eff is not None} - {
        mine.algorithm
    }
    json.dumps(result.to_dict(), allow_nan=False)


def test_effective_temperatures_are_measured_once_and_read_back_from_the_store(tmp_path, monkeypatch):
    from benchsuite.experiment import teff_baseline

    with Store(tmp_path / "s.sqlite") as store:
        with pytest.raises(ValidationError, match="not in"):  # a report does not measure
            plan_score(TINY_SUITE, Tunable.parse("sgd-like:s=0.8"), 2, [10], at_teff=True, store=store, compute=False)
        first = plan_score(TINY_SUITE, Tunable.parse("sgd-like:s=0.8"), 2, [10], at_teff=True, store=store)

        def no_more(*args, **kwargs):
            raise AssertionError("measured again although the store holds the measurement")

        monkeypatch.setattr(teff_baseline, "effective_temperatures", no_more)
        again = plan_score(TINY_SUITE, Tunable.parse("sgd-like:s=0.8"), 2, [10], at_teff=True, store=store,
                           compute=False)  # fmt: skip
    assert again.effective_temperatures == first.effective_temperatures
    with pytest.raises(AssertionError, match="measured again"):  # the patch bites where nothing is stored
        plan_score(TINY_SUITE, Tunable.parse("sgd-like:s=0.7"), 2, [10], at_teff=True)
