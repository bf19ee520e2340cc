"""What every problem shares: a finite sum of terms over variables in a domain.

E(x) = sum_a E_a(x_a) over the ``m`` terms of ``hypergraph``.  Energies are totals unless a name says
``per_variable``.  A problem is data, validated once when built: subclasses (families) add per-term data,
the planted assignment, the symmetry used for overlaps and reference values with their sources.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .domain import Domain
from .hypergraph import Hypergraph

MAX_OFFSET = 1e300  # |offset|: energies stay finite floats
REFERENCE_ARRAYS = ("planted",)  # content arrays that are known solutions, not part of the energy function


@dataclass(frozen=True)
class Reference:
    """A known value for an instance (a total energy, a count...), how it was obtained (``method``: "planted",
    "exact", "best known", "best found" or "lower bound") and where it comes from."""

    value: float
    method: str
    source: str


@dataclass(frozen=True, eq=False, repr=False)
class Problem:
    """Base of every family.  Subclasses set ``family`` and implement ``domain``, ``term_energies`` and
    ``_content`` / ``_from_content`` (the arrays that define an instance: hashed, saved and loaded)."""

    hypergraph: Hypergraph
    params: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    offset: float = 0.0  # a constant in every energy (a BQM's offset), carried by no term
    variable_labels: tuple | None = None  # the source's name of each variable (variable i is the i-th), or None

    family: ClassVar[str] = "problem"
    content_names: ClassVar[tuple[str, ...]] = ()  # every array name ``_content`` may return (save / load)
    planted: np.ndarray | None = None  # overridden by families that plant an assignment

    def __post_init__(self) -> None:
        if not isinstance(self.hypergraph, Hypergraph):
            raise ValidationError("hypergraph", f"must be a Hypergraph (e.g. Hypergraph.from_terms), got "
                                                f"{type(self.hypergraph).__name__}")  # fmt: skip
        if not isinstance(self.params, dict):
            raise ValidationError("params", f"must be a dict, got {type(self.params).__name__}")
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer)):
            raise ValidationError("seed", f"must be an integer or None, got {self.seed!r}")
        offset = _checks.real("offset", self.offset, low=-MAX_OFFSET, high=MAX_OFFSET)
        object.__setattr__(self, "offset", offset)
        if self.variable_labels is not None:
            object.__setattr__(self, "variable_labels", _checked_labels(self.variable_labels, self.hypergraph.n))
        self._validate()

    def _validate(self) -> None:
        """The family's checks of its own data (shapes, dtypes, ranges), run when an instance is built."""

    @property
    def n(self) -> int:
        """Number of variables."""
        return self.hypergraph.n

    @property
    def m(self) -> int:
        """Number of terms (what a mini-batch samples)."""
        return self.hypergraph.m

    @property
    def domain(self) -> Domain:
        raise NotImplementedError

    def _content(self) -> dict[str, np.ndarray]:
        """Arrays that, with the family name and ``n``, define the instance."""
        raise NotImplementedError

    @classmethod
    def _from_content(cls, n: int, arrays: dict[str, np.ndarray], params: dict, seed: int | None) -> Problem:
        """Rebuild an instance from ``_content`` arrays (used by ``load_problem``); validates like a generator."""
        raise NotImplementedError

    @cached_property
    def instance_id(self) -> str:
        """``family-<16 hex>``: SHA-256 of the family name, ``n`` and every array that defines the energy
        function (name, dtype, shape, bytes).  Not the generator's parameters and seed (provenance) nor a planted
        assignment (a reference): the same instance has the same id whether generated, saved or read from any
        file format."""
        h = hashlib.sha256(json.dumps(self._identity(), sort_keys=True).encode())
        for name, a in sorted(self._content().items()):
            if name in REFERENCE_ARRAYS:
                continue
            h.update(f"{name}:{a.dtype}:{a.shape}".encode())
            h.update(np.ascontiguousarray(a).tobytes())
        return f"{self.family}-{h.hexdigest()[:16]}"

    def _identity(self) -> list:
        """The JSON-able part of what defines the instance, hashed before the arrays: the family and ``n``, and
        the offset and labels when there are."""
        labels = self.variable_labels
        extra = ([self.offset] if self.offset else []) + ([list(labels)] if labels is not None else [])
        return [self.family, self.n, *extra]

    def check_configuration(self, x, field: str = "x") -> np.ndarray:
        """Validate a configuration and return it as a contiguous array of length ``n`` in the domain's dtype
        (int8 for discrete domains, float64 for real ones)."""
        arr = np.asarray(x)
        if arr.shape != (self.n,):
            raise ValidationError(field, f"must have shape ({self.n},), got {arr.shape}")
        domain = self.domain
        if arr.dtype.kind not in ("iu" if domain.discrete else "iuf"):
            raise ValidationError(field, f"must have {'an integer' if domain.discrete else 'a real'} dtype, "
                                         f"got {arr.dtype}")  # fmt: skip
        domain.check(arr, field)
        return np.ascontiguousarray(arr, dtype=domain.dtype)

    def term_energies(self, x) -> np.ndarray:
        """Energy of every term for configuration ``x`` (shape ``(m,)``), or for a stack of configurations
        (shape ``(..., n)`` gives ``(..., m)``).  Values are not checked: call ``check_configuration`` first."""
        raise NotImplementedError

    def energy(self, x) -> float:
        """Total energy of configuration ``x``: the sum of its term energies plus ``offset``."""
        return float(self.term_energies(self.check_configuration(x)).sum()) + self.offset

    def energies(self, x) -> np.ndarray:
        """Total energies (float64) of a stack of configurations ``(..., n)``; values are not checked."""
        return self.term_energies(x).sum(axis=-1, dtype=np.float64) + self.offset

    def energy_per_variable(self, x) -> float:
        """Energy of ``x`` divided by ``n``."""
        return self.energy(x) / self.n

    def random_configuration(self, rng: np.random.Generator) -> np.ndarray:
        """Independent uniform values from the domain."""
        return self.domain.random(self.n, rng)

    def overlap(self, x) -> float | None:
        """Similarity of ``x`` with the planted assignment (1 for the assignment itself), None without one."""
        return None

    def _spin_overlap(self, x, flip_symmetric: bool) -> float | None:
        """(1/n) sum x_i p_i with the planted spins p, in absolute value when flipping every spin is a symmetry."""
        if self.planted is None:
            return None
        q = float(np.dot(self.check_configuration(x).astype(np.int64), self.planted) / self.n)
        return abs(q) if flip_symmetric else q

    def _planted_ground_state(self, why: str) -> dict[str, Reference]:
        """The reference {"ground_state_energy": 0} of a family whose planted assignment has zero energy."""
        if self.planted is None:
            return {}
        return {"ground_state_energy": Reference(0.0, "planted", f"by construction: {why}")}

    @property
    def references(self) -> dict[str, Reference]:
        """Known values for this instance (e.g. the ground-state energy), keyed by name."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args}, seed={self.seed!r}, id={self.instance_id})"


def _checked_labels(labels, n: int) -> tuple:
    """``n`` distinct labels, each a string, an integer or a tuple of them (what JSON and dimod both hold)."""
    if not isinstance(labels, tuple | list) or len(labels) != n:
        raise ValidationError("variable_labels", f"must be a tuple of {n} labels")
    out = tuple(tuple(v) if isinstance(v, list) else v for v in labels)
    for v in out:
        parts = v if isinstance(v, tuple) else (v,)
        if not all(isinstance(p, str) or (isinstance(p, int | np.integer) and not isinstance(p, bool)) for p in parts):
            raise ValidationError("variable_labels", f"label {v!r}: must be a string, an integer or a tuple of them")
    out = tuple(int(v) if isinstance(v, np.integer) else v for v in out)
    if len(set(out)) != n:
        raise ValidationError("variable_labels", "must be distinct")
    return out


def read_only(*arrays: np.ndarray) -> None:
    """Mark arrays read-only (instance data never changes after validation)."""
    for a in arrays:
        if a is not None:
            a.setflags(write=False)
