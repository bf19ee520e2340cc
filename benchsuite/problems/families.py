"""The registry of problem families: name -> generator, and problem class -> family (for loading)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

from ..errors import SpecError
from ..registry import Registry, lookup
from ..spec import call_with, parse_spec
from .base import Problem
from .coloring import ColoringProblem, coloring
from .ising import IsingProblem, ising
from .ksat import KSatProblem, ksat
from .maxcut import MaxCutProblem, maxcut
from .perceptron import PerceptronProblem, perceptron
from .xorsat import XorSatProblem, xorsat

FAMILIES = Registry("problem")
PROBLEM_CLASSES: dict[str, type[Problem]] = {}


def register_family(name: str, generator: Callable[..., Problem], problem_class: type[Problem],
                    *, replace: bool = False) -> None:  # fmt: skip
    """Make ``generator`` available as ``name`` (``make_problem("name:k=v")``, the CLI's ``--problem``) and
    ``problem_class`` loadable by :func:`~benchsuite.problems.load_problem` (its ``family`` must be ``name``)."""
    if not (isinstance(problem_class, type) and issubclass(problem_class, Problem)):
        raise SpecError("family", f"problem_class must be a Problem subclass, got {problem_class!r}")
    if problem_class.family != name:
        raise SpecError("family", f"{problem_class.__name__}.family is {problem_class.family!r}, not {name!r}")
    FAMILIES.register(name, generator, replace=replace)
    PROBLEM_CLASSES[name] = problem_class


for _name, _generator, _cls in [
    ("coloring", coloring, ColoringProblem),
    ("ising", ising, IsingProblem),
    ("ksat", ksat, KSatProblem),
    ("xorsat", xorsat, XorSatProblem),
    ("perceptron", perceptron, PerceptronProblem),
    ("maxcut", maxcut, MaxCutProblem),
]:
    register_family(_name, _generator, _cls)


def make_problem(spec: str, seed: int = 0) -> Problem:
    """``make_problem("coloring:n=5000,q=5,c=10", seed=1)`` or ``make_problem("mymodule:my_family:n=100")``.

    A ``seed=`` key in the spec overrides ``seed`` (passed only to generators that take one).  An attribute
    that already is a Problem instance is returned as it is (it takes no parameters), and so is a shipped
    instance of :mod:`benchsuite.library` (``G1``, ``uf20-01``, ``myciel3``, ``t2g10_5555``).  A name that is a file
    path (``instances/uf20-01.cnf``, ``myciel3.col:q=4``, ``saved.npz``) is read by
    :func:`~benchsuite.problems.formats.read_instance`, which takes ``format`` and ``q``.
    """
    name, params = parse_spec(spec, "problem", known=FAMILIES.__contains__)
    if name not in FAMILIES:
        from ..library import CATALOG  # imported here: the library reads its files through this module
        from .formats import read_instance

        if name in CATALOG:
            if params:
                raise SpecError("problem", f"{name} is a shipped instance; it takes no parameters")
            return CATALOG[name].build()
        if names_a_file(name):
            return call_with(read_instance, {"path": name, **params}, "problem", name)
    target = lookup(FAMILIES, name)
    if isinstance(target, Problem):
        if params:
            raise SpecError("problem", f"{name} is an instance; it takes no parameters")
        return target
    return _generate(target, params, seed, name)


def names_a_file(name: str) -> bool:
    """Whether a spec's name is a file path rather than a family: it holds a path separator, ends with an
    instance file suffix or is an existing file."""
    from .formats import SUFFIXES  # imported here: the readers load instances through this module

    return "/" in name or "\\" in name or Path(name).suffix.lower() in SUFFIXES or Path(name).is_file()


def regenerate(family: str, params: dict, seed: int | None) -> Problem:
    """The instance that the registered generator of ``family`` makes from ``params`` and ``seed`` (what a
    problem's provenance claims); SpecError when they are not its arguments."""
    if "seed" in params:
        raise SpecError("params", "must not hold the seed: it is recorded beside them")
    return _generate(FAMILIES.get(family), dict(params), seed, family)


def _generate(target, params: dict, seed: int | None, name: str) -> Problem:
    if callable(target) and "seed" in _parameters(target) and seed is not None:
        params.setdefault("seed", seed)
    problem = call_with(target, params, "problem", name)
    if not isinstance(problem, Problem):
        raise SpecError("problem", f"{name} returned a {type(problem).__name__}, not a Problem")
    return problem


def _parameters(func) -> set[str]:
    try:
        return set(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return set()
