"""What ``benchsuite instances`` prints: an instance described as strict JSON, and the shipped catalog."""

from __future__ import annotations

from typing import Any

from ..problems.base import Problem, Reference
from .catalog import CATALOG, catalog_reference


def known_reference(problem: Problem) -> Reference | None:
    """The reference a problem carries (a planted ground state) or that the catalog gives it, else None."""
    return problem.references.get("ground_state_energy") or catalog_reference(problem)


def describe(problem: Problem, name: str | None = None) -> dict[str, Any]:
    """``family``, ``n_vars``, ``n_terms``, ``instance_id``, ``reference`` (value, method, source; null when
    none is known without a search), ``params`` and ``seed`` (null for an instance read from a file)."""
    ref = known_reference(problem)
    out = {
        "name": name,
        "family": problem.family,
        "n_vars": problem.n,
        "n_terms": problem.m,
        "instance_id": problem.instance_id,
        "reference": None if ref is None else {"value": ref.value, "method": ref.method, "source": ref.source},
        "params": problem.params,
        "seed": problem.seed,
    }
    if problem.family == "coloring":
        out["q"] = problem.q
    return out


def catalog_rows() -> list[dict[str, Any]]:
    """Every shipped instance described, with its collection, in catalog order."""
    return [describe(entry.build(), name) | {"collection": entry.collection} for name, entry in CATALOG.items()]
