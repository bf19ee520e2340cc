"""Named, versioned suites: instances (problem specs with their generator seeds), budgets in sweeps, the
number of seeds per cell and the baselines each family is scored against.

Every instance carries a reference energy with its provenance (:class:`~benchsuite.problems.base.Reference`):
a planted ground state (exact by construction) or, for instances small enough, the ground state found by
enumerating every configuration.  The target of a run is the reference: success means reaching it.

Baselines are :class:`~.tuning.Tunable`: an algorithm with fixed parameters and a grid for the others,
tuned on each instance's training twins (the same generator with the suite's ``training_seeds``) with
``tuning_seeds`` runs per budget (see :mod:`.tuning`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import ValidationError
from ..library.catalog import CATALOG, catalog_reference
from ..problems.base import Problem, Reference
from ..spec import parse_spec
from ..validate.exact import MAX_CONFIGURATIONS, MAX_GRAY_CONFIGURATIONS, ground_state
from .instances import build_instance
from .references import stored_reference
from .tuning import Tunable, format_spec


@dataclass(frozen=True)
class SuiteInstance:
    """One instance of a suite: a problem spec that includes its generator seed, and a short label."""

    label: str
    spec: str

    def build(self) -> Problem:
        """The instance (generated once per process)."""
        return build_instance(self.spec)

    def reference(self) -> Reference:
        """The source's reference of a shipped instance (:mod:`benchsuite.library`), the planted ground-state
        energy, the enumerated one, or the shipped long-tempering one (:mod:`.references`); ValidationError when
        there is none."""
        return _reference(self.spec)

    @property
    def has_twins(self) -> bool:
        """Whether the spec names a generator seed (a shipped or file instance has none: no training twins)."""
        return "seed" in parse_spec(self.spec, "suite")[1]

    def twin(self, seed: int) -> SuiteInstance:
        """The same generator and parameters with generator seed ``seed`` (a training instance)."""
        name, params = parse_spec(self.spec, "suite")
        if "seed" not in params:
            raise ValidationError("suite", f"{self.spec} names no generator seed: it has no training twins")
        return SuiteInstance(f"{self.label} (training seed {seed})", format_spec(name, {**params, "seed": seed}))


@dataclass(frozen=True)
class Suite:
    """Instances, budgets (increasing sweeps per run), seeds per (instance, algorithm, budget), baselines per
    family (tunable algorithms) and the training design: generator seeds of the training twins and runs per
    budget on each."""

    name: str
    version: str
    description: str
    instances: tuple[SuiteInstance, ...]
    budgets: tuple[int, ...]
    seeds: int
    baselines: dict[str, tuple[Tunable, ...]]
    training_seeds: tuple[int, ...] = (1001, 1002)
    tuning_seeds: int = 8

    def baselines_for(self, family: str) -> tuple[Tunable, ...]:
        """The baselines of ``family``'s instances."""
        return self.baselines.get(family, ())

    @property
    def tuning_description(self) -> str:
        """How the baselines' grid points are chosen, in one phrase."""
        twins = [entry.has_twins for entry in self.instances]
        tuned = (f"baselines tuned on {len(self.training_seeds)} training twins per instance (generator seeds "
                 f"{list(self.training_seeds)}, {self.tuning_seeds} runs per budget)")  # fmt: skip
        oracle = "a baseline's grid point is its oracle, the best on the instance itself"
        if all(twins):
            return tuned
        if not any(twins):
            return f"no training twins (shipped instances have no generator): {oracle}"
        return f"{tuned}; on instances without a generator seed, {oracle}"

    def training_twins(self, entry: SuiteInstance) -> list[SuiteInstance]:
        """The instance's twins with the training seeds; none for an instance without a generator seed, whose
        baselines' grids are then chosen on the instance itself (the oracle point, and said so)."""
        return [entry.twin(seed) for seed in self.training_seeds] if entry.has_twins else []

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "budgets": list(self.budgets),
            "seeds": self.seeds,
            "instances": [{"label": i.label, "spec": i.spec} for i in self.instances],
            "baselines": {family: [t.to_dict() for t in tunables] for family, tunables in self.baselines.items()},
            "training_seeds": list(self.training_seeds),
            "tuning_seeds": self.tuning_seeds,
        }


