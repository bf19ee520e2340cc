"""The check kit's instances: small enough to enumerate (at most 3^9 states), chosen so that every path of a
single-site rule runs somewhere.

- fields, so that no global flip maps Boltzmann onto itself (a rule that flips every spin passes every check
  of a field-free glass): a sparse +-J lattice with a uniform field and a Gaussian glass with random fields;
- dense couplings (the SK model's dense kernel layout);
- more than 8 variables (a sweep loop unrolled by 8 that loses a site), q = 3 and q = 4 (a proposal right
  only for q <= 3);
- the constraint families: 3-SAT, 3-XORSAT and the binary perceptron.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..problems import coloring, ising, ksat, perceptron, xorsat
from ..problems.base import Problem
from ..problems.ising import IsingProblem


def _field_glass(n: int, seed: int) -> IsingProblem:
    """Gaussian couplings (standard deviation 1/2) on a random 3-regular graph with Gaussian fields (1/4)."""
    graph = ising("rrg", n=n, d=3, couplings="gauss", seed=seed)
    fields = 0.25 * np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,))).standard_normal(n)
    params = {"model": "rrg", "n": n, "d": 3, "couplings": "gauss/2", "fields": "gauss/4"}
    return IsingProblem.from_edges(n, graph.edges, 0.5 * graph.couplings, fields, params=params, seed=seed)


@cache
def instances() -> dict[str, Problem]:
    """Every kit instance by name (see the module notes)."""
    return {
        "sk-gauss-n6": ising("sk", n=6, couplings="gauss", seed=5),
        "ea-pm1-field-L3": ising("ea2d", L=3, couplings="pm1", h=0.4, seed=2),
        "rrg-gauss-fields-n10": _field_glass(10, seed=3),
        "coloring-q3-n9": coloring(n=9, q=3, c=2.5, planted=False, seed=2),
        "coloring-q4-n6": coloring(n=6, q=4, c=2.3, planted=False, seed=1),
        "ksat-k3-n10": ksat(n=10, alpha=3.0, k=3, seed=1),
        "xorsat-k3-n10": xorsat(n=10, k=3, alpha=0.7, seed=1),
        "perceptron-n9": perceptron(n=9, alpha=1.0, seed=1),
        "field-glass-n4": _field_glass(4, seed=7),
    }


TARGET_INSTANCES = ("sk-gauss-n6", "ea-pm1-field-L3", "rrg-gauss-fields-n10", "coloring-q3-n9", "coloring-q4-n6",
                    "ksat-k3-n10", "xorsat-k3-n10", "perceptron-n9")  # fmt: skip
REVERSIBILITY_INSTANCE = "field-glass-n4"  # 16 states: detailed_balance runs from every one
