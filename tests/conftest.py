import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/naive.py


@pytest.fixture(scope="session")
def warm_kernels():
    """Every rule compiled (or loaded from numba's cache) for every kernel layout, so that timed cases (the fuzz
    suite's hang limit) do not count compilation."""
    from families import TWIN_PROBLEMS

    from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike

    rules = [Metropolis(1.0), HeatBath(1.0), Annealing(0.5, 1.0), SGDLike(0.5), SGDLike(0.5, batch="term")]
    for make in TWIN_PROBLEMS.values():
        problem = make()
        for dynamics in rules:
            dynamics.compile(dynamics.init(problem, 0, horizon=1))
