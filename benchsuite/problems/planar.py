"""Exact ground states of planar Ising models without fields, e.g. 2-D Edwards-Anderson glasses with open
boundaries (``ising:model=ea2d,L=..,boundary=open``), by a minimum-weight perfect matching on the dual graph
(Barahona, J. Phys. A 15, 3241 (1982); Schraudolph & Kamenetsky, NIPS 2008).

The solver is dwave-samplers' ``PlanarGraphSolver``, an optional extra (``pip install 'benchsuite[planar]'``).
It matches with networkx's pure-Python blossom algorithm, so its time grows about as n^2 (L = 16: 6 s,
L = 24: 28 s on this project's 2-core machine), and its recursive walk over the cut overflows Python's stack
near a thousand spins (a RecursionError at L = 32): instances are limited to ``MAX_PLANAR_SPINS``.  It serves
to compute shipped references once (:mod:`benchsuite.experiment.references`), not at scoring time.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import ValidationError
from .interop import optional_module, to_bqm
from .ising import IsingProblem

MAX_PLANAR_SPINS = 625  # L = 25; the solver's recursion fails near 1000 spins (L = 32)


def why_not_planar(problem) -> str | None:
    """Why the planar solver cannot take ``problem``, or None when it can: an Ising (or Max-Cut) instance
    without fields, on a connected planar graph of 3 to ``MAX_PLANAR_SPINS`` spins."""
    if not isinstance(problem, IsingProblem):
        return f"the planar solver takes Ising and Max-Cut instances, not {problem.family}"
    if np.any(problem.fields):
        return "the planar solver needs zero fields (a field is an edge to a ghost spin, which breaks planarity)"
    if not 3 <= problem.n <= MAX_PLANAR_SPINS:
        return f"the planar solver takes 3 to {MAX_PLANAR_SPINS} spins, got {problem.n}"
    edges = problem.edges
    adjacency = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(problem.n, problem.n))
    if connected_components(adjacency, directed=False)[0] != 1:
        return "the planar solver needs a connected graph: solve each component apart"
    nx = optional_module("networkx", "networkx")
    if not nx.check_planarity(nx.Graph(edges.tolist()))[0]:
        return "its graph is not planar (nor is a periodic lattice: it is a torus)"
    return None


def planar_ground_state(problem: IsingProblem) -> tuple[float, np.ndarray]:
    """The ground-state energy of ``problem`` (its own convention, offset included) and a ground state (int8
    +-1 spins); a problem the solver cannot take (:func:`why_not_planar`) is a ValidationError naming
    ``problem``."""
    reason = why_not_planar(problem)
    if reason is not None:
        raise ValidationError("problem", reason)
    samplers = optional_module("dwave.samplers", "'benchsuite[planar]'")
    sample = samplers.PlanarGraphSolver().sample(to_bqm(problem)).first.sample
    names = list(problem.variable_labels) if problem.variable_labels is not None else list(range(problem.n))
    spins = np.array([sample[v] for v in names], dtype=np.int8)
    return problem.energy(spins), spins