def reference_without_search(problem: Problem) -> Reference | None:
    """The planted ground-state energy, or the exact one when every configuration can be visited, or None."""
    planted = problem.references.get("ground_state_energy")
    if planted is not None:
        return planted
    count = problem.domain.size**problem.n
    if count <= (MAX_GRAY_CONFIGURATIONS if problem.domain.size == 2 else MAX_CONFIGURATIONS):
        energy, _ = ground_state(problem)
        return Reference(energy, "exact", f"enumeration of {count} configurations")
    return None


@lru_cache(maxsize=256)
def _reference(spec: str) -> Reference:
    problem = build_instance(spec)
    found = catalog_reference(problem) or reference_without_search(problem) or stored_reference(problem)
    if found is None:
        raise ValidationError("suite", f"{spec} has no planted, enumerable, catalogued or stored reference; compute one with "
                                       "python -m benchsuite.experiment.references SUITE")  # fmt: skip
    return found


QUICK = Suite(
    name="quick",
    version="4",
    description="five small instances with exact references, for a first look and for CI (seconds on 2 cores): "
    "a planted 5-colouring below the colourability threshold, planted 3-SAT at alpha = 4, two glasses "
    "small enough to enumerate (3-regular +-1, Gaussian SK), and a 3-colouring of 7 vertices whose 2187 "
    "states the exact sampling-quality metrics cover",
    instances=(
        SuiteInstance("coloring n=500 c=9", "coloring:n=500,q=5,c=9,seed=1"),
        SuiteInstance("coloring n=7 q=3 (exact law)", "coloring:n=7,q=3,c=2,planted=false,seed=1"),
        SuiteInstance("3-sat n=200 a=4", "ksat:n=200,alpha=4.0,planted=true,seed=1"),
        SuiteInstance("rrg3 n=22 pm1", "ising:model=rrg,n=22,d=3,seed=1"),
        SuiteInstance("sk n=18 gauss", "ising:model=sk,n=18,couplings=gauss,seed=1"),
    ),
    budgets=(10, 30, 100, 300, 1000),
    seeds=16,
    baselines={
        "coloring": (
            Tunable("metropolis", grid={"T": (0.2, 0.3, 0.5)}),
            Tunable("anneal", {"beta0": 0.5}, {"beta1": (2.0, 5.0, 10.0)}),
        ),
        "ksat": (
            Tunable("metropolis", grid={"T": (0.2, 0.3, 0.5)}),
            Tunable("anneal", {"beta0": 0.5}, {"beta1": (2.0, 5.0, 10.0)}),
            Tunable("walksat", grid={"noise": (0.3, 0.5, 0.7)}),
        ),
        "ising": (
            Tunable("metropolis", grid={"T": (0.3, 0.5, 0.8)}),
            Tunable("anneal", {"beta0": 0.1}, {"beta1": (2.0, 5.0, 10.0)}),
            Tunable("parallel-tempering", {"T_max": 2.0, "replicas": 8}, {"T_min": (0.1, 0.2, 0.4)}),
        ),
    },
)

GLASS_BASELINES = (
    Tunable("metropolis", grid={"T": (0.2, 0.4, 0.7)}),
    Tunable("anneal", {"beta0": 0.1}, {"beta1": (3.0, 10.0, 30.0)}),
    Tunable("parallel-tempering", {"T_max": 2.0, "replicas": 16}, {"T_min": (0.1, 0.2, 0.4)}),
)

