"""Build a dynamics from a ``NAME:key=value,...`` string."""

from __future__ import annotations

from ..errors import SpecError
from ..spec import call_with, parse_spec
from .base import SingleSiteDynamics
from .metropolis import Annealing, HeatBath, Metropolis
from .sgd_like import SGDLike

RULES = {"metropolis": Metropolis, "heat-bath": HeatBath, "anneal": Annealing, "sgd-like": SGDLike}


def make_dynamics(spec: str, **overrides) -> SingleSiteDynamics:
    """``make_dynamics("sgd-like:s=0.5,batch=term,persist=2")``; names: metropolis, heat-bath, anneal, sgd-like.

    Keyword ``overrides`` replace or add parameters (``make_dynamics("sgd-like:batch=term", s=0.7)``).
    """
    name, params = parse_spec(spec, "dynamics")
    if name not in RULES:
        raise SpecError("dynamics", f"unknown dynamics {name!r}; known: {', '.join(RULES)}")
    return call_with(RULES[name], {**params, **overrides}, "dynamics", name)
