"""Random graphs and hypergraphs for the families: Erdos-Renyi, random regular, lattices, complete graphs,
random k-uniform and random (d, k)-regular hypergraphs.  Generators return integer arrays of terms; the
families validate them through :class:`~benchsuite.problems.hypergraph.Hypergraph`.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ValidationError
from .hypergraph import reserve
from .switching import switched_regular_edges

REJECTION_FLOOR = 0.5  # the least acceptance probability of rejection sampling (random_uniform_terms)
REPAIR_BUDGET = 20  # re-paired terms per term before random_regular_terms gives up (a d = 499 graph on 1000: 5.8)


class OutOfReach(ValidationError):
    """Re-pairing used its budget (:data:`REPAIR_BUDGET`) without finding a simple regular hypergraph."""


def _first_distinct(keys: np.ndarray) -> np.ndarray:
    """Distinct values of ``keys`` in order of first appearance."""
    _, first = np.unique(keys, return_index=True)
    return keys[np.sort(first)]


def erdos_renyi_edges(n: int, m: int, rng: np.random.Generator, colors: np.ndarray | None = None) -> np.ndarray:
    """Exactly ``m`` distinct uniform random edges (no self-loops); with ``colors``, only between different colours.

    Pairs are drawn i.i.d. and the first ``m`` distinct ones kept, which is a uniform ``m``-subset of the allowed pairs.
    """
    reserve(n, m, 2)
    if colors is None:
        allowed = n * (n - 1) // 2
    else:
        sizes = np.bincount(colors)
        allowed = (n * n - int(np.sum(sizes.astype(np.int64) ** 2))) // 2
    if m > allowed:
        raise ValidationError("c", f"{m} edges requested but only {allowed} vertex pairs are allowed")
    if m > 0.5 * allowed:
        raise ValidationError("c", f"{m} edges is more than half of the {allowed} allowed pairs: graph is not sparse")
    pass_rate = allowed / (n * n / 2)  # chance that a random ordered pair is allowed
    keys = np.empty(0, dtype=np.int64)
    while keys.size < m:
        k = int(1.1 * (m - keys.size) / pass_rate) + 64
        i = rng.integers(0, n, size=k, dtype=np.int64)
        j = rng.integers(0, n, size=k, dtype=np.int64)
        ok = i != j if colors is None else colors[i] != colors[j]
        i, j = i[ok], j[ok]
        keys = _first_distinct(np.concatenate([keys, np.minimum(i, j) * n + np.maximum(i, j)]))
    keys = keys[:m]
    return np.stack([keys // n, keys % n], axis=1)


def random_regular_edges(n: int, d: int, rng: np.random.Generator, colors: np.ndarray | None = None) -> np.ndarray:
    """Random ``d``-regular simple graph, with ``colors`` only between different colours.

    Sparse graphs (d at most half the largest possible degree) are the k = 2 case of
    :func:`random_regular_terms`, near-uniform; where its re-pairing gives up (near half the largest degree,
    from d = 350 of 800 for five colours on 1000 vertices), edge switching takes over
    (:func:`~benchsuite.problems.switching.switched_regular_edges`, balanced colours; the failed attempt costs
    its budget first: 10 s in all for five colours at n = 1000, d = 400, 51 s at n = 2000, d = 700).  Denser
    ones are the complement, within the allowed pairs, of such a graph of degree (largest possible - d): the
    allowed graph (complete, or complete multipartite for balanced colours) is regular, so the complement is
    d-regular.
    """
    if (n * d) % 2:
        raise ValidationError("d", f"n * d must be even, got n={n}, d={d}")
    reserve(n, n * d // 2, 2)
    sizes = np.bincount(colors) if colors is not None else None
    limit = n - 1 if colors is None else n - int(sizes.max())
    if not 1 <= d <= limit:
        raise ValidationError("d", f"must be in [1, {limit}] for n={n}, got {d}")
    if 2 * d <= limit:
        return _sparse_regular_edges(n, d, rng, colors)
    if colors is not None and sizes.min() != sizes.max():
        raise ValidationError("d", f"a dense regular graph (d = {d} > {limit}/2) needs colour classes of equal size")
    sparse = _sparse_regular_edges(n, limit - d, rng, colors) if limit > d else np.empty((0, 2), np.int64)
    allowed = complete_edges(n)
    if colors is not None:
        allowed = allowed[colors[allowed[:, 0]] != colors[allowed[:, 1]]]
    removed = np.isin(allowed[:, 0] * n + allowed[:, 1], sparse.min(axis=1) * n + sparse.max(axis=1))
    return allowed[~removed]


def _sparse_regular_edges(n: int, d: int, rng: np.random.Generator, colors: np.ndarray | None) -> np.ndarray:
    """The configuration model with re-pairing, or edge switching past its reach (2 d <= largest degree)."""
    try:
        return random_regular_terms(n, 2, d, rng, colors)
    except OutOfReach:
        return switched_regular_edges(n, d, rng, colors)


def lattice_edges(length: int, dim: int, periodic: bool = True) -> np.ndarray:
    """Nearest-neighbour edges of the hypercubic lattice of side ``length``: periodic (needs length >= 3), or
    with open boundaries (no edge wraps around; needs length >= 2).  Edges are listed axis by axis."""
    if length < (3 if periodic else 2):
        where = "a periodic lattice" if periodic else "an open lattice"
        raise ValidationError("L", f"must be >= {3 if periodic else 2} on {where}, got {length}")
    n = length**dim
    reserve(n, n * dim, 2, field="L")
    idx = np.arange(n, dtype=np.int64)
    coords = np.stack(np.unravel_index(idx, (length,) * dim), axis=1)
    blocks = []
    for axis in range(dim):
        shifted = coords.copy()
        shifted[:, axis] = (shifted[:, axis] + 1) % length
        pairs = np.stack([idx, np.ravel_multi_index(shifted.T, (length,) * dim)], axis=1)
        blocks.append(pairs if periodic else pairs[coords[:, axis] < length - 1])
    return np.concatenate(blocks)


def complete_edges(n: int) -> np.ndarray:
    """All ``n (n - 1) / 2`` pairs ``i < j``."""
    reserve(n, n * (n - 1) // 2, 2)
    i, j = np.triu_indices(n, 1)
    return np.stack([i, j], axis=1)


def random_uniform_terms(n: int, m: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``m`` terms of ``k`` distinct variables each, every term uniform among the k-subsets (an (m, k) array,
    variables in increasing order); terms are independent, so repeats are possible (as in random K-SAT).

    Rejection of draws with a repeated variable while a draw is accepted with probability
    prod_{i<k} (1 - i/n) >= ``REJECTION_FLOOR``; below it (k near n: 3e-27 for k = n = 64), Floyd's algorithm
    (Bentley & Floyd, CACM 30, 754 (1987)), k draws per term."""
    if k > n:
        raise ValidationError("k", f"a term of {k} distinct variables needs n >= {k}, got n={n}")
    reserve(n, m, k)
    if math.prod(1.0 - i / n for i in range(k)) < REJECTION_FLOOR:
        return _floyd_subsets(n, m, k, rng)
    terms = np.empty((m, k), dtype=np.int64)
    todo = np.arange(m)
    while todo.size:
        draw = np.sort(rng.integers(0, n, size=(todo.size, k)), axis=1)
        ok = np.all(draw[:, 1:] != draw[:, :-1], axis=1)
        terms[todo[ok]] = draw[ok]
        todo = todo[~ok]
    return terms


