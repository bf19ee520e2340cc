"""Any ``dimod.Sampler`` as an algorithm of the scorer (``pip install dimod``; imported when used).

Spec: ``dimod:module:Class[:key=value,...]``, e.g. ``dimod:dwave.samplers:SimulatedAnnealingSampler``.  The
class is built without arguments; the parameters go to ``sample``, except ``budget_param`` (default
``num_sweeps``): the name of the sampler's parameter that receives the cell's budget in sweeps, or ``none``
for a sampler whose effort is fixed (then every budget runs the same call).  Each cell is one read
(``num_reads=1``); a sampler that accepts ``seed`` gets one derived from the cell's seed.

Ising instances are converted to a SPIN ``BinaryQuadraticModel``.  dimod's energy is
``sum_i h_i s_i + sum_ij J_ij s_i s_j + offset`` while ours is ``-sum J s s - sum h s`` plus the
problem's ``constant`` (-W/2 for Max-Cut) and ``offset``, so the BQM holds ``-h``, ``-J`` and those
(:func:`benchsuite.problems.interop.to_bqm`); every returned sample's energy is recomputed from our terms and must agree
with the sampler's, or the adapter refuses the result.  Reads are counted by ``num_occurrences`` (a sampler
that aggregates): a sample set that does not weigh exactly one read is refused.  The call is timed by the adapter (vendor timing, where a
sampler reports one in ``info``, is not used); a dimod sampler reports no acceptance counts
(``accepted`` is None) and no hit time: a read that ends at or below the target is a hit at its budget,
and the outcome says that tracking was not exact.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

import numpy as np

from .. import __version__, _checks
from ..errors import ValidationError
from ..problems.base import Problem
from ..problems.interop import to_bqm
from ..problems.ising import IsingProblem
from ..score.run import ENERGY_TOLERANCE
from ..spec import parse_spec
from .algorithm import Outcome

PREFIX = "dimod:"


def _dimod():
    try:
        return importlib.import_module("dimod")
    except ImportError as exc:
        raise ValidationError("algorithm", "dimod samplers need dimod: pip install dimod") from exc


class DimodAlgorithm:
    """A ``dimod.Sampler`` run once per cell (see the module notes)."""

    def __init__(self, spec: str):
        if not isinstance(spec, str) or not spec.startswith(PREFIX):
            raise ValidationError("algorithm", f"a dimod sampler spec starts with {PREFIX!r}, got {spec!r}")
        self._spec = spec
        dimod = _dimod()
        name, params = parse_spec(spec[len(PREFIX) :], "algorithm", known=lambda _name: False)
        module, _, attribute = name.rpartition(":")
        if not module:
            raise ValidationError("algorithm", f"expected dimod:module:Class, got {spec!r}")
        try:
            cls = getattr(importlib.import_module(module), attribute)
        except (ImportError, AttributeError) as exc:
            raise ValidationError("algorithm", f"cannot import {module}:{attribute} ({exc})") from None
        if isinstance(cls, type) and not issubclass(cls, dimod.Sampler):
            raise ValidationError("algorithm", f"{module}:{attribute} is not a dimod.Sampler")
        sampler = cls() if isinstance(cls, type) else cls
        if not isinstance(sampler, dimod.Sampler):
            raise ValidationError("algorithm", f"{module}:{attribute} is not a dimod.Sampler")
        budget_param = params.pop("budget_param", "num_sweeps")
        budget_param = None if budget_param == "none" else budget_param
        accepted = set(sampler.parameters)
        if budget_param is not None and budget_param not in accepted:
            raise ValidationError("budget_param", f"{attribute} takes no {budget_param!r} (it takes "
                                                  f"{sorted(accepted)}); name the budget's parameter or give none")  # fmt: skip
        unknown = sorted(set(params) - accepted)
        if unknown or "num_reads" in params or "seed" in params:
            raise ValidationError("algorithm", f"{attribute}: {unknown or ['num_reads/seed']} cannot be given "
                                               f"(it takes {sorted(accepted)}; the adapter sets num_reads and seed)")  # fmt: skip
        self.sampler, self.sample_params, self.budget_param = sampler, params, budget_param
        self.takes_seed = "seed" in accepted
        self.name = f"{PREFIX}{module}:{attribute}"
        top = importlib.import_module(module.partition(".")[0])
        self.version = str(getattr(top, "__version__", "unversioned")) + f"+benchsuite{__version__}"

    @property
    def spec(self) -> str:
        return self._spec

    def params(self) -> dict[str, Any]:
        return {**self.sample_params, "budget_param": self.budget_param or "none"}

    def skip(self, problem: Problem) -> tuple[bool, str | None]:
        if not isinstance(problem, IsingProblem):
            return True, f"only Ising instances convert to a binary quadratic model here, not {problem.family}"
        return False, None

    def warm_up(self, problem: Problem) -> None:
        self._sample(to_bqm(problem), 1, 0)

    def _sample(self, bqm, budget: int, seed: int):
        kwargs = dict(self.sample_params, num_reads=1)
        if self.budget_param is not None:
            kwargs[self.budget_param] = budget
        if self.takes_seed:
            kwargs["seed"] = seed
        return self.sampler.sample(bqm, **kwargs)

    def solve(self, problem: Problem, budget: int, seed, target: float | None = None) -> Outcome:
        budget = _checks.count("budget", budget, low=1)
        skip, reason = self.skip(problem)
        if skip:
            raise ValidationError("problem", reason)
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        seed31 = int(np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key).generate_state(1)[0] >> 1)  # < 2^31
        bqm = to_bqm(problem)
        t0 = time.perf_counter()
        sampleset = self._sample(bqm, budget, seed31)
        wall = time.perf_counter() - t0
        record = sampleset.record
        order = [sampleset.variables.index(v) for v in range(problem.n)]
        samples = np.asarray(record.sample)[:, order].astype(np.int8)
        occurrences = np.asarray(record.num_occurrences, dtype=np.int64)
        ours = np.array([problem.energy(s) for s in samples])
        theirs = np.asarray(record.energy, dtype=float)
        if np.any(np.abs(ours - theirs) > ENERGY_TOLERANCE * np.maximum(1.0, np.abs(ours))):
            raise ValidationError("algorithm", f"{self.name} reports energies {theirs[:3]} for samples whose energy "
                                               f"is {ours[:3]}: not this BQM's energies")  # fmt: skip
        if occurrences.sum() != 1:
            raise ValidationError("algorithm", f"{self.name} returned {int(occurrences.sum())} reads (weighted by "
                                               "num_occurrences) for num_reads=1")  # fmt: skip
        best = int(np.argmin(ours))
        hit_weight = 0 if target is None else int(occurrences[ours <= target].sum())  # reads at the target
        return Outcome(
            budget=budget,
            best_energy=float(ours[best]),
            best_sweep=budget,
            hit_sweep=budget if hit_weight == 1 else None,
            final_energy=float(ours[best]),
            final_overlap=problem.overlap(samples[best]),
            wall_s=wall,
            accepted=None,
            attempted=budget * problem.n,
            exact_tracking=False,
        )

    def __repr__(self) -> str:
        return f"DimodAlgorithm({self._spec!r})"
