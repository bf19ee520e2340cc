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
from .base import Problem, read_only
from .domain import Domain, states
from .graph import erdos_renyi_edges, random_regular_edges
from .hypergraph import Hypergraph, reserve


@dataclass(frozen=True, eq=False, repr=False)
class ColoringProblem(Problem):
    """q-colouring of a simple graph (every term is an edge); colours are int8 in ``[0, q)``.

    ``planted`` (optional) is a colouring with no monochromatic edge that the graph was built around.
    Overlaps are maximised over the q! colour permutations.
    """

    q: int = 2
    planted: np.ndarray | None = None

    family = "coloring"
    content_names = ("edges", "q", "planted")

    def _validate(self) -> None:
        q = _checks.integer("q", self.q, low=2, high=127)
        object.__setattr__(self, "q", q)
        if self.hypergraph.m and self.hypergraph.arity != 2:
            raise ValidationError("edges", "every term of a colouring problem must be an edge (two variables)")
        if self.planted is not None:
            p = self.check_configuration(self.planted, field="planted")
            e = self.edges
            if np.any(p[e[:, 0]] == p[e[:, 1]]):
                raise ValidationError("planted", "has a monochromatic edge: it is not a proper colouring")
            read_only(p)
            object.__setattr__(self, "planted", p)

    @classmethod
    def from_edges(cls, n: int, edges, q: int, planted=None, params: dict | None = None, seed=None):
        """Colouring of the simple graph with these ``(m, 2)`` edges (validated)."""
        return cls(Hypergraph.from_edges(n, edges), params or {}, seed, q=q, planted=planted)

    @property
    def domain(self) -> Domain:
        return states(self.q)

    @property
    def edges(self) -> np.ndarray:
        """``(m, 2)`` int32 edges with ``i < j``; edge ``a`` is term ``a``."""
        return self.hypergraph.terms(size=2)

    def _content(self) -> dict[str, np.ndarray]:
        arrays = {"edges": self.edges, "q": np.array([self.q], dtype=np.int64)}
        return arrays | ({"planted": self.planted} if self.planted is not None else {})

    @classmethod
    def _from_content(cls, n, arrays, params, seed):
        q = arrays["q"]
        if q.shape != (1,) or q.dtype.kind not in "iu":
            raise ValidationError("q", "must be stored as one integer")
        return cls.from_edges(n, arrays["edges"], int(q[0]), arrays.get("planted"), params, seed)

    def term_energies(self, x) -> np.ndarray:
        """1 for each monochromatic edge, else 0 (int8); ``x`` may be a stack of colourings."""
        e = self.edges
        x = np.asarray(x)
        return (x[..., e[:, 0]] == x[..., e[:, 1]]).astype(np.int8)

    @property
    def references(self):
        return self._planted_ground_state("the planted colouring has no monochromatic edge")

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
    if c is not None:
        c = _checks.real("c", c, low=0.0)
        params = {"n": n, "q": q, "c": c, "planted": bool(planted)}
    else:
        d = _checks.integer("d", d, low=1)
        params = {"n": n, "q": q, "d": d, "planted": bool(planted)}
    reserve(n, round(c * n / 2) if c is not None else n * d // 2, 2)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    colors = None
    if planted:
        if n % q:
            raise ValidationError("n", f"must be divisible by q={q} for a balanced planted colouring, got {n}")
        colors = rng.permutation(np.repeat(np.arange(q, dtype=np.int8), n // q))
    if c is not None:
        edges = erdos_renyi_edges(n, round(c * n / 2), rng, colors)
    else:
        edges = random_regular_edges(n, d, rng, colors)
    return ColoringProblem.from_edges(n, edges, q, colors, params, seed)
