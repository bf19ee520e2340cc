"""Escape rates between the minima of a landscape: Eyring-Kramers, and the rates SGD's chains show.

For the overdamped Langevin dynamics dX = -grad f dt + sqrt(2T) dW, the rate of leaving the minimum m over an
index-1 saddle s is, as T -> 0, the Eyring-Kramers rate (Bovier, Eckhoff, Gayrard, Klein, J. Eur. Math. Soc. 6,
399 (2004)) k = |lambda_s| / (2 pi) sqrt(det H_m / |det H_s|) exp(-(f_s - f_m) / T), lambda_s the negative
eigenvalue of the Hessian H_s.  Constant-step SGD with Gaussian noise sigma is its Euler-Maruyama scheme with
time step eta at T = eta sigma^2 / 2, so its rate per step is eta k.  The occupations to the same order are the
Laplace approximation of Gibbs, mu_m proportional to exp(-f_m / T) / sqrt(det H_m).

A saddle connects the two minima its unstable direction descends to (the gradient flow from either side).
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..problems.critical import flow_labels
from ..problems.landscapes import Landscape
from .longrun import Occupation

OFFSET = 1e-3  # of the box size: how far along its unstable direction the flow from a saddle starts


def saddle_connections(landscape: Landscape) -> list[tuple[int, int, int]]:
    """(saddle, i, j) for every index-1 saddle (its position in ``landscape.critical_points``) and the minima
    i < j (positions in ``landscape.minima``) it connects."""
    points = landscape.critical_points
    size = float(np.max(landscape.box[:, 1] - landscape.box[:, 0]))
    out = []
    for k, p in enumerate(points):
        if p.index != 1:  # in 1-D the maxima
            continue
        v = np.linalg.eigh(p.hessian)[1][:, 0]  # the unstable direction
        i, j = sorted(int(b) for b in flow_labels(landscape, np.array([p.x + OFFSET * size * v,
                                                                       p.x - OFFSET * size * v])))  # fmt: skip
        if i != j:
            out.append((k, i, j))
    return out


def eyring_kramers(landscape: Landscape, temperature: float) -> np.ndarray:
    """Rates k_ij (per unit time of the Langevin dynamics at ``temperature``) from minimum i to minimum j,
    summed over the saddles that connect them; shape (B, B), B the number of minima, zero diagonal."""
    if not isinstance(landscape, Landscape):
        raise ValidationError("landscape", f"must be a Landscape, got {type(landscape).__name__}")
    temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
    minima, points = landscape.minima, landscape.critical_points
    rates = np.zeros((len(minima), len(minima)))
    for k, i, j in saddle_connections(landscape):
        s = points[k]
        negative = float(np.linalg.eigvalsh(s.hessian)[0])
        det_s = abs(float(np.linalg.det(s.hessian)))
        for a, b in ((i, j), (j, i)):
            m = minima[a]
            prefactor = -negative / (2 * np.pi) * np.sqrt(float(np.linalg.det(m.hessian)) / det_s)
            rates[a, b] += prefactor * np.exp(-(s.value - m.value) / temperature)
    return rates


def laplace_occupations(landscape: Landscape, temperature: float) -> np.ndarray:
    """Gibbs' mass of each basin to leading order: exp(-f_m / T) / sqrt(det H_m), normalised."""
    temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
    minima = landscape.minima
    f0 = min(m.value for m in minima)
    w = np.array([np.exp(-(m.value - f0) / temperature) / np.sqrt(np.linalg.det(m.hessian)) for m in minima])
    return w / w.sum()


def measured_rates(occupation: Occupation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rates per step from basin i to basin j (transitions i -> j over the steps spent in i, every chain),
    shape (B, B); the rate of leaving each basin, (B,); and its standard error (Poisson counts: the rate over
    the square root of the exits; nan for a basin never left)."""
    steps = occupation.occupancy.sum(0).astype(float)
    t = occupation.transitions.astype(float)
    rates = t / steps[:, None]
    exits = rates.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        errors = np.where(t.sum(1) > 0, exits / np.sqrt(t.sum(1)), np.nan)
    return rates, exits, errors
