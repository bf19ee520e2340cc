"""State tampering fuzz (``fuzz_state.py``) in a child process: a crash or hang fails the test with the case."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fuzzing import SLOW

# 100 cases in the default run (each child process also imports and loads the kernels: about 25 s), SLOW under slow
SIZES = [pytest.param(100, id="default"), pytest.param(SLOW, id="slow", marks=pytest.mark.slow)]


@pytest.mark.parametrize("examples", SIZES)
def test_fuzz_state_tampering(examples, warm_kernels):
    script = Path(__file__).with_name("fuzz_state.py")
    proc = subprocess.run(
        [sys.executable, str(script), str(examples)], capture_output=True, text=True, cwd=script.parent, check=False
    )
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0, f"exit {proc.returncode} after: {lines[-1:]}\n{proc.stderr[-3000:]}"
    tally = json.loads(lines[-1])
    assert sum(tally.values()) == examples
    assert set(tally) <= {"ok", "refused"}
    print(f"fuzz state tampering (child process): {tally}")
