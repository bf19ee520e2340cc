"""Continuous landscapes: real variables x in R^d and an objective f(x) with its gradient and Hessian.

A landscape is a problem like the discrete ones: its domain is the real line (float64 configurations of length
d) and its energy is a finite sum of terms.  The analytic landscapes below are one term, f itself; what makes
their stochastic gradient noisy is a noise law (:mod:`benchsuite.dynamics.noise`).  Each has a ``box`` where
its critical points are sought, chains start and exact grid chains live.

Built-in kinds (coefficients in brackets; the kernel reads them from ``coefficients`` in that order):

- ``quadratic`` [a, coupling]: f = x'Ax / 2, A = a I + coupling (J - I) (J all ones), d dimensions;
- ``double-well`` [tilt]: f = (x^2 - 1)^2 / (1 + x^2) + tilt x, 1-D (minima near -1 and +1, maximum near 0;
  a positive tilt makes the left minimum the global one);
- ``steep-gentle`` [gentle_depth, steep_depth, gentle_width, steep_width]: f = x^4/40 - gentle_depth
  exp(-(x + 1.5)^2 / (2 gentle_width^2)) - steep_depth exp(-(x - 1.5)^2 / (2 steep_width^2)), 1-D: a wide
  well on the left and a narrow one on the right;
- ``camel`` []: the three-hump camel 2x^2 - 1.05x^4 + x^6/6 + xy + y^2 (minimum (0, 0), two side minima);
- ``himmelblau`` []: (x^2 + y - 11)^2 + (x + y^2 - 7)^2 (four minima, all at f = 0);
- ``mueller-brown`` [scale]: the Mueller-Brown potential (Mueller & Brown, Theor. Chim. Acta 53, 75 (1979))
  times ``scale`` (three minima, the deepest at about -146.7 scale);
- ``quadratic-form`` [H (d x d, row-major), m (d), f0]: f = (x - m)' H (x - m) / 2 + f0, d dimensions (the
  full-batch loss of least squares, :func:`teacher_student`).

The jitted :func:`value`, :func:`gradient` and :func:`hessian` take the kind's code and coefficients (the model
a kernel is compiled for once, and cached); :func:`numpy_value` is their plain-numpy twin over stacks of points.

A landscape may also be a finite sum of ``examples`` terms, f = (1/n) sum_k f_k, with
f_k(x) = f(x) + u_k . x + (x - a)' W_k (x - a) / 2: per-example ``shifts`` u_k (n, d) and symmetric
``curvatures`` W_k (n, d, d) (w_k I for a scalar w_k), both summing to zero (so the terms average to f), and an
``anchor`` a where the curvature terms vanish.  The per-example gradient is grad f(x) + u_k + W_k (x - a); what
a mini-batch of them adds to grad f is the mini-batch noise of :mod:`benchsuite.dynamics.minibatch`.  Without
examples (the default) f is one term.  Least squares is one such sum exactly (:func:`teacher_student`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numba import njit

from .. import _checks
from ..errors import ValidationError
from ..registry import Registry
from ..spec import call_with, parse_spec
from .base import Problem, read_only
from .domain import REALS, Domain
from .hypergraph import Hypergraph

QUADRATIC, DOUBLE_WELL, STEEP_GENTLE, CAMEL, HIMMELBLAU, MUELLER_BROWN, QUADRATIC_FORM = range(7)
KINDS = {"quadratic": QUADRATIC, "double-well": DOUBLE_WELL, "steep-gentle": STEEP_GENTLE, "camel": CAMEL,
         "himmelblau": HIMMELBLAU, "mueller-brown": MUELLER_BROWN, "quadratic-form": QUADRATIC_FORM}  # fmt: skip
MAX_EXAMPLES = 1 << 16
MAX_FORM_DIMENSION = 64
MAX_CURVATURE_ENTRIES = 1 << 24  # n d^2 floats of per-example curvature (128 MiB)
STEEP_GENTLE_CENTRE = 1.5  # the wells of steep-gentle sit at -1.5 (gentle) and +1.5 (steep)
_MB_A = np.array([-200.0, -100.0, -170.0, 15.0])
_MB_a = np.array([-1.0, -1.0, -6.5, 0.7])
_MB_b = np.array([0.0, 0.0, 11.0, 0.6])
_MB_c = np.array([-10.0, -10.0, -6.5, 0.7])
_MB_X = np.array([1.0, 0.0, -0.5, -1.0])
_MB_Y = np.array([0.0, 0.5, 1.5, 1.0])


@njit(cache=True, nogil=True)
def value(kind, c, x):
    """f(x) for the landscape ``kind`` with coefficients ``c`` at the point ``x`` (float64[d])."""
    if kind == QUADRATIC:
        total = 0.0
        s = 0.0
        for i in range(x.size):
            total += (c[0] - c[1]) * x[i] * x[i]
            s += x[i]
        return 0.5 * (total + c[1] * s * s)
    if kind == QUADRATIC_FORM:
        d = x.size
        total = 0.0
        for i in range(d):
            for j in range(d):
                total += (x[i] - c[d * d + i]) * c[i * d + j] * (x[j] - c[d * d + j])
        return 0.5 * total + c[d * d + d]
    if kind == DOUBLE_WELL:
        u = x[0] * x[0]
        return (u - 1.0) ** 2 / (1.0 + u) + c[0] * x[0]
    if kind == STEEP_GENTLE:
        t = x[0]
        g = math.exp(-((t + STEEP_GENTLE_CENTRE) ** 2) / (2.0 * c[2] ** 2))
        s = math.exp(-((t - STEEP_GENTLE_CENTRE) ** 2) / (2.0 * c[3] ** 2))
        return t**4 / 40.0 - c[0] * g - c[1] * s
    if kind == CAMEL:
        a, b = x[0], x[1]
        return 2.0 * a * a - 1.05 * a**4 + a**6 / 6.0 + a * b + b * b
    if kind == HIMMELBLAU:
        a, b = x[0], x[1]
        return (a * a + b - 11.0) ** 2 + (a + b * b - 7.0) ** 2
    total = 0.0
    for k in range(4):
        dx, dy = x[0] - _MB_X[k], x[1] - _MB_Y[k]
        total += _MB_A[k] * math.exp(_MB_a[k] * dx * dx + _MB_b[k] * dx * dy + _MB_c[k] * dy * dy)
    return c[0] * total


@njit(cache=True, nogil=True)
def gradient_1d(kind, c, t):
    """f'(t) of a 1-D landscape (the SGD kernels' fast path)."""
    if kind == DOUBLE_WELL:
        u = t * t
        return 2.0 * t * (u - 1.0) * (u + 3.0) / (1.0 + u) ** 2 + c[0]
    if kind == STEEP_GENTLE:
        zg = t + STEEP_GENTLE_CENTRE
        zs = t - STEEP_GENTLE_CENTRE
        g = math.exp(-zg * zg / (2.0 * c[2] ** 2))
        s = math.exp(-zs * zs / (2.0 * c[3] ** 2))
        return t**3 / 10.0 + c[0] * g * zg / c[2] ** 2 + c[1] * s * zs / c[3] ** 2
    if kind == QUADRATIC_FORM:
        return c[0] * (t - c[1])
    return c[0] * t  # quadratic, d = 1


@njit(cache=True, nogil=True)
def gradient(kind, c, x, out):
    """Write grad f(x) into ``out`` (float64[d])."""
    if kind == QUADRATIC:
        s = 0.0
        for i in range(x.size):
            s += x[i]
        for i in range(x.size):
            out[i] = (c[0] - c[1]) * x[i] + c[1] * s
    elif kind == QUADRATIC_FORM:
        d = x.size
        for i in range(d):
            g = 0.0
            for j in range(d):
                g += c[i * d + j] * (x[j] - c[d * d + j])
            out[i] = g
    elif kind == DOUBLE_WELL or kind == STEEP_GENTLE:
        out[0] = gradient_1d(kind, c, x[0])
    elif kind == CAMEL:
        a, b = x[0], x[1]
        out[0] = 4.0 * a - 4.2 * a**3 + a**5 + b
        out[1] = a + 2.0 * b
    elif kind == HIMMELBLAU:
        a, b = x[0], x[1]
        u, v = a * a + b - 11.0, a + b * b - 7.0
        out[0] = 4.0 * a * u + 2.0 * v
        out[1] = 2.0 * u + 4.0 * b * v
    else:
        out[0] = 0.0
        out[1] = 0.0
        for k in range(4):
            dx, dy = x[0] - _MB_X[k], x[1] - _MB_Y[k]
            e = _MB_A[k] * math.exp(_MB_a[k] * dx * dx + _MB_b[k] * dx * dy + _MB_c[k] * dy * dy)
            out[0] += c[0] * e * (2.0 * _MB_a[k] * dx + _MB_b[k] * dy)
            out[1] += c[0] * e * (_MB_b[k] * dx + 2.0 * _MB_c[k] * dy)


@njit(cache=True, nogil=True)
def hessian(kind, c, x, out):
    """Write the Hessian of f at ``x`` into ``out`` (float64[d, d])."""
    if kind == QUADRATIC:
        for i in range(x.size):
            for j in range(x.size):
                out[i, j] = c[0] if i == j else c[1]
    elif kind == QUADRATIC_FORM:
        d = x.size
        for i in range(d):
            for j in range(d):
                out[i, j] = c[i * d + j]
    elif kind == DOUBLE_WELL:
        u = x[0] * x[0]
        out[0, 0] = (2.0 * u**3 + 6.0 * u * u + 30.0 * u - 6.0) / (1.0 + u) ** 3
    elif kind == STEEP_GENTLE:
        t = x[0]
        zg, zs = t + STEEP_GENTLE_CENTRE, t - STEEP_GENTLE_CENTRE
        wg, ws = c[2] ** 2, c[3] ** 2
        g = math.exp(-zg * zg / (2.0 * wg))
        s = math.exp(-zs * zs / (2.0 * ws))
        out[0, 0] = 0.3 * t * t + c[0] * g * (1.0 / wg - zg * zg / wg**2) + c[1] * s * (1.0 / ws - zs * zs / ws**2)
    elif kind == CAMEL:
        a = x[0]
        out[0, 0] = 4.0 - 12.6 * a * a + 5.0 * a**4
        out[0, 1] = out[1, 0] = 1.0
        out[1, 1] = 2.0
    elif kind == HIMMELBLAU:
        a, b = x[0], x[1]
        out[0, 0] = 12.0 * a * a + 4.0 * b - 42.0
        out[0, 1] = out[1, 0] = 4.0 * (a + b)
        out[1, 1] = 12.0 * b * b + 4.0 * a - 26.0
    else:
        out[:, :] = 0.0
        for k in range(4):
            dx, dy = x[0] - _MB_X[k], x[1] - _MB_Y[k]
            e = c[0] * _MB_A[k] * math.exp(_MB_a[k] * dx * dx + _MB_b[k] * dx * dy + _MB_c[k] * dy * dy)
            qx, qy = 2.0 * _MB_a[k] * dx + _MB_b[k] * dy, _MB_b[k] * dx + 2.0 * _MB_c[k] * dy
            out[0, 0] += e * (qx * qx + 2.0 * _MB_a[k])
            out[0, 1] += e * (qx * qy + _MB_b[k])
            out[1, 1] += e * (qy * qy + 2.0 * _MB_c[k])
        out[1, 0] = out[0, 1]


def numpy_value(kind: int, c: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Plain-numpy twin of :func:`value` over a stack of points ``x`` (shape (..., d)); returns shape (...)."""
    x = np.asarray(x, dtype=np.float64)
    if kind == QUADRATIC:
        return 0.5 * ((c[0] - c[1]) * (x * x).sum(-1) + c[1] * x.sum(-1) ** 2)
    if kind == QUADRATIC_FORM:
        d = x.shape[-1]
        e = x - c[d * d : d * d + d]
        return 0.5 * np.einsum("...i,ij,...j->...", e, c[: d * d].reshape(d, d), e) + c[d * d + d]
    if kind in (DOUBLE_WELL, STEEP_GENTLE):
        t = x[..., 0]
        if kind == DOUBLE_WELL:
            return (t * t - 1.0) ** 2 / (1.0 + t * t) + c[0] * t
        gentle = c[0] * np.exp(-((t + STEEP_GENTLE_CENTRE) ** 2) / (2 * c[2] ** 2))
        return t**4 / 40 - gentle - c[1] * np.exp(-((t - STEEP_GENTLE_CENTRE) ** 2) / (2 * c[3] ** 2))
    a, b = x[..., 0], x[..., 1]
    if kind == CAMEL:
        return 2 * a**2 - 1.05 * a**4 + a**6 / 6 + a * b + b**2
    if kind == HIMMELBLAU:
        return (a**2 + b - 11) ** 2 + (a + b**2 - 7) ** 2
    dx, dy = a[..., None] - _MB_X, b[..., None] - _MB_Y
    return c[0] * (_MB_A * np.exp(_MB_a * dx**2 + _MB_b * dx * dy + _MB_c * dy**2)).sum(-1)


