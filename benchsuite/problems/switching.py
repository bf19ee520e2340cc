"""Dense random regular graphs by edge switching, for the degrees the configuration model cannot reach.

Near half the largest degree (and well below it when colours forbid a fifth of all pairs), re-pairing the
defects of a random pairing never ends.  There, a d-regular graph is built deterministically (a circulant
on the vertices ordered by colour, plus a perfect matching for odd d) and then randomised by
``SWITCHES_PER_EDGE`` m attempted switches: two edges ``(a, b), (c, e)`` become ``(a, e), (c, b)`` or
``(a, c), (b, e)`` when that keeps the graph simple and every edge between different colours.  The switch
chain is symmetric, so its stationary law is uniform over the allowed d-regular graphs (Taylor 1981;
mixing is proven polynomial, Cooper, Dyer & Greenhill, Comb. Prob. Comput. 16, 557 (2007), and observed
after a few switches per edge); the tests check that the start graph is forgotten.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import _checks
from ..errors import ValidationError

SWITCHES_PER_EDGE = 100  # attempted switches per edge
CHUNK = 1 << 18  # attempts drawn at a time, to bound memory (part of the random stream: changing it changes graphs)


def switched_regular_edges(n: int, d: int, rng: np.random.Generator, colors: np.ndarray | None = None) -> np.ndarray:
    """A random ``d``-regular simple graph on ``n`` vertices (with ``colors``, balanced classes and only
    edges between different colours), as an (n d / 2, 2) array of sorted rows; ``d`` at most half the largest
    degree plus one."""
    if (n * d) % 2:
        raise ValidationError("d", f"n * d must be even, got n={n}, d={d}")
    q = 0 if colors is None else int(colors.max()) + 1
    if colors is not None and np.any(np.bincount(colors) != n // q):
        raise ValidationError("d", f"a dense {d}-regular graph between colours needs colour classes of equal size")
    _checks.affordable("d", float(n) * n, f"switching a {d}-regular graph on {n} vertices (an n x n adjacency)")
    order = np.arange(n) if colors is None else np.argsort(colors, kind="stable").reshape(q, -1).T.ravel()
    edges = order[_start_graph(n, d, q)]  # position p holds a vertex of colour p mod q
    labels = np.arange(n) if colors is None else colors.astype(np.int64)  # distinct labels: no colour rule
    adjacency = np.zeros((n, n), dtype=np.bool_)
    adjacency[edges[:, 0], edges[:, 1]] = adjacency[edges[:, 1], edges[:, 0]] = True
    attempts = SWITCHES_PER_EDGE * len(edges)
    for done in range(0, attempts, CHUNK):
        k = min(CHUNK, attempts - done)
        switch_edges(edges, adjacency, labels, rng.integers(0, len(edges), size=(k, 2)), rng.random(k) < 0.5)
    return np.sort(edges[rng.permutation(len(edges))], axis=1)


def _start_graph(n: int, d: int, q: int) -> np.ndarray:
    """A d-regular graph on positions 0..n-1 with no edge between positions equal modulo ``q`` (none if q = 0):
    the circulant of the first allowed offsets, plus the matching (2k, 2k + 1) when d is odd."""
    odd = d % 2
    first = 2 if odd else 1  # offset 1 is the matching's
    offsets = [s for s in range(first, (n - 1) // 2 + 1) if q == 0 or s % q][: d // 2]
    if len(offsets) < d // 2:
        raise ValidationError("d", f"no circulant {d}-regular graph on {n} vertices"
                                   + (f" with {q} colour classes" if q else ""))  # fmt: skip
    p = np.arange(n, dtype=np.int64)
    blocks = [np.stack([p, (p + s) % n], axis=1) for s in offsets]
    if odd:
        blocks.append(np.stack([p[0::2], p[1::2]], axis=1))
    return np.concatenate(blocks) if blocks else np.empty((0, 2), dtype=np.int64)


@njit(cache=True)
def switch_edges(edges, adjacency, colors, picks, crossed):  # pragma: no cover - jitted (twin: tests/naive.py)
    """Attempt the switches ``picks[t]`` in order, in place: edges ``(a, b), (c, e)`` become ``(a, e), (c, b)``,
    or ``(a, c), (e, b)`` when ``crossed[t]``; returns the number accepted."""
    accepted = 0
    for t in range(picks.shape[0]):
        x, y = picks[t, 0], picks[t, 1]
        a, b = edges[x, 0], edges[x, 1]
        c, e = edges[y, 0], edges[y, 1]
        if crossed[t]:
            c, e = e, c
        if a == c or a == e or b == c or b == e:
            continue
        if colors[a] == colors[e] or colors[c] == colors[b] or adjacency[a, e] or adjacency[c, b]:
            continue
        adjacency[a, b] = adjacency[b, a] = adjacency[c, e] = adjacency[e, c] = False
        adjacency[a, e] = adjacency[e, a] = adjacency[c, b] = adjacency[b, c] = True
        edges[x, 0], edges[x, 1] = a, e
        edges[y, 0], edges[y, 1] = c, b
        accepted += 1
    return accepted
