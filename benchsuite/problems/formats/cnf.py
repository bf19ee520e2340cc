"""DIMACS CNF: ``p cnf V C``, then clauses of non-zero literals (+-v, 1 <= v <= V), each ending with ``0``.

Comments (``c ...``) may sit anywhere, a clause may span several lines and a line may hold several clauses.
A line ``%`` ends the formula: SATLIB's uniform random 3-SAT files end with ``%``, ``0`` and an empty line, and
a parser that reads on finds an empty clause and calls every instance unsatisfiable.  After ``%`` only ``0``,
comments and blank lines may follow.  A literal repeated in a clause is folded into one (the clause is the
same); a clause holding both v and -v (always true), an empty clause, a variable beyond V, a clause count that
differs from C, a second header or a last clause without its ``0`` are refused with the line named.
Variables 1..V become spins 0..V-1 (+1 = true); the file's clause order is kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..ksat import KSatProblem
from .text import FileFormatError, header_count, integers, numbered_lines, variable_limit

MAX_CLAUSES = 2**31 - 1


def read_cnf(path: Path) -> KSatProblem:
    """The K-SAT instance of a DIMACS CNF file (variables 0-based, literal signs +-1, no params or seed)."""
    n = expected = None
    term_ptr, term_var, signs = [0], [], []
    clause: dict[int, int] = {}  # variable -> sign of the clause being read, in order of appearance
    start = last = 0  # line of the clause being read, last line read
    ended = False
    for number, line in numbered_lines(path):
        last = number
        if line[0] == "c":
            continue
        if ended:
            if line != "0":
                raise FileFormatError(path, number, "only '0', comments and blank lines may follow the '%' line")
            continue
        if line[0] == "p":
            if n is not None:
                raise FileFormatError(path, number, "a second 'p' header")
            n, expected = _header(path, number, line)
            continue
        if line[0] == "%":
            if line != "%":
                raise FileFormatError(path, number, f"unexpected text after '%': {line[:40]!r}")
            ended = True
            continue
        if n is None:
            raise FileFormatError(path, number, "a clause before the 'p cnf V C' header")
        for literal in integers(path, number, line.split(), "a literal"):
            if literal == 0:
                if not clause:
                    raise FileFormatError(path, number, "an empty clause (a lone 0): the formula would be unsatisfiable "
                                                        "by construction; a SATLIB '%' trailer must come before its 0")  # fmt: skip
                if len(term_ptr) > expected:
                    raise FileFormatError(path, number, f"more clauses than the {expected} the header declares")
                term_var.extend(clause)
                signs.extend(clause.values())
                term_ptr.append(len(term_var))
                clause = {}
                continue
            variable, sign = abs(literal) - 1, 1 if literal > 0 else -1
            if variable >= n:
                raise FileFormatError(path, number, f"literal {literal}: variable beyond the header's {n}")
            if not clause:
                start = number
            if clause.get(variable, sign) != sign:
                raise FileFormatError(path, number, f"a clause holding both {abs(literal)} and -{abs(literal)} (always "
                                                    "true); remove it")  # fmt: skip
            clause[variable] = sign
    if n is None:
        raise FileFormatError(path, None, "no 'p cnf V C' header: not a DIMACS CNF file")
    if clause:
        raise FileFormatError(path, start, "the last clause has no terminating 0 (file truncated?)")
    if len(term_ptr) - 1 != expected:
        raise FileFormatError(path, last, f"the header declares {expected} clauses, the file holds {len(term_ptr) - 1}")
    return KSatProblem.from_clauses(n, np.array(term_ptr, dtype=np.int64), np.array(term_var, dtype=np.int64),
                                    np.array(signs, dtype=np.int8))  # fmt: skip


def _header(path: Path, number: int, line: str) -> tuple[int, int]:
    fields = line.split()
    if len(fields) != 4 or fields[:2] != ["p", "cnf"]:
        raise FileFormatError(path, number, f"the header must be 'p cnf V C', got {line[:60]!r}")
    n = header_count(path, number, fields[2], "the variable count", 1, variable_limit(path))
    m = header_count(path, number, fields[3], "the clause count", 1, MAX_CLAUSES)
    return n, m


def write_cnf(problem: KSatProblem, path: Path) -> None:
    """Write ``problem`` as DIMACS CNF (one clause per line; comments give its id and provenance)."""
    g = problem.hypergraph
    literals = (g.term_var.astype(np.int64) + 1) * problem.signs
    with path.open("w") as fh:
        fh.write(f"c {problem.instance_id}\nc params {problem.params} seed {problem.seed}\np cnf {problem.n} {g.m}\n")
        for a in range(g.m):
            fh.write(" ".join(map(str, literals[g.term_ptr[a] : g.term_ptr[a + 1]].tolist())) + " 0\n")
