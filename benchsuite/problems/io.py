"""Save and load instances as ``.npz`` archives of plain arrays plus a JSON header; loading never unpickles.

The arrays are the family's defining content (what ``instance_id`` hashes).  A loaded instance is rebuilt
through the same validating constructors as a generated one, and its content hash must match the stored
``instance_id``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import ValidationError
from .base import Problem
from .families import PROBLEM_CLASSES

FORMAT = "benchsuite-instance/2"


def save_problem(problem: Problem, path: str | Path) -> Path:
    """Write ``problem`` to ``path`` (``.npz``); returns the path written."""
    if not isinstance(problem, Problem):
        raise ValidationError("problem", f"must be a Problem, got {type(problem).__name__}")
    path = Path(path)
    header = {
        "format": FORMAT,
        "family": problem.family,
        "n": problem.n,
        "params": problem.params,
        "seed": problem.seed,
        "instance_id": problem.instance_id,
    }
    arrays = problem._content()
    if "header" in arrays:
        raise ValidationError("problem", "a content array may not be called 'header'")
    with path.open("wb") as fh:
        np.savez_compressed(fh, header=np.array(json.dumps(header)), **arrays)
    return path


def load_problem(path: str | Path) -> Problem:
    """Read an instance written by :func:`save_problem`; ValidationError on anything malformed."""
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            arrays = {k: data[k] for k in data.files if k != "header"}
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError("path", f"not a readable benchsuite instance: {exc}") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValidationError("path", f"unknown format {header.get('format') if isinstance(header, dict) else None!r}")
    cls = PROBLEM_CLASSES.get(header.get("family"))
    if cls is None:
        raise ValidationError("family", f"unknown family {header.get('family')!r}")
    try:
        problem = cls._from_content(header["n"], arrays, header.get("params", {}), header.get("seed"))
    except KeyError as exc:
        raise ValidationError(str(exc.args[0]), "missing from the archive") from None
    if problem.instance_id != header.get("instance_id"):
        raise ValidationError("instance_id", "content does not match the stored hash (file altered or corrupted)")
    return problem
