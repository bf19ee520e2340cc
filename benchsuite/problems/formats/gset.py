"""rudy edge lists (Gset, Biq Mac): a first line ``n m``, then ``m`` lines ``i j w``, vertices 1-based.

The Gset files (Helmberg & Ye) have unit or +-1 weights and a trailing space on the first line; the Biq Mac
spin glasses (Liers, in Wiegele's library) have integer weights of order 10^5.  Weights must be finite
numbers; blank lines are skipped and ``#`` / ``c`` lines are comments.  A vertex outside 1..n, a self-loop, an
edge listed twice (in either orientation: its weight would be ambiguous), a line that is not ``i j w``, a
second header or an edge count that differs from m is refused with the line named.  Vertices 1..n become
spins 0..n-1 and edges keep the file's order; the instance is the Max-Cut of the graph
(:class:`~benchsuite.problems.maxcut.MaxCutProblem`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..maxcut import MaxCutProblem
from .text import FileFormatError, header_count, integers, numbered_lines, variable_limit

MAX_EDGES = 2**31 - 1


def read_gset(path: Path) -> MaxCutProblem:
    """The Max-Cut instance of a rudy / Gset / Biq Mac edge list (no params or seed)."""
    n = declared = None
    ends: list[int] = []
    weights: list[float] = []
    seen: dict[tuple[int, int], int] = {}  # edge -> line of its first listing
    last = 0
    for number, line in numbered_lines(path):
        last = number
        if line[0] in "#c":
            continue
        fields = line.split()
        if n is None:
            if len(fields) != 2:
                raise FileFormatError(path, number, f"the first line must be 'n m', got {line[:60]!r}")
            n = header_count(path, number, fields[0], "the vertex count", 2, variable_limit(path))
            declared = header_count(path, number, fields[1], "the edge count", 0, MAX_EDGES)
            continue
        if len(fields) != 3:
            raise FileFormatError(path, number, f"an edge line must be 'i j w', got {line[:60]!r}")
        i, j = integers(path, number, fields[:2], "a vertex")
        if not (1 <= i <= n and 1 <= j <= n):
            raise FileFormatError(path, number, f"vertex {i if not 1 <= i <= n else j} is outside 1..{n}")
        if i == j:
            raise FileFormatError(path, number, f"a self-loop on vertex {i}")
        key = (min(i, j), max(i, j))
        if key in seen:
            raise FileFormatError(path, number, f"edge {i} {j} is listed again (first on line {seen[key]})")
        if len(seen) == declared:
            raise FileFormatError(path, number, f"more edges than the {declared} the first line declares")
        seen[key] = number
        ends += (i - 1, j - 1)
        weights.append(_weight(path, number, fields[2]))
    if n is None:
        raise FileFormatError(path, None, "no 'n m' first line: not a rudy edge list")
    if len(seen) != declared:
        raise FileFormatError(path, last, f"the first line declares {declared} edges, the file lists {len(seen)}")
    edges = np.array(ends, dtype=np.int64).reshape(-1, 2)
    return MaxCutProblem.from_edges(n, edges, np.array(weights, dtype=np.float64))


def _weight(path: Path, number: int, token: str) -> float:
    try:
        value = float(token)
    except ValueError:
        raise FileFormatError(path, number, f"weight {token[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise FileFormatError(path, number, f"weight {token[:40]!r} is not finite")
    return value


def write_gset(problem: MaxCutProblem, path: Path) -> None:
    """Write ``problem`` as a rudy edge list (integral weights as integers, others in full precision)."""
    edges = problem.edges.astype(np.int64) + 1
    w = problem.weights
    text = (
        [str(int(x)) for x in w]
        if np.all(w == np.round(w)) and np.all(np.abs(w) < 2**53)
        else [repr(x) for x in w.tolist()]
    )
    with path.open("w") as fh:
        fh.write(f"{problem.n} {problem.m}\n")
        fh.writelines(f"{i} {j} {t}\n" for (i, j), t in zip(edges.tolist(), text))
