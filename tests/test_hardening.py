"""Numbers at the door: values beyond float range, temperatures whose inverse overflows, counts beyond what a
kernel or the machine can hold, energies that would overflow.  Each raises a ValidationError naming the field
(exit status 2 with one line on the command line), before any work or allocation."""

import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike, make_dynamics
from benchsuite.errors import ValidationError
from benchsuite.problems import IsingProblem, coloring, ising, make_problem
from benchsuite.score import record_grid, run, run_many
from benchsuite.score.stationary import stationary_energy
from benchsuite.validate import all_energies

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


# --- instance files ---


def _saved(tmp_path, problem=None):
    from benchsuite.problems import save_problem

    return save_problem(problem or coloring(n=100, q=5, c=4, seed=1), tmp_path / "inst.npz")


def _members(path) -> dict:
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def test_editing_the_parameters_in_the_header_is_detected(tmp_path):
    import json

    from benchsuite.problems import load_problem

    arrays = _members(_saved(tmp_path))
    header = json.loads(str(arrays["header"]))
    header["params"]["c"] = 7.0
    arrays["header"] = np.array(json.dumps(header))
    np.savez(tmp_path / "edited.npz", **arrays)
    with pytest.raises(ValidationError) as err:
        load_problem(tmp_path / "edited.npz")
    assert err.value.field == "params"  # the hash covers the content only: the provenance is checked by regenerating


def test_unknown_members_and_silly_headers_are_refused_before_reading(tmp_path):
    import json

    from benchsuite.problems import load_problem

    arrays = _members(_saved(tmp_path))
    np.savez(tmp_path / "extra.npz", **arrays, padding=np.zeros(10))
    with pytest.raises(ValidationError, match="padding"):
        load_problem(tmp_path / "extra.npz")
    header = json.loads(str(arrays["header"]))
    header["n"] = 2**31 - 1  # a tiny file claiming two billion variables: refused before allocating
    np.savez(tmp_path / "huge.npz", **{**arrays, "header": np.array(json.dumps(header))})
    with pytest.raises(ValidationError) as err:
        load_problem(tmp_path / "huge.npz")
    assert err.value.field == "n"
    nested = "[" * 100_000 + "]" * 100_000
    np.savez(tmp_path / "nested.npz", **{**arrays, "header": np.array(nested)})
    with pytest.raises(ValidationError) as err:
        load_problem(tmp_path / "nested.npz")
    assert err.value.field == "path"