def _floyd_subsets(n: int, m: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``m`` independent uniform k-subsets of range(n), sorted rows: for j = n - k, ..., n - 1 draw t uniform
    in [0, j] and take t, or j if t is taken already."""
    terms = np.empty((m, k), dtype=np.int64)
    for step, j in enumerate(range(n - k, n)):
        t = rng.integers(0, j + 1, size=m, dtype=np.int64)
        taken = np.any(terms[:, :step] == t[:, None], axis=1)
        terms[:, step] = np.where(taken, j, t)
    return np.sort(terms, axis=1)


def random_regular_terms(
    n: int, k: int, d: int, rng: np.random.Generator, colors: np.ndarray | None = None, max_rounds: int = 10_000
) -> np.ndarray:
    """Random (d, k)-regular hypergraph: every variable in exactly ``d`` terms of ``k`` distinct variables, no
    two terms over the same variables and, with ``colors``, no two variables of a term with the same colour.

    Configuration model with re-pairing of defects: the stubs are grouped at random; then, round after round,
    the stubs of the defective terms are shuffled together with as many randomly chosen good terms and
    grouped again, until no defect is left (ValidationError after ``REPAIR_BUDGET`` re-pairings per term: degrees
    near half the largest, with colours, may never get there).  Needs ``n d`` divisible by ``k``; returns an
    (n d / k, k) array.
    """
    if (n * d) % k:
        raise ValidationError("d", f"n * d must be divisible by k: n={n}, d={d}, k={k}")
    if k > n:
        raise ValidationError("k", f"a term of {k} distinct variables needs n >= {k}, got n={n}")
    reserve(n, n * d // k, k)
    stubs = np.repeat(np.arange(n, dtype=np.int64), d)
    rng.shuffle(stubs)
    groups = stubs.reshape(-1, k)
    defects = _Defects(groups, colors)
    repaired = 0
    for _ in range(max_rounds):
        bad = defects.mask()
        n_bad = int(bad.sum())
        if n_bad == 0:
            return np.sort(groups, axis=1)
        good = np.flatnonzero(~bad)
        extra = rng.choice(good, size=min(good.size, max(n_bad, 2)), replace=False)
        idx = np.concatenate([np.flatnonzero(bad), extra])
        repaired += idx.size
        if repaired > REPAIR_BUDGET * len(groups):
            raise OutOfReach("d", f"re-pairing found no simple ({d}, {k})-regular hypergraph on {n} variables "
                                       f"after re-pairing {REPAIR_BUDGET} times its {len(groups)} terms: a degree "
                                       "this near half the largest is out of the configuration model's reach")  # fmt: skip
        pool = groups[idx].ravel()
        rng.shuffle(pool)
        groups[idx] = pool.reshape(-1, k)
        defects.update(idx)
    raise ValidationError("d", f"no simple ({d}, {k})-regular hypergraph found on {n} variables in {max_rounds} rounds")


class _Defects:
    """The defective terms of ``groups`` (re-paired in place): a repeated variable (or colour, with ``colors``),
    or the variables of an earlier term.  Kept up to date as terms are re-paired, at a cost in the re-paired
    terms only.

    Terms are found by a 64-bit hash of their sorted variables, equal hashes checked row by row: an index of
    all terms sorted by hash, and Python sets for the terms re-paired since it was built, rebuilt once they
    are more than ``1/REINDEX_FRACTION`` of the terms (about 50 bytes a term in all; a Python key per term took
    600 bytes a term, 3.6 GB for the planted 10-regular colouring at n = 10^6).
    """

    REINDEX_FRACTION = 16

    def __init__(self, groups: np.ndarray, colors: np.ndarray | None):
        self._groups = groups
        self._colors = colors
        self._hash = _row_hashes(groups)  # every term's hash now
        self._simple = _internal_defects(groups, colors)
        self._repeat = np.zeros(len(groups), dtype=bool)
        self._reindex()

    def _reindex(self) -> None:
        """Sort every term by its hash now, and mark the repeats anew."""
        self._order = np.argsort(self._hash, kind="stable")
        self._indexed = self._hash[self._order]  # sorted
        self._moved: dict[int, set[int]] = {}  # hash -> the terms re-paired since, that have it now
        self._n_moved = 0
        self._repeat[:] = False
        self._mark(np.unique(self._indexed[1:][self._indexed[1:] == self._indexed[:-1]]))

    def _mark(self, hashes: np.ndarray) -> None:
        """Mark as repeats the terms of these (distinct) hashes whose variables are those of an earlier term."""
        lo, hi = np.searchsorted(self._indexed, hashes, "left"), np.searchsorted(self._indexed, hashes, "right")
        for h, a, b in zip(hashes.tolist(), lo.tolist(), hi.tolist()):
            members = {t for t in self._order[a:b].tolist() if self._hash[t] == h}.union(self._moved.get(h, ()))
            if len(members) == 1:
                self._repeat[members.pop()] = False
                continue
            first: set[tuple] = set()
            for t in sorted(members):
                row = tuple(np.sort(self._groups[t]).tolist())
                self._repeat[t] = row in first
                first.add(row)

    def update(self, idx: np.ndarray) -> None:
        """After the terms ``idx`` (distinct) were re-paired."""
        old, new = self._hash[idx], _row_hashes(self._groups[idx])
        self._hash[idx] = new
        self._simple[idx] = _internal_defects(self._groups[idx], self._colors)
        if (self._n_moved + idx.size) * self.REINDEX_FRACTION > len(self._hash):
            self._reindex()
            return
        for i, h_old, h_new in zip(idx.tolist(), old.tolist(), new.tolist()):
            moved = self._moved.get(h_old)
            if moved is not None and i in moved:
                moved.remove(i)
                if not moved:
                    del self._moved[h_old]
            else:
                self._n_moved += 1
            self._moved.setdefault(h_new, set()).add(i)
        self._mark(np.unique(np.concatenate([old, new])))

    def mask(self) -> np.ndarray:
        return self._simple | self._repeat


def _row_hashes(groups: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each term's sorted variables (int64; equal variables give equal hashes)."""
    hashes = np.zeros(len(groups), dtype=np.uint64)
    for column in np.sort(groups, axis=1).T.astype(np.uint64):
        hashes *= np.uint64(0x9E3779B97F4A7C15)  # wraps modulo 2^64
        hashes += column
    return hashes.view(np.int64)


def _internal_defects(groups: np.ndarray, colors: np.ndarray | None) -> np.ndarray:
    """Terms with a repeated variable, or with ``colors`` a repeated colour."""
    s = np.sort(groups, axis=1)
    bad = np.any(s[:, 1:] == s[:, :-1], axis=1)
    if colors is not None:
        c = np.sort(colors[groups], axis=1)
        bad |= np.any(c[:, 1:] == c[:, :-1], axis=1)
    return bad
