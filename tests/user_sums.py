"""Finite sums a user would write: numba-jitted functions of one example, each the twin of a built-in landscape
with examples (so tests can compare the two on the same random numbers)."""

from __future__ import annotations

import numpy as np
from numba import njit

from benchsuite.problems import landscapes as ls
from benchsuite.problems.finite_sum import finite_sum


@njit
def well_example(row, x):
    """(x^2 - 1)^2 / (1 + x^2) + tilt x + u x + w (x - a)^2 / 2, row = (tilt, u, w, a)."""
    t = x[0]
    return (t * t - 1.0) ** 2 / (1.0 + t * t) + (row[0] + row[1]) * t + 0.5 * row[2] * (t - row[3]) ** 2


@njit
def well_example_gradient(row, x, out):
    t = x[0]
    out[0] = 2.0 * t * (t * t - 1.0) * (t * t + 3.0) / (1.0 + t * t) ** 2 + row[0] + row[1] + row[2] * (t - row[3])


@njit
def camel_example(row, x):
    """The three-hump camel + u . x + w |x - a|^2 / 2, row = (u1, u2, w, a1, a2)."""
    a, b = x[0], x[1]
    f = 2.0 * a * a - 1.05 * a**4 + a**6 / 6.0 + a * b + b * b
    return f + row[0] * a + row[1] * b + 0.5 * row[2] * ((a - row[3]) ** 2 + (b - row[4]) ** 2)


@njit
def camel_example_gradient(row, x, out):
    a, b = x[0], x[1]
    out[0] = 4.0 * a - 4.2 * a**3 + a**5 + b + row[0] + row[2] * (a - row[3])
    out[1] = a + 2.0 * b + row[1] + row[2] * (b - row[4])


@njit
def squared_error(row, w):
    """(y - x . w)^2 / 2, row = (x..., y)."""
    r = row[-1]
    for i in range(w.size):
        r -= row[i] * w[i]
    return 0.5 * r * r


@njit
def squared_error_gradient(row, w, out):
    r = row[-1]
    for i in range(w.size):
        r -= row[i] * w[i]
    for i in range(w.size):
        out[i] = -r * row[i]


def double_well_pair(tilt=0.3, examples=8, spread=2.0, curvature=4.0, anchor=1.0, data_seed=0):
    """The built-in double well with random examples and the same finite sum written as callables."""
    builtin = ls.random_examples(ls.double_well(tilt), examples, spread, curvature, anchor, data_seed)
    rows = np.column_stack([np.full(examples, tilt), builtin.shifts[:, 0], builtin.curvatures[:, 0, 0],
                            np.full(examples, anchor)])  # fmt: skip
    return builtin, finite_sum(well_example, well_example_gradient, rows, builtin.box, "tilted-well-examples")


def camel_pair(examples=5, spread=1.0, curvature=0.5, anchor=-0.5, data_seed=0):
    """The built-in camel with random examples and the same finite sum written as callables."""
    builtin = ls.random_examples(ls.camel(), examples, spread, curvature, anchor, data_seed)
    rows = np.column_stack([builtin.shifts, builtin.curvatures[:, 0, 0], np.full((examples, 2), anchor)])
    return builtin, finite_sum(camel_example, camel_example_gradient, rows, builtin.box, "camel-examples")


def least_squares_pair(d=3, n=40, label_noise=0.5, teacher_seed=1):
    """``teacher_student`` and least squares on the same data written as callables."""
    builtin = ls.teacher_student(d, n, label_noise, teacher_seed)
    rng = np.random.default_rng(teacher_seed)  # the generator's draws, in its order
    x = rng.standard_normal((n, d))
    teacher = rng.standard_normal(d) / np.sqrt(d)
    y = x @ teacher + label_noise * rng.standard_normal(n)
    return builtin, finite_sum(squared_error, squared_error_gradient, np.column_stack([x, y]), builtin.box,
                               "least-squares")  # fmt: skip
