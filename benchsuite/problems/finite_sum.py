"""A user's finite sum f = (1/n) sum_k f_k from numba-jitted functions of one example: a landscape like the
built-in ones, for SGD (any noise law, mini-batches of its examples), MALA, random-walk Metropolis, critical
points, basins and the long-run measurements.

Write f_k as ``value(row, x) -> float`` and its gradient as ``gradient(row, x, out)`` (writing into ``out``),
both with ``@numba.njit``, where ``row`` is ``data[k]`` (a read-only float64 row) and ``x`` the point
(float64[d])::

    from numba import njit
    from benchsuite.problems.finite_sum import finite_sum

    @njit
    def squared_error(row, w):            # row = (input..., label)
        r = row[-1] - row[:-1] @ w
        return 0.5 * r * r

    @njit
    def squared_error_gradient(row, w, out):
        r = row[-1] - row[:-1] @ w
        out[:] = -r * row[:-1]

    f = finite_sum(squared_error, squared_error_gradient, data, box=[[-3, 3]] * d, name="least-squares-v1")

Checked at the door, at the box's centre and two fixed points of the box: every value and gradient is finite,
the jitted functions agree with their own Python source (the naive twin) on the first example, and grad f
agrees with central differences of f (relative error at most ``GRADIENT_TOLERANCE``: a wrong sign or a
missing factor is refused, an error below 1e-4 of the gradient's size is not seen).

The ``instance_id`` covers ``name``, ``params``, ``data`` and ``box``, not the code (which numba cannot hash
stably across machines): give a new ``name`` (e.g. a version suffix) when you change the functions.  Kernels
for a finite sum are compiled once per process (numba does not cache code specialised on a user's functions).
The Hessian, used to classify critical points, is ``hessian(row, x) -> (d, d)`` when given (plain Python is
fine) and otherwise central differences of the gradient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit
from numba.core.registry import CPUDispatcher

from .. import _checks
from ..errors import ValidationError
from .base import read_only
from .landscapes import MAX_EXAMPLES, MAX_FORM_DIMENSION, Landscape, example_graph

MAX_DATA_ENTRIES = 1 << 24  # n p floats (128 MiB)
GRADIENT_TOLERANCE = 1e-4
PROBES = 3  # points where the functions are checked: the box's centre and two fixed uniform points
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True, eq=False, repr=False)
class CallableSum(Landscape):
    """f = (1/n) sum_k value(data[k], x) over the box; build one with :func:`finite_sum`."""

    value_function: Any = None
    gradient_function: Any = None
    hessian_function: Any = None
    data: np.ndarray | None = None

    family = "finite-sum"
    content_names = ("data", "box")
    affine_examples = False

    def _validate(self) -> None:
        for name, f in (("value", self.value_function), ("gradient", self.gradient_function)):
            if not isinstance(f, CPUDispatcher):
                raise ValidationError(name, f"must be a numba-jitted function (@numba.njit), got {type(f).__name__}")
        if self.hessian_function is not None and not callable(self.hessian_function):
            raise ValidationError("hessian", f"must be callable or None, got {type(self.hessian_function).__name__}")
        data = _checks.array("data", self.data, ndim=2, kind="f")
        if data.shape[0] != self.m:
            raise ValidationError("data", f"must have one row per term ({self.m}), got {data.shape[0]}")
        if data.size > MAX_DATA_ENTRIES:
            raise ValidationError("data", f"{data.size} entries, more than {MAX_DATA_ENTRIES}")
        box = _checks.array("box", self.box, ndim=2, kind="f", shape=(self.n, 2))
        if np.any(box[:, 0] >= box[:, 1]):
            raise ValidationError("box", "every lower bound must be below its upper bound")
        for name, a in (("data", data), ("box", box)):
            a = np.array(a, dtype=np.float64)
            read_only(a)
            object.__setattr__(self, name, a)
        d = self.n
        for name, a in (("coefficients", np.zeros(0)), ("shifts", np.zeros((0, d))),
                        ("curvatures", np.zeros((0, d, d))), ("anchor", np.zeros(d))):  # fmt: skip
            read_only(a)
            object.__setattr__(self, name, a)
        self._check_functions()

    def _check_functions(self) -> None:
        rng = np.random.default_rng(0)
        box = self.box
        points = np.vstack([box.mean(1), rng.uniform(box[:, 0], box[:, 1], size=(PROBES - 1, self.n))])
        row = self.data[0]
        for x in points:
            where = f"at x = {x.tolist()}"
            try:
                f0 = float(self.value_function(row, x))
                g0 = np.zeros(self.n)
                self.gradient_function(row, x, g0)
                f_twin = float(self.value_function.py_func(row, x))
                g_twin = np.zeros(self.n)
                self.gradient_function.py_func(row, x, g_twin)
            except Exception as exc:  # noqa: BLE001 - a typing error, a wrong signature, the user's own exception
                raise ValidationError("value", f"value(row, x) or gradient(row, x, out) failed {where}: "
                                               f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None  # fmt: skip
            if not (np.isfinite(f0) and np.all(np.isfinite(g0))):
                raise ValidationError("value", f"example 0 is not finite {where}")
            for name, jitted, twin in (("value", f0, f_twin), ("gradient", g0, g_twin)):
                if not np.allclose(jitted, twin, rtol=1e-9, atol=1e-12 * (1.0 + np.abs(twin).max())):
                    raise ValidationError(name, f"the jitted function and its Python source disagree {where}: "
                                                f"{np.ravel(jitted).tolist()} against {np.ravel(twin).tolist()}")  # fmt: skip
            self._check_gradient(x, where)

    def _check_gradient(self, x: np.ndarray, where: str) -> None:
        from ..kernels.objective import gradients_at, values_at

        g = gradients_at(self.model, x[None])[0]
        f = float(values_at(self.model, x[None])[0])
        if not (np.isfinite(f) and np.all(np.isfinite(g))):
            raise ValidationError("value", f"f or grad f is not finite {where}")
        numeric = _central_differences(lambda points: values_at(self.model, points), x)
        scale = float(np.abs(g).max()) + abs(f) + 1.0
        worst = float(np.abs(numeric - g).max())
        if not worst <= GRADIENT_TOLERANCE * scale:
            raise ValidationError("gradient", f"disagrees with central differences of value {where}: "
                                              f"{g.tolist()} against {numeric.tolist()}")  # fmt: skip

    @property
    def model(self):
        from ..kernels.objective import CallableModel

        return CallableModel(self.value_function, self.gradient_function, self.data)

    @property
    def code(self) -> int:
        raise ValidationError("landscape", "a finite sum of callables has no built-in kind")

    def _identity(self) -> list:
        """The name and params stand for the code, which cannot be hashed stably."""
        return [self.family, self.n, self.params]

    def _content(self) -> dict[str, np.ndarray]:
        return {"data": self.data, "box": self.box}

    @classmethod
    def _from_content(cls, n, arrays, params, seed):
        raise ValidationError("family", "a finite sum of callables cannot be loaded: its functions are code")

    def term_energies(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        flat = np.ascontiguousarray(x.reshape(-1, self.n))
        return _term_values(self.model, flat).reshape(x.shape[:-1] + (self.m,)) / self.m

    def values(self, x) -> np.ndarray:
        from ..kernels.objective import values_at

        x = np.asarray(x, dtype=np.float64)
        return values_at(self.model, np.ascontiguousarray(x.reshape(-1, self.n))).reshape(x.shape[:-1])

    def deviations(self, x) -> np.ndarray:
        x = self.check_configuration(x)
        g = _term_gradients(self.model, x)
        return g - g.mean(0)

    def deviations_1d(self, t) -> np.ndarray:
        t = self._points_1d(t)
        flat = t.ravel()
        g = np.stack([_term_gradients(self.model, np.array([v]))[:, 0] for v in flat], axis=1)
        return (g - g.mean(0)).reshape((self.m,) + t.shape)

    def value(self, x) -> float:
        return float(self.values(self.check_configuration(x)))

    def gradient(self, x) -> np.ndarray:
        from ..kernels.objective import gradients_at

        return gradients_at(self.model, self.check_configuration(x)[None])[0]

    def hessian(self, x) -> np.ndarray:
        """The user's Hessian averaged over the examples, or central differences of grad f (symmetrised)."""
        x = self.check_configuration(x)
        d = self.n
        if self.hessian_function is not None:
            total = np.zeros((d, d))
            for row in self.data:
                h = _checks.array("hessian", self.hessian_function(row, x), ndim=2, kind="f", shape=(d, d))
                total += h
            return total / self.m
        from ..kernels.objective import gradients_at

        out = _central_differences(lambda points: gradients_at(self.model, points), x)
        return 0.5 * (out + out.T)

    def __repr__(self) -> str:
        return f"CallableSum({self.params.get('name')}, n={self.m}, d={self.n}, id={self.instance_id})"


