"""Max-Cut of a weighted graph: energy = minus the weight of the cut, E(s) = -sum_(ij) w_ij (1 - s_i s_j) / 2.

Spins s_i = +-1 are the two sides; edge ``a`` is term ``a`` with energy -w_a when it is cut and 0 when it is
not, so the lowest energy is minus the maximum cut.  This is the Ising model with couplings J = -w / 2 and no
field, shifted by the constant -W / 2 (W = sum of the weights), and it runs on the Ising kernels (which see
energy changes only).  With w = -J and s_i s_j = 1 - 2 [cut], the Biq Mac form H(s) = sum_(ij) w_ij s_i s_j
is W + 2 E(s).  Gset (Helmberg & Ye) and Biq Mac (Wiegele) instances are rudy edge lists: ``read_instance``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import read_only
from .graph import erdos_renyi_edges, random_regular_edges
from .hypergraph import Hypergraph, reserve
from .ising import MAX_ENERGY_SCALE, IsingProblem

WEIGHTS = ("unit", "pm1", "gauss")


@dataclass(frozen=True, eq=False, repr=False)
class MaxCutProblem(IsingProblem):
    """Max-Cut of the simple graph ``edges`` with ``weights`` (one per edge, any sign); build with
    :meth:`from_edges`.  Known cuts of real instances come with their suite (:mod:`benchsuite.instances`)."""

    weights: np.ndarray | None = None

    family = "maxcut"
    content_names = ("edges", "weights")

    def _validate(self) -> None:
        w = _checks.array("weights", self.weights, ndim=1, kind="f", shape=(self.hypergraph.m,))
        with np.errstate(over="ignore"):  # an overflow to inf is what the check reports
            scale = float(np.abs(w).sum())
        if not scale <= MAX_ENERGY_SCALE:
            raise ValidationError("weights", f"must be finite with sum |w| <= {MAX_ENERGY_SCALE:g} (energies would "
                                             f"overflow), got {scale:.3g}")  # fmt: skip
        w = np.ascontiguousarray(w, dtype=np.float64)
        read_only(w)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "couplings", -0.5 * w)
        object.__setattr__(self, "fields", np.zeros(self.n))
        super()._validate()

    @classmethod
    def from_edges(cls, n: int, edges, weights=None, params=None, seed=None) -> MaxCutProblem:
        """Max-Cut of the simple graph ``edges`` ((m, 2), validated) with ``weights`` (default 1 per edge)."""
        graph = Hypergraph.from_edges(n, edges)
        w = np.ones(graph.m) if weights is None else weights
        w = _checks.array("weights", w, ndim=1, kind="fiu", shape=(graph.m,)).astype(np.float64)
        return cls(graph, params or {}, seed, weights=w)

    def _content(self) -> dict[str, np.ndarray]:
        return {"edges": self.edges, "weights": self.weights}

    @classmethod
    def _from_content(cls, n, arrays, params, seed):
        return cls.from_edges(n, arrays["edges"], arrays["weights"], params, seed)

    def term_energies(self, x) -> np.ndarray:
        """-w_a for each cut edge, 0 for the others (float64); ``x`` may be a stack of configurations."""
        s = np.asarray(x)
        e = self.edges
        return np.where(s[..., e[:, 0]] != s[..., e[:, 1]], -self.weights, 0.0)

    @property
    def constant(self) -> float:
        """E(s) minus the Ising energy -sum J s_i s_j of the same spins: -W / 2."""
        return -0.5 * float(self.weights.sum())

    def cut_weight(self, x) -> float:
        """Total weight of the edges whose ends are on different sides in ``x`` (= -energy)."""
        return -self.energy(x)

    def overlap(self, x) -> float | None:
        """None: a Max-Cut instance has no planted assignment."""
        return None


def maxcut(n: int, c: float | None = None, d: int | None = None, weights: str = "unit", seed: int = 0) -> MaxCutProblem:
    """Max-Cut of a random graph, deterministic in its arguments: exactly one of ``c`` (Erdos-Renyi with
    ``round(c n / 2)`` distinct edges) or ``d`` (random d-regular).  ``weights``: ``unit`` (1), ``pm1`` (+-1
    with equal probability, a spin glass) or ``gauss`` (standard normal)."""
    n = _checks.integer("n", n, low=2, high=2**31 - 1)
    seed = _checks.integer("seed", seed, low=0)
    _checks.choice("weights", weights, WEIGHTS)
    if (c is None) == (d is None):
        raise ValidationError("c", "give exactly one of c (Erdos-Renyi mean degree) or d (regular degree)")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    if c is not None:
        c = _checks.real("c", c, low=0.0)
        reserve(n, round(c * n / 2), 2)
        params = {"n": n, "c": c, "weights": weights}
        edges = erdos_renyi_edges(n, round(c * n / 2), rng)
    else:
        d = _checks.integer("d", d, low=1)
        reserve(n, n * d // 2, 2)
        params = {"n": n, "d": d, "weights": weights}
        edges = random_regular_edges(n, d, rng)
    m = edges.shape[0]
    if weights == "unit":
        w = np.ones(m)
    else:
        w = rng.choice([-1.0, 1.0], size=m) if weights == "pm1" else rng.standard_normal(m)
    return MaxCutProblem.from_edges(n, edges, w, params, seed)
