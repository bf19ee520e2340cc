"""Disk-cached continuous kernels recompile when a module they inline changes (kernels/cache_key.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import benchsuite
from benchsuite.kernels import cache_key
from benchsuite.kernels.objective import values_at


def test_the_fingerprint_covers_the_numba_modules_and_nothing_else(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    kernel, plain = tmp_path / "sub" / "kernel.py", tmp_path / "plain.py"
    kernel.write_text("from numba import njit\n")
    plain.write_text("x = 1\n")

    def fingerprint():
        cache_key.numba_sources_fingerprint.cache_clear()
        return cache_key.numba_sources_fingerprint()

    monkeypatch.setattr(cache_key, "PACKAGE", tmp_path)
    first = fingerprint()
    plain.write_text("x = 2\n")
    assert fingerprint() == first
    kernel.write_text("from numba import njit  # edited\n")
    assert fingerprint() != first
    cache_key.numba_sources_fingerprint.cache_clear()


def test_a_cached_kernel_carries_the_fingerprint_in_its_closure():
    dispatcher = values_at.cached.dispatcher()
    cells = [cell.cell_contents for cell in dispatcher.py_func.__closure__]
    assert cells == [cache_key.numba_sources_fingerprint()]
    assert values_at.py_func.__closure__[0].cell_contents == ""


PROBE = """
import numpy as np
from benchsuite.kernels.objective import values_at
from benchsuite.problems.landscapes import make_landscape
print(repr(float(values_at(make_landscape("double-well:tilt=0.3").model, np.array([[0.5]]))[0])))
"""


def test_editing_an_inlined_formula_recompiles_the_kernel_that_inlines_it(tmp_path):
    # values_at lives in kernels/objective.py and inlines the formulas of problems/landscapes.py; numba alone
    # would load the old machine code from its cache after landscapes.py changes
    root = tmp_path / "copy"
    shutil.copytree(Path(benchsuite.__file__).parent, root / "benchsuite",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(root), "NUMBA_CACHE_DIR": str(tmp_path / "numba")}

    def probe() -> float:
        run = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True,
                             text=True, check=True)  # fmt: skip
        return float(run.stdout)

    before = probe()
    formulas = root / "benchsuite" / "problems" / "landscapes.py"
    text = formulas.read_text()
    assert text.count("+ c[0] * x[0]\n") == 1
    formulas.write_text(text.replace("+ c[0] * x[0]\n", "+ c[0] * x[0] + 1.0\n"))
    assert probe() == pytest.approx(before + 1.0, abs=1e-12)
