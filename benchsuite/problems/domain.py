"""Domains of variables: Ising spins (-1, +1) or q states (0 .. q-1), stored as int8, or the real line, stored
as float64.

A discrete domain lists its values in a fixed order; heat-bath kernels index the values in that order.  The
domain owns the dtype of a configuration and the check of its values (``REALS``: finite numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ValidationError


@dataclass(frozen=True)
class Domain:
    """The values one variable can take: ``kind`` is ``"spins"`` (values -1, +1), ``"states"`` (0 .. q-1, ``size``
    = q) or ``"reals"`` (any finite float, ``size`` 0)."""

    kind: str
    size: int

    @property
    def discrete(self) -> bool:
        return self.kind != "reals"

    @property
    def dtype(self) -> np.dtype:
        """The dtype of a configuration: int8 for discrete domains, float64 for the real line."""
        return np.dtype(np.int8 if self.discrete else np.float64)

    @property
    def values(self) -> np.ndarray:
        """The values in heat-bath order (spins: -1 then +1); a real domain has no list of values."""
        if not self.discrete:
            raise ValidationError("domain", "the real line has no list of values (a discrete rule cannot run on it)")
        if self.kind == "spins":
            return np.array([-1, 1], dtype=np.int8)
        return np.arange(self.size, dtype=np.int8)

    def check(self, arr: np.ndarray, field: str) -> None:
        """Raise ValidationError naming ``field`` if a value of ``arr`` is outside the domain."""
        if not self.discrete:
            if not np.all(np.isfinite(arr)):
                raise ValidationError(field, "real values must be finite")
        elif self.kind == "spins":
            if np.any((arr != 1) & (arr != -1)):
                raise ValidationError(field, "spins must be +1 or -1")
        elif arr.size and (arr.min() < 0 or arr.max() >= self.size):
            raise ValidationError(field, f"values must lie in [0, {self.size})")

    def random(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` independent uniform values (int8); a real domain has no uniform law."""
        if not self.discrete:
            raise ValidationError("domain", "the real line has no uniform law: draw starts from a box")
        if self.kind == "spins":
            return (2 * rng.integers(0, 2, size=n) - 1).astype(np.int8)
        return rng.integers(0, self.size, size=n).astype(np.int8)


SPINS = Domain("spins", 2)
REALS = Domain("reals", 0)


def states(q: int) -> Domain:
    """The domain {0, ..., q-1} (2 <= q <= 127, so that values fit in int8)."""
    return Domain("states", q)
