"""To and from ``dimod.BinaryQuadraticModel`` and networkx graphs (optional extras, imported when used).

Sign convention: dimod's SPIN energy is ``sum_i h_i s_i + sum_ij J_ij s_i s_j + offset``; this package's Ising
energy is ``-sum J s_i s_j - sum h s_i``, so a BQM's biases enter with their sign flipped and its offset is the
problem's ``offset``.  A BINARY BQM (x in {0, 1}) is converted to SPIN with x = (1 + s) / 2, the same energies
on corresponding configurations.  Variable labels are kept (``variable_labels``) and given back; variables are
numbered in the BQM's (or graph's) order.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ..errors import ValidationError
from .base import Problem
from .coloring import ColoringProblem
from .ising import IsingProblem
from .maxcut import MaxCutProblem

GRAPH_FAMILIES = ("maxcut", "coloring", "ising")


def optional_module(name: str, extra: str):
    """The module ``name``, or a ValidationError naming ``problem`` that says ``pip install extra``."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ValidationError("problem", f"this needs {name}: pip install {extra}") from exc


def _labels(nodes: list) -> tuple | None:
    """The labels, unless they are 0..n-1 already (then none are kept)."""
    return None if nodes == list(range(len(nodes))) else tuple(nodes)


def as_problem(value) -> Problem:
    """``value`` if it is a Problem, the Ising problem of a dimod BQM; a networkx graph is refused with how to
    convert it (a graph alone does not say which problem it is)."""
    if isinstance(value, Problem):
        return value
    module = type(value).__module__.split(".")[0]
    if module == "dimod":
        return from_bqm(value)
    if module == "networkx":
        raise ValidationError("problem", "a graph does not say which problem it is: use benchsuite.problems.interop."
                                         "from_networkx(graph, family='maxcut' | 'ising' | 'coloring', q=...)")  # fmt: skip
    raise ValidationError("problem", f"must be a problem instance (or a dimod BQM), got {type(value).__name__}")


def from_bqm(bqm) -> IsingProblem:
    """The Ising problem whose energy equals ``bqm.energy`` on every spin configuration (see the module notes)."""
    dimod = optional_module("dimod", "dimod")
    if not isinstance(bqm, dimod.BinaryQuadraticModel):
        raise ValidationError("bqm", f"must be a dimod.BinaryQuadraticModel, got {type(bqm).__name__}")
    spin = bqm if bqm.vartype is dimod.SPIN else bqm.change_vartype(dimod.SPIN, inplace=False)
    nodes = list(spin.variables)
    if len(nodes) < 1:
        raise ValidationError("bqm", "has no variables")
    index = {v: i for i, v in enumerate(nodes)}
    quadratic = [(index[u], index[v], bias) for (u, v), bias in spin.quadratic.items() if bias != 0]
    edges = np.array([(i, j) for i, j, _ in quadratic], dtype=np.int64).reshape(-1, 2)
    couplings = -np.array([b for _, _, b in quadratic], dtype=np.float64)
    fields = -np.array([spin.linear[v] for v in nodes], dtype=np.float64)
    problem = IsingProblem.from_edges(len(nodes), edges, couplings, fields)
    return _relabelled(problem, float(spin.offset), _labels(nodes))


def to_bqm(problem: IsingProblem):
    """The SPIN ``dimod.BinaryQuadraticModel`` whose energy equals ``problem.energy`` (Max-Cut included: its
    constant -W/2 joins the offset); labels are the problem's ``variable_labels`` or 0..n-1."""
    dimod = optional_module("dimod", "dimod")
    if not isinstance(problem, IsingProblem):
        raise ValidationError("problem", f"only Ising and Max-Cut instances convert to a BQM, not {problem.family}")
    names = list(problem.variable_labels) if problem.variable_labels is not None else list(range(problem.n))
    quadratic = {(names[a], names[b]): -float(j) for (a, b), j in zip(problem.edges.tolist(), problem.couplings)}
    linear = {names[i]: -float(h) for i, h in enumerate(problem.fields)}
    return dimod.BinaryQuadraticModel(linear, quadratic, problem.constant + problem.offset, dimod.SPIN)


