"""Small instances of every family and kernel layout, shared by the twin, incremental and Boltzmann tests."""

from __future__ import annotations

import numpy as np

from benchsuite.problems import IsingProblem, coloring, ising, ksat, maxcut, perceptron, xorsat
from benchsuite.problems.graph import complete_edges


def complete_integer(n: int = 10, seed: int = 6) -> IsingProblem:
    """Complete graph with integer couplings and fields: the dense layout with integer-valued energies."""
    rng = np.random.default_rng(seed)
    edges = complete_edges(n)
    return IsingProblem.from_edges(n, edges, rng.choice([-1.0, 1.0], len(edges)), rng.choice([-1.0, 0.0, 2.0], n))


# name -> instance maker; together they cover every model type, cache dtype and slot layout
TWIN_PROBLEMS = {
    "coloring-er": lambda: coloring(n=24, q=3, c=4, seed=1),
    "coloring-regular": lambda: coloring(n=20, q=4, d=3, planted=False, seed=2),
    "ising-rrg-pm1": lambda: ising("rrg", n=20, d=3, seed=3),
    "ising-ea2d-gauss-field": lambda: ising("ea2d", L=4, couplings="gauss", h=0.3, seed=4),
    "ising-sk-gauss": lambda: ising("sk", n=12, couplings="gauss", seed=5),
    "ising-complete-integer": complete_integer,
    "ksat-random": lambda: ksat(n=16, alpha=4.0, seed=1),
    "ksat-planted": lambda: ksat(n=16, alpha=5.0, k=4, planted=True, seed=2),
    "xorsat-random": lambda: xorsat(n=18, alpha=0.9, seed=3),
    "xorsat-regular": lambda: xorsat(n=18, k=3, d=2, planted=False, seed=4),
    "perceptron-pm1": lambda: perceptron(n=15, alpha=1.2, seed=5),
    "perceptron-gauss": lambda: perceptron(n=14, alpha=1.0, patterns="gauss", seed=6),
    "maxcut-er-unit": lambda: maxcut(n=20, c=4.0, seed=7),
    "maxcut-rrg-gauss": lambda: maxcut(n=16, d=3, weights="gauss", seed=8),
}

# families whose every term changes by 0 or +-1 unit: the SGD-like binomial rule applies
UNIT_TERMS = ["coloring-er", "coloring-regular", "ising-rrg-pm1", "ksat-random", "ksat-planted", "xorsat-random",
              "xorsat-regular", "perceptron-pm1", "perceptron-gauss", "maxcut-er-unit"]  # fmt: skip

# instances small enough to enumerate (q^n <= 2^14 or so)
ENUMERABLE = {
    "coloring-q3-n9": lambda: coloring(n=9, q=3, c=3, planted=False, seed=1),
    "ising-ea2d-gauss-h": lambda: ising("ea2d", L=3, couplings="gauss", h=0.3, seed=2),
    "ising-rrg-pm1-n12": lambda: ising("rrg", n=12, d=3, seed=3),
    "ising-sk-n10": lambda: ising("sk", n=10, couplings="gauss", h=0.2, seed=4),
    "ksat-n12": lambda: ksat(n=12, alpha=4.0, seed=5),
    "xorsat-n12": lambda: xorsat(n=12, alpha=0.8, planted=False, seed=6),
    "perceptron-n11": lambda: perceptron(n=11, alpha=1.0, seed=7),
    "maxcut-n12": lambda: maxcut(n=12, c=3.0, weights="pm1", seed=8),
}