@dataclass(frozen=True, eq=False, repr=False)
class Landscape(Problem):
    """An objective over R^d: ``kind`` (a name of :data:`KINDS`), its ``coefficients`` and a ``box`` (shape
    (d, 2): lower and upper bound per coordinate).  Build one with a generator (:func:`double_well`, ...) or
    :func:`make_landscape`."""

    kind: str = ""
    coefficients: np.ndarray | None = None
    box: np.ndarray | None = None
    shifts: np.ndarray | None = None
    curvatures: np.ndarray | None = None
    anchor: np.ndarray | None = None

    family = "landscape"
    content_names = ("kind", "coefficients", "box", "shifts", "curvatures", "anchor")
    affine_examples = True  # every example's gradient is grad f + u_k + W_k (x - a) (what BatchNoise enumerates)

    def _validate(self) -> None:
        kind = _checks.choice("kind", self.kind, tuple(KINDS))
        d = self.n
        fields = {"coefficients": _checks.array("coefficients", self.coefficients, ndim=1, kind="f"),
                  "box": _checks.array("box", self.box, ndim=2, kind="f", shape=(d, 2))}  # fmt: skip
        m = self.m
        given = {"shifts": (self.shifts, (m, d)), "curvatures": (self.curvatures, (m, d, d)),
                 "anchor": (self.anchor, (d,))}  # fmt: skip
        for name, (a, shape) in given.items():
            fields[name] = np.zeros(shape) if a is None else _checks.array(name, a, ndim=len(shape), kind="f",
                                                                            shape=shape)  # fmt: skip
        box = fields["box"]
        if np.any(box[:, 0] >= box[:, 1]):
            raise ValidationError("box", "every lower bound must be below its upper bound")
        dimension = {DOUBLE_WELL: 1, STEEP_GENTLE: 1, CAMEL: 2, HIMMELBLAU: 2, MUELLER_BROWN: 2}.get(KINDS[kind])
        if dimension is not None and d != dimension:
            raise ValidationError("n", f"{kind} is {dimension}-dimensional, got n = {d}")
        if KINDS[kind] == QUADRATIC_FORM:
            c = fields["coefficients"]
            if c.size != d * d + d + 1:
                raise ValidationError("coefficients", f"a {d}-D quadratic form takes d^2 + d + 1 = {d * d + d + 1} "
                                                      f"coefficients (H, m, f0), got {c.size}")  # fmt: skip
            h = c[: d * d].reshape(d, d)
            if not np.allclose(h, h.T, rtol=0.0, atol=1e-12 * max(1.0, float(np.abs(h).max()))):
                raise ValidationError("coefficients", "the quadratic form's H must be symmetric")
        w = fields["curvatures"]
        if not np.allclose(w, w.transpose(0, 2, 1), rtol=0.0, atol=1e-12 * max(1.0, float(np.abs(w).max(initial=0)))):
            raise ValidationError("curvatures", "every W_k must be symmetric")
        for name in ("shifts", "curvatures"):
            a = fields[name]
            with np.errstate(over="ignore"):
                total, size = a.sum(0), float(np.abs(a).sum())
            if not (np.all(np.isfinite(total)) and np.isfinite(size)):
                raise ValidationError(name, "are too large: their sum overflows")
            if np.any(np.abs(total) > 1e-9 * max(1.0, size)):
                raise ValidationError(name, "must sum to zero over the examples (the terms average to f)")
        for name, a in fields.items():
            a = np.array(a, dtype=np.float64)
            read_only(a)
            object.__setattr__(self, name, a)

    @classmethod
    def build(cls, kind: str, coefficients, box, params: dict | None = None) -> Landscape:
        """A landscape over ``len(box)`` coordinates (one term: f itself)."""
        box = np.asarray(box, dtype=np.float64)
        d = max(box.shape[0] if box.ndim == 2 else 0, 1)
        return cls(
            example_graph(d, 1), params or {}, None, kind=kind, coefficients=np.asarray(coefficients, float), box=box
        )

    def with_examples(self, shifts, curvatures=None, anchor=None, params: dict | None = None) -> Landscape:
        """This landscape as the finite sum of ``len(shifts)`` examples f_k = f + u_k . x + (x - a)' W_k (x - a) / 2
        (``shifts`` u (n, d); ``curvatures`` W (n, d, d) symmetric, or w (n,) for W_k = w_k I, default 0;
        ``anchor`` a (d,), default 0; u and W must sum to zero); ``params`` are added to the landscape's own."""
        shifts = _checks.array("shifts", shifts, ndim=2, kind="f")
        examples = _checks.integer("examples", shifts.shape[0], low=1, high=MAX_EXAMPLES)
        if shifts.shape[1] != self.n:
            raise ValidationError("shifts", f"must have shape (examples, {self.n}), got {shifts.shape}")
        d = self.n
        if examples * d * d > MAX_CURVATURE_ENTRIES:
            raise ValidationError("examples", f"n d^2 = {examples * d * d} curvature entries, more than "
                                              f"{MAX_CURVATURE_ENTRIES}")  # fmt: skip
        curvatures = np.zeros((examples, d, d)) if curvatures is None else curvatures
        if np.ndim(curvatures) == 1:
            w = _checks.array("curvatures", curvatures, ndim=1, kind="f", shape=(examples,))
            curvatures = w[:, None, None] * np.eye(d)
        anchor = np.zeros(d) if anchor is None else anchor
        return type(self)(example_graph(d, examples), self.params | (params or {}), None, kind=self.kind,
                          coefficients=self.coefficients, box=self.box, shifts=shifts, curvatures=curvatures,
                          anchor=anchor)  # fmt: skip

    @property
    def examples(self) -> int:
        """The number of terms f_k (1 unless built by :meth:`with_examples`)."""
        return self.m

    @property
    def domain(self) -> Domain:
        return REALS

    @property
    def code(self) -> int:
        """The kind's code, as the jitted functions take it."""
        return KINDS[self.kind]

    @property
    def model(self):
        """The kernel layout the continuous rules take (:mod:`benchsuite.kernels.objective`)."""
        from ..kernels.objective import FormulaModel

        return FormulaModel(self.code, self.coefficients, self.shifts, self.curvatures, self.anchor)

    def _content(self) -> dict[str, np.ndarray]:
        return {"kind": np.array([self.code]), "coefficients": self.coefficients, "box": self.box,
                "shifts": self.shifts, "curvatures": self.curvatures, "anchor": self.anchor}  # fmt: skip

    @classmethod
    def _from_content(cls, n, arrays, params, seed):
        code = int(_checks.array("kind", arrays["kind"], ndim=1, kind="i", shape=(1,))[0])
        names = {v: k for k, v in KINDS.items()}
        if code not in names:
            raise ValidationError("kind", f"unknown landscape code {code}")
        one = cls.build(names[code], arrays["coefficients"], arrays["box"], params)
        return one.with_examples(arrays["shifts"], arrays["curvatures"], arrays["anchor"])

    def term_energies(self, x) -> np.ndarray:
        """f_k(x) / n for every example k, shape (..., n) for points of shape (..., d): they sum to f(x)."""
        x = np.asarray(x, dtype=np.float64)
        f = numpy_value(self.code, self.coefficients, x)[..., None]
        r = x - self.anchor
        own = x @ self.shifts.T + 0.5 * np.einsum("...i,kij,...j->...k", r, self.curvatures, r)
        return (f + own) / self.examples

    def values(self, x) -> np.ndarray:
        """f at a stack of points ``x`` (shape (..., d), not checked), shape (...)."""
        return numpy_value(self.code, self.coefficients, x)

    def deviations(self, x) -> np.ndarray:
        """u_k + W_k (x - a): what each example's gradient adds to grad f at the point ``x`` (checked), (n, d)."""
        x = self.check_configuration(x)
        return self.shifts + self.curvatures @ (x - self.anchor)

    def deviations_1d(self, t) -> np.ndarray:
        """u_k + w_k (t - a) of a 1-D landscape at the points ``t`` (any shape, checked finite), shape (n,) +
        t.shape."""
        t = self._points_1d(t)
        return self.shifts[:, 0].reshape((-1,) + (1,) * t.ndim) + np.multiply.outer(self.curvatures[:, 0, 0],
                                                                                      t - self.anchor[0])  # fmt: skip

    def _points_1d(self, t) -> np.ndarray:
        if self.n != 1:
            raise ValidationError("landscape", f"the law of one example's gradient is given for 1-D landscapes "
                                               f"(its coordinates are correlated in {self.n}-D)")  # fmt: skip
        t = np.asarray(t, dtype=np.float64)
        if not np.all(np.isfinite(t)):
            raise ValidationError("x0", "must be finite")
        return t

    def gradients(self, points) -> np.ndarray:
        """grad f at a stack of points (N, d) (not checked), shape (N, d)."""
        from ..kernels.objective import gradients_at

        return gradients_at(self.model, np.ascontiguousarray(points, dtype=np.float64).reshape(-1, self.n))

    def value(self, x) -> float:
        """f at the point ``x`` (checked)."""
        return float(value(self.code, self.coefficients, self.check_configuration(x)))

    def gradient(self, x) -> np.ndarray:
        """grad f at the point ``x`` (checked), float64[d]."""
        out = np.empty(self.n)
        gradient(self.code, self.coefficients, self.check_configuration(x), out)
        return out

    def hessian(self, x) -> np.ndarray:
        """The Hessian of f at the point ``x`` (checked), float64[d, d]."""
        out = np.empty((self.n, self.n))
        hessian(self.code, self.coefficients, self.check_configuration(x), out)
        return out

    def random_configuration(self, rng: np.random.Generator) -> np.ndarray:
        """A uniform point of the box."""
        return rng.uniform(self.box[:, 0], self.box[:, 1])

    @cached_property
    def critical_points(self):
        """The critical points in the box, minima first (see :func:`~.critical.find_critical_points`)."""
        from .critical import find_critical_points

        return find_critical_points(self)

    @property
    def minima(self):
        return tuple(p for p in self.critical_points if p.kind == "minimum")

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"Landscape({self.kind}{': ' if args else ''}{args}, id={self.instance_id})"


