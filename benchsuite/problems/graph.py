"""Simple undirected graphs in flat CSR form, and the random-graph generators the families use.

A graph is an ``(M, 2)`` int32 edge array with ``i < j`` per row (the term -> variable table of a
pairwise problem: term ``a`` touches ``edges[a, 0]`` and ``edges[a, 1]``) plus its CSR inverse
(variable -> incident terms): the half-edges of variable ``i`` are the slots
``ptr[i]:ptr[i + 1]``, slot ``k`` leading to neighbour ``nbr[k]`` through term ``term[k]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .. import _checks
from ..errors import ValidationError


@dataclass(frozen=True, eq=False)
class Graph:
    """Undirected simple graph on ``n`` vertices; build it with :meth:`from_edges`."""

    n: int
    edges: np.ndarray  # (M, 2) int32, edges[:, 0] < edges[:, 1], no repeats
    ptr: np.ndarray  # (n + 1,) int64
    nbr: np.ndarray  # (2M,) int32
    term: np.ndarray  # (2M,) int32

    @property
    def m(self) -> int:
        """Number of edges (interaction terms)."""
        return int(self.edges.shape[0])

    @property
    def degrees(self) -> np.ndarray:
        return np.diff(self.ptr)

    @cached_property
    def max_degree(self) -> int:
        return int(self.degrees.max(initial=0))

    @classmethod
    def from_edges(cls, n: int, edges, *, field: str = "edges") -> Graph:
        """Validate an edge list (range, self-loops, duplicates) and build the CSR arrays.

        Edges may come in any orientation and order; they are stored as ``(min, max)`` in the given order.
        """
        n = _checks.integer("n", n, low=1, high=2**31 - 1)
        e = _checks.array(field, edges, ndim=2, kind="i", shape=(None, 2))
        if e.size and (e.min() < 0 or e.max() >= n):
            raise ValidationError(field, f"vertex index out of range [0, {n})")
        e = np.sort(e.astype(np.int64), axis=1)
        if np.any(e[:, 0] == e[:, 1]):
            raise ValidationError(field, f"self-loop at vertex {int(e[e[:, 0] == e[:, 1]][0, 0])}")
        key = e[:, 0] * n + e[:, 1]
        uniq, counts = np.unique(key, return_counts=True)
        if np.any(counts > 1):
            k = int(uniq[np.argmax(counts > 1)])
            raise ValidationError(field, f"duplicate edge ({k // n}, {k % n})")
        edges32 = np.ascontiguousarray(e, dtype=np.int32)
        m = edges32.shape[0]
        heads = np.concatenate([edges32[:, 0], edges32[:, 1]])
        tails = np.concatenate([edges32[:, 1], edges32[:, 0]])
        terms = np.concatenate([np.arange(m, dtype=np.int32)] * 2)
        order = np.argsort(heads, kind="stable")
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(heads, minlength=n), out=ptr[1:])
        arrays = [edges32, ptr, tails[order], terms[order]]
        for a in arrays:
            a.setflags(write=False)
        return cls(n, *arrays)


def _first_distinct(keys: np.ndarray) -> np.ndarray:
    """Distinct values of ``keys`` in order of first appearance."""
    _, first = np.unique(keys, return_index=True)
    return keys[np.sort(first)]


def erdos_renyi_edges(n: int, m: int, rng: np.random.Generator, colors: np.ndarray | None = None) -> np.ndarray:
    """Exactly ``m`` distinct uniform random edges (no self-loops); with ``colors``, only between different colours.

    Pairs are drawn i.i.d. and the first ``m`` distinct ones kept, which is a uniform ``m``-subset of the allowed pairs.
    """
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


def _defective(pairs: np.ndarray, n: int, colors: np.ndarray | None) -> np.ndarray:
    """Mask of pairs that are self-loops, monochromatic (when ``colors``) or repeats of an earlier pair."""
    lo, hi = pairs.min(axis=1), pairs.max(axis=1)
    bad = lo == hi
    if colors is not None:
        bad |= colors[lo] == colors[hi]
    _, first = np.unique(lo * n + hi, return_index=True)
    repeat = np.ones(len(pairs), dtype=bool)
    repeat[first] = False
    return bad | repeat


def random_regular_edges(
    n: int, d: int, rng: np.random.Generator, colors: np.ndarray | None = None, max_rounds: int = 10_000
) -> np.ndarray:
    """Random ``d``-regular simple graph (configuration model with re-pairing of defects).

    The stubs are paired uniformly at random; then, round after round, the stubs of the defective pairs
    (self-loops, repeated edges and, with ``colors``, monochromatic edges) are shuffled together with as many
    randomly chosen good pairs and paired again, until no defect is left.  Near-uniform for sparse graphs.
    """
    if (n * d) % 2:
        raise ValidationError("d", f"n * d must be even, got n={n}, d={d}")
    limit = n - 1 if colors is None else n - int(np.bincount(colors).max())
    if not 1 <= d <= limit:
        raise ValidationError("d", f"must be in [1, {limit}] for n={n}, got {d}")
    stubs = np.repeat(np.arange(n, dtype=np.int64), d)
    rng.shuffle(stubs)
    pairs = stubs.reshape(-1, 2)
    for _ in range(max_rounds):
        bad = _defective(pairs, n, colors)
        n_bad = int(bad.sum())
        if n_bad == 0:
            return pairs
        good = np.flatnonzero(~bad)
        extra = rng.choice(good, size=min(good.size, max(n_bad, 2)), replace=False)
        idx = np.concatenate([np.flatnonzero(bad), extra])
        s = pairs[idx].ravel()
        rng.shuffle(s)
        pairs[idx] = s.reshape(-1, 2)
    raise RuntimeError(f"no simple {d}-regular graph found on {n} vertices after {max_rounds} rounds")


def lattice_edges(length: int, dim: int) -> np.ndarray:
    """Nearest-neighbour edges of the periodic hypercubic lattice of side ``length`` (needs length >= 3)."""
    if length < 3:
        raise ValidationError("L", f"must be >= 3 on a periodic lattice, got {length}")
    n = length**dim
    idx = np.arange(n, dtype=np.int64)
    coords = np.stack(np.unravel_index(idx, (length,) * dim), axis=1)
    blocks = []
    for axis in range(dim):
        shifted = coords.copy()
        shifted[:, axis] = (shifted[:, axis] + 1) % length
        blocks.append(np.stack([idx, np.ravel_multi_index(shifted.T, (length,) * dim)], axis=1))
    return np.concatenate(blocks)


def complete_edges(n: int) -> np.ndarray:
    """All ``n (n - 1) / 2`` pairs ``i < j``."""
    i, j = np.triu_indices(n, 1)
    return np.stack([i, j], axis=1)
