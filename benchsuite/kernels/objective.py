"""The objective of a landscape inside jitted code: f and grad f, whatever defines f.

A landscape's *model* is its kernel layout, a ``typing.NamedTuple``:

- :class:`FormulaModel`: a built-in kind and its coefficients, with the per-example shifts, curvatures and
  anchor of :meth:`~benchsuite.problems.landscapes.Landscape.with_examples`;
- :class:`CallableModel`: a user's finite sum, f = (1/n) sum_k f_k with f_k(x) = ``value(data[k], x)`` and its
  gradient written by ``gradient(data[k], x, out)``, both numba-jitted functions.

The continuous rules that need f and grad f are written once over the generic names below, and numba picks
the implementation from the model's type (the mini-batch step, which reads single examples, has one kernel per
model: :mod:`benchsuite.dynamics.minibatch`).  A kernel compiled for a :class:`CallableModel` is specialised
on the user's functions, which numba cannot cache on disk across processes, so :func:`objective_kernel` keeps
two compilations of the same Python source: one cached on disk for the built-in formulas (its key follows the
modules it inlines, :mod:`.cache_key`), one compiled once per process for callables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numba import njit
from numba.extending import overload

from ..problems import landscapes as formulas
from .cache_key import FingerprintedKernel


class FormulaModel(NamedTuple):
    """A built-in landscape: ``kind`` (a code of :data:`~benchsuite.problems.landscapes.KINDS`), coefficients
    ``c``, and the examples' ``shifts`` (n, d), ``curvatures`` (n, d, d) and ``anchor`` (d)."""

    kind: int
    c: np.ndarray
    shifts: np.ndarray
    curvatures: np.ndarray
    anchor: np.ndarray


class CallableModel(NamedTuple):
    """A user's finite sum: jitted ``value(row, x) -> float`` and ``gradient(row, x, out)`` of one example, and
    ``data`` (n, p) float64, one row per example."""

    value: Any
    gradient: Any
    data: np.ndarray


def objective_value(model, x):
    """f(x) (float64[d] in, float out)."""


def objective_gradient(model, x, out):
    """Write grad f(x) into ``out`` (float64[d])."""


@overload(objective_value, inline="always")
def _value(model, x):
    if model.instance_class is CallableModel:
        return lambda model, x: _mean_value(model.value, model.data, x)
    return lambda model, x: formulas.value(model.kind, model.c, x)


@overload(objective_gradient, inline="always")
def _gradient(model, x, out):
    if model.instance_class is CallableModel:
        return lambda model, x, out: _mean_gradient(model.gradient, model.data, x, out)
    return lambda model, x, out: formulas.gradient(model.kind, model.c, x, out)


@njit(nogil=True)
def _mean_value(value, data, x):
    total = 0.0
    for k in range(data.shape[0]):
        total += value(data[k], x)
    return total / data.shape[0]


@njit(nogil=True)
def _mean_gradient(gradient, data, x, out):
    work = np.empty(x.size)
    out[:] = 0.0
    for k in range(data.shape[0]):
        gradient(data[k], x, work)
        for i in range(x.size):
            out[i] += work[i]
    for i in range(x.size):
        out[i] /= data.shape[0]


class ObjectiveKernel:
    """One kernel factory (see :mod:`.cache_key`) compiled twice: cached on disk for :class:`FormulaModel`, per
    process for :class:`CallableModel`.  Call it with the model first."""

    def __init__(self, factory: Callable[[str], Callable], options: dict):
        self.cached = FingerprintedKernel(factory, options)
        self.per_process = njit(cache=False, nogil=True, **options)(factory(""))
        self.py_func = self.cached.py_func
        self.__doc__ = self.py_func.__doc__

    def __call__(self, model, *args):
        return (self.per_process if isinstance(model, CallableModel) else self.cached)(model, *args)


def objective_kernel(**options) -> Callable[[Callable[[str], Callable]], ObjectiveKernel]:
    """Decorator for a kernel factory (model first): an :class:`ObjectiveKernel` with numba ``options``."""
    return lambda factory: ObjectiveKernel(factory, options)


@objective_kernel()
def values_at(fingerprint: str):
    def values_at(model, points):
        """f at each row of ``points`` (N, d)."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see .cache_key)
        out = np.empty(points.shape[0])
        for p in range(points.shape[0]):
            out[p] = objective_value(model, points[p])
        return out

    return values_at


@objective_kernel()
def gradients_at(fingerprint: str):
    def gradients_at(model, points):
        """grad f at each row of ``points`` (N, d), shape (N, d)."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see .cache_key)
        out = np.empty(points.shape)
        for p in range(points.shape[0]):
            objective_gradient(model, points[p], out[p])
        return out

    return gradients_at