def quadratic(a: float = 1.0, d: int = 1, coupling: float = 0.0, width: float = 10.0) -> Landscape:
    """f = x'Ax/2 with A = a I + coupling (J - I) in ``d`` dimensions (A must be positive definite); box
    [-width, width]^d."""
    a = _checks.real("a", a, low=0.0, low_open=True)
    d = _checks.integer("d", d, low=1, high=64)
    coupling = _checks.real("coupling", coupling)
    if a - coupling <= 0 or a + (d - 1) * coupling <= 0:
        raise ValidationError("coupling", f"A = a I + coupling (J - I) must be positive definite: eigenvalues "
                                          f"{a - coupling:g} and {a + (d - 1) * coupling:g}")  # fmt: skip
    width = _checks.real("width", width, low=0.0, low_open=True)
    box = np.tile([-width, width], (d, 1))
    return Landscape.build("quadratic", [a, coupling], box, {"a": a, "d": d, "coupling": coupling, "width": width})


def double_well(tilt: float = 0.3) -> Landscape:
    """The tilted double well f = (x^2 - 1)^2 / (1 + x^2) + tilt x on [-2.5, 2.5] (two minima for |tilt| < 1)."""
    tilt = _checks.real("tilt", tilt, low=-1.0, high=1.0, low_open=True, high_open=True)
    return Landscape.build("double-well", [tilt], [[-2.5, 2.5]], {"tilt": tilt})


