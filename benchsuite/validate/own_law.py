"""A rule checked against its own exact law, for the site order it really runs, when that law is not Boltzmann.

A rule that states its local law (``Facts.local_law``, e.g. SGD-like with half-edge batches drawn at each visit)
has an exact stationary law of its own: that of one sweep in its stated order (``Facts.sweep``: "sequential",
sites 0..n-1, or "random", n uniformly chosen sites).  The two orders have different laws (on a 3-colouring
of 9 vertices at s = 0.5, T_eff 0.831 sequential against 0.842 random).  :func:`own_law` solves it exactly:
GTH on the dense sweep matrix up to ``MAX_GTH_STATES`` states, the random-scan matrix by
:func:`~.steady_state.stationary_distribution`, and above that power iteration of the sparse sweep from the
random-scan law until the residual sum |pi P - pi| is at most ``RESIDUAL``.

:func:`own_law_checks` runs the directed tests of :mod:`.planned` from exact samples of that law
(``own_mean_energy_holds``, ``own_acceptance_holds``) and, on the same chains' end states, the omnibus
chi-square ``stays_at_own_law``.  The temperature error planned for is a relative error of the rule's T_eff
(the temperature of the Boltzmann law closest to its own, :func:`~.markov.closest_temperature`): for a law
set by a temperature, that temperature moved by the error; for SGD-like, the batch fraction moved by the
error divided by the exact elasticity |d ln T_eff / d ln s| of the instance (first order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import chi2

from ..dynamics.base import Facts, facts
from ..errors import ValidationError
from ..problems.base import Problem
from .checks import CheckResult
from .estimate import MIN_EXPECTED, pooled_chi_square
from .markov import (
    StateSpace,
    closest_temperature,
    has_exact_law,
    random_scan_matrix,
    state_space,
    sweep_matrix,
    sweep_operator,
)
from .planned import checked_options, law_shifts, plan_acceptance_test, plan_from_shifts, run_directed
from .steady_state import MAX_GTH_STATES, gth, stationary_distribution

RESIDUAL = 1e-12  # sum |pi P - pi| at which power iteration of a sweep stops
MAX_ITERATIONS = 20_000  # sweeps of power iteration before the law is said too slow to solve


@dataclass(frozen=True)
class OwnLaw:
    """The exact stationary law of one sweep of a rule in its ``order``, over the states of its instance, with
    its mean energy, T_eff (the closest Boltzmann law, in KL) and the residual sum |pi P - pi| reached."""

    order: str
    law: np.ndarray
    mean_energy: float
    t_eff: float
    kl: float
    residual: float


class StatedLaw:
    """A local law stated by its facts alone (what :func:`~.markov.site_matrix` reads): a rule's law with
    one parameter moved, for planning."""

    def __init__(self, stated: Facts):
        self._facts = stated

    def facts(self) -> Facts:
        return self._facts


ORDERS = ("sequential", "random")


def states_its_order(dynamics) -> bool:
    """Whether ``dynamics`` states a site order its exact law can be built for (``Facts.sweep`` in ``ORDERS``)."""
    return facts(dynamics).sweep in ORDERS


def law_order(dynamics) -> str:
    """The site order ``dynamics`` states ("sequential" or "random"); a rule that states none is refused: its
    exact law depends on it."""
    order = facts(dynamics).sweep
    if order not in ORDERS:
        raise ValidationError("dynamics", f"{type(dynamics).__name__} states no site order (Facts.sweep is "
                                          f"{order!r}): its exact law depends on it")  # fmt: skip
    return order


def own_law(problem: Problem | StateSpace, dynamics) -> OwnLaw:
    """The exact stationary law of ``dynamics``' sweep (see the module notes)."""
    space = state_space(problem)
    if not has_exact_law(dynamics):
        raise ValidationError("dynamics", f"{type(dynamics).__name__} states no exact local law (Facts.local_law)")
    order = law_order(dynamics)
    forward = sweep_operator(space, dynamics, forward=True)
    if order == "random":
        law = stationary_distribution(random_scan_matrix(space, dynamics))
    elif space.size <= MAX_GTH_STATES:
        law = gth(sweep_matrix(space, dynamics))
    else:
        law = _power_iteration(forward, stationary_distribution(random_scan_matrix(space, dynamics)))
    residual = float(np.abs(forward(law) - law).sum())
    t_eff, kl = closest_temperature(law, space.energy)
    return OwnLaw(order, law, float(law @ space.energy), t_eff, kl, residual)


