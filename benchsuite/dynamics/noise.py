"""Noise laws of a stochastic gradient: g(x) = grad f(x) + Z(x), Z of mean zero, independent per coordinate.

Each law has a jitted sampler (:func:`draw`, from the kernels' xoshiro stream) and its cumulant generating
function H_x(p) = log E exp(p Z(x)), which sets the long-run energies of constant-step SGD (Azizian, Iutzeler,
Malick, Mertikopoulos, ICML 2024, arXiv:2406.09241).  Laws (spec name: keywords; coefficients in order):

- ``gaussian``: sigma, slope: N(0, sigma(x)^2) with sigma(x) = sigma exp(slope x_0) (slope 0: additive);
  H = sigma(x)^2 p^2 / 2;
- ``rademacher``: scale: +-scale with probability 1/2 each (per-example gradients f'(x) +- scale);
  H = log cosh(scale p);
- ``uniform``: a: uniform on [-a, a]; H = log(sinh(a p) / (a p));
- ``laplace``: b: density exp(-|z| / b) / (2b); H = -log(1 - b^2 p^2) for |p| < 1/b;
- ``minibatch``: b, replace: the mean gradient of a batch of b of a finite-sum landscape's examples, with or
  without replacement, minus grad f (:mod:`.minibatch`; correlated across coordinates and set by the data).

The theory takes a law bound to its landscape, ``noise.on(landscape)``: the law itself for the first four, a
:class:`~.minibatch.BatchNoise` for mini-batches; each has ``cgf``, ``variance`` and ``support``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from .. import _checks
from ..errors import ValidationError
from ..kernels.normal import standard_normal
from ..kernels.rng import next_u64, next_uniform
from ..registry import Registry
from ..spec import call_with, parse_spec

GAUSSIAN, RADEMACHER, UNIFORM, LAPLACE, MINIBATCH = range(5)
KERNEL_COEFFICIENTS = 2  # the most any law has (gaussian: sigma, slope)


@njit(inline="always", cache=True)
def draw(kind, c, x0, rng):
    """One draw of the noise law ``kind`` with coefficients ``c`` at a point whose first coordinate is ``x0``."""
    if kind == GAUSSIAN:
        sigma = c[0] if c[1] == 0.0 else c[0] * math.exp(c[1] * x0)
        return sigma * standard_normal(rng)
    if kind == RADEMACHER:
        return c[0] if (next_u64(rng) >> np.uint64(63)) else -c[0]
    if kind == UNIFORM:
        return c[0] * (2.0 * next_uniform(rng) - 1.0)
    e = -math.log(1.0 - next_uniform(rng))  # Laplace: an exponential with a random sign
    return c[0] * e if (next_u64(rng) >> np.uint64(63)) else -c[0] * e


@dataclass(frozen=True)
class NoiseLaw:
    """A noise law: ``kind`` (a name of :data:`NOISE_KINDS`) and its ``coefficients``; ``params`` as given."""

    kind: str
    coefficients: tuple[float, ...]
    params: dict

    @property
    def code(self) -> int:
        return NOISE_KINDS[self.kind]

    @property
    def array(self) -> np.ndarray:
        """The coefficients as the kernels take them: read-only float64, zero-padded to ``KERNEL_COEFFICIENTS``
        so that every read :func:`draw` compiles is in bounds for every law (numba may hoist a law's read out of
        its branch in a parallel loop)."""
        a = np.zeros(KERNEL_COEFFICIENTS)
        a[: len(self.coefficients)] = self.coefficients
        a.setflags(write=False)
        return a

    @property
    def bounded(self) -> bool:
        """Whether Z has bounded support (then some points of a discretised chain may be transient)."""
        return self.kind in ("rademacher", "uniform", "minibatch")

    def on(self, landscape):
        """The law on ``landscape``: itself, or for a mini-batch the :class:`~.minibatch.BatchNoise` of the
        landscape's examples (ValidationError when the batch does not fit them)."""
        if self.kind != "minibatch":
            return self
        from .minibatch import BatchNoise

        return BatchNoise(landscape, int(self.coefficients[0]), bool(self.coefficients[1]))

    def _own(self, what: str) -> None:
        if self.kind == "minibatch":
            raise ValidationError("noise", f"the {what} of mini-batch noise is set by a landscape's examples: "
                                           "take it from noise.on(landscape)")  # fmt: skip

    def support(self, x0=0.0) -> tuple[np.ndarray, np.ndarray]:
        """The least and greatest value of Z (+-inf for unbounded laws)."""
        self._own("support")
        s = self.scale(x0)
        bound = s if self.bounded else np.full(s.shape, np.inf)
        return -bound, bound

    @property
    def spec(self) -> str:
        """The law as a spec string, its numbers in full precision (``make_noise(law.spec)`` gives it back)."""
        return self.kind + "".join(f"{',' if i else ':'}{k}={v!r}" for i, (k, v) in enumerate(self.params.items()))

    def scale(self, x0) -> np.ndarray:
        """The law's scale parameter at first coordinates ``x0`` (sigma(x), scale, a or b)."""
        self._own("scale")
        x0 = np.asarray(x0, dtype=np.float64)
        if self.kind == "gaussian":
            return self.coefficients[0] * np.exp(self.coefficients[1] * x0)
        return np.full(x0.shape, self.coefficients[0])

    def variance(self, x0=0.0) -> np.ndarray:
        """Var Z at first coordinates ``x0``."""
        s = self.scale(x0)
        factor = {"gaussian": 1.0, "rademacher": 1.0, "uniform": 1.0 / 3.0, "laplace": 2.0}[self.kind]
        return factor * s * s

    @property
    def constant_variance(self) -> float | None:
        """Var Z when it is the same at every point, else None (a state-dependent Gaussian, a mini-batch)."""
        if self.kind == "minibatch" or (self.kind == "gaussian" and self.coefficients[1] != 0.0):
            return None
        return float(self.variance(0.0))

    def cgf(self, p, x0=0.0) -> np.ndarray:
        """H_x(p) = log E exp(p Z(x)) (inf where the moment generating function diverges: Laplace, |p| >= 1/b)."""
        p = np.asarray(p, dtype=np.float64)
        s = self.scale(x0)
        sp = s * p
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            if self.kind == "gaussian":
                return sp * sp / 2.0
            if self.kind == "rademacher":
                a = np.abs(sp)
                return a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0)  # log cosh without overflow
            if self.kind == "uniform":
                a = np.abs(sp)
                small = a < 1e-4
                big = np.where(small, 1.0, a)
                exact = big + np.log1p(-np.exp(-2.0 * big)) - np.log(2.0 * big)  # log(sinh(a) / a)
                return np.where(small, a * a / 6.0, exact)
            return np.where(np.abs(sp) < 1.0, -np.log1p(-sp * sp), np.inf)


