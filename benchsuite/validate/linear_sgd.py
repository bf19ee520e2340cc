"""Exact stationary covariance of constant-step SGD on a quadratic finite sum (least squares, d dimensions).

On f = (x - m)' H (x - m) / 2 (the ``quadratic-form`` landscape, e.g. :func:`~benchsuite.problems.landscapes.
teacher_student`), with examples f_k = f + u_k . x + (x - a)' W_k (x - a) / 2, a batch B moves e = x - m to

    e' = (I - eta H - eta W_B) e - eta v_B,    v_k = u_k + W_k (m - a) (example k's gradient at the minimum),

W_B and v_B the means over the batch.  The batch is independent of e and E W_B = E v_B = 0, so the mean of e
vanishes and its second moment S solves the linear equation

    S = (I - eta H) S (I - eta H) + eta^2 c_b [(1/n) sum_k W_k S W_k + (1/n) sum_k v_k v_k'],

c_b = (n - b) / (b (n - 1)) without replacement and 1 / b with it (the covariance of a mean of b of n
centred terms).  The W_k S W_k term is the multiplicative part of the noise: its size depends on where the
iterate is.  Freezing the noise at its law at the minimum (the usual additive approximation, what a Gaussian
noise of the same covariance gives) drops it.  A noise law that does not depend on x with independent
coordinates of variance s^2 has S = (I - eta H) S (I - eta H) + eta^2 s^2 I (the discrete Lyapunov equation).
The equation has a solution with S >= 0 exactly when the linear map has spectral radius below 1 (mean-square
stability); a larger step is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..dynamics.noise import NoiseLaw, make_noise
from ..errors import ValidationError
from ..problems.landscapes import Landscape

MAX_DIMENSION = 32  # the map acts on d^2 entries: a dense (d^2, d^2) eigenproblem


@dataclass(frozen=True)
class StationaryMoments:
    """The stationary ``covariance`` S of x - m (d, d), the ``excess_risk`` E f - f(m) = tr(H S) / 2, the
    same two under the additive approximation (the noise frozen at its law at the minimum), and the spectral
    radius of the mean-square map (below 1)."""

    covariance: np.ndarray
    excess_risk: float
    additive_covariance: np.ndarray
    additive_excess_risk: float
    spectral_radius: float


def stationary_moments(landscape: Landscape, noise: NoiseLaw | str, eta: float) -> StationaryMoments:
    """S and tr(H S) / 2 for SGD with step ``eta`` and ``noise`` (a mini-batch of the landscape's examples, or
    a law independent of x) on a ``quadratic-form`` landscape."""
    if not isinstance(landscape, Landscape) or landscape.kind != "quadratic-form":
        raise ValidationError("landscape", "the exact stationary covariance is for quadratic-form landscapes "
                                           "(e.g. teacher-student)")  # fmt: skip
    d = landscape.n
    if d > MAX_DIMENSION:
        raise ValidationError("landscape", f"d = {d}: the mean-square map is solved for d <= {MAX_DIMENSION}")
    eta = _checks.real("eta", eta, low=0.0, low_open=True)
    law = make_noise(noise).on(landscape)
    c = landscape.coefficients
    h, m = c[: d * d].reshape(d, d), c[d * d : d * d + d]
    a = np.eye(d) - eta * h
    if law.kind == "minibatch":
        n, b = landscape.examples, law.b
        c_b = 1.0 / b if law.replace else (n - b) / (b * (n - 1))
        w = landscape.curvatures
        v = landscape.shifts + w @ (m - landscape.anchor)
        source = eta**2 * c_b * (v.T @ v) / n
        multiplicative = eta**2 * c_b * np.einsum("kij,kpq->ipjq", w, w).reshape(d * d, d * d) / n
    else:
        variance = law.constant_variance
        if variance is None:
            raise ValidationError("noise", f"{law.spec}: its variance depends on x; give a mini-batch law or one "
                                           "independent of x")  # fmt: skip
        source = eta**2 * variance * np.eye(d)
        multiplicative = np.zeros((d * d, d * d))
    additive_map = np.kron(a, a)
    full_map = additive_map + multiplicative
    radius = float(np.max(np.abs(np.linalg.eigvals(full_map))))
    if radius >= 1.0:
        raise ValidationError("eta", f"eta = {eta:g} is beyond mean-square stability (spectral radius "
                                     f"{radius:.4f} >= 1): the second moment grows without bound")  # fmt: skip
    solve = lambda k: np.linalg.solve(np.eye(d * d) - k, source.ravel()).reshape(d, d)
    s, s_add = solve(full_map), solve(additive_map)
    s, s_add = (s + s.T) / 2, (s_add + s_add.T) / 2
    risk = lambda cov: 0.5 * float(np.trace(h @ cov))
    return StationaryMoments(s, risk(s), s_add, risk(s_add), radius)
