"""What every discrete pairwise problem shares: its graph, content hash, configuration checks."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ..errors import ValidationError
from .graph import Graph


@dataclass(frozen=True, eq=False)
class PairwiseProblem:
    """A finite sum of M two-variable terms (the graph's edges), plus optional one-variable terms.

    Energies are totals unless a name says ``per_variable``; per-variable values divide by ``n``.
    """

    graph: Graph
    params: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None

    family = "pairwise"

    @property
    def n(self) -> int:
        """Number of variables."""
        return self.graph.n

    @property
    def m(self) -> int:
        """Number of two-variable terms."""
        return self.graph.m

    def _content(self) -> list[np.ndarray]:
        """Arrays that, with the family name, define the instance (hashed into ``instance_id``)."""
        return [self.graph.edges]

    @cached_property
    def instance_id(self) -> str:
        """``family-<16 hex>``: SHA-256 of the family name, ``n`` and the defining arrays."""
        h = hashlib.sha256(json.dumps([self.family, self.n]).encode())
        for a in self._content():
            h.update(str(a.dtype).encode() + str(a.shape).encode())
            h.update(np.ascontiguousarray(a).tobytes())
        return f"{self.family}-{h.hexdigest()[:16]}"

    def check_configuration(self, x, field: str = "x") -> np.ndarray:
        """Validate a configuration and return it as a contiguous int8 array of length ``n``."""
        arr = np.asarray(x)
        if arr.shape != (self.n,):
            raise ValidationError(field, f"must have shape ({self.n},), got {arr.shape}")
        if arr.dtype.kind not in "iu":
            raise ValidationError(field, f"must have an integer dtype, got {arr.dtype}")
        self._check_values(arr, field)
        return np.ascontiguousarray(arr, dtype=np.int8)

    def _check_values(self, arr: np.ndarray, field: str) -> None:
        raise NotImplementedError

    def energy(self, x) -> float:
        """Total energy of configuration ``x``."""
        raise NotImplementedError

    def energy_per_variable(self, x) -> float:
        """Energy of ``x`` divided by ``n``."""
        return self.energy(x) / self.n

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args}, seed={self.seed!r}, id={self.instance_id})"
