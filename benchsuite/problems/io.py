"""Save and load instances as ``.npz`` archives of plain arrays plus a JSON header; loading never unpickles.

A loaded instance is rebuilt through the same validating constructors as a generated one, and its
content hash must match the stored ``instance_id``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import ValidationError
from .base import PairwiseProblem
from .coloring import ColoringProblem
from .graph import Graph
from .ising import IsingProblem

FORMAT = "benchsuite-instance/1"


def save_problem(problem: PairwiseProblem, path: str | Path) -> Path:
    """Write ``problem`` to ``path`` (``.npz``); returns the path written."""
    path = Path(path)
    header = {
        "format": FORMAT,
        "family": problem.family,
        "n": problem.n,
        "params": problem.params,
        "seed": problem.seed,
        "instance_id": problem.instance_id,
    }
    arrays = {"edges": problem.graph.edges}
    if isinstance(problem, ColoringProblem):
        header["q"] = problem.q
    elif isinstance(problem, IsingProblem):
        arrays["couplings"] = problem.couplings
        arrays["fields"] = problem.fields
    else:
        raise ValidationError("problem", f"cannot save {type(problem).__name__}")
    if problem.planted is not None:
        arrays["planted"] = problem.planted
    with path.open("wb") as fh:
        np.savez_compressed(fh, header=np.array(json.dumps(header)), **arrays)
    return path


def load_problem(path: str | Path) -> PairwiseProblem:
    """Read an instance written by :func:`save_problem`; ValidationError on anything malformed."""
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            arrays = {k: data[k] for k in data.files if k != "header"}
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError("path", f"not a readable benchsuite instance: {exc}") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValidationError("path", f"unknown format {header.get('format') if isinstance(header, dict) else None!r}")
    if "edges" not in arrays:
        raise ValidationError("edges", "missing from the archive")
    graph = Graph.from_edges(header["n"], arrays["edges"])
    common = {"graph": graph, "params": header.get("params", {}), "seed": header.get("seed")}
    if header["family"] == "coloring":
        problem: PairwiseProblem = ColoringProblem(**common, q=header.get("q"), planted=arrays.get("planted"))
    elif header["family"] == "ising":
        problem = IsingProblem(
            **common, couplings=arrays.get("couplings"), fields=arrays.get("fields"), planted=arrays.get("planted")
        )
    else:
        raise ValidationError("family", f"unknown family {header['family']!r}")
    if problem.instance_id != header.get("instance_id"):
        raise ValidationError("instance_id", "content does not match the stored hash (file altered or corrupted)")
    return problem
