"""Planted (or random) K-XORSAT: energy = number of violated parity equations.

In spin form (x = (-1)^b) equation ``a`` reads prod_{v in a} x_v = J_a with J_a = (-1)^(rhs_a); its energy is
(1 - J_a prod x) / 2.  Equations are drawn on a random K-uniform hypergraph (``alpha`` = equations / n) or on a
random (d, K)-regular one (each variable in exactly ``d`` equations).  Planting: J_a = prod sigma over the
equation for a hidden sigma, so the ground-state energy is 0; the exact reference (rank over GF(2), number of
solutions 2^(n - rank)) comes from leaf removal plus Gaussian elimination (:mod:`.gf2`).  Random 3-XORSAT
thresholds: clustering alpha ~ 0.818, satisfiability ~ 0.918 (Mezard, Ricci-Tersenghi, Zecchina, J. Stat.
Phys. 111, 505 (2003)).  With K even, flipping every spin preserves every equation: overlaps are taken up to
that flip.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import Problem, Reference, read_only
from .domain import SPINS, Domain
from .gf2 import SolutionSpace, solution_space
from .graph import random_regular_terms, random_uniform_terms
from .hypergraph import Hypergraph


@dataclass(frozen=True, eq=False, repr=False)
class XorSatProblem(Problem):
    """Parity equations over spins; ``parities[a]`` = J_a = +-1.  Build with :meth:`from_equations`."""

    parities: np.ndarray | None = None
    planted: np.ndarray | None = None

    family = "xorsat"
    content_names = ("term_ptr", "term_var", "parities", "planted")

    def _validate(self) -> None:
        j = _checks.array("parities", self.parities, ndim=1, kind="i", shape=(self.m,))
        if np.any((j != 1) & (j != -1)):
            raise ValidationError("parities", "must be +1 or -1")
        j = np.ascontiguousarray(j, dtype=np.int8)
        read_only(j)
        object.__setattr__(self, "parities", j)
        if self.planted is not None:
            p = self.check_configuration(self.planted, field="planted")
            if self.term_energies(p).any():
                raise ValidationError("planted", "violates an equation: it is not a solution")
            read_only(p)
            object.__setattr__(self, "planted", p)

    @classmethod
    def from_equations(cls, n: int, term_ptr, term_var, parities, planted=None, params=None, seed=None):
        """Equations in CSR form (a variable at most once per equation) with right-hand sides J_a = +-1."""
        graph = Hypergraph.from_terms(n, term_ptr, term_var, field="equations")
        return cls(graph, params or {}, seed, parities=parities, planted=planted)

    @property
    def domain(self) -> Domain:
        return SPINS

    @property
    def flip_symmetric(self) -> bool:
        """True when every equation has an even number of variables (the global flip is a symmetry)."""
        return bool(np.all(self.hypergraph.term_sizes % 2 == 0))

    def _content(self) -> dict[str, np.ndarray]:
        g = self.hypergraph
        arrays = {"term_ptr": g.term_ptr, "term_var": g.term_var, "parities": self.parities}
        return arrays | ({"planted": self.planted} if self.planted is not None else {})

    @classmethod
    def _from_content(cls, n, arrays, params, seed):
        return cls.from_equations(n, arrays["term_ptr"], arrays["term_var"], arrays["parities"],
                                  arrays.get("planted"), params, seed)  # fmt: skip

    def term_energies(self, x) -> np.ndarray:
        """1 for each violated equation, else 0 (int8); ``x`` may be a stack of configurations."""
        g = self.hypergraph
        negative = np.asarray(x)[..., g.term_var] < 0
        odd = np.logical_xor.reduceat(negative, g.term_ptr[:-1], axis=-1)  # product of the spins is -1
        return (odd != (self.parities < 0)).astype(np.int8)

    def overlap(self, x) -> float | None:
        """(1/n) sum x_i sigma_i with the planted solution, in absolute value when K is even."""
        return self._spin_overlap(x, self.flip_symmetric)

    @cached_property
    def solution_space(self) -> SolutionSpace:
        """Exact rank and consistency over GF(2) (ValidationError when the 2-core is too large to eliminate)."""
        g = self.hypergraph
        return solution_space(self.n, g.term_ptr, g.term_var, (self.parities < 0).astype(np.uint8))

    @property
    def references(self) -> dict[str, Reference]:
        """Ground-state energy 0 and log2 of the number of solutions when the system is consistent."""
        space = self.solution_space
        if not space.consistent:
            return {}
        method = "leaf removal + Gaussian elimination over GF(2)"
        return {
            "ground_state_energy": Reference(0.0, "exact", f"consistent system ({method})"),
            "log2_solutions": Reference(
                space.log2_solutions, "exact", f"n - rank = {self.n} - {space.rank} ({method})"
            ),
        }


def xorsat(
    n: int, k: int = 3, alpha: float | None = None, d: int | None = None, planted: bool = True, seed: int = 0
) -> XorSatProblem:
    """K-XORSAT with ``round(alpha n)`` random equations or on a random (d, K)-regular hypergraph (give exactly
    one of ``alpha`` and ``d``); planted (default) or with uniform random right-hand sides."""
    n = _checks.integer("n", n, low=1, high=2**31 - 1)
    k = _checks.integer("k", k, low=1, high=min(n, 64))
    seed = _checks.integer("seed", seed, low=0)
    if (alpha is None) == (d is None):
        raise ValidationError("alpha", "give exactly one of alpha (equations per variable) or d (regular degree)")
    if not isinstance(planted, (bool, np.bool_)):
        raise ValidationError("planted", f"must be a boolean, got {planted!r}")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    if alpha is not None:
        alpha = _checks.real("alpha", alpha, low=0.0)
        terms = random_uniform_terms(n, round(alpha * n), k, rng)
        params = {"n": n, "k": k, "alpha": alpha, "planted": bool(planted)}
    else:
        d = _checks.integer("d", d, low=1)
        terms = random_regular_terms(n, k, d, rng)
        params = {"n": n, "k": k, "d": d, "planted": bool(planted)}
    m = terms.shape[0]
    if planted:
        sigma = (2 * rng.integers(0, 2, size=n) - 1).astype(np.int8)
        parities = np.prod(sigma[terms], axis=1).astype(np.int8)
    else:
        sigma = None
        parities = (2 * rng.integers(0, 2, size=m) - 1).astype(np.int8)
    return XorSatProblem.from_equations(n, np.arange(m + 1) * k, terms.ravel(), parities, sigma, params, seed)
