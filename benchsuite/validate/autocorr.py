"""Integrated autocorrelation time with Sokal's self-consistent window, and the Monte-Carlo standard error.

tau = 1 + 2 sum_{t=1}^{W} rho(t), with W the smallest window such that W >= c tau (c = 5); the chain must
be at least ``min_length_factor`` tau long, otherwise the estimate is refused (A. D. Sokal, "Monte Carlo
methods in statistical mechanics", 1996; the same procedure as emcee's ``autocorr``).
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..errors import ValidationError


class AutocorrError(ValidationError):
    """The series ``x`` is too short for a reliable integrated autocorrelation time (``tau`` is the estimate)."""

    def __init__(self, message: str, tau: float):
        self.tau = tau
        super().__init__("x", message)


def autocorrelation(x) -> np.ndarray:
    """Normalised autocorrelation function rho(t), t = 0..len(x)-1 (FFT, zero-padded)."""
    x = _checks.array("x", x, ndim=1, kind="f").astype(np.float64)
    if x.size < 2:
        raise ValidationError("x", "needs at least 2 samples")
    n = x.size
    f = np.fft.rfft(x - x.mean(), n=2 * n)
    acf = np.fft.irfft(f * np.conj(f))[:n]
    if acf[0] == 0.0:
        raise ValidationError("x", "is constant: autocorrelation undefined")
    return acf / acf[0]


def integrated_time(x, c: float = 5.0, min_length_factor: float = 50.0) -> float:
    """Integrated autocorrelation time in samples (1 for independent samples).

    Raises :class:`AutocorrError` if ``len(x) < min_length_factor * tau``.
    """
    rho = autocorrelation(x)
    taus = 2.0 * np.cumsum(rho) - 1.0
    windows = np.arange(taus.size)
    ok = windows >= c * taus
    window = int(np.argmax(ok)) if ok.any() else taus.size - 1
    tau = float(max(taus[window], 1e-12))
    if rho.size < min_length_factor * tau:
        raise AutocorrError(f"series of {rho.size} samples is shorter than {min_length_factor:g} tau = {tau:.1f}", tau)
    return tau


def mean_and_error(x, c: float = 5.0, min_length_factor: float = 50.0) -> tuple[float, float, float]:
    """``(mean, standard error, tau)`` with error sqrt(var * tau / n) from the integrated time."""
    arr = np.asarray(x, dtype=np.float64)
    tau = integrated_time(arr, c, min_length_factor)
    return float(arr.mean()), float(np.sqrt(arr.var() * tau / arr.size)), tau
