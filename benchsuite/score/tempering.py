"""Parallel-tempering diagnostics of scored runs: the ladder, swap acceptance per neighbouring pair and round trips.

Read from the ``diagnostics`` of each run's :class:`~benchsuite.experiment.algorithm.Outcome` (what
:meth:`benchsuite.dynamics.tempering.TemperingState.diagnostics` reports), over the runs of one budget.  A
pair whose swap acceptance is near zero cuts the ladder in two: replicas above it never reach the lowest
temperature, and round trips stop.  The mean round-trip time is the rounds one replica needs per round trip,
``R x rounds / round trips`` pooled over runs (Syed et al. 2022, arXiv:1905.02939, use the round-trip rate
to compare ladders); it is None when no replica completed one, which says that the ladder does not mix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..experiment.algorithm import Outcome


@dataclass(frozen=True)
class TemperingDiagnostics:
    """Diagnostics of one (instance, algorithm) at one budget over ``runs`` runs: the mean end ladder
    (temperatures, coldest first; with ``adapt`` each run fits its own), the mean swap acceptance of each
    pair (coldest pair first; None for a pair no run attempted), mean round trips per run and the mean
    round-trip time in rounds (None: no round trip in any run)."""

    instance: str
    algorithm: str
    budget: int
    runs: int
    temperatures: list[float]
    swap_acceptance: list[float | None]
    round_trips: float
    round_trip_rounds: float | None

    @property
    def lowest_swap_acceptance(self) -> float | None:
        rates = [a for a in self.swap_acceptance if a is not None]
        return min(rates) if rates else None

    def to_dict(self) -> dict[str, Any]:
        return {"instance": self.instance, "algorithm": self.algorithm, "budget": self.budget, "runs": self.runs,
                "temperatures": self.temperatures, "swap_acceptance": self.swap_acceptance,
                "lowest_swap_acceptance": self.lowest_swap_acceptance, "round_trips": self.round_trips,
                "round_trip_rounds": self.round_trip_rounds}  # fmt: skip


def tempering_diagnostics(instance: str, algorithm: str, outcomes: Sequence[Outcome]) -> TemperingDiagnostics | None:
    """The diagnostics of ``outcomes`` (runs of one budget), or None when they are not parallel-tempering
    runs (no ``swap_acceptance`` in their diagnostics)."""
    reports = [o.diagnostics for o in outcomes if o.diagnostics and "swap_acceptance" in o.diagnostics]
    if not reports or len(reports) != len(outcomes):
        return None
    temperatures = np.mean([r["temperatures"] for r in reports], axis=0)
    pairs = len(reports[0]["swap_acceptance"])
    acceptance = []
    for k in range(pairs):
        seen = [r["swap_acceptance"][k] for r in reports if r["swap_acceptance"][k] is not None]
        acceptance.append(float(np.mean(seen)) if seen else None)
    trips = sum(r["round_trips"] for r in reports)
    replica_rounds = sum(len(r["temperatures"]) * r["rounds"] for r in reports)
    return TemperingDiagnostics(
        instance=instance,
        algorithm=algorithm,
        budget=outcomes[0].budget,
        runs=len(reports),
        temperatures=[float(t) for t in temperatures],
        swap_acceptance=acceptance,
        round_trips=trips / len(reports),
        round_trip_rounds=replica_rounds / trips if trips else None,
    )
