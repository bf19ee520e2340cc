"""Ising models and spin glasses: E(s) = -sum_(ij) J_ij s_i s_j - sum_i h_i s_i with s_i = +-1.

Terms: the edges first (term ``a`` is edge ``a``, energy -J_a s_i s_j), then one term -h_i s_i for each
variable with a non-zero field, in increasing variable order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import Problem, read_only
from .domain import SPINS, Domain
from .graph import complete_edges, lattice_edges, random_regular_edges
from .hypergraph import MAX_VARIABLES, Hypergraph

MODELS = ("sk", "ea2d", "ea3d", "rrg", "ferro")
MAX_ENERGY_SCALE = 1e300  # sum |J| + sum |h|: every energy and energy change then stays a finite float
COUPLINGS = ("pm1", "gauss")
BOUNDARIES = ("periodic", "open")


@dataclass(frozen=True, eq=False, repr=False)
class IsingProblem(Problem):
    """Ising energy with couplings on the edges and optional fields; spins are int8 +-1.

    Build with :meth:`from_edges`.  ``couplings[a]`` is J for edge ``a``; ``fields`` is h (zeros when absent).
    ``planted`` (optional) is a reference ground state; overlaps are taken up to a global flip when h = 0.
    """

    couplings: np.ndarray | None = None
    fields: np.ndarray | None = None
    planted: np.ndarray | None = None

    family = "ising"
    content_names = ("edges", "couplings", "fields", "planted")

    def _validate(self) -> None:
        j = _checks.array("couplings", self.couplings, ndim=1, kind="f")
        h = _checks.array("fields", self.fields, ndim=1, kind="f", shape=(self.n,))
        j = np.ascontiguousarray(j, dtype=np.float64)
        h = np.ascontiguousarray(h, dtype=np.float64)
        with np.errstate(over="ignore"):  # an overflow to inf is what the check below reports
            scale_j, scale_h = float(np.abs(j).sum()), float(np.abs(h).sum())
        scale = scale_j + scale_h
        if not scale <= MAX_ENERGY_SCALE:
            field = "fields" if scale_h > scale_j else "couplings"
            raise ValidationError(field, f"the energy scale sum|J| + sum|h| = {scale:.3g} exceeds {MAX_ENERGY_SCALE:g}, "
                                         "so energies would overflow")  # fmt: skip
        expected = np.concatenate([np.full(j.size, 2), np.ones(np.count_nonzero(h), dtype=np.int64)])
        g = self.hypergraph
        if g.m != expected.size or np.any(g.term_sizes != expected):
            raise ValidationError("hypergraph", "must hold the edges, then one term per non-zero field")
        if np.any(g.term_var[2 * j.size :] != np.flatnonzero(h)):
            raise ValidationError("hypergraph", "field terms must follow the variables with non-zero fields in order")
        read_only(j, h)
        object.__setattr__(self, "couplings", j)
        object.__setattr__(self, "fields", h)
        if self.planted is not None:
            p = self.check_configuration(self.planted, field="planted")
            read_only(p)
            object.__setattr__(self, "planted", p)

    @classmethod
    def from_edges(cls, n: int, edges, couplings=None, fields=None, planted=None, params=None, seed=None):
        """Ising model on the simple graph ``edges`` ((m, 2), validated); J = 1 and h = 0 unless given."""
        n = _checks.integer("n", n, low=1, high=MAX_VARIABLES)
        e = _checks.array("edges", edges, ndim=2, kind="i", shape=(None, 2))
        e = np.sort(e.astype(np.int64), axis=1)
        j = _checks.array("couplings", np.ones(e.shape[0]) if couplings is None else couplings, ndim=1, kind="f",
                          shape=(e.shape[0],))  # fmt: skip
        h = _checks.array("fields", np.zeros(n) if fields is None else fields, ndim=1, kind="f", shape=(n,))
        field_vars = np.flatnonzero(h).astype(np.int64)
        ptr = np.concatenate([np.arange(e.shape[0] + 1) * 2, 2 * e.shape[0] + 1 + np.arange(field_vars.size)])
        graph = Hypergraph.from_terms(n, ptr, np.concatenate([e.ravel(), field_vars]), field="edges", distinct=True)
        return cls(graph, params or {}, seed, couplings=j, fields=h, planted=planted)

    @property
    def domain(self) -> Domain:
        return SPINS

    @property
    def n_edges(self) -> int:
        """Number of two-spin terms (the first ``n_edges`` terms)."""
        return int(self.couplings.size)

    @property
    def edges(self) -> np.ndarray:
        """``(n_edges, 2)`` int32 edges with ``i < j``."""
        return self.hypergraph.terms(0, self.n_edges, size=2)

    @property
    def constant(self) -> float:
        """Energy minus the Ising form -sum J s_i s_j - sum h s_i of the same spins (0 here; subclasses that
        shift every term by a constant, such as Max-Cut, say by how much)."""
        return 0.0

    @property
    def flip_symmetric(self) -> bool:
        """True when E(-s) = E(s), i.e. all fields vanish."""
        return not np.any(self.fields)

    def _content(self) -> dict[str, np.ndarray]:
        arrays = {"edges": self.edges, "couplings": self.couplings, "fields": self.fields}
        return arrays | ({"planted": self.planted} if self.planted is not None else {})

    @classmethod
    def _from_content(cls, n, arrays, params, seed):
        return cls.from_edges(n, arrays["edges"], arrays.get("couplings"), arrays.get("fields"),
                              arrays.get("planted"), params, seed)  # fmt: skip

    def term_energies(self, x) -> np.ndarray:
        """-J s_i s_j per edge, then -h_i s_i per field term (float64); ``x`` may be a stack of configurations."""
        s = np.asarray(x).astype(np.float64)
        e = self.edges
        nz = np.flatnonzero(self.fields)
        pair = -self.couplings * s[..., e[:, 0]] * s[..., e[:, 1]]
        return np.concatenate([pair, -self.fields[nz] * s[..., nz]], axis=-1)

    def overlap(self, x) -> float | None:
        """(1/N) sum s_i p_i with the reference state p, in absolute value when h = 0; ``None`` without one."""
        return self._spin_overlap(x, self.flip_symmetric)


def ising(
    model: str = "rrg",
    n: int | None = None,
    L: int | None = None,
    d: int = 3,
    couplings: str = "pm1",
    h: float = 0.0,
    boundary: str = "periodic",
    seed: int = 0,
) -> IsingProblem:
    """Ising instance, deterministic in its arguments.

    ``model``: ``sk`` (complete graph, J scaled by 1/sqrt(n)), ``ea2d`` / ``ea3d`` (L^2 / L^3 lattice),
    ``rrg`` (random d-regular graph on n spins), ``ferro`` (J = +1 on the L x L lattice; its reference state
    is all spins up).  ``couplings``: ``pm1`` (+-1 with equal probability) or ``gauss`` (standard normal);
    ignored by ``ferro``.  ``h``: uniform field on every spin.  ``boundary`` (lattices only): ``periodic`` or
    ``open``; an open 2-D lattice without field is planar, so its ground state can be had exactly
    (:mod:`benchsuite.problems.planar`).
    """
    _checks.choice("model", model, MODELS)
    _checks.choice("couplings", couplings, COUPLINGS)
    _checks.choice("boundary", boundary, BOUNDARIES)
    seed = _checks.integer("seed", seed, low=0)
    h = _checks.real("h", h)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    params: dict = {"model": model}
    if model in ("sk", "rrg"):
        if n is None or L is not None:
            raise ValidationError("n", f"model {model} takes n (number of spins), not L")
        if boundary != "periodic":
            raise ValidationError("boundary", f"only lattices have a boundary, not model {model}")
        n = _checks.integer("n", n, low=2, high=2**31 - 1)
        params["n"] = n
        if model == "sk":
            if n > 20_000:
                raise ValidationError("n", f"SK is dense (n^2/2 couplings); n <= 20000, got {n}")
            edges = complete_edges(n)
        else:
            d = _checks.integer("d", d, low=1)
            params["d"] = d
            edges = random_regular_edges(n, d, rng)
    else:
        if L is None or n is not None:
            raise ValidationError("L", f"model {model} takes L (lattice side), not n")
        L = _checks.integer("L", L, low=2, high=2**20)
        params["L"] = L
        if boundary == "open":
            params["boundary"] = boundary
        dim = 3 if model == "ea3d" else 2
        n = L**dim
        edges = lattice_edges(L, dim, periodic=boundary == "periodic")
    m = edges.shape[0]
    if model == "ferro":
        j = np.ones(m)
    else:
        params["couplings"] = couplings
        j = rng.choice([-1.0, 1.0], size=m) if couplings == "pm1" else rng.standard_normal(m)
        if model == "sk":
            j = j / math.sqrt(n)
    if h:
        params["h"] = h
    planted = np.ones(n, dtype=np.int8) if model == "ferro" else None
    return IsingProblem.from_edges(n, edges, j, np.full(n, h), planted, params, seed)
