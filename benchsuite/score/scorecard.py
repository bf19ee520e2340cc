"""The scorecard: metrics with intervals for every (instance, algorithm) of a grid, read from the store alone,
grouped by (instance, algorithm spec); :mod:`benchsuite.experiment.scoring` builds the comparison from them.

Metrics (see :mod:`benchsuite.score.metrics`; ``n`` = variables, the target is the instance's reference):

- ``success@B``: fraction of runs of budget B sweeps that reached the target, with its Jeffreys interval;
- ``tts99_sweeps`` / ``tts99_seconds``: time to solution at 99%, minimised over the budgets (interval from
  p's interval; censored when no run succeeded: value null);
- ``ert_sweeps``: COCO's expected running time to the target over the runs of the largest budget;
- ``residual_energy``: (best energy - reference) / n after the largest budget, mean over seeds with a
  bootstrap interval;
- ``recovery@B``: fraction of runs of budget B whose end state has overlap >= ``RECOVERY`` (0.9) with the
  planted assignment, with its Jeffreys interval (planted instances only);
- ``tts99_recovery_sweeps``: time to recovery at 99%, the TTS99 of the target "end state's overlap >=
  ``RECOVERY``", minimised over the budgets like ``tts99_sweeps`` (planted instances only; a run recovers
  at a budget when its end state does, so there is no in-run hit sweep and no ERT for this target);
- ``overlap``: final overlap with the planted assignment after the largest budget (planted instances only).

Lower is better for every metric but ``success@B``, ``recovery@B`` and ``overlap``.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..experiment.algorithm import Outcome
from ..experiment.grid import Cell
from ..experiment.instances import build_instance
from ..experiment.store import Snapshot, Store
from .metrics import (
    LEVEL,
    expected_running_time,
    hierarchical_bootstrap,
    jeffreys_interval,
    optimal_time_to_solution,
)

RECOVERY = 0.9  # overlap with the planted assignment that counts as recovering it


@dataclass(frozen=True)
class Metric:
    """One metric of one algorithm on one instance; ``value`` None means censored (see ``note``)."""

    instance: str
    algorithm: str
    metric: str
    value: float | None
    low: float | None
    high: float | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"instance": self.instance, "algorithm": self.algorithm, "metric": self.metric,
                "value": self.value, "low": self.low, "high": self.high, "note": self.note}  # fmt: skip


def metrics(cells: Sequence[Cell], store: Store | Snapshot, labels: dict[str, str] | None = None) -> list[Metric]:
    """Every metric of every (instance, algorithm) group of ``cells``, from the outcomes in ``store`` or a
    snapshot of it (all of them must be there).  ``labels`` maps instance specs to the names shown (default: the spec)."""
    groups: dict[tuple[str, str], list[tuple[Cell, Outcome]]] = defaultdict(list)
    for cell in cells:
        found = store.get(cell.key)
        if found is None:
            raise LookupError(f"cell {cell.key.digest[:12]} ({cell.algorithm} on {cell.instance}) is not in the store")
        groups[(cell.instance, cell.algorithm)].append((cell, Outcome.from_dict(found)))
    out: list[Metric] = []
    for (instance, algorithm), runs in groups.items():
        out += _group_metrics((labels or {}).get(instance, instance), algorithm, runs)
    return out


def _group_metrics(instance: str, algorithm: str, runs: list[tuple[Cell, Outcome]]) -> list[Metric]:
    by_budget: dict[int, list[Outcome]] = defaultdict(list)
    for _, outcome in runs:
        by_budget[outcome.budget].append(outcome)
    problem_n = _size(runs[0][0])
    budgets = sorted(by_budget)
    row = lambda metric, value, low, high, note=None: Metric(instance, algorithm, metric, value, low, high, note)
    out = []
    wins = []
    for budget in budgets:
        group = by_budget[budget]
        k = sum(o.hit_sweep is not None for o in group)
        wins.append(k)
        p = jeffreys_interval(k, len(group))
        out.append(row(f"success@{budget}", p.value, p.low, p.high))
    runs_per_budget = {len(by_budget[b]) for b in budgets}
    r = runs_per_budget.pop() if len(runs_per_budget) == 1 else None  # TTS needs the same runs at every budget
    if r is not None:
        out.append(_tts_row(row, "tts99_sweeps", optimal_time_to_solution(budgets, wins, r)))
        seconds = [float(np.mean([o.wall_s for o in by_budget[b]])) for b in budgets]
        if all(s > 0 for s in seconds) and all(b > a for a, b in itertools.pairwise(seconds)):
            out.append(_tts_row(row, "tts99_seconds", optimal_time_to_solution(seconds, wins, r)))
    last = by_budget[budgets[-1]]
    ert = expected_running_time([math.inf if o.hit_sweep is None else o.hit_sweep for o in last],
                                [o.budget for o in last])  # fmt: skip
    out.append(row("ert_sweeps", ert, None, None, None if ert is not None else "censored: no run reached the target"))
    reference = runs[0][0].reference
    residual = np.array([(o.best_energy - reference) / problem_n for o in last])
    iv = hierarchical_bootstrap([residual], lambda g: float(g[0].mean()), level=LEVEL)
    out.append(row("residual_energy", iv.value, iv.low, iv.high))
    if all(o.final_overlap is not None for _, o in runs):
        recovered = []
        for budget in budgets:  # recovery of a planted assignment: the end state's overlap >= RECOVERY
            group = by_budget[budget]
            recovered.append(sum(o.final_overlap >= RECOVERY for o in group))
            p = jeffreys_interval(recovered[-1], len(group))
            out.append(row(f"recovery@{budget}", p.value, p.low, p.high))
        if r is not None:
            out.append(_tts_row(row, "tts99_recovery_sweeps", optimal_time_to_solution(budgets, recovered, r)))
    overlaps = [o.final_overlap for o in last]
    if all(v is not None for v in overlaps):
        iv = hierarchical_bootstrap([np.array(overlaps)], lambda g: float(g[0].mean()), level=LEVEL)
        out.append(row("overlap", iv.value, iv.low, iv.high))
    return out


def _tts_row(row, metric: str, best) -> Metric:
    tts = best.best
    notes = []
    if tts.censored:
        notes.append("censored: no run reached the target at any budget")
    elif best.at_edge and len(best.per_budget) > 1:
        notes.append(f"best budget {tts.budget:.4g} is at the edge of the range tried")
    return row(metric, tts.value, tts.low, tts.high, "; ".join(notes) or None)


def _size(cell: Cell) -> int:
    return build_instance(cell.instance).n
