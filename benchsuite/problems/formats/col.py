"""DIMACS graph colouring: ``p edge n m`` (or ``p col n m``), then ``e i j`` lines, vertices 1-based.

Comments (``c ...``) may sit anywhere.  An edge listed twice, in either orientation, is one edge: some files
(queen5_5, anna) list every edge as ``e u v`` and ``e v u`` and count both in the header, so the header's m
must equal either the number of ``e`` lines or the number of distinct edges.  A self-loop, a vertex outside
1..n, any other line type, a second header or a count that fits neither reading is refused with the line
named.  Vertices 1..n become variables 0..n-1; edges keep the order of their first listing.  The format holds
no number of colours: the reader takes ``q``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..coloring import ColoringProblem
from .text import FileFormatError, header_count, integers, numbered_lines, variable_limit

MAX_EDGES = 2**31 - 1


def read_col(path: Path, q: int) -> ColoringProblem:
    """The q-colouring of the graph of a DIMACS colouring file (no params or seed)."""
    n = declared = None
    edges: dict[tuple[int, int], None] = {}  # distinct edges (i < j, 0-based), in order of first listing
    lines = last = 0
    for number, line in numbered_lines(path):
        last = number
        if line[0] == "c":
            continue
        kind, *rest = line.split()
        if kind == "p":
            if n is not None:
                raise FileFormatError(path, number, "a second 'p' header")
            n, declared = _header(path, number, line)
        elif kind == "e":
            if n is None:
                raise FileFormatError(path, number, "an edge before the 'p edge n m' header")
            ends = integers(path, number, rest, "a vertex")
            if len(ends) != 2:
                raise FileFormatError(path, number, f"an edge line must be 'e i j', got {line[:60]!r}")
            i, j = ends
            if not (1 <= i <= n and 1 <= j <= n):
                raise FileFormatError(path, number, f"vertex {i if not 1 <= i <= n else j} is outside 1..{n}")
            if i == j:
                raise FileFormatError(path, number, f"a self-loop on vertex {i}: no colouring avoids it")
            lines += 1
            if lines > 2 * declared:
                raise FileFormatError(path, number, f"more edge lines than twice the {declared} the header declares")
            edges[(i - 1, j - 1) if i < j else (j - 1, i - 1)] = None
        else:
            raise FileFormatError(path, number, f"unsupported line type {kind[:20]!r} (expected c, p or e)")
    if n is None:
        raise FileFormatError(path, None, "no 'p edge n m' header: not a DIMACS colouring file")
    if declared not in (lines, len(edges)):
        raise FileFormatError(path, last, f"the header declares {declared} edges; the file lists {lines} edge lines, "
                                          f"{len(edges)} distinct edges")  # fmt: skip
    array = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    return ColoringProblem.from_edges(n, array, q)


def _header(path: Path, number: int, line: str) -> tuple[int, int]:
    fields = line.split()
    if len(fields) != 4 or fields[0] != "p" or fields[1] not in ("edge", "col"):
        raise FileFormatError(path, number, f"the header must be 'p edge n m', got {line[:60]!r}")
    n = header_count(path, number, fields[2], "the vertex count", 2, variable_limit(path))
    m = header_count(path, number, fields[3], "the edge count", 0, MAX_EDGES)
    return n, m


def write_col(problem: ColoringProblem, path: Path) -> None:
    """Write the graph of ``problem`` as DIMACS colouring, each edge once (its q, id and provenance in comments)."""
    edges = problem.edges.astype(np.int64) + 1
    with path.open("w") as fh:
        fh.write(f"c {problem.instance_id} q {problem.q}\nc params {problem.params} seed {problem.seed}\n"
                 f"p edge {problem.n} {problem.m}\n")  # fmt: skip
        fh.writelines(f"e {i} {j}\n" for i, j in edges.tolist())
