"""Ising models and spin glasses: E(s) = -sum_(ij) J_ij s_i s_j - sum_i h_i s_i with s_i = +-1."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import PairwiseProblem
from .graph import Graph, complete_edges, lattice_edges, random_regular_edges

MODELS = ("sk", "ea2d", "ea3d", "rrg", "ferro")
COUPLINGS = ("pm1", "gauss")
MAX_TABLE_FIELD = 4096  # integer local fields up to this size use acceptance tables
MAX_DENSE_N = 5000  # complete graphs up to this size use dense kernels (n^2 float64)


def aligned_zeros(shape: tuple[int, ...], alignment: int = 64) -> np.ndarray:
    """Float64 zeros whose data starts on an ``alignment``-byte boundary (steady SIMD speed across runs)."""
    size = int(np.prod(shape))
    raw = np.zeros(size + alignment // 8)
    offset = (-raw.ctypes.data % alignment) // 8
    return raw[offset : offset + size].reshape(shape)


@dataclass(frozen=True, eq=False, repr=False)
class IsingProblem(PairwiseProblem):
    """Ising energy on ``graph``; spins are int8 +-1.

    ``couplings[a]`` is J for edge ``graph.edges[a]``; ``fields`` is h (zeros when absent).
    ``planted`` (optional) is a reference ground state; overlaps are taken up to a global flip when h = 0.
    """

    couplings: np.ndarray | None = None
    fields: np.ndarray | None = None
    planted: np.ndarray | None = None

    family = "ising"

    def __post_init__(self) -> None:
        j = self.couplings if self.couplings is not None else np.ones(self.m)
        j = _checks.array("couplings", j, ndim=1, kind="f", shape=(self.m,))
        h = self.fields if self.fields is not None else np.zeros(self.n)
        h = _checks.array("fields", h, ndim=1, kind="f", shape=(self.n,))
        j = np.ascontiguousarray(j, dtype=np.float64)
        h = np.ascontiguousarray(h, dtype=np.float64)
        for a in (j, h):
            a.setflags(write=False)
        object.__setattr__(self, "couplings", j)
        object.__setattr__(self, "fields", h)
        if self.planted is not None:
            p = self.check_configuration(self.planted, field="planted")
            p.setflags(write=False)
            object.__setattr__(self, "planted", p)

    @cached_property
    def slot_couplings(self) -> np.ndarray:
        """J seen from each CSR half-edge slot (``couplings[graph.term]``)."""
        j = self.couplings[self.graph.term]
        j.setflags(write=False)
        return j

    @cached_property
    def field_bound(self) -> int:
        """Largest possible |local field| when all couplings and fields are integers, else -1.

        Integer local fields let the kernels read acceptance probabilities from a table.
        """
        j, h = self.couplings, self.fields
        if not (np.all(j == np.round(j)) and np.all(h == np.round(h))):
            return -1
        per_spin = np.abs(h).copy()
        np.add.at(per_spin, self.graph.edges[:, 0], np.abs(j))
        np.add.at(per_spin, self.graph.edges[:, 1], np.abs(j))
        bound = int(per_spin.max(initial=0))
        return bound if bound <= MAX_TABLE_FIELD else -1

    @cached_property
    def kernel_couplings(self) -> tuple[np.ndarray, np.ndarray]:
        """(J per CSR slot, h) as the sparse kernels take them: int8 when every local field fits in int8
        (integer model with ``field_bound <= 127``), float64 otherwise.  Read-only."""
        dtype = np.int8 if 0 <= self.field_bound <= 127 else np.float64
        j, h = self.slot_couplings.astype(dtype), self.fields.astype(dtype)
        for a in (j, h):
            a.setflags(write=False)
        return j, h

    @cached_property
    def unit_couplings(self) -> bool:
        """True when every |J| = 1 and every h = 0 (then s_i local_i = satisfied - unsatisfied edges)."""
        return bool(np.all(np.abs(self.couplings) == 1.0) and not np.any(self.fields))

    @property
    def uses_dense_kernels(self) -> bool:
        """True for complete graphs small enough (n <= 5000) for a dense coupling matrix."""
        return self.m == self.n * (self.n - 1) // 2 and self.n <= MAX_DENSE_N

    @cached_property
    def dense_couplings(self) -> np.ndarray:
        """Symmetric (n, n) coupling matrix with zero diagonal (read-only)."""
        dense = aligned_zeros((self.n, self.n))
        e = self.graph.edges
        dense[e[:, 0], e[:, 1]] = self.couplings
        dense[e[:, 1], e[:, 0]] = self.couplings
        dense.setflags(write=False)
        return dense

    @property
    def flip_symmetric(self) -> bool:
        """True when E(-s) = E(s), i.e. all fields vanish."""
        return not np.any(self.fields)

    def _content(self) -> list[np.ndarray]:
        arrays = [self.graph.edges, self.couplings, self.fields]
        return arrays + ([self.planted] if self.planted is not None else [])

    def _check_values(self, arr: np.ndarray, field: str) -> None:
        if np.any((arr != 1) & (arr != -1)):
            raise ValidationError(field, "spins must be +1 or -1")

    def energy(self, x) -> float:
        """Total energy -sum J s s - sum h s."""
        s = self.check_configuration(x).astype(np.float64)
        e = self.graph.edges
        return float(-np.dot(self.couplings, s[e[:, 0]] * s[e[:, 1]]) - np.dot(self.fields, s))

    def random_configuration(self, rng: np.random.Generator) -> np.ndarray:
        """Uniformly random spins."""
        return (2 * rng.integers(0, 2, size=self.n) - 1).astype(np.int8)

    def overlap(self, x) -> float | None:
        """(1/N) sum s_i p_i with the reference state p, in absolute value when h = 0; ``None`` without one."""
        if self.planted is None:
            return None
        s = self.check_configuration(x)
        q = float(np.dot(s.astype(np.int64), self.planted.astype(np.int64)) / self.n)
        return abs(q) if self.flip_symmetric else q


def ising(
    model: str = "rrg",
    n: int | None = None,
    L: int | None = None,
    d: int = 3,
    couplings: str = "pm1",
    h: float = 0.0,
    seed: int = 0,
) -> IsingProblem:
    """Ising instance, deterministic in its arguments.

    ``model``: ``sk`` (complete graph, J scaled by 1/sqrt(n)), ``ea2d`` / ``ea3d`` (periodic L^2 / L^3
    lattice), ``rrg`` (random d-regular graph on n spins), ``ferro`` (J = +1 on the periodic L x L lattice;
    its reference state is all spins up).  ``couplings``: ``pm1`` (+-1 with equal probability) or ``gauss``
    (standard normal); ignored by ``ferro``.  ``h``: uniform field on every spin.
    """
    if model not in MODELS:
        raise ValidationError("model", f"must be one of {', '.join(MODELS)}, got {model!r}")
    if couplings not in COUPLINGS:
        raise ValidationError("couplings", f"must be one of {', '.join(COUPLINGS)}, got {couplings!r}")
    seed = _checks.integer("seed", seed, low=0)
    h = _checks.real("h", h)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    params: dict = {"model": model}
    if model in ("sk", "rrg"):
        if n is None or L is not None:
            raise ValidationError("n", f"model {model} takes n (number of spins), not L")
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
        L = _checks.integer("L", L, low=3, high=2**20)
        params["L"] = L
        dim = 3 if model == "ea3d" else 2
        n = L**dim
        edges = lattice_edges(L, dim)
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
    return IsingProblem(
        graph=Graph.from_edges(n, edges),
        params=params,
        seed=seed,
        couplings=j,
        fields=np.full(n, h),
        planted=np.ones(n, dtype=np.int8) if model == "ferro" else None,
    )