def finite_sum(value, gradient, data, box, name: str, hessian=None, params: dict | None = None) -> CallableSum:
    """The finite sum f = (1/n) sum_k ``value(data[k], x)`` with per-example gradient ``gradient(data[k], x,
    out)``, over ``box`` (d, 2); ``name`` (letters, digits, ``_.-``, at most 64) stands for the code in the
    ``instance_id``; ``params`` (JSON-able) are recorded beside it."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValidationError("name", f"must be 1 to 64 letters, digits, '_', '.' or '-', got {name!r}")
    if params is not None and not isinstance(params, dict):
        raise ValidationError("params", f"must be a dict, got {type(params).__name__}")
    box = _checks.array("box", box, ndim=2, kind="f")
    d = box.shape[0]
    if not 1 <= d <= MAX_FORM_DIMENSION or box.shape[1] != 2:
        raise ValidationError("box", f"must have shape (d, 2) with 1 <= d <= {MAX_FORM_DIMENSION}, got {box.shape}")
    data = _checks.array("data", data, ndim=2, kind="f")
    examples = data.shape[0]
    if not 1 <= examples <= MAX_EXAMPLES:
        raise ValidationError("data", f"must have 1 to {MAX_EXAMPLES} rows (examples), got {examples}")
    return CallableSum(example_graph(d, examples), {"name": name} | (params or {}), None, kind="callable", box=box,
                       value_function=value, gradient_function=gradient, hessian_function=hessian, data=data)  # fmt: skip


def _central_differences(at_points, x: np.ndarray) -> np.ndarray:
    """Row i: the derivative along coordinate i of ``at_points`` (a function of a stack of points (N, d),
    returning one value or vector per point), by central differences with steps eps^(1/3) max(1, |x_i|)."""
    h = np.cbrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(x))
    steps = np.diag(h)
    change = at_points(x + steps) - at_points(x - steps)
    return change / (2.0 * h.reshape((-1,) + (1,) * (change.ndim - 1)))


@njit(nogil=True)
def _term_values(model, points):
    n = model.data.shape[0]
    out = np.empty((points.shape[0], n))
    for p in range(points.shape[0]):
        for k in range(n):
            out[p, k] = model.value(model.data[k], points[p])
    return out


@njit(nogil=True)
def _term_gradients(model, x):
    n = model.data.shape[0]
    out = np.empty((n, x.size))
    for k in range(n):
        model.gradient(model.data[k], x, out[k])
    return out
