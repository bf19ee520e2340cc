"""Instance files: DIMACS CNF (``cnf``), DIMACS colouring (``col``), rudy / Gset / Biq Mac edge lists
(``gset``, read as Max-Cut) and the native archive (``native``).

:func:`read_instance` tells the format from the file's suffix or, failing that, from its first bytes; give
``format`` where a file's kind is ambiguous.  An instance read from a file has no generator parameters or seed,
and its ``instance_id`` is that of the same content from any format.  Every failure is a ValidationError whose
message names the path and, for text formats, the line.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ValidationError
from ..base import Problem
from ..coloring import ColoringProblem
from ..io import load_problem, save_problem
from ..ksat import KSatProblem
from ..maxcut import MaxCutProblem
from .cnf import read_cnf, write_cnf
from .col import read_col, write_col
from .gset import read_gset, write_gset
from .text import FileFormatError, existing_file

FORMATS = ("cnf", "col", "gset", "native")
SUFFIXES = {".cnf": "cnf", ".col": "col", ".gset": "gset", ".rudy": "gset", ".npz": "native"}
SNIFF_BYTES = 1 << 16
_WRITERS = {"cnf": (KSatProblem, write_cnf), "col": (ColoringProblem, write_col), "gset": (MaxCutProblem, write_gset)}


def detect_format(path: str | Path) -> str:
    """The format of ``path``: from its suffix (``.cnf``, ``.col``, ``.gset`` / ``.rudy``, ``.npz``), else from
    its first bytes (a zip archive, or a first non-comment line ``p cnf``, ``p edge`` or two integers ``n m``);
    ValidationError when neither tells."""
    path = existing_file(path)
    if path.suffix.lower() in SUFFIXES:
        return SUFFIXES[path.suffix.lower()]
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return "native"
    for line in head.decode("utf-8", errors="replace").splitlines():
        words = line.split()
        if not words or line.lstrip().startswith("c"):
            continue
        if words[:2] == ["p", "cnf"]:
            return "cnf"
        if words[:2] in (["p", "edge"], ["p", "col"]):
            return "col"
        if len(words) == 2 and all(w.isdigit() for w in words):
            return "gset"
        break
    raise FileFormatError(path, None, f"cannot tell its format; give one of {', '.join(FORMATS)}")


def read_instance(path: str | Path, format: str | None = None, q: int | None = None) -> Problem:
    """The instance held in ``path``.  ``q``: the number of colours, required for a colouring file (the
    format does not hold one) and refused for the others."""
    path = existing_file(path)
    if format is None:
        format = detect_format(path)
    elif format not in FORMATS:
        raise ValidationError("format", f"must be one of {', '.join(FORMATS)}, got {format!r}")
    if format == "col":
        if q is None:
            raise ValidationError("q", f"{path} is a colouring file: give the number of colours (q=...)")
        return read_col(path, q)
    if q is not None:
        raise ValidationError("q", f"only a colouring file takes a number of colours; {path} is {format}")
    return {"cnf": read_cnf, "gset": read_gset, "native": load_problem}[format](path)


def write_instance(problem: Problem, path: str | Path, format: str | None = None) -> Path:
    """Write ``problem`` to ``path`` in ``format`` (default: from the suffix, else native); returns the path."""
    if not isinstance(path, str | Path):
        raise ValidationError("path", f"must be a file path (str or Path), got {type(path).__name__}")
    path = Path(path)
    if format is None:
        format = SUFFIXES.get(path.suffix.lower(), "native")
    elif format not in FORMATS:
        raise ValidationError("format", f"must be one of {', '.join(FORMATS)}, got {format!r}")
    if not path.parent.is_dir():
        raise ValidationError("path", f"{path}: its directory does not exist")
    if format != "native":
        cls, writer = _WRITERS[format]
        if not isinstance(problem, cls):
            raise ValidationError("format", f"{format} holds {cls.family} instances, not {problem.family}")
        if problem.offset or problem.variable_labels is not None:
            raise ValidationError("format", f"{format} holds no energy offset or variable labels, which this "
                                            "instance has (its id would change): write it as native (.npz)")  # fmt: skip
    try:
        save_problem(problem, path) if format == "native" else writer(problem, path)
    except OSError as exc:
        raise ValidationError("path", f"{path}: cannot be written ({exc.strerror})") from None
    return path


__all__ = ["FORMATS", "FileFormatError", "detect_format", "read_instance", "write_instance"]
