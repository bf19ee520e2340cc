"""Everything the ``validate`` command says about one dynamics on one enumerable instance, as one dict."""

from __future__ import annotations

import math

from .. import _checks
from ..dynamics.base import facts
from ..errors import ValidationError
from ..problems.base import Problem
from .analysis import exact_analysis, matrix_analysis
from .checks import CheckResult, overall, stays_at_target
from .estimate import MAX_RUNS, estimate_transition_matrix
from .kit import FALSE_ALARM, SWEEPS, omnibus_chains
from .markov import StateSpace, boltzmann, has_exact_law, total_variation
from .own_law import own_law, own_law_checks, states_its_order
from .planned import planned_checks

EXACT_TOLERANCE = 1e-12  # sum |pi P - pi| at Boltzmann(T) for a rule that keeps it: round-off (< 1e-15 seen)


def validate(problem: Problem, dynamics, *, temperature: float | None = None, seed: int = 0, runs: int = 0) -> dict:
    """Checks and exact figures of ``dynamics`` on ``problem`` (at most 2^16 states).

    A rule with an exact local law and neither a Boltzmann target nor a given ``temperature`` (SGD-like) is
    checked against its own exact law in the site order it runs (:mod:`.own_law`), and its T_eff, KL and TV
    figures are of that law (``t_eff_of`` says which law).  Otherwise, checks: ``stays_at_target`` /
    ``chains_move`` / ``every_variable_moves`` and the planned ``mean_energy_holds`` / ``acceptance_holds`` (:mod:`.planned`, kit defaults) at ``temperature`` (default:
    the dynamics' ``T``, else its T_eff from the matrix below), and for a built-in rule with an exact local law and a
    ``T``, ``exact_stationary``: its exact stationary law is Boltzmann at ``T`` (total variation at most
    ``EXACT_TOLERANCE``).  Figures: for a built-in rule, from the exact matrix of one update of a uniformly random
    site; for any other rule with ``runs`` > 0, from its one-sweep matrix estimated from ``runs`` runs per state
    (``matrix_error``: a bound on every entry's error, exceeded with probability at most 1e-3); else ``None``.
    They are the net flux and entropy production at the stationary law, T_eff and what separates the law from
    Boltzmann(T_eff), the spectral gap (None where infinite).  ``passed``: True when every check passed, False
    when one failed, None when none failed but one was inconclusive (it had not the power to fail).
    """
    if temperature is not None:  # checked before any work
        temperature = _checks.real("temperature", temperature, low=0.0, low_open=True)
    seed = _checks.integer("seed", seed, low=0)
    runs = _checks.integer("runs", runs, low=0, high=MAX_RUNS)
    space = StateSpace(problem)
    exact = has_exact_law(dynamics)
    if temperature is None and getattr(dynamics, "T", None) is None and not exact and runs == 0:
        raise ValidationError("temperature", f"{type(dynamics).__name__} has no T and no exact law: give the target "
                                             "temperature, or runs to estimate its matrix")  # fmt: skip
    analysis, of, error = None, None, None
    if exact:
        analysis, of = exact_analysis(space, dynamics), "one update of a uniformly random site (exact)"
    elif runs:
        estimate = estimate_transition_matrix(space, dynamics, runs=runs, seed=seed)
        try:
            analysis = matrix_analysis(space, estimate.matrix, "sweep", getattr(dynamics, "T", None))
        except ValidationError as exc:
            raise ValidationError("runs", f"the matrix estimated from {runs} runs per state {exc.args[0]}") from None
        of, error = f"one sweep (estimated from {runs} runs per state)", estimate.error_bound(1e-3)
    t = temperature if temperature is not None else getattr(dynamics, "T", None)
    own = exact and t is None and facts(dynamics).target != "boltzmann" and states_its_order(dynamics)
    figures = {k: _finite(v) for k, v in analysis.as_dict().items()} if analysis is not None else {}
    if own:  # checked against its own exact law, in the order it runs; T_eff of that law
        law = own_law(space, dynamics)
        t = law.t_eff
        checks = own_law_checks(space, dynamics, sweeps=SWEEPS, seed=seed, false_alarm=FALSE_ALARM, law=law)
        tv = total_variation(law.law, boltzmann(space.energy, law.t_eff))
        figures.update(t_eff=law.t_eff, kl=law.kl, tv_to_boltzmann=tv)
        law_of = f"the exact stationary law of one {law.order} sweep"
    else:
        if t is None:
            t = analysis.t_eff  # a rule without a temperature or a law of its own: its closest Boltzmann law
        checks = stays_at_target(space, dynamics, t, chains=omnibus_chains(dynamics), sweeps=SWEEPS, seed=seed,
                                 false_alarm=FALSE_ALARM)  # fmt: skip
        checks += planned_checks(space, dynamics, t, sweeps=SWEEPS, seed=seed, false_alarm=FALSE_ALARM)
        law_of = None if analysis is None else f"the stationary law of {of}"
    if exact and analysis.nominal_residual is not None:
        checks.append(CheckResult("exact_stationary", analysis.nominal_residual <= EXACT_TOLERANCE,
                                  analysis.nominal_residual, EXACT_TOLERANCE, "sum |pi P - pi| for pi = Boltzmann at "
                                  "the dynamics' T and P the exact matrix of one step: 0 up to round-off when "
                                  "Boltzmann is its stationary law"))  # fmt: skip
    return {
        "states": space.size,
        "temperature": t,
        "checks": [c.as_dict() for c in checks],
        "detailed_balance_violation": figures.get("detailed_balance_violation"),
        "detailed_balance_of": of,
        "matrix_error": error,
        "entropy_production": figures.get("entropy_production"),
        "t_eff": figures.get("t_eff"),
        "t_eff_of": law_of,
        "kl_to_boltzmann": figures.get("kl"),
        "tv_to_boltzmann": figures.get("tv_to_boltzmann"),
        "spectral_gap": figures.get("spectral_gap"),
        "passed": overall(checks),
    }


def _finite(value):
    """A figure as strict JSON takes it: None for an infinite or NaN one (an entropy production is infinite
    when the matrix moves one way between two states and never back)."""
    return None if isinstance(value, float) and not math.isfinite(value) else value