def gaussian(sigma: float = 1.0, slope: float = 0.0) -> NoiseLaw:
    """N(0, sigma(x)^2), sigma(x) = sigma exp(slope x_0)."""
    sigma = _checks.real("sigma", sigma, low=0.0, low_open=True)
    slope = _checks.real("slope", slope, low=-10.0, high=10.0)
    return NoiseLaw("gaussian", (sigma, slope), {"sigma": sigma} | ({"slope": slope} if slope else {}))


def rademacher(scale: float = 1.0) -> NoiseLaw:
    """+-scale with probability 1/2 each."""
    scale = _checks.real("scale", scale, low=0.0, low_open=True)
    return NoiseLaw("rademacher", (scale,), {"scale": scale})


def uniform(a: float = 1.0) -> NoiseLaw:
    """Uniform on [-a, a]."""
    a = _checks.real("a", a, low=0.0, low_open=True)
    return NoiseLaw("uniform", (a,), {"a": a})


def laplace(b: float = 1.0) -> NoiseLaw:
    """Laplace with scale b (variance 2 b^2)."""
    b = _checks.real("b", b, low=0.0, low_open=True)
    return NoiseLaw("laplace", (b,), {"b": b})


def minibatch(b: int = 1, replace: bool = False) -> NoiseLaw:
    """The gradient of a batch of ``b`` examples of the landscape, drawn with or without ``replace``."""
    b = _checks.integer("b", b, low=1, high=1 << 16)  # minibatch.MAX_BATCH
    if not isinstance(replace, bool | np.bool_):
        raise ValidationError("replace", f"must be true or false, got {replace!r}")
    return NoiseLaw("minibatch", (float(b), float(replace)), {"b": b, "replace": bool(replace)})


NOISE_KINDS = {"gaussian": GAUSSIAN, "rademacher": RADEMACHER, "uniform": UNIFORM, "laplace": LAPLACE,
               "minibatch": MINIBATCH}  # fmt: skip
NOISES = Registry("noise")
for _name, _law in [("gaussian", gaussian), ("rademacher", rademacher), ("uniform", uniform), ("laplace", laplace),
                    ("minibatch", minibatch)]:  # fmt: skip
    NOISES.register(_name, _law)


def make_noise(spec: str | NoiseLaw) -> NoiseLaw:
    """``make_noise("gaussian:sigma=2")`` (a NoiseLaw is returned as it is)."""
    if isinstance(spec, NoiseLaw):
        return spec
    name, params = parse_spec(spec, "noise")
    law = call_with(NOISES.get(name), params, "noise", name)
    if not isinstance(law, NoiseLaw):
        raise ValidationError("noise", f"{name} returned a {type(law).__name__}, not a NoiseLaw")
    return law