@pytest.mark.parametrize("name", ["coloring", "ksat", "perceptron"])
def test_corrupted_files_raise_validation_errors_only(tmp_path, name):
    """300 corruptions of a saved file (seeded): random byte flips and truncations.  Each load either raises a
    ValidationError or returns the very same instance (a flip in bytes the reader never uses)."""
    from benchsuite.problems import ksat, load_problem, perceptron

    problem = {"coloring": lambda: coloring(n=100, q=5, c=4, seed=1), "ksat": lambda: ksat(n=60, alpha=4.0, seed=2),
               "perceptron": lambda: perceptron(n=21, alpha=1.0, seed=3)}[name]()  # fmt: skip
    raw = _saved(tmp_path, problem).read_bytes()
    rng = np.random.default_rng(0)
    outcomes = {"refused": 0, "same": 0}
    for k in range(300):
        data = bytearray(raw)
        if k % 3 == 0:
            data = data[: rng.integers(0, len(data))]
        else:
            for pos in rng.integers(0, len(data), size=1 + k % 4):
                data[pos] ^= 1 + int(rng.integers(0, 255))
        path = tmp_path / f"bad{k}.npz"
        path.write_bytes(bytes(data))
        try:
            loaded = load_problem(path)
        except ValidationError:
            outcomes["refused"] += 1
        else:
            assert loaded.instance_id == problem.instance_id
            outcomes["same"] += 1
    assert outcomes["refused"] > 250


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: run_many(coloring(n=50, q=5, c=3), Metropolis(1.0), 5, seeds=5), "seeds"),
        (lambda: run(coloring(n=50, q=5, c=3), Metropolis(1.0), 5, progress=5), "progress"),
        (lambda: all_energies(0), "problem"),
        (lambda: ising(model=np.array([1, 2]), n=10), "model"),
        (lambda: ising("rrg", n=10, couplings=["pm1"]), "couplings"),
        (lambda: IsingProblem.from_edges(3, [[0, 1], [1, 2]], couplings=[1e308, 1e308]), "couplings"),
        (lambda: Metropolis(1.0, order=["random"]), "order"),
        (lambda: SGDLike(0.5, batch=None), "batch"),
    ],
)
def test_other_public_calls_raise_validation_errors(call, field):
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--out", "{file}"],
        ["report", "--out", "/dev/null"],
        ["report", "--out", "/proc/no/such/place"],
        ["report", "--out", "{tmp}/new", "--seed", "-1"],
        ["demo", "--out", "/proc"],
        ["demo", "--out", "{file}"],
    ],
)
def test_bad_output_places_are_refused_before_any_work(args, tmp_path):
    """Exit 2 with one line, within seconds (the report's work takes minutes), and nothing created."""
    (tmp_path / "file").write_text("")
    args = [a.format(file=tmp_path / "file", tmp=tmp_path) for a in args]
    proc = subprocess.run([sys.executable, "-m", "benchsuite.cli", *args], capture_output=True, text=True,
                          check=False, timeout=60)  # fmt: skip
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    "make, degree",
    [
        (lambda: coloring(n=10, q=5, d=8, seed=1), 8),  # the complete 5-partite graph K(2,2,2,2,2)
        (lambda: coloring(n=300, q=3, d=150, seed=2), 150),
        (lambda: ising("rrg", n=10, d=9, seed=1), 9),  # the complete graph
        (lambda: ising("rrg", n=1000, d=999, seed=1), 999),
        (lambda: ising("rrg", n=200, d=150, seed=3), 150),
    ],
)
def test_dense_regular_graphs_are_generated_not_refused(make, degree):
    """Dense regular graphs come from the complement of a sparse one (the re-pairing of defects may never end
    there): every degree is exact, edges are simple, and a planted colouring stays proper."""
    p = make()
    assert np.all(p.hypergraph.degrees == degree)
    if p.family == "coloring":
        assert p.energy(p.planted) == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: coloring(n=10_000_000, q=5, c=10, seed=1),
        lambda: coloring(n=10_000_000, q=5, d=10, seed=1),
        lambda: ising("ea3d", L=220, seed=1),
        lambda: ising("sk", n=15_000, seed=1),
        lambda: make_problem("ksat:n=10000000,k=3,alpha=4.2", seed=1),
        lambda: make_problem("xorsat:n=10000000,k=3,alpha=0.9", seed=1),
        lambda: make_problem("xorsat:n=10000000,k=3,d=3", seed=1),
    ],
)
def test_instances_too_big_for_the_machine_are_refused_before_generating(make, monkeypatch):
    """With 1 GB said to be available, instances needing several GB are refused with the size they would need,
    having allocated next to nothing."""
    monkeypatch.setattr("benchsuite._checks.available_memory", lambda: 10**9)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match=r"would need about [\d.]+ GB; this machine has 1 GB available"):
            make()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10**6


def test_lattices_beyond_the_variable_limit_are_refused_by_their_side():
    with pytest.raises(ValidationError, match="above the limit") as err:
        ising("ea3d", L=1300, seed=1)
    assert err.value.field == "L"


def test_dense_unit_term_models_draw_explicit_flags_instead_of_a_huge_acceptance_table():
    from benchsuite.kernels import acceptance_table, model_for
    from benchsuite.kernels.acceptance import MAX_BINOMIAL_DEGREE

    with pytest.raises(ValidationError, match="max_degree"):
        acceptance_table(0.66, 10_000)
    dense = ising("rrg", n=1100, d=MAX_BINOMIAL_DEGREE + 1, seed=1)  # +-1 couplings: unit terms
    sparse = ising("rrg", n=1100, d=MAX_BINOMIAL_DEGREE, seed=1)
    assert not SGDLike(0.5).uses_binomial_rule(model_for(dense))
    assert SGDLike(0.5).uses_binomial_rule(model_for(sparse))