def _power_iteration(forward, start: np.ndarray) -> np.ndarray:
    """Iterate the law-after-one-sweep map ``forward`` from ``start`` until it moves by at most ``RESIDUAL``."""
    law = start
    for _ in range(MAX_ITERATIONS):
        moved = forward(law)
        moved /= moved.sum()
        if np.abs(moved - law).sum() <= RESIDUAL:
            return moved
        law = moved
    raise ValidationError("problem", f"the sweep's law did not converge in {MAX_ITERATIONS} sweeps of power "
                                     f"iteration (residual {np.abs(moved - law).sum():.3g}): it relaxes too slowly")  # fmt: skip


def perturbed_laws(space: StateSpace, dynamics, law: OwnLaw, effect: float) -> list[StatedLaw]:
    """The rule's law with its T_eff moved by a relative ``effect`` up and down (see the module notes)."""
    stated = facts(dynamics)
    if stated.local_law != "sgd-like":
        return [StatedLaw(replace(stated, temperature=stated.temperature * (1 + sign * effect)))
                for sign in (1.0, -1.0)]  # fmt: skip
    s = stated.batch_fraction
    lower = own_law(space, StatedLaw(replace(stated, batch_fraction=s * (1 - effect))))
    elasticity = abs(math.log(lower.t_eff / law.t_eff) / math.log(1 - effect))
    if elasticity == 0:
        raise ValidationError("dynamics", f"its T_eff does not depend on the batch fraction near s = {s:g}")
    fractions = [s * (1 + sign * effect / elasticity) for sign in (1.0, -1.0)]
    return [StatedLaw(replace(stated, batch_fraction=f)) for f in fractions if 0 < f <= 1]


def own_law_checks(problem: Problem | StateSpace, dynamics, *, temperature_error: float = 0.02,
                   acceptance_bias: float = 0.01, power: float = 0.99, sweeps: int = 5, seed: int = 0,
                   false_alarm: float = 1e-3, max_chains: int | None = None,
                   law: OwnLaw | None = None) -> list[CheckResult]:  # fmt: skip
    """``own_mean_energy_holds``, ``own_acceptance_holds`` and ``stays_at_own_law`` of ``dynamics`` on
    ``problem`` against its own exact law (see the module notes; options as
    :func:`~.planned.planned_checks`; ``law``: :func:`own_law`'s answer, when already solved)."""
    space = state_space(problem)
    options = checked_options(dynamics, temperature_error, acceptance_bias, power, sweeps, seed, false_alarm,
                              max_chains)  # fmt: skip
    law = own_law(space, dynamics) if law is None else law
    shifts = law_shifts(space, law.law, perturbed_laws(space, dynamics, law, options.temperature_error),
                        options.sweeps)  # fmt: skip
    if len(shifts) == 1:  # s near 1: only the lower side is a batch fraction
        shifts = shifts * 2
    temperature_plan = plan_from_shifts(shifts, 0.0, options.temperature_error, options.power, options.false_alarm)
    acceptance_plan = plan_acceptance_test(space, dynamics, options.sweeps, options.acceptance_bias, options.power,
                                           options.false_alarm, law=law.law)  # fmt: skip
    name = f"its own exact law ({law.order} sweeps, T_eff {law.t_eff:.5g})"
    results, run = run_directed(space, dynamics, law.law, name, temperature_plan, acceptance_plan, options,
                                names=("own_mean_energy_holds", "own_acceptance_holds"), error_name="a T_eff error")  # fmt: skip
    return [*results, _stays_at(space, law, run.ends, options.false_alarm)]


def _stays_at(space: StateSpace, law: OwnLaw, ends: np.ndarray, false_alarm: float) -> CheckResult:
    """Pearson chi-square of the chains' end states against the own law (cells expected < 5 times pooled)."""
    statistic, dof = pooled_chi_square(np.bincount(ends, minlength=space.size), ends.size * law.law)
    described = f"{ends.size} chains from the own law over {space.size} states, false-alarm rate {false_alarm:g}"
    if dof == 0:
        return CheckResult("stays_at_own_law", None, None, None, f"inconclusive: no state is expected "
                           f"{MIN_EXPECTED:g} times in {described}, so the chi-square has no degree of freedom")  # fmt: skip
    threshold = float(chi2.isf(false_alarm, dof))
    return CheckResult("stays_at_own_law", bool(statistic <= threshold), statistic, threshold,
                       f"chi-square of {described} ({dof} degrees of freedom)")  # fmt: skip
