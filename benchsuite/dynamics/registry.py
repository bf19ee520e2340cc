"""The registry of dynamics: name -> class (or factory), and ``make_dynamics`` for spec strings."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import SpecError
from ..registry import Registry, lookup
from ..spec import call_with, parse_spec
from .base import Dynamics, KernelDynamics, supports_replicas
from .focused import FocusedMetropolis
from .metropolis import Annealing, HeatBath, Metropolis
from .sgd_like import SGDLike
from .tempering import ParallelTempering
from .walksat import WalkSAT

DYNAMICS = Registry("dynamics")
for _cls in (Metropolis, HeatBath, Annealing, SGDLike, ParallelTempering, WalkSAT, FocusedMetropolis):
    DYNAMICS.register(_cls.name, _cls)


def register_dynamics(name: str, factory: Callable[..., Dynamics], *, replace: bool = False) -> None:
    """Make ``factory`` (a Dynamics class or a function returning one) available as ``name`` in
    ``make_dynamics`` and the CLI's ``--dynamics``."""
    DYNAMICS.register(name, factory, replace=replace)


def make_dynamics(spec: str, **overrides) -> Dynamics:
    """``make_dynamics("sgd-like:s=0.5,batch=term,persist=2")`` or ``make_dynamics("mymodule:MyRule:k=3")``.

    Keyword ``overrides`` replace or add parameters (``make_dynamics("sgd-like:batch=term", s=0.7)``).  An
    attribute that already is a dynamics object is returned as it is (it takes no parameters).
    """
    name, params = parse_spec(spec, "dynamics", known=DYNAMICS.__contains__)
    target = lookup(DYNAMICS, name)
    params = {**params, **overrides}
    if isinstance(target, Dynamics) and not isinstance(target, type):
        if params:
            raise SpecError("dynamics", f"{name} is an instance; it takes no parameters")
        return target
    dynamics = call_with(target, params, "dynamics", name)
    if not isinstance(dynamics, Dynamics):
        raise SpecError("dynamics", f"{name} made a {type(dynamics).__name__}, which lacks name, params, init or step")
    if isinstance(dynamics, KernelDynamics) and (
        (type(dynamics).advance is KernelDynamics.advance and not supports_replicas(dynamics))
        or type(dynamics).params is KernelDynamics.params
    ):
        raise SpecError("dynamics", f"{name} is an abstract base: a subclass implements params() and advance() "
                                    "(or advance_replicas())")  # fmt: skip
    return dynamics
