"""Named, versioned suites: instances (problem specs with their generator seeds), budgets in sweeps, the
number of seeds per cell and the baselines each family is scored against.

Every instance carries a reference energy with its provenance (:class:`~benchsuite.problems.base.Reference`):
a planted ground state (exact by construction) or, for instances small enough, the ground state found by
enumerating every configuration.  The target of a run is the reference: success means reaching it.

Baseline parameters are fixed by the suite (stated in ``baselines``), not tuned on training instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import ValidationError
from ..problems import make_problem
from ..problems.base import Problem, Reference
from ..validate.exact import MAX_CONFIGURATIONS, all_energies


@dataclass(frozen=True)
class SuiteInstance:
    """One instance of a suite: a problem spec that includes its generator seed, and a short label."""

    label: str
    spec: str

    def build(self) -> Problem:
        """The instance (generated once per process)."""
        return build_instance(self.spec)

    def reference(self) -> Reference:
        """The planted ground-state energy, or the enumerated one; ValidationError when neither exists."""
        return _reference(self.spec)


@dataclass(frozen=True)
class Suite:
    """Instances, budgets (increasing sweeps per run), seeds per (instance, algorithm, budget) and baselines
    per family (dynamics specs)."""

    name: str
    version: str
    description: str
    instances: tuple[SuiteInstance, ...]
    budgets: tuple[int, ...]
    seeds: int
    baselines: dict[str, tuple[str, ...]]

    def baselines_for(self, family: str) -> tuple[str, ...]:
        """The baselines of ``family``'s instances."""
        return self.baselines.get(family, ())

    def algorithms_for(self, algorithm: str):
        """A function of a family giving ``algorithm`` followed by that family's baselines (see ``plan_cells``)."""
        return lambda family: list(dict.fromkeys([algorithm, *self.baselines_for(family)]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "budgets": list(self.budgets),
            "seeds": self.seeds,
            "instances": [{"label": i.label, "spec": i.spec} for i in self.instances],
            "baselines": {family: list(specs) for family, specs in self.baselines.items()},
        }


@lru_cache(maxsize=64)
def build_instance(spec: str) -> Problem:
    """The problem of a spec, generated once per process (workers rebuild instances from their specs)."""
    return make_problem(spec)


@lru_cache(maxsize=64)
def _reference(spec: str) -> Reference:
    problem = build_instance(spec)
    planted = problem.references.get("ground_state_energy")
    if planted is not None:
        return planted
    if problem.domain.size**problem.n <= MAX_CONFIGURATIONS:
        energies = all_energies(problem)
        return Reference(float(energies.min()), "exact", f"enumeration of {energies.size} configurations")
    raise ValidationError("suite", f"{spec} has no planted or enumerable ground state to use as a reference")


QUICK = Suite(
    name="quick",
    version="2",
    description="four small instances with exact references, for a first look and for CI (seconds on 2 cores): "
    "a planted 5-colouring below the colourability threshold, planted 3-SAT at alpha = 4, and two glasses "
    "small enough to enumerate (3-regular +-1, Gaussian SK)",
    instances=(
        SuiteInstance("coloring n=500 c=9", "coloring:n=500,q=5,c=9,seed=1"),
        SuiteInstance("3-sat n=200 a=4", "ksat:n=200,alpha=4.0,planted=true,seed=1"),
        SuiteInstance("rrg3 n=22 pm1", "ising:model=rrg,n=22,d=3,seed=1"),
        SuiteInstance("sk n=18 gauss", "ising:model=sk,n=18,couplings=gauss,seed=1"),
    ),
    budgets=(10, 30, 100, 300, 1000),
    seeds=16,
    baselines={
        "coloring": ("metropolis:T=0.3", "anneal:beta0=0.5,beta1=5"),
        "ksat": ("metropolis:T=0.3", "anneal:beta0=0.5,beta1=5", "walksat:noise=0.5"),
        "ising": (
            "metropolis:T=0.5",
            "anneal:beta0=0.1,beta1=5",
            "parallel-tempering:T_min=0.2,T_max=2,replicas=8",
        ),
    },
)

SUITES = {suite.name: suite for suite in (QUICK,)}


def get_suite(name: str) -> Suite:
    """The suite called ``name``; ValidationError listing the known ones otherwise."""
    if name not in SUITES:
        raise ValidationError("suite", f"unknown suite {name!r}; known: {', '.join(SUITES)}")
    return SUITES[name]
