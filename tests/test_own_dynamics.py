"""The worked example of docs/own_dynamics.md, run as written: a user's rule through run, effective_temperatures
and the command line, on colouring and on K-SAT."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchsuite.dynamics import make_dynamics
from benchsuite.problems import coloring, ising
from benchsuite.score import run

DOC = Path(__file__).parents[1] / "docs" / "own_dynamics.md"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The doc's code blocks: the module (written to exactly_k.py) and the usage snippet."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    folder = tmp_path_factory.mktemp("user")
    (folder / "exactly_k.py").write_text(blocks[0] + "\n\n" + blocks[1])  # the rule, then its block version
    sys.path.insert(0, str(folder))
    yield folder, blocks[2]
    sys.path.remove(str(folder))
    sys.modules.pop("exactly_k", None)


def test_the_module_is_about_thirty_lines():
    rule = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)[0]
    assert len([line for line in rule.splitlines() if line.strip()]) <= 45


def test_the_block_version_advances_chains_as_the_rule_does_one_by_one(example):
    from exactly_k import ExactlyKBlocks

    from benchsuite.dynamics import supports_replicas
    from benchsuite.validate.api import replicas_agree

    problem = ising("rrg", n=12, d=4, couplings="gauss", seed=2)
    assert supports_replicas(ExactlyKBlocks(k=2))
    assert replicas_agree(problem, ExactlyKBlocks(k=2), seed=1).passed


def test_usage_snippet_runs_as_written(example, capsys):
    _, usage = example
    exec(compile(usage, str(DOC), "exec"), {})  # noqa: S102 -- the documentation's snippet, run as written
    out = capsys.readouterr().out
    assert "T_eff = " in out


def test_exactly_k_equals_the_whole_neighbourhood_when_k_is_the_degree(example):
    """On a 4-regular +-1 spin glass, k = 4 takes every term: the rule is then the greedy s = 1 SGD-like rule.
    Spin flips draw no random number and both decisions are deterministic, so the trajectories are equal."""
    from exactly_k import ExactlyK

    problem = ising("rrg", n=500, d=4, seed=2)
    ours = run(problem, ExactlyK(k=4), 20, seed=3, record="every")
    greedy = run(problem, make_dynamics("sgd-like:s=1.0"), 20, seed=3, record="every")
    np.testing.assert_array_equal(ours.energy, greedy.energy)
    assert ours.compile_s is not None and ours.compile_s >= 0


def test_smaller_batches_run_hotter(example):
    """Fewer terms per decision is noisier, so the stationary energy is higher (k = 1 against k = 6, c = 10)."""
    from exactly_k import ExactlyK

    problem = coloring(n=2000, q=5, c=10, seed=1)
    hot = run(problem, ExactlyK(k=1), 300, seed=1, record=[300]).energy[-1]
    cold = run(problem, ExactlyK(k=6), 300, seed=1, record=[300]).energy[-1]
    assert hot > cold + 0.05


@pytest.mark.parametrize("problem", ["coloring:n=500,q=5,c=10", "ksat:n=500,alpha=4.0,planted=true"])
def test_command_line_runs_the_users_rule(example, problem):
    folder, _ = example
    proc = subprocess.run(
        [sys.executable, "-m", "benchsuite.cli", "run", "--problem", problem, "--dynamics",
         "exactly_k:ExactlyK:k=2", "--sweeps", "20"],
        capture_output=True, text=True, cwd=folder, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "ExactlyK(k=2)" in proc.stdout and "acceptance" in proc.stdout


def test_command_line_reports_a_bad_parameter_of_the_users_rule(example):
    folder, _ = example
    proc = subprocess.run(
        [sys.executable, "-m", "benchsuite.cli", "run", "--problem", "coloring:n=500,q=5,c=10", "--dynamics",
         "exactly_k:ExactlyK:k=0", "--sweeps", "5"],
        capture_output=True, text=True, cwd=folder, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "benchsuite: error: k: must be an integer >= 1, got 0"
    ]
    missing = subprocess.run(
        [sys.executable, "-m", "benchsuite.cli", "run", "--problem", "coloring:n=500,q=5,c=10", "--dynamics",
         "exactly_k:Nope", "--sweeps", "5"],
        capture_output=True, text=True, cwd=folder, check=False,
    )  # fmt: skip
    assert missing.returncode == 2 and "has no attribute 'Nope'" in missing.stderr


@pytest.mark.slow  # the documented score command in a child process (about 20 s)
def test_the_documented_score_command_scores_the_users_rule_with_its_grid(example, tmp_path):
    folder, _ = example
    doc_command = next(line for line in DOC.read_text().splitlines() if line.startswith("benchsuite score"))
    assert '--tune "k=1,2,3,4"' in doc_command
    proc = subprocess.run(
        [sys.executable, "-m", "benchsuite.cli", "score", "exactly_k:ExactlyK", "--tune", "k=1,2,3,4",
         "--budget", "10,30", "--seeds", "2", "--workers", "1", "--json", "--store", str(tmp_path / "s.sqlite")],
        capture_output=True, text=True, cwd=folder, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    tuned = [t for t in out["tuning"] if t["tunable"]["name"] == "exactly_k:ExactlyK"]
    assert tuned and all(len(t["training"]) == 4 for t in tuned)  # every grid point ran on the training twins
    assert len({q["instance"] for q in out["sampling_quality"]}) == 1  # the one enumerable instance of quick
    mine = [q for q in out["sampling_quality"] if q["algorithm"].startswith("exactly_k:")]
    assert mine and all(q["reason"] and q["t_eff_exact"] is None for q in mine)  # its facts state no exact law
