"""Random K-SAT and planted K-SAT: energy = number of unsatisfied clauses.

Variables are spins (+1 = true).  Clause ``a`` is term ``a``; its literal on variable ``term_var[k]`` has sign
``signs[k]`` (+1: x, -1: not x) and is true when ``signs[k] * x = +1``.

Planting (``planted=True``): a hidden assignment sigma is drawn first, then each clause uniformly among the
clauses it satisfies (draw a uniform clause, reject it if sigma violates it).  This planting is not quiet: of
the 2^K - 1 sign patterns a clause may take, a given literal agrees with sigma in 2^(K-1), so each literal
agrees with sigma with probability 2^(K-1) / (2^K - 1) (4/7 for K = 3) instead of 1/2, and the majority sign
of a variable's literals points to sigma.  Planted instances are therefore easier than random ones at the
same clause density and are not a proxy for random K-SAT conditioned on being satisfiable.
Random 3-SAT thresholds (clustering / satisfiability, alpha ~ 3.86 / 4.267) are in Krzakala et al., PNAS 104,
10318 (2007) and Mertens, Mezard, Zecchina, Random Struct. Alg. 28, 340 (2006).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import Problem, Reference, read_only
from .domain import SPINS, Domain
from .graph import random_uniform_terms
from .hypergraph import Hypergraph, reserve


@dataclass(frozen=True, eq=False, repr=False)
class KSatProblem(Problem):
    """A CNF formula over spins; build with :meth:`from_clauses`.  ``signs`` has one +-1 entry per literal."""

    signs: np.ndarray | None = None
    planted: np.ndarray | None = None

    family = "ksat"
    content_names = ("term_ptr", "term_var", "signs", "planted")

    def _validate(self) -> None:
        g = self.hypergraph
        signs = _checks.array("signs", self.signs, ndim=1, kind="i", shape=(g.nnz,))
        if np.any((signs != 1) & (signs != -1)):
            raise ValidationError("signs", "literal signs must be +1 or -1")
        signs = np.ascontiguousarray(signs, dtype=np.int8)
        read_only(signs)
        object.__setattr__(self, "signs", signs)
        if self.planted is not None:
            p = self.check_configuration(self.planted, field="planted")
            if self.term_energies(p).any():
                raise ValidationError("planted", "violates a clause: it is not a satisfying assignment")
            read_only(p)
            object.__setattr__(self, "planted", p)

    @classmethod
    def from_clauses(cls, n: int, term_ptr, term_var, signs, planted=None, params=None, seed=None) -> KSatProblem:
        """Clauses in CSR form: clause ``a`` holds the literals ``term_ptr[a]:term_ptr[a + 1]`` of ``term_var`` /
        ``signs`` (a variable may appear once per clause)."""
        graph = Hypergraph.from_terms(n, term_ptr, term_var, field="clauses")
        return cls(graph, params or {}, seed, signs=signs, planted=planted)

    @property
    def domain(self) -> Domain:
        return SPINS

    def _content(self) -> dict[str, np.ndarray]:
        g = self.hypergraph
        arrays = {"term_ptr": g.term_ptr, "term_var": g.term_var, "signs": self.signs}
        return arrays | ({"planted": self.planted} if self.planted is not None else {})

    @classmethod
    def _from_content(cls, n, arrays, params, seed):
        return cls.from_clauses(n, arrays["term_ptr"], arrays["term_var"], arrays["signs"], arrays.get("planted"),
                                params, seed)  # fmt: skip

    def term_energies(self, x) -> np.ndarray:
        """1 for each clause whose literals are all false, else 0 (int8); ``x`` may be a stack of assignments."""
        g = self.hypergraph
        true = np.asarray(x)[..., g.term_var] * self.signs > 0
        return (~np.logical_or.reduceat(true, g.term_ptr[:-1], axis=-1)).astype(np.int8)

    def overlap(self, x) -> float | None:
        """(1/n) sum x_i sigma_i with the planted assignment (no symmetry); ``None`` without one."""
        return self._spin_overlap(x, flip_symmetric=False)

    @property
    def references(self) -> dict[str, Reference]:
        return self._planted_ground_state("the planted assignment satisfies every clause")


def ksat(n: int, alpha: float, k: int = 3, planted: bool = False, seed: int = 0) -> KSatProblem:
    """Random K-SAT with ``round(alpha n)`` clauses of ``k`` distinct variables and independent uniform signs,
    or planted K-SAT (``planted=True``, see the module notes); deterministic in its arguments."""
    n = _checks.integer("n", n, low=1, high=2**31 - 1)
    k = _checks.integer("k", k, low=1, high=min(n, 64))
    alpha = _checks.real("alpha", alpha, low=0.0)
    seed = _checks.integer("seed", seed, low=0)
    if not isinstance(planted, (bool, np.bool_)):
        raise ValidationError("planted", f"must be a boolean, got {planted!r}")
    m = round(alpha * n)
    reserve(n, m, k)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    sigma = (2 * rng.integers(0, 2, size=n) - 1).astype(np.int8) if planted else None
    variables = np.empty((m, k), dtype=np.int64)
    signs = np.empty((m, k), dtype=np.int8)
    todo = np.arange(m)
    while todo.size:
        v = random_uniform_terms(n, todo.size, k, rng)
        s = (2 * rng.integers(0, 2, size=(todo.size, k)) - 1).astype(np.int8)
        ok = np.ones(todo.size, dtype=bool) if sigma is None else np.any(s * sigma[v] > 0, axis=1)
        variables[todo[ok]], signs[todo[ok]] = v[ok], s[ok]
        todo = todo[~ok]
    params = {"n": n, "k": k, "alpha": alpha, "planted": bool(planted)}
    return KSatProblem.from_clauses(n, np.arange(m + 1) * k, variables.ravel(), signs.ravel(), sigma, params, seed)
