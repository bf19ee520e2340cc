"""Graph q-colouring (Potts antiferromagnet): energy = number of monochromatic edges.

Reference: planted colouring and its phase diagram, Krzakala & Zdeborova, PRL 102, 238701 (2009);
Decelle, Krzakala, Moore & Zdeborova, PRE 84, 066106 (2011).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import PairwiseProblem
from .graph import Graph, erdos_renyi_edges, random_regular_edges


@dataclass(frozen=True, eq=False, repr=False)
class ColoringProblem(PairwiseProblem):
    """q-colouring of ``graph``; colours are int8 in ``[0, q)``.

    ``planted`` (optional) is a colouring with no monochromatic edge that the graph was built around.
    Overlaps are maximised over the q! colour permutations.
    """

    q: int = 2
    planted: np.ndarray | None = None

    family = "coloring"

    def __post_init__(self) -> None:
        q = _checks.integer("q", self.q, low=2, high=127)
        if self.planted is not None:
            p = self.check_configuration(self.planted, field="planted")
            e = self.graph.edges
            if np.any(p[e[:, 0]] == p[e[:, 1]]):
                raise ValidationError("planted", "has a monochromatic edge: it is not a proper colouring")
            p.setflags(write=False)
            object.__setattr__(self, "planted", p)
        object.__setattr__(self, "q", q)

    def _content(self) -> list[np.ndarray]:
        arrays = [self.graph.edges, np.array([self.q], dtype=np.int64)]
        return arrays + ([self.planted] if self.planted is not None else [])

    def _check_values(self, arr: np.ndarray, field: str) -> None:
        if arr.size and (arr.min() < 0 or arr.max() >= self.q):
            raise ValidationError(field, f"colours must lie in [0, {self.q})")

    def energy(self, x) -> float:
        """Number of monochromatic edges (total)."""
        x = self.check_configuration(x)
        e = self.graph.edges
        return float(np.count_nonzero(x[e[:, 0]] == x[e[:, 1]]))

    def random_configuration(self, rng: np.random.Generator) -> np.ndarray:
        """Uniformly random colouring."""
        return rng.integers(0, self.q, size=self.n).astype(np.int8)

    def overlap(self, x) -> float | None:
        """Agreement with the planted colouring maximised over colour permutations, ``(q a - 1) / (q - 1)``.

        ``a`` is the best fraction of agreeing variables; 0 for a random colouring, 1 for the planted one.
        ``None`` when there is no planted colouring.
        """
        if self.planted is None:
            return None
        from scipy.optimize import linear_sum_assignment  # imported here: scipy.optimize costs 0.3 s at import

        x = self.check_configuration(x)
        confusion = np.zeros((self.q, self.q), dtype=np.int64)
        np.add.at(confusion, (x, self.planted), 1)
        rows, cols = linear_sum_assignment(confusion, maximize=True)
        agree = confusion[rows, cols].sum() / self.n
        return float((self.q * agree - 1.0) / (self.q - 1.0))

    def paramagnetic_energy(self, temperature: float) -> float:
        """Paramagnetic energy per variable e(T) = (M/N) x / (q - 1 + x), x = exp(-1/T).

        Exact for locally tree-like graphs in the paramagnetic phase (independent edges, uniform marginals);
        uses this instance's own mean degree 2M/N.
        """
        t = _checks.real("T", temperature, low=0.0, low_open=True)
        x = math.exp(-1.0 / t)
        return (self.m / self.n) * x / (self.q - 1 + x)


def coloring(
    n: int,
    q: int = 5,
    c: float | None = None,
    d: int | None = None,
    planted: bool = True,
    seed: int = 0,
) -> ColoringProblem:
    """Random q-colouring instance, deterministic in its arguments.

    Give exactly one of ``c`` (Erdos-Renyi graph with exactly ``round(c n / 2)`` distinct edges, mean degree c)
    or ``d`` (random d-regular graph).  With ``planted=True`` a balanced colouring (n/q variables per colour,
    needs n divisible by q) is drawn first and only edges between different planted colours are allowed.
    """
    n = _checks.integer("n", n, low=2, high=2**31 - 1)
    q = _checks.integer("q", q, low=2, high=127)
    seed = _checks.integer("seed", seed, low=0)
    if (c is None) == (d is None):
        raise ValidationError("c", "give exactly one of c (Erdos-Renyi mean degree) or d (regular degree)")
    if not isinstance(planted, (bool, np.bool_)):
        raise ValidationError("planted", f"must be a boolean, got {planted!r}")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    colors = None
    if planted:
        if n % q:
            raise ValidationError("n", f"must be divisible by q={q} for a balanced planted colouring, got {n}")
        colors = rng.permutation(np.repeat(np.arange(q, dtype=np.int8), n // q))
    if c is not None:
        c = _checks.real("c", c, low=0.0)
        edges = erdos_renyi_edges(n, round(c * n / 2), rng, colors)
        params = {"n": n, "q": q, "c": c, "planted": bool(planted)}
    else:
        d = _checks.integer("d", d, low=1)
        edges = random_regular_edges(n, d, rng, colors)
        params = {"n": n, "q": q, "d": d, "planted": bool(planted)}
    return ColoringProblem(graph=Graph.from_edges(n, edges), params=params, seed=seed, q=q, planted=colors)