def steep_gentle(gentle_depth: float = 1.0, steep_depth: float = 0.8, gentle_width: float = 0.8,
                 steep_width: float = 0.25) -> Landscape:  # fmt: skip
    """A wide well at -1.5 and a narrow one at +1.5 in a weak quartic confinement x^4 / 40, on [-3.5, 3.5]."""
    depths = [_checks.real(k, v, low=0.0, low_open=True) for k, v in [("gentle_depth", gentle_depth),
                                                              ("steep_depth", steep_depth)]]  # fmt: skip
    widths = [_checks.real(k, v, low=0.05, high=1.0) for k, v in [("gentle_width", gentle_width),
                                                            ("steep_width", steep_width)]]  # fmt: skip
    params = {"gentle_depth": depths[0], "steep_depth": depths[1], "gentle_width": widths[0], "steep_width": widths[1]}
    return Landscape.build("steep-gentle", depths + widths, [[-3.5, 3.5]], params)


def camel() -> Landscape:
    """The three-hump camel on [-3, 3]^2 (wide enough for its Gibbs law at T = 0.8 to lie inside)."""
    return Landscape.build("camel", [], [[-3.0, 3.0], [-3.0, 3.0]])


def himmelblau() -> Landscape:
    """Himmelblau's function on [-5, 5]^2."""
    return Landscape.build("himmelblau", [], [[-5.0, 5.0], [-5.0, 5.0]])


