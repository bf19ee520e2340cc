"""Everything the ``validate`` command says about one dynamics on one enumerable instance, as one dict."""

from __future__ import annotations

from .. import _checks
from ..errors import ValidationError
from ..problems.base import Problem
from .analysis import exact_analysis
from .checks import CheckResult, stays_at_target
from .kit import CHAINS, FALSE_ALARM, SWEEPS
from .markov import StateSpace, has_exact_law

EXACT_TOLERANCE = 1e-9  # built-in rules' exact stationary law against Boltzmann at their own T (round-off)


def validate(problem: Problem, dynamics, *, temperature: float | None = None, seed: int = 0) -> dict:
    """Checks and exact figures of ``dynamics`` on ``problem`` (at most 2^16 states).

    Checks: ``stays_at_target`` / ``chains_move`` / ``every_variable_moves`` at ``temperature`` (default: the
    dynamics' ``T``, else its exact T_eff when it has an exact law), and for a built-in rule with an exact local law and a
    ``T``, ``exact_stationary``: its exact stationary law is Boltzmann at ``T`` (total variation at most
    ``EXACT_TOLERANCE``).  Exact figures (``None`` for a rule without an exact law): the net flux and entropy
    production of one update of a uniformly random site at the stationary law, T_eff and what separates the
    law from Boltzmann(T_eff), the spectral gap.
    """
    if temperature is not None:  # checked before any work
        temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
    seed = _checks.integer("seed", seed, low=0)
    space = StateSpace(problem)
    exact = exact_analysis(space, dynamics) if has_exact_law(dynamics) else None
    t = temperature if temperature is not None else getattr(dynamics, "T", None)
    if t is None and exact is not None:
        t = exact.t_eff  # a rule without a temperature of its own is checked against its closest Boltzmann law
    checks: list[CheckResult] = []
    if t is not None:
        checks += stays_at_target(space, dynamics, t, chains=CHAINS, sweeps=SWEEPS, seed=seed, false_alarm=FALSE_ALARM)
    if exact is not None and exact.tv_to_nominal is not None:
        checks.append(CheckResult("exact_stationary", exact.tv_to_nominal <= EXACT_TOLERANCE, exact.tv_to_nominal,
                                  EXACT_TOLERANCE, "total variation between the exact stationary law and Boltzmann "
                                  "at the dynamics' T"))  # fmt: skip
    if t is None:
        raise ValidationError("temperature", f"{type(dynamics).__name__} has no T and no exact law: give the "
                                             "target temperature")  # fmt: skip
    figures = exact.as_dict() if exact is not None else {}
    return {
        "states": space.size,
        "temperature": t,
        "checks": [c.as_dict() for c in checks],
        "detailed_balance_violation": figures.get("detailed_balance_violation"),
        "detailed_balance_of": "one update of a uniformly random site" if exact is not None else None,
        "entropy_production": figures.get("entropy_production"),
        "t_eff": figures.get("t_eff"),
        "kl_to_boltzmann": figures.get("kl"),
        "tv_to_boltzmann": figures.get("tv_to_boltzmann"),
        "spectral_gap": figures.get("spectral_gap"),
        "passed": all(c.passed for c in checks),
    }
