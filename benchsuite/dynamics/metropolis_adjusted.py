"""Metropolis-adjusted samplers of exp(-f / T) on a landscape: MALA and random-walk Metropolis, R chains at once.

Both propose y from x and accept with probability min(1, exp(-(f(y) - f(x)) / T) q(x | y) / q(y | x)), so
their stationary law is exactly Gibbs at T and one step is reversible.  The proposals, each coordinate with an
independent standard normal xi (ziggurat, :mod:`benchsuite.kernels.normal`):

- MALA: y = x - eta grad f(x) + sqrt(2 eta T) xi (the unadjusted Langevin step, i.e. SGD with Gaussian noise
  of sigma^2 = 2 T / eta, whose own law is biased by O(eta): :func:`ula`);
- random walk: y = x + scale xi (q symmetric).

A proposal where f is not finite is refused.  The basin counting of
:class:`~benchsuite.score.occupation.BasinObserver` works as for SGD.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from .. import _checks
from ..kernels.basins import observe_point
from ..kernels.normal import standard_normal
from ..kernels.objective import objective_gradient, objective_kernel, objective_value
from ..kernels.rng import next_uniform
from .base import Facts
from .constant_step import (
    ChainsOnLandscape,
    ConstantStepSGD,
    ContinuousInfo,
    ContinuousState,
    checked_step,
    finish_step,
)


class _MetropolisAdjusted(ChainsOnLandscape):
    name = "metropolis-adjusted"
    langevin = False

    def __init__(self, temperature: float, step: float):
        self.temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
        self._step = step

    @property
    def T(self) -> float:
        """The temperature it samples at (the nominal temperature the equivalence module compares with)."""
        return self.temperature

    def facts(self) -> Facts:
        """Gibbs at ``temperature`` exactly, reversible."""
        return Facts(target="boltzmann", temperature=self.temperature, reversible=True)

    @property
    def scale(self) -> float:
        """Standard deviation of the proposal's noise per coordinate."""
        raise NotImplementedError

    def step(self, state: ContinuousState, steps: int, observer=None) -> tuple[ContinuousState, ContinuousInfo]:
        """Advance every chain by ``steps`` proposals (in place); ``info.accepted`` counts the accepted ones."""
        steps, observer = checked_step(state, steps, observer)
        p = state.problem
        accepted = np.zeros(state.chains, dtype=np.int64)
        _metropolis_adjusted(p.model, self.langevin, 1.0 / self.temperature, self._step, self.scale,
                             state.x, state.rng, steps, *observer.kernel_arguments(), accepted)  # fmt: skip
        return finish_step(state, steps, int(accepted.sum()))


class MALA(_MetropolisAdjusted):
    """The Metropolis-adjusted Langevin algorithm at ``temperature`` with step ``eta``."""

    name = "mala"
    langevin = True

    def __init__(self, temperature: float, eta: float):
        super().__init__(temperature, _checks.real("eta", eta, low=0.0, low_open=True))
        self.eta = self._step
        self.params = {"temperature": self.temperature, "eta": self.eta}

    @property
    def scale(self) -> float:
        return math.sqrt(2.0 * self.eta * self.temperature)


class RandomWalkMetropolis(_MetropolisAdjusted):
    """Random-walk Metropolis at ``temperature`` with Gaussian proposals of standard deviation ``scale``."""

    name = "rwm"

    def __init__(self, temperature: float, scale: float):
        super().__init__(temperature, 0.0)
        self._scale = _checks.real("scale", scale, low=0.0, low_open=True)
        self.params = {"temperature": self.temperature, "scale": self._scale}

    @property
    def scale(self) -> float:
        return self._scale


def ula(temperature: float, eta: float) -> ConstantStepSGD:
    """The unadjusted Langevin algorithm at ``temperature``: SGD with Gaussian noise, sigma^2 = 2 T / eta."""
    temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
    eta = _checks.real("eta", eta, low=0.0, low_open=True)
    return ConstantStepSGD(eta, f"gaussian:sigma={math.sqrt(2.0 * temperature / eta)!r}")


@objective_kernel(parallel=True)
def _metropolis_adjusted(fingerprint: str):
    def metropolis_adjusted(model, langevin, beta, eta, scale, x, rng, steps, labels, core, lo, inv_width, cells,
                             occupancy, transitions, last_core, accepted):  # fmt: skip
        fingerprint  # noqa: B018 -- part of numba's cache key (see kernels/cache_key.py)
        d = x.shape[1]
        for r in prange(x.shape[0]):
            s = rng[r]
            y = x[r].copy()
            proposal = np.empty(d)
            g = np.zeros(d)
            g_proposal = np.zeros(d)
            f_y = objective_value(model, y)
            if langevin:
                objective_gradient(model, y, g)
            count = 0
            for _ in range(steps):
                for i in range(d):
                    proposal[i] = y[i] - eta * g[i] + scale * standard_normal(s)
                f_p = objective_value(model, proposal)
                log_a = -beta * (f_p - f_y)
                if langevin and np.isfinite(f_p):
                    objective_gradient(model, proposal, g_proposal)
                    forward, backward = 0.0, 0.0  # |y' - y + eta g(y)|^2 and |y - y' + eta g(y')|^2
                    for i in range(d):
                        forward += (proposal[i] - y[i] + eta * g[i]) ** 2
                        backward += (y[i] - proposal[i] + eta * g_proposal[i]) ** 2
                    log_a += (forward - backward) / (2.0 * scale * scale)
                if np.isfinite(log_a) and (log_a >= 0.0 or next_uniform(s) < math.exp(log_a)):
                    y[:] = proposal
                    f_y = f_p
                    if langevin:
                        g[:] = g_proposal
                    count += 1
                observe_point(r, y, lo, inv_width, cells, labels, core, occupancy, transitions, last_core)
            x[r] = y
            accepted[r] = count

    return metropolis_adjusted
