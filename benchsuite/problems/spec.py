"""Build a problem from a ``FAMILY:key=value,...`` string."""

from __future__ import annotations

from ..errors import SpecError
from ..spec import call_with, parse_spec
from .base import PairwiseProblem
from .coloring import coloring
from .ising import ising

FAMILIES = {"coloring": coloring, "ising": ising}


def make_problem(spec: str, seed: int = 0) -> PairwiseProblem:
    """``make_problem("coloring:n=5000,q=5,c=10", seed=1)``; a ``seed=`` key in the spec overrides ``seed``."""
    family, params = parse_spec(spec, "problem")
    if family not in FAMILIES:
        raise SpecError("problem", f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    params.setdefault("seed", seed)
    return call_with(FAMILIES[family], params, "problem", family)