SPIN_GLASS = Suite(
    name="spin-glass",
    version="1",
    description="four spin glasses too large to enumerate, references from long parallel-tempering runs "
    "(upper bounds, shipped with their provenance): Gaussian SK n=64, 2-D Edwards-Anderson L=12 (Gaussian, "
    "periodic), 3-D Edwards-Anderson L=6 (+-1, periodic), 3-regular +-1 n=256",
    instances=(
        SuiteInstance("sk n=64 gauss", "ising:model=sk,n=64,couplings=gauss,seed=1"),
        SuiteInstance("ea2d L=12 gauss", "ising:model=ea2d,L=12,couplings=gauss,seed=1"),
        SuiteInstance("ea3d L=6 pm1", "ising:model=ea3d,L=6,couplings=pm1,seed=1"),
        SuiteInstance("rrg3 n=256 pm1", "ising:model=rrg,n=256,d=3,seed=1"),
    ),
    budgets=(30, 100, 300, 1000, 3000),
    seeds=16,
    baselines={"ising": GLASS_BASELINES},
)

PLANAR_GLASS = Suite(
    name="planar-glass",
    version="1",
    description="three 2-D Edwards-Anderson glasses with open boundaries, planar and so with exact ground "
    "states (minimum-weight perfect matching on the dual, computed once and shipped): Gaussian L=16 and L=24, "
    "+-1 L=20; where the spin-glass suite's references are upper bounds, these are the ground states",
    instances=(
        SuiteInstance("ea2d open L=16 gauss", "ising:model=ea2d,L=16,boundary=open,couplings=gauss,seed=1"),
        SuiteInstance("ea2d open L=24 gauss", "ising:model=ea2d,L=24,boundary=open,couplings=gauss,seed=1"),
        SuiteInstance("ea2d open L=20 pm1", "ising:model=ea2d,L=20,boundary=open,couplings=pm1,seed=1"),
    ),
    budgets=(30, 100, 300, 1000, 3000),
    seeds=16,
    baselines={"ising": GLASS_BASELINES},
)

SEED1_COLORING = Suite(
    name="seed1-coloring",
    version="1",
    description="planted 5-colourings of n=1000 across the recovery window of Angelini et al. (c = 18, 22, "
    "26, 30: above the Kesten-Stigum degree (q-1)^2 = 16); reference: the planted colouring (energy 0)",
    instances=tuple(
        SuiteInstance(f"coloring n=1000 c={c}", f"coloring:n=1000,q=5,c={c},seed=1") for c in (18, 22, 26, 30)
    ),
    budgets=(10, 30, 100, 300, 1000),
    seeds=16,
    baselines={
        "coloring": (
            Tunable("metropolis", grid={"T": (0.2, 0.3, 0.5)}),
            Tunable("anneal", {"beta0": 0.5}, {"beta1": (3.0, 10.0)}),
            Tunable("parallel-tempering", {"T_max": 1.5, "replicas": 8}, {"T_min": (0.2, 0.3)}),
        ),
    },
)

SAT = Suite(
    name="sat",
    version="2",
    description="random 3-SAT at alpha = 4.2, near the satisfiability threshold (unplanted: reference from long "
    "parallel-tempering runs, an upper bound; and planted: 0), and planted 3-XORSAT at alpha = 0.8",
    instances=(
        SuiteInstance("3-sat n=200 a=4.2", "ksat:n=200,alpha=4.2,seed=1"),
        SuiteInstance("3-sat n=200 a=4.2 planted", "ksat:n=200,alpha=4.2,planted=true,seed=1"),
        SuiteInstance("3-xorsat n=200 a=0.8", "xorsat:n=200,alpha=0.8,seed=1"),
    ),
    budgets=(10, 30, 100, 300, 1000),
    seeds=16,
    baselines={
        "ksat": (
            Tunable("metropolis", grid={"T": (0.2, 0.3, 0.5)}),
            Tunable("anneal", {"beta0": 0.5}, {"beta1": (3.0, 10.0)}),
            Tunable("walksat", grid={"noise": (0.3, 0.5, 0.7)}),
        ),
        "xorsat": (
            Tunable("metropolis", grid={"T": (0.2, 0.3, 0.5)}),
            Tunable("anneal", {"beta0": 0.5}, {"beta1": (3.0, 10.0)}),
            Tunable("focused-metropolis", grid={"eta": (0.2, 0.3, 0.5)}),
        ),
    },
)

