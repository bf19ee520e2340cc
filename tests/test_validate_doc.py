"""docs/validate.md as written: its pytest example run by pytest on a stand-in user module, its Python snippet."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).parents[1] / "docs" / "validate.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


@pytest.mark.slow  # a whole pytest run of the example in a child process (about 20 s)
def test_the_pytest_example_runs_one_case_per_dynamics_and_check(tmp_path):
    (tmp_path / "my_rules.py").write_text("from benchsuite.dynamics import Metropolis as MyMetropolis\n")
    (tmp_path / "test_user.py").write_text(BLOCKS[0])
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)  # fmt: skip
    from benchsuite.dynamics import Metropolis
    from benchsuite.validate import yield_checks

    cases = sum(len(list(yield_checks(Metropolis(t)))) for t in (0.8, 1.5))
    assert proc.returncode == 0 and f"{cases} passed" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.slow  # a whole pytest run of the example in a child process (about 20 s)
def test_the_pytest_example_fails_a_broken_rule(tmp_path):
    (tmp_path / "my_rules.py").write_text(
        "from functools import partial\nfrom broken_dynamics import UserMetropolis\n"
        "MyMetropolis = partial(UserMetropolis, bug='delta-off-by-one')\n"
    )
    (tmp_path / "test_user.py").write_text(BLOCKS[0])
    env_path = str(Path(__file__).parent)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
                          cwd=tmp_path, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": env_path})  # fmt: skip
    assert proc.returncode == 1 and " failed" in proc.stdout and "CheckFailed" in proc.stdout, proc.stdout
    assert "FAILED test_user.py::test_my_rule[" in proc.stdout and "-planned[sk-gauss-n6]]" in proc.stdout


def test_the_exact_analysis_snippet_runs(capsys):
    exec(compile(BLOCKS[1], str(DOC), "exec"), {})  # noqa: S102 -- the documentation's snippet, as written
    t_eff, flux, production, tv = map(float, capsys.readouterr().out.split())
    assert t_eff > 0 and flux > 0 and production > 0 and tv > 0  # SGD-like breaks detailed balance


def test_the_own_law_snippet_runs(capsys):
    exec(compile(BLOCKS[2], str(DOC), "exec"), {})  # noqa: S102 -- the documentation's snippet, as written
    order, t_eff, passed = capsys.readouterr().out.split(" ", 2)
    assert order == "sequential" and float(t_eff) > 0 and passed.strip() == "[True, True, True]"
