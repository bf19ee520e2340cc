"""Fair tuning: an algorithm's parameters are chosen on training instances, never on the instance it is scored on.

A :class:`Tunable` is an algorithm with a grid of values for some of its parameters.  Each suite instance
has *training twins*: the same generator and parameters with other generator seeds (the suite's
``training_seeds``).  Every grid point runs on the twins (the suite's ``tuning_seeds`` runs per budget, the
suite's budgets), and the *recommended* point is the one with the lowest objective there; the *oracle* is
the best point on the scored instance itself, measured with the scoring runs (a bound on what tuning could
give, shown beside the recommendation, never in its place).

Objective of a grid point on a set of instances, lowest first: the median over the instances of the time
to solution (TTS99 in sweeps at the best budget; infinite where no run reached the target), then the mean
residual energy per variable at the largest budget (so that points which never succeed are still ranked).
Ties go to the earlier point of the grid.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..dynamics.registry import DYNAMICS
from ..errors import ValidationError
from ..score.metrics import optimal_time_to_solution
from ..spec import parse_spec
from .algorithm import Outcome
from .instances import build_instance
from .store import Snapshot, Store


def format_spec(name: str, params: dict[str, Any]) -> str:
    """``name:key=value,...`` with the keys sorted (the form :func:`~benchsuite.spec.parse_spec` reads)."""
    if not params:
        return name
    text = lambda v: ("true" if v else "false") if isinstance(v, bool) else repr(v) if isinstance(v, float) else str(v)
    return name + ":" + ",".join(f"{k}={text(v)}" for k, v in sorted(params.items()))


@dataclass(frozen=True)
class Tunable:
    """An algorithm ``name`` with ``fixed`` parameters and a ``grid`` of candidate values for others (empty:
    nothing to tune, one point)."""

    name: str
    fixed: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, tuple] = field(default_factory=dict)
    role: str | None = None  # what a baseline made for one instance stands for (e.g. "at T_eff of X")

    def __post_init__(self) -> None:
        for key, values in self.grid.items():
            if key in self.fixed:
                raise ValidationError("grid", f"{key} is both fixed and tuned")
            if not isinstance(values, tuple) or not values:
                raise ValidationError("grid", f"{key}: needs a non-empty tuple of values, got {values!r}")

    @classmethod
    def parse(cls, spec: str, grid: str | None = None) -> Tunable:
        """From an algorithm spec (``sgd-like:batch=term``) and a grid ``"s=0.6,0.7,0.8;persist=1,2"``."""
        if isinstance(spec, str) and spec.startswith("dimod:"):  # dimod:module:Class[:params]
            name, fixed = parse_spec(spec[len("dimod:") :], "algorithm", known=lambda _name: False)
            name = "dimod:" + name
        else:
            name, fixed = parse_spec(spec, "algorithm", known=DYNAMICS.__contains__)
        values: dict[str, tuple] = {}
        for part in (grid or "").split(";"):
            if not part.strip():
                continue
            key, eq, items = part.partition("=")
            key = key.strip()
            if not eq or not key or not items.strip():
                raise ValidationError("tune", f"expected key=v1,v2,... (several joined by ';'), got {part!r}")
            values[key] = tuple(parse_spec(f"grid:{key}={v.strip()}", "tune")[1][key] for v in items.split(","))
        both = sorted(set(fixed) & set(values))
        if both:
            raise ValidationError("tune", f"{', '.join(both)} given both in the algorithm spec and in the grid; "
                                          "give each parameter once")  # fmt: skip
        return cls(name, fixed, values)

    def points(self) -> list[str]:
        """Every grid point as an algorithm spec, in grid order (the last key varies fastest)."""
        keys = list(self.grid)
        return [format_spec(self.name, {**self.fixed, **dict(zip(keys, combo))})
                for combo in itertools.product(*(self.grid[k] for k in keys))]  # fmt: skip

    @property
    def label(self) -> str:
        """The name and fixed parameters, with the tuned ones as ``key=?`` (a role instead of the fixed values)."""
        if self.role:
            return format_spec(self.name, {k: "?" for k in (*self.fixed, *self.grid)}) + f" ({self.role})"
        return format_spec(self.name, {**self.fixed, **{k: "?" for k in self.grid}})

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "fixed": self.fixed, "grid": {k: list(v) for k, v in self.grid.items()},
                "role": self.role}  # fmt: skip


@dataclass(frozen=True)
class Choice:
    """The point chosen for one (instance, tunable): the recommended one (from the training twins) and the
    oracle (from the scored instance), with every point's objective on both."""

    tunable: Tunable
    recommended: str
    oracle: str
    training: dict[str, tuple[float, float]]
    scored: dict[str, tuple[float, float]]

    def to_dict(self) -> dict[str, Any]:
        finite = lambda v: None if math.isinf(v) or math.isnan(v) else v
        table = lambda objectives: {p: {"median_tts99_sweeps": finite(t), "residual_energy": finite(r)}
                                    for p, (t, r) in objectives.items()}  # fmt: skip
        return {"tunable": self.tunable.to_dict(), "recommended": self.recommended, "oracle": self.oracle,
                "training": table(self.training), "scored": table(self.scored)}  # fmt: skip


def objective(runs: dict[str, list[tuple[Outcome, float, int]]]) -> tuple[float, float]:
    """(median TTS99 over instances, mean residual per variable at the largest budget) of one grid point, from
    ``runs[instance] = [(outcome, reference, n), ...]`` over budgets and seeds."""
    times, residuals = [], []
    for outcomes in runs.values():
        by_budget: dict[int, list[Outcome]] = defaultdict(list)
        for outcome, _, _ in outcomes:
            by_budget[outcome.budget].append(outcome)
        budgets = sorted(by_budget)
        counts = {len(by_budget[b]) for b in budgets}
        if len(counts) != 1:
            raise ValidationError("tuning", "every budget needs the same number of runs")
        wins = [sum(o.hit_sweep is not None for o in by_budget[b]) for b in budgets]
        best = optimal_time_to_solution(budgets, wins, counts.pop()).best
        times.append(math.inf if best.value is None else best.value)
        _, reference, n = outcomes[0]
        residuals.append(float(np.mean([(o.best_energy - reference) / n for o in by_budget[budgets[-1]]])))
    return float(np.median(times)), float(np.mean(residuals))


def choose(points: Sequence[str], objectives: dict[str, tuple[float, float]]) -> str:
    """The point with the lowest objective (earliest in ``points`` on ties)."""
    return min(points, key=lambda p: (objectives[p], points.index(p)))


def objectives_from_store(cells, store: Store | Snapshot) -> dict[str, tuple[float, float]]:
    """Objective of every algorithm spec among ``cells`` (all computed) over the instances they cover, read
    from a store or a snapshot of one."""
    runs: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for cell in cells:
        found = store.get(cell.key)
        if found is None:
            raise LookupError(f"cell {cell.key.digest[:12]} ({cell.algorithm} on {cell.instance}) is not in the store")
        runs[cell.algorithm][cell.instance].append((Outcome.from_dict(found), cell.reference,
                                                      build_instance(cell.instance).n))  # fmt: skip
    return {spec: objective(per_instance) for spec, per_instance in runs.items()}
