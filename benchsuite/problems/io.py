"""Save and load instances as ``.npz`` archives of plain arrays plus a JSON header; loading never unpickles.

The arrays are the family's content; ``instance_id`` hashes the family, ``n`` and the arrays that define the
energy function, so that editing any of them is detected.  Loading inspects the archive before reading it:
every member must be one the family defines, sizes are checked against the memory available before anything
is decompressed, and anything unreadable is a ValidationError naming the path.  A loaded instance is rebuilt
through the same validating constructors as a generated one, and its hash must match the stored
``instance_id``.  The header's ``params`` and ``seed`` are provenance: with a seed they claim to be the
generator's arguments, and the instance is regenerated from them and must equal the file's content.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import Problem
from .families import PROBLEM_CLASSES, regenerate

FORMAT = "benchsuite-instance/2"
MAX_HEADER = 1 << 20  # bytes of the JSON header


def save_problem(problem: Problem, path: str | Path) -> Path:
    """Write ``problem`` to ``path`` (``.npz``); returns the path written."""
    if not isinstance(problem, Problem):
        raise ValidationError("problem", f"must be a Problem, got {type(problem).__name__}")
    path = _path(path)
    header = {
        "format": FORMAT,
        "family": problem.family,
        "n": problem.n,
        "params": problem.params,
        "seed": problem.seed,
        "instance_id": problem.instance_id,
        "offset": problem.offset,
        "variable_labels": None if problem.variable_labels is None else list(problem.variable_labels),
    }
    arrays = problem._content()
    if "header" in arrays:
        raise ValidationError("problem", "a content array may not be called 'header'")
    with path.open("wb") as fh:
        np.savez_compressed(fh, header=np.array(json.dumps(header)), **arrays)
    return path


def load_problem(path: str | Path) -> Problem:
    """Read an instance written by :func:`save_problem`; ValidationError on anything malformed."""
    header, arrays = _read(_path(path))
    cls = PROBLEM_CLASSES[header["family"]]
    try:
        problem = cls._from_content(header["n"], arrays, header["params"], header["seed"])
    except KeyError as exc:
        raise ValidationError(str(exc.args[0]), "missing from the archive") from None
    if header.get("offset") or header.get("variable_labels") is not None:
        problem = dataclasses.replace(
            problem, offset=header.get("offset", 0.0), variable_labels=header.get("variable_labels")
        )
    if problem.instance_id != header["instance_id"]:
        raise ValidationError("instance_id", "content does not match the stored hash (file altered or corrupted)")
    if problem.seed is not None:
        _check_provenance(problem)
    return problem


def _check_provenance(problem: Problem) -> None:
    """The instance that ``problem.params`` and ``problem.seed`` generate must be ``problem``, planted
    assignment included (a header cannot claim a provenance its content does not have)."""
    try:
        twin = regenerate(problem.family, problem.params, problem.seed)
    except ValidationError as exc:
        raise ValidationError("params", f"with seed {problem.seed}, they are not arguments of the {problem.family} "
                                        f"generator ({exc})") from None  # fmt: skip
    ours, theirs = problem._content(), twin._content()
    if ours.keys() != theirs.keys() or any(not np.array_equal(ours[k], theirs[k]) for k in ours):
        raise ValidationError("params", f"{problem.params} with seed {problem.seed} generate a different instance "
                                        "than the file holds")  # fmt: skip


def _path(path) -> Path:
    if not isinstance(path, str | Path):
        raise ValidationError("path", f"must be a file path (str or Path), got {type(path).__name__}")
    return Path(path)


def _read(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Header and arrays of an instance file, each member checked before it is decompressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if "header.npy" not in members or members["header.npy"].file_size > MAX_HEADER:
                raise ValidationError("path", f"{path}: no header of at most {MAX_HEADER} bytes")
            header = _header(np.load(archive.open("header.npy"), allow_pickle=False))
            cls = PROBLEM_CLASSES[header["family"]]
            names = {name[:-4] for name in members if name != "header.npy"}
            unknown = sorted(name for name in names if name not in cls.content_names) + sorted(
                name for name in members if not name.endswith(".npy")
            )
            if unknown:
                raise ValidationError("path", f"{path}: members {', '.join(unknown)} are not part of a {cls.family} "
                                              "instance")  # fmt: skip
            _checks.affordable("path", 2.0 * sum(members[f"{name}.npy"].file_size for name in names),
                               f"loading {path}")  # fmt: skip
            arrays = {name: np.load(archive.open(f"{name}.npy"), allow_pickle=False) for name in names}
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 -- any failure to parse an untrusted file: zip, zlib, npy, JSON
        raise ValidationError(
            "path", f"{path}: not a readable benchsuite instance ({type(exc).__name__}: {exc})"
        ) from None
    return header, arrays


def _header(raw: np.ndarray) -> dict[str, Any]:
    """The JSON header, with the type of every field checked."""
    if raw.ndim != 0 or raw.dtype.kind != "U":
        raise ValidationError("path", "the header must be one JSON string")
    header = json.loads(str(raw))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValidationError("path", f"unknown format {header.get('format') if isinstance(header, dict) else None!r}")
    if header.get("family") not in PROBLEM_CLASSES:
        raise ValidationError("family", f"unknown family {header.get('family')!r}")
    _checks.integer("n", header.get("n"), low=1, high=2**31 - 1)
    if not isinstance(header.get("params"), dict):
        raise ValidationError("params", "must be a JSON object")
    if header.get("seed") is not None:
        _checks.integer("seed", header["seed"], low=0)
    if not isinstance(header.get("offset", 0.0), int | float) or isinstance(header.get("offset"), bool):
        raise ValidationError("offset", "must be a number")
    if not isinstance(header.get("variable_labels"), list | type(None)):
        raise ValidationError("variable_labels", "must be a list or null")
    if not isinstance(header.get("instance_id"), str):
        raise ValidationError("instance_id", "must be a string")
    return header