def mueller_brown(scale: float = 0.01) -> Landscape:
    """The Mueller-Brown potential times ``scale`` on [-1.7, 1.3] x [-0.6, 2.2]."""
    scale = _checks.real("scale", scale, low=0.0, low_open=True)
    return Landscape.build("mueller-brown", [scale], [[-1.7, 1.3], [-0.6, 2.2]], {"scale": scale})


LANDSCAPES = Registry("landscape")


def example_graph(d: int, examples: int) -> Hypergraph:
    """The hypergraph of a finite sum over d coordinates: ``examples`` terms, each over every coordinate."""
    return Hypergraph.from_terms(d, np.arange(examples + 1, dtype=np.int64) * d, np.tile(np.arange(d), examples))


def quadratic_form(hessian, centre, offset: float = 0.0, box=None) -> Landscape:
    """f = (x - m)' H (x - m) / 2 + f0 for a symmetric ``hessian`` H (d, d) and ``centre`` m (d,); ``box``
    (d, 2) defaults to m +- 3 per coordinate."""
    h = _checks.array("hessian", hessian, ndim=2, kind="f")
    d = h.shape[0]
    if h.shape != (d, d) or not 1 <= d <= MAX_FORM_DIMENSION:
        raise ValidationError("hessian", f"must be a square matrix of side 1 to {MAX_FORM_DIMENSION}, got {h.shape}")
    m = _checks.array("centre", centre, ndim=1, kind="f", shape=(d,))
    offset = _checks.real("offset", offset)
    box = np.stack([m - 3.0, m + 3.0], axis=1) if box is None else box
    return Landscape.build("quadratic-form", np.concatenate([h.ravel(), m, [offset]]), box)


