"""Score an algorithm on a suite: plan every cell (training and scored), compute them once, tune, and compare.

For each suite instance, the algorithm and each baseline of the instance's family are :class:`~.tuning.Tunable`.
A tunable with a grid runs every grid point on the instance's training twins (the suite's ``tuning_seeds``)
and on the instance itself (the scoring ``seeds``); the recommended point, chosen on the twins, is the one
scored, and the oracle, the best point on the instance, stands beside it.  A tunable without a grid is one
point, scored as it is.  All cells go through one :func:`~.grid.compute_grid`, so that a rerun reuses every
cell, training ones included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ValidationError
from ..score.quantiles import instance_quantiles
from ..score.sampling import SamplingQuality, sampling_quality
from ..score.scorecard import Metric, metrics
from ..score.tempering import TemperingDiagnostics, tempering_diagnostics
from .algorithm import Outcome
from .grid import Cell, GridRun, compute_grid, plan_cells
from .store import Snapshot, Store
from .suites import Suite, SuiteInstance
from .teff_baseline import TeffMeasurement, measure
from .tuning import Choice, Tunable, choose, objectives_from_store


@dataclass(frozen=True)
class Plan:
    """The cells of a scoring run, and which of them decide each (instance, tunable)."""

    suite: Suite
    algorithm: Tunable
    seeds: int
    budgets: tuple[int, ...]
    cells: tuple[Cell, ...]
    entries: tuple[tuple[SuiteInstance, Tunable, tuple[Cell, ...], tuple[Cell, ...]], ...]  # (.., training, scored)
    effective_temperatures: tuple[TeffMeasurement, ...] = ()


def plan_score(
    suite: Suite,
    algorithm: Tunable,
    seeds: int,
    budgets: Sequence[int],
    at_teff: bool = False,
    store: Store | None = None,
    compute: bool = True,
) -> Plan:
    """Every cell of scoring ``algorithm`` on ``suite`` (see the module notes); with ``at_teff``, each instance
    also gets Metropolis at the algorithm's effective temperature (:mod:`.teff_baseline`; the algorithm must
    then be a single point, not a grid), measured once and kept in ``store`` when one is given
    (``compute=False``: read from it only, as a report does)."""
    if at_teff:
        check_at_teff(algorithm)
    entries, everything, measured = [], {}, []
    for entry in suite.instances:
        family = entry.build().family
        extra = []
        if at_teff:
            measured.append(measure(entry, algorithm.points()[0], store, compute))
            extra = [b for b in [measured[-1].baseline(algorithm.points()[0])] if b is not None]
        tunables = {t.label: t for t in (algorithm, *suite.baselines_for(family), *extra)}  # the algorithm may be one
        for tunable in tunables.values():
            points = tunable.points()
            scored = plan_cells([entry], points, seeds, budgets)
            if not scored:
                continue  # the algorithm skips this instance
            training = (
                plan_cells(suite.training_twins(entry), points, suite.tuning_seeds, budgets) if len(points) > 1 else []
            )
            entries.append((entry, tunable, tuple(training), tuple(scored)))
            everything.update((c.key.digest, c) for c in (*training, *scored))
    return Plan(suite, algorithm, seeds, tuple(budgets), tuple(everything.values()), tuple(entries), tuple(measured))


def check_at_teff(algorithm: Tunable) -> None:
    """The at-T_eff baseline needs one point: ValidationError for a grid."""
    if len(algorithm.points()) > 1:
        raise ValidationError("at_teff", "Metropolis at the T_eff of a grid of points is not defined: give one "
                                         "point (no --tune) to get this baseline")  # fmt: skip


@dataclass(frozen=True)
class Score:
    """What a scoring run found: the grid run, the choice per (instance label, tunable label), the metrics
    of the scored points (recommended and oracle), the scorecard rows, the suite summary, the
    parallel-tempering diagnostics of scored points at the largest budget and the exact sampling quality of
    scored points on enumerable instances (:mod:`benchsuite.score.sampling`); ``outcomes`` holds the results
    of every cell of the plan, read from the store once."""

    plan: Plan
    run: GridRun
    outcomes: Snapshot
    choices: dict[tuple[str, str], Choice]
    results: list[Metric]
    scorecard: list[dict[str, Any]]
    summary: list[Metric]
    tempering: list[TemperingDiagnostics]
    sampling: list[SamplingQuality]

    def to_dict(self) -> dict[str, Any]:
        suite = self.plan.suite
        return {
            "suite": suite.name, "suite_version": suite.version, "algorithm": self.plan.algorithm.label,
            "budgets": list(self.plan.budgets), "seeds": self.plan.seeds, "tuning_seeds": suite.tuning_seeds,
            "training_seeds": list(suite.training_seeds), "cells": self.run.cells, "computed": self.run.computed,
            "reused": self.run.reused, "scorecard": self.scorecard,
            "suite_summary": [m.to_dict() for m in self.summary],
            "effective_temperatures": [t.to_dict() for t in self.plan.effective_temperatures],
            "tuning": [{"instance": i, "tunable": t, **c.to_dict()} for (i, t), c in self.choices.items()],
            "tempering": [d.to_dict() for d in self.tempering],
            "sampling_quality": [q.to_dict() for q in self.sampling],
            "results": [m.to_dict() for m in self.results],
        }  # fmt: skip


def score(plan: Plan, store: Store, **grid_options) -> Score:
    """Compute the plan's missing cells into ``store`` (``grid_options`` go to :func:`~.grid.compute_grid`),
    then tune and compare (:func:`evaluate`)."""
    return evaluate(plan, store, compute_grid(list(plan.cells), store, **grid_options))


def evaluate(plan: Plan, store: Store, run: GridRun | None = None) -> Score:
    """Tune and compare from the store alone: nothing is computed, and every cell of the plan must be there
    (``run``: what the computation did, when it just happened)."""
    if run is None:
        missing = len(store.missing(c.key for c in plan.cells))
        if missing:
            raise ValidationError("store", f"{missing} of the plan's {len(plan.cells)} cells are not in {store.path}; "
                                           "run benchsuite score with the same arguments first")  # fmt: skip
        run = GridRun(len(plan.cells), 0, len(plan.cells))
    outcomes = store.read(c.key for c in plan.cells)
    labels = {entry.spec: entry.label for entry in plan.suite.instances}
    choices: dict[tuple[str, str], Choice] = {}
    scored_cells: list[Cell] = []
    tempering: list[TemperingDiagnostics] = []
    sampling: list[SamplingQuality] = []
    for entry, tunable, training, scored in plan.entries:
        points = tunable.points()
        on_instance = objectives_from_store(scored, outcomes)
        on_training = objectives_from_store(training, outcomes) if training else on_instance
        choice = Choice(tunable, choose(points, on_training), choose(points, on_instance),
                        on_training if training else {}, on_instance)  # fmt: skip
        choices[(entry.label, tunable.label)] = choice
        keep = {choice.recommended, choice.oracle}
        scored_cells += [c for c in scored if c.algorithm in keep]
        for spec in dict.fromkeys((choice.recommended, choice.oracle)):
            last = [Outcome.from_dict(outcomes.get(c.key)) for c in scored
                    if c.algorithm == spec and c.key.budget == plan.budgets[-1]]  # fmt: skip
            found = tempering_diagnostics(entry.label, spec, last)
            tempering += [found] if found is not None else []
            quality = sampling_quality(entry.spec, entry.label, spec)
            sampling += [quality] if quality is not None else []
    results = metrics(scored_cells, outcomes, labels) + [m for q in sampling for m in q.metrics()]
    results += _measured_teff(plan)
    scorecard = _scorecard(plan, choices, results)
    summary = _summary(plan, choices, outcomes)
    return Score(plan, run, outcomes, choices, results, scorecard, summary, tempering, sampling)


def _measured_teff(plan: Plan) -> list[Metric]:
    """The algorithm's effective temperature on each instance where ``at_teff`` measured it (metric
    ``t_eff``, with the measurement's interval and where it was measured)."""
    point = plan.algorithm.points()[0]
    return [Metric(t.instance, point, "t_eff", t.t_eff, t.low, t.high, f"measured on {t.measured_on}")
            for t in plan.effective_temperatures if t.t_eff is not None]  # fmt: skip


