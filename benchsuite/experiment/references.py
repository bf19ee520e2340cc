"""Reference energies of suite instances that have no planted or enumerable ground state, computed once and
shipped with the package in ``data/references.json``, keyed by instance id.

A planar glass without fields gets its exact ground state (:mod:`benchsuite.problems.planar`, which needs the
``planar`` extra to compute, not to read).  Any other reference is the lowest energy found by ``RUNS``
independent runs of parallel tempering with an adaptive ladder; it is an upper bound on the ground-state
energy, not a proof, and its provenance says how many runs reached it (several independent runs agreeing is
the usual evidence that it is the ground state).  Compute the missing ones (after adding instances to a
suite) with::

    python -m benchsuite.experiment.references spin-glass
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import numpy as np

from ..dynamics.tempering import ParallelTempering
from ..errors import ValidationError
from ..problems.base import Problem, Reference
from ..problems.planar import planar_ground_state, why_not_planar

REFERENCE_FILE = Path(__file__).with_name("data") / "references.json"
RUNS = 4
ROUNDS = 20_000
REPLICAS = 32
T_MIN, T_MAX = 0.1, 2.0  # in units of the typical coupling (SK couplings are scaled by 1/sqrt(n))
ADAPT = 4096
NONNEGATIVE = ("coloring", "ksat", "xorsat", "perceptron")  # families whose every term energy is >= 0
AGREEMENT = 1e-9  # relative: runs whose best energies are this close found the same level


def tempering_reference(problem: Problem, *, runs: int = RUNS, rounds: int = ROUNDS, replicas: int = REPLICAS,
                        seed: int = 0) -> Reference:  # fmt: skip
    """The lowest energy of ``runs`` independent parallel-tempering runs (see the module notes)."""
    pt = ParallelTempering(T_MIN, T_MAX, replicas=replicas, adapt=ADAPT)
    best = []
    for run in range(runs):
        state = pt.init(problem, np.random.SeedSequence([seed, run]))
        state, _ = pt.step(state, rounds)
        best.append(state.best_energy)
    value = min(best)
    agree = sum(abs(b - value) <= AGREEMENT * max(1.0, abs(value)) for b in best)
    found = (f"best of {runs} parallel-tempering runs ({replicas} replicas, T {T_MIN}..{T_MAX}, adaptive ladder, "
             f"{rounds} rounds = {rounds * replicas} sweeps each); {agree} of {runs} reached it; "
             f"{datetime.date.today().isoformat()}")  # fmt: skip
    if value == 0.0 and problem.family in NONNEGATIVE:
        return Reference(0.0, "exact", f"{found}; energy 0 is the lowest a {problem.family} instance can have")
    return Reference(float(value), "best found", f"{found}; an upper bound on the ground state")


def planar_reference(problem: Problem) -> Reference:
    """The exact ground-state energy of a planar glass (ValidationError naming ``problem`` if it is not one)."""
    from importlib.metadata import version

    energy, _ = planar_ground_state(problem)
    return Reference(energy, "exact", f"minimum-weight perfect matching on the planar dual (dwave-samplers "
                                      f"{version('dwave-samplers')} PlanarGraphSolver)")  # fmt: skip


def _load() -> dict[str, dict]:
    if not REFERENCE_FILE.exists():
        return {}
    data = json.loads(REFERENCE_FILE.read_text())
    if not isinstance(data, dict):
        raise ValidationError("references", f"{REFERENCE_FILE} must hold a JSON object")
    return data


def stored_reference(problem: Problem) -> Reference | None:
    """The shipped reference of ``problem`` (by its instance id), or None."""
    entry = _load().get(problem.instance_id)
    if entry is None:
        return None
    return Reference(float(entry["value"]), str(entry["method"]), str(entry["source"]))


def compute(suite_name: str) -> int:
    """Compute and store the references of the suite's instances and training twins that need one."""
    from .suites import get_suite, reference_without_search

    suite = get_suite(suite_name)
    data = _load()
    added = 0
    for entry in suite.instances:
        for inst in (entry, *suite.training_twins(entry)):
            problem = inst.build()
            if problem.instance_id in data or reference_without_search(problem) is not None:
                continue
            ref = planar_reference(problem) if why_not_planar(problem) is None else tempering_reference(problem)
            data[problem.instance_id] = {"spec": inst.spec, "value": ref.value, "method": ref.method,
                                         "source": ref.source}  # fmt: skip
            print(f"{inst.spec}: {ref.value:.10g} ({ref.source})", file=sys.stderr, flush=True)
            added += 1
    REFERENCE_FILE.parent.mkdir(exist_ok=True)
    REFERENCE_FILE.write_text(json.dumps(dict(sorted(data.items())), indent=1, allow_nan=False) + "\n")
    return added


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {compute(name)} references added to {REFERENCE_FILE}", file=sys.stderr)