def teacher_student(d: int = 10, n: int = 100, label_noise: float = 0.5, teacher_seed: int = 0) -> Landscape:
    """Least squares on data of a linear teacher, as a finite sum of its ``n`` examples.

    Inputs x_k ~ N(0, I_d), a teacher w_T ~ N(0, I_d / d) and labels y_k = x_k . w_T + label_noise N(0, 1),
    drawn in that order from ``teacher_seed``.
    f(w) = (1/2n) sum_k (y_k - x_k . w)^2 = (w - w*)' H (w - w*) / 2 + f(w*), H = X'X / n, w* the least-squares
    fit; example k has the gradient x_k (x_k . w - y_k) = grad f + u_k + W_k (w - w*) with u_k = -r_k x_k
    (r_k = y_k - x_k . w*, the residual) and W_k = x_k x_k' - H, so a mini-batch draws exactly the gradient of
    its examples.  Each f_k differs from (y_k - x_k . w)^2 / 2 by a constant (the constants sum to zero).
    Box: w* +- 3."""
    d = _checks.integer("d", d, low=1, high=MAX_FORM_DIMENSION)
    n = _checks.integer("n", n, low=d + 1, high=MAX_EXAMPLES)
    if n * d * d > MAX_CURVATURE_ENTRIES:
        raise ValidationError("n", f"n d^2 = {n * d * d} curvature entries, more than {MAX_CURVATURE_ENTRIES}")
    label_noise = _checks.real("label_noise", label_noise, low=0.0)
    teacher_seed = _checks.integer("teacher_seed", teacher_seed, low=0)
    rng = np.random.default_rng(teacher_seed)
    x = rng.standard_normal((n, d))
    teacher = rng.standard_normal(d) / math.sqrt(d)
    y = x @ teacher + label_noise * rng.standard_normal(n)
    fit = np.linalg.lstsq(x, y, rcond=None)[0]
    residual = y - x @ fit
    u = -residual[:, None] * x
    u -= u.mean(0)  # zero up to rounding already (the normal equations)
    h = x.T @ x / n
    w = np.einsum("ki,kj->kij", x, x) - h
    w -= w.mean(0)
    f0 = 0.5 * float(np.mean(residual**2))
    params = {"d": d, "n": n, "label_noise": label_noise, "teacher_seed": teacher_seed}
    return quadratic_form(h, fit, f0).with_examples(u, w, fit, params)


