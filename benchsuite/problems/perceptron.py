"""Teacher-student binary perceptron: energy = number of misclassified training patterns.

The weights w are spins.  Pattern ``mu`` (term ``mu``, over every variable) has label
y_mu = sgn(xi_mu . w*) for a hidden teacher w*, with sgn(0) = +1; the student misclassifies it when
sgn(xi_mu . w) != y_mu.  A mini-batch of terms is literally a mini-batch of training examples.
Thresholds of the +-1-pattern problem (information-theoretic alpha ~ 1.249, algorithmic ~ 1.493) are in
Barbier, Krzakala, Macris, Miolane, Zdeborova, PNAS 116, 5451 (2019).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..errors import ValidationError
from .base import Problem, Reference, read_only
from .domain import SPINS, Domain
from .hypergraph import Hypergraph

PATTERNS = ("pm1", "gauss")
MAX_ENTRIES = 1 << 25  # patterns x n; the incidence arrays hold three entries per pattern element
MAX_PREACTIVATION = 1e300  # the largest sum of |entries| of a real pattern (a bound on |xi . w| for spins w)


@dataclass(frozen=True, eq=False, repr=False)
class PerceptronProblem(Problem):
    """Patterns ``(P, n)`` (int8 +-1 or float64) with +-1 ``labels``; build with :meth:`from_patterns`."""

    patterns: np.ndarray | None = None
    labels: np.ndarray | None = None
    planted: np.ndarray | None = None

    family = "perceptron"
    content_names = ("patterns", "labels", "planted")

    def _validate(self) -> None:
        xi = _checks.array("patterns", self.patterns, ndim=2, kind="f", shape=(self.m, self.n))
        if xi.dtype.kind in "iu" and np.any((xi != 1) & (xi != -1)):  # before the cast, which wraps 257 to 1
            raise ValidationError("patterns", "integer patterns must have entries +1 or -1")
        xi = np.ascontiguousarray(xi, dtype=np.int8 if xi.dtype.kind in "iu" else np.float64)
        if xi.dtype == np.float64 and xi.size and np.abs(xi).sum(axis=1).max() > MAX_PREACTIVATION:
            raise ValidationError("patterns", f"a pattern's sum of |entries| is above {MAX_PREACTIVATION:g}: its "
                                              "preactivations and their changes would not stay finite")  # fmt: skip
        y = _checks.array("labels", self.labels, ndim=1, kind="i", shape=(self.m,))
        if np.any((y != 1) & (y != -1)):
            raise ValidationError("labels", "labels must be +1 or -1")
        y = np.ascontiguousarray(y, dtype=np.int8)
        read_only(xi, y)
        object.__setattr__(self, "patterns", xi)
        object.__setattr__(self, "labels", y)
        if self.planted is not None:
            p = self.check_configuration(self.planted, field="planted")
            wrong = np.flatnonzero(self.term_energies(p))
            if wrong.size:
                raise ValidationError("planted", f"the teacher misclassifies {wrong.size} of {self.m} patterns "
                                                 f"(first: pattern {wrong[0]}): it is not a ground state")  # fmt: skip
            read_only(p)
            object.__setattr__(self, "planted", p)

    @classmethod
    def from_patterns(cls, patterns, labels, planted=None, params=None, seed=None) -> PerceptronProblem:
        """Every pattern is a term over all ``n`` variables, in variable order."""
        xi = _checks.array("patterns", patterns, ndim=2, kind="f")
        n_patterns, n = xi.shape
        if n_patterns * n > MAX_ENTRIES:
            raise ValidationError("patterns", f"{n_patterns} x {n} entries is above the limit of {MAX_ENTRIES} "
                                              f"(about {12 * n_patterns * n / 1e9:.1f} GB of incidence arrays)")  # fmt: skip
        graph = Hypergraph.from_uniform(n, np.broadcast_to(np.arange(n), (n_patterns, n)), field="patterns")
        return cls(graph, params or {}, seed, patterns=xi, labels=labels, planted=planted)

    @property
    def domain(self) -> Domain:
        return SPINS

    def _content(self) -> dict[str, np.ndarray]:
        arrays = {"patterns": self.patterns, "labels": self.labels}
        return arrays | ({"planted": self.planted} if self.planted is not None else {})

    @classmethod
    def _from_content(cls, n, arrays, params, seed):
        if arrays["patterns"].ndim != 2 or arrays["patterns"].shape[1] != n:
            raise ValidationError("patterns", f"must have {n} columns")
        return cls.from_patterns(arrays["patterns"], arrays["labels"], arrays.get("planted"), params, seed)

    def preactivations(self, x) -> np.ndarray:
        """xi . w for every pattern (``x`` may be a stack of weight vectors)."""
        x = np.asarray(x, dtype=np.float64 if self.patterns.dtype.kind == "f" else np.int64)
        return x @ self.patterns.T

    def term_energies(self, x) -> np.ndarray:
        """1 for each misclassified pattern, else 0 (int8)."""
        predicted = np.where(self.preactivations(x) >= 0, 1, -1)
        return (predicted != self.labels).astype(np.int8)

    def overlap(self, x) -> float | None:
        """(1/n) sum w_i w*_i with the teacher (no symmetry: the labels fix the sign)."""
        return self._spin_overlap(x, flip_symmetric=False)

    @property
    def references(self) -> dict[str, Reference]:
        return self._planted_ground_state("the teacher classifies every pattern")


def perceptron(n: int, alpha: float, patterns: str = "pm1", seed: int = 0) -> PerceptronProblem:
    """Teacher-student binary perceptron with ``round(alpha n)`` patterns (+-1 or standard Gaussian entries)
    and a uniform +-1 teacher; deterministic in its arguments."""
    n = _checks.integer("n", n, low=1, high=2**31 - 1)
    alpha = _checks.real("alpha", alpha, low=0.0, low_open=True)
    seed = _checks.integer("seed", seed, low=0)
    _checks.choice("patterns", patterns, PATTERNS)
    n_patterns = max(1, round(alpha * n))
    if n_patterns * n > MAX_ENTRIES:
        raise ValidationError(
            "alpha", f"alpha n^2 = {n_patterns * n} pattern entries is above the limit of {MAX_ENTRIES}"
        )
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    teacher = (2 * rng.integers(0, 2, size=n) - 1).astype(np.int8)
    if patterns == "pm1":
        xi = (2 * rng.integers(0, 2, size=(n_patterns, n)) - 1).astype(np.int8)
    else:
        xi = rng.standard_normal((n_patterns, n))
    params = {"n": n, "alpha": alpha, "patterns": patterns}
    unlabelled = PerceptronProblem.from_patterns(xi, np.ones(n_patterns, dtype=np.int8))
    labels = np.where(unlabelled.preactivations(teacher) >= 0, 1, -1).astype(np.int8)
    return PerceptronProblem(unlabelled.hypergraph, params, seed, patterns=xi, labels=labels, planted=teacher)