def from_networkx(graph, family: str = "maxcut", weight: str = "weight", q: int | None = None) -> Problem:
    """A problem on a networkx graph: ``maxcut`` (edge attribute ``weight``, default 1), ``ising`` (J from
    ``weight``, default 1) or ``coloring`` (``q`` colours).  Nodes become variables in the graph's order; edges
    become terms in the order of an integer ``term`` attribute when every edge has one (as
    :func:`to_networkx` writes), else in the graph's order."""
    nx = optional_module("networkx", "networkx")
    if not isinstance(graph, nx.Graph) or graph.is_directed() or graph.is_multigraph():
        raise ValidationError("graph", f"must be an undirected simple networkx.Graph, got {type(graph).__name__}")
    if family not in GRAPH_FAMILIES:
        raise ValidationError("family", f"must be one of {', '.join(GRAPH_FAMILIES)}, got {family!r}")
    if (q is None) != (family != "coloring"):
        raise ValidationError("q", "give q (the number of colours) for coloring, and only for coloring")
    nodes = list(graph.nodes)
    if len(nodes) < 2:
        raise ValidationError("graph", "needs at least two nodes")
    index = {v: i for i, v in enumerate(nodes)}
    listed = list(graph.edges(data=True))
    if listed and all(isinstance(d.get("term"), int) for _, _, d in listed):
        listed.sort(key=lambda e: e[2]["term"])  # the term order to_networkx recorded
    edges = np.array([(index[u], index[v]) for u, v, _ in listed], dtype=np.int64).reshape(-1, 2)
    values = np.array([_weight(d, weight) for _, _, d in listed], dtype=np.float64)
    if family == "maxcut":
        problem: Problem = MaxCutProblem.from_edges(len(nodes), edges, values)
    elif family == "ising":
        problem = IsingProblem.from_edges(len(nodes), edges, values)
    else:
        problem = ColoringProblem.from_edges(len(nodes), edges, q)
    return _relabelled(problem, 0.0, _labels(nodes))


def _weight(data: dict[str, Any], key: str) -> float:
    value = data.get(key, 1.0)
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValidationError("weight", f"edge attribute {key!r} must be a number, got {value!r}")
    return float(value)


def to_networkx(problem: Problem):
    """The graph of a pairwise problem (Max-Cut, Ising without fields, colouring): nodes are the variable labels,
    edges carry ``term`` (their term number) and ``weight`` (Max-Cut weights, Ising couplings J; none for
    colouring)."""
    nx = optional_module("networkx", "networkx")
    if not isinstance(problem, IsingProblem | ColoringProblem) or (
        isinstance(problem, IsingProblem) and np.any(problem.fields)
    ):
        raise ValidationError("problem", f"only graphs convert (Max-Cut, field-free Ising, colouring), not this "
                                         f"{problem.family} instance")  # fmt: skip
    names = list(problem.variable_labels) if problem.variable_labels is not None else list(range(problem.n))
    graph = nx.Graph()
    graph.add_nodes_from(names)
    edges = problem.edges.tolist()
    if isinstance(problem, ColoringProblem):
        graph.add_edges_from((names[a], names[b], {"term": t}) for t, (a, b) in enumerate(edges))
    else:
        values = problem.weights if isinstance(problem, MaxCutProblem) else problem.couplings
        graph.add_edges_from((names[a], names[b], {"term": t, "weight": float(w)})
                             for t, ((a, b), w) in enumerate(zip(edges, values)))  # fmt: skip
    return graph


def _relabelled(problem: Problem, offset: float, labels: tuple | None) -> Problem:
    if not offset and labels is None:
        return problem
    import dataclasses

    return dataclasses.replace(problem, offset=offset, variable_labels=labels)