for _name, _generator in [("quadratic", quadratic), ("double-well", double_well), ("steep-gentle", steep_gentle),
                          ("camel", camel), ("himmelblau", himmelblau), ("mueller-brown", mueller_brown),
                          ("teacher-student", teacher_student)]:  # fmt: skip
    LANDSCAPES.register(_name, _generator)


def random_examples(landscape: Landscape, examples: int, spread: float = 0.0, curvature: float = 0.0,
                    anchor: float = 0.0, data_seed: int = 0) -> Landscape:  # fmt: skip
    """``landscape`` as a finite sum of ``examples`` random terms: shifts u_k ~ spread N(0, I) and curvatures
    w_k ~ curvature N(0, 1), each centred over the examples, and every coordinate of the anchor at ``anchor``
    (the examples' curvature terms agree there)."""
    examples = _checks.integer("examples", examples, low=2, high=MAX_EXAMPLES)
    spread = _checks.real("spread", spread, low=0.0)
    curvature = _checks.real("curvature", curvature, low=0.0)
    anchor = _checks.real("anchor", anchor)
    data_seed = _checks.integer("data_seed", data_seed, low=0)
    rng = np.random.default_rng(data_seed)
    u = spread * rng.standard_normal((examples, landscape.n))
    w = curvature * rng.standard_normal(examples)
    params = {"examples": examples, "spread": spread, "curvature": curvature, "anchor": anchor,
              "data_seed": data_seed}  # fmt: skip
    return landscape.with_examples(u - u.mean(0), w - w.mean(), np.full(landscape.n, anchor), params)


EXAMPLE_KEYS = ("examples", "spread", "curvature", "anchor", "data_seed")


def make_landscape(spec: str) -> Landscape:
    """``make_landscape("double-well:tilt=0.3")``: a registered generator called with the spec's keywords; the
    keywords of :func:`random_examples` (``examples=8,spread=1,curvature=1,anchor=1,data_seed=0``) make it a
    finite sum."""
    name, params = parse_spec(spec, "landscape", known=LANDSCAPES.__contains__)
    sample = {k: params.pop(k) for k in EXAMPLE_KEYS if k in params}
    landscape = call_with(LANDSCAPES.get(name), params, "landscape", name)
    if not isinstance(landscape, Landscape):
        raise ValidationError("landscape", f"{name} returned a {type(landscape).__name__}, not a Landscape")
    if sample:
        if "examples" not in sample:
            raise ValidationError("examples", f"{', '.join(sample)} describe examples: give examples=N too")
        landscape = call_with(lambda **kw: random_examples(landscape, **kw), sample, "landscape", name)
    return landscape