PERCEPTRON = Suite(
    name="perceptron",
    version="1",
    description="binary perceptrons with a teacher (reference: the teacher classifies every pattern, energy 0), "
    "n = 201 at alpha = 0.3 and 0.6",
    instances=(
        SuiteInstance("perceptron n=201 a=0.3", "perceptron:n=201,alpha=0.3,seed=1"),
        SuiteInstance("perceptron n=201 a=0.6", "perceptron:n=201,alpha=0.6,seed=1"),
    ),
    budgets=(10, 30, 100, 300, 1000),
    seeds=16,
    baselines={
        "perceptron": (
            Tunable("metropolis", grid={"T": (0.2, 0.5, 1.0)}),
            Tunable("anneal", {"beta0": 0.5}, {"beta1": (3.0, 10.0)}),
        ),
    },
)


def _shipped(collection: str) -> tuple[SuiteInstance, ...]:
    return tuple(SuiteInstance(name, name) for name, e in CATALOG.items() if e.collection == collection)


UNIT_MAXCUT_BASELINES = (
    Tunable("metropolis", grid={"T": (0.5, 1.0, 2.0)}),
    Tunable("anneal", {"beta0": 0.1}, {"beta1": (2.0, 4.0, 8.0)}),
    Tunable("parallel-tempering", {"T_max": 3.0, "replicas": 16}, {"T_min": (0.3, 0.6)}),
)

GSET = Suite(
    name="gset",
    version="1",
    description="Gset Max-Cut graphs G1, G14, G22, G43 (Helmberg & Ye, unit weights), as distributed; reference: "
    "minus the best known cut (Benlic & Hao 2013), a bound that may still move",
    instances=_shipped("gset"),
    budgets=(100, 300, 1000, 3000),
    seeds=8,
    baselines={"maxcut": UNIT_MAXCUT_BASELINES},
)

SATLIB = Suite(
    name="satlib",
    version="1",
    description="SATLIB uniform random 3-SAT: the satisfiable uf20 and uf50 files (reference 0); the uuf50 files, "
    "unsatisfiable, are in the library (benchsuite instances list) but not scored: their minimum is not known",
    instances=tuple(i for i in _shipped("satlib") if i.spec.startswith("uf")),
    budgets=(10, 30, 100, 300, 1000),
    seeds=16,
    baselines={"ksat": SAT.baselines["ksat"]},
)

DIMACS_COL = Suite(
    name="dimacs-col",
    version="1",
    description="DIMACS colouring graphs (myciel3-5, queen5_5, anna, le450_15a) with q = the chromatic number "
    "(Trick's COLOR table); reference 0, a proper chi-colouring",
    instances=_shipped("dimacs-col"),
    budgets=(30, 100, 300, 1000, 3000),
    seeds=16,
    baselines={"coloring": SEED1_COLORING.baselines["coloring"]},
)

BIQMAC = Suite(
    name="biqmac",
    version="1",
    description="Biq Mac toroidal spin glasses t2g10_5555 and t3g5_5555 (Liers; Gaussian integer couplings of "
    "order 1e5) as Max-Cut; reference: minus the proven optimal cut (Wiegele 2007); temperatures in weight units",
    instances=_shipped("biqmac"),
    budgets=(100, 300, 1000, 3000),
    seeds=16,
    baselines={
        "maxcut": (
            Tunable("metropolis", grid={"T": (2e4, 5e4, 1e5)}),
            Tunable("anneal", {"beta0": 1e-6}, {"beta1": (1e-4, 3e-4, 1e-3)}),
            Tunable("parallel-tempering", {"T_max": 3e5, "replicas": 16}, {"T_min": (1e4, 3e4)}),
        ),
    },
)

SUITES = {suite.name: suite for suite in (QUICK, SEED1_COLORING, SPIN_GLASS, PLANAR_GLASS, SAT, PERCEPTRON, GSET, SATLIB, DIMACS_COL,
                                          BIQMAC)}  # fmt: skip


def get_suite(name: str) -> Suite:
    """The suite called ``name``; ValidationError listing the known ones otherwise."""
    if name not in SUITES:
        raise ValidationError("suite", f"unknown suite {name!r}; known: {', '.join(SUITES)}")
    return SUITES[name]