def _summary(plan: Plan, choices: dict[tuple[str, str], Choice], outcomes: Snapshot) -> list[Metric]:
    """Instance quantiles of TTS99 for each tunable, over the instances it was scored on (its chosen point
    on each), with a bootstrap over instances and runs (:mod:`benchsuite.score.quantiles`)."""
    budgets = list(plan.budgets)
    per_tunable: dict[str, list[np.ndarray]] = {}
    for entry, tunable, _, scored in plan.entries:
        chosen = choices[(entry.label, tunable.label)].recommended
        hits = np.zeros((plan.seeds, len(budgets)), dtype=bool)
        for cell in scored:
            if cell.algorithm == chosen:
                hits[cell.key.seed, budgets.index(cell.key.budget)] = outcomes.get(cell.key)["hit_sweep"] is not None
        per_tunable.setdefault(tunable.label, []).append(hits)
    return [m for label, groups in per_tunable.items() for m in instance_quantiles(label, budgets, groups)]


def _role(choice: Choice) -> str:
    """``recommended`` (chosen on training twins, or the only point), or ``oracle`` (a grid chosen on the scored
    instance itself, which has no training twins)."""
    return "oracle" if not choice.training and len(choice.tunable.points()) > 1 else "recommended"


def _scorecard(plan: Plan, choices: dict[tuple[str, str], Choice], results: list[Metric]) -> list[dict[str, Any]]:
    """Each metric of the algorithm's recommended point on each instance beside each baseline's recommended
    and oracle points (one row with baseline null when the instance has no baseline)."""
    index = {(m.instance, m.algorithm, m.metric): m for m in results}
    rows = []
    for entry in plan.suite.instances:
        mine = choices.get((entry.label, plan.algorithm.label))
        if mine is None:
            continue
        others = [c for (label, t), c in choices.items() if label == entry.label and t != plan.algorithm.label]
        for m in results:
            if m.instance != entry.label or m.algorithm != mine.recommended:
                continue
            pairs = [(c.recommended, "at_teff" if c.tunable.role else _role(c)) for c in others]
            pairs += [(c.oracle, "oracle") for c in others if c.oracle != c.recommended]
            filled = [(spec, role, index.get((m.instance, spec, m.metric))) for spec, role in pairs]
            filled = [f for f in filled if f[2] is not None]
            for spec, role, other in filled or [(None, None, None)]:
                rows.append({**m.to_dict(), "baseline": spec, "baseline_role": role,
                             "baseline_value": None if other is None else other.value})  # fmt: skip
    return rows
