"""Sampling quality on enumerable instances, exactly: a dynamics' stationary law against Boltzmann laws.

For an instance with at most ``MAX_SAMPLING_STATES`` configurations and a dynamics whose facts name an
exact local law (:func:`benchsuite.validate.markov.has_exact_law`), the transition matrix of one sweep in
the dynamics' own site order is built over every state and its stationary law pi solved exactly
(:func:`benchsuite.validate.analysis.exact_analysis`).  Reported, without intervals since nothing is
sampled:

- ``t_eff_exact``: the temperature whose Boltzmann law is closest to pi (least KL divergence);
- ``tv_at_t_eff``: the total-variation distance from pi to that Boltzmann law, 0 for a rule that samples a
  Boltzmann law and above 0 for one (SGD-like) whose law is Boltzmann at no temperature;
- ``tv_at_own_t``: the distance to Boltzmann at the dynamics' own temperature, for one that has one.

The matrix is built from the local law the dynamics' facts state, not from its kernel: that the kernel
implements that law is what the check kit tests (``benchsuite validate``, :mod:`benchsuite.validate.kit`).
This T_eff differs in definition from the one ``--at-teff`` measures on large instances (the Metropolis
temperature of the same mean energy, :func:`benchsuite.score.equivalence.effective_temperatures`): both
agree for a Boltzmann law, and their gap for a rule that is not Boltzmann is part of what it does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any

from ..dynamics import make_dynamics
from ..dynamics.base import facts
from ..errors import ValidationError
from ..experiment.instances import build_instance
from ..validate.analysis import exact_analysis
from ..validate.markov import MAX_SWEEP_STATES, has_exact_law
from .scorecard import Metric

MAX_SAMPLING_STATES = MAX_SWEEP_STATES  # the sweep matrix is dense


@dataclass(frozen=True)
class SamplingQuality:
    """The exact sampling quality of one scored point on one enumerable instance (fields as in the module
    notes); all None with a ``reason`` when the dynamics has no exact stationary law."""

    instance: str
    algorithm: str
    states: int
    step: str | None
    t_eff_exact: float | None
    tv_at_t_eff: float | None
    tv_at_own_t: float | None
    reason: str | None = None

    def metrics(self) -> list[Metric]:
        """The non-missing values as scorecard metrics (no intervals: nothing is sampled)."""
        note = f"exact: stationary law of one {self.step} over {self.states} states"
        values = {"t_eff_exact": self.t_eff_exact, "tv_at_t_eff": self.tv_at_t_eff, "tv_at_own_t": self.tv_at_own_t}
        return [Metric(self.instance, self.algorithm, name, v, None, None, note) for name, v in values.items()
                if v is not None]  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sampling_quality(instance: str, label: str, algorithm: str) -> SamplingQuality | None:
    """The exact sampling quality of ``algorithm`` (a spec) on the instance spec ``instance`` (shown as
    ``label``); None when the instance has more than ``MAX_SAMPLING_STATES`` configurations."""
    problem = build_instance(instance)
    states = problem.domain.size**problem.n
    if states > MAX_SAMPLING_STATES:
        return None
    missing = SamplingQuality(label, algorithm, states, None, None, None, None)
    try:
        dynamics = make_dynamics(algorithm)
    except ValidationError:
        return replace(missing, reason="not a dynamics: no exact law")
    if not has_exact_law(dynamics):
        return replace(missing, reason="no exact stationary law (not a single-site rule the validators build)")
    step, analysis = _analysis(instance, algorithm)
    return SamplingQuality(label, algorithm, states, step, analysis.t_eff, analysis.tv_to_boltzmann,
                           analysis.tv_to_nominal)  # fmt: skip


@lru_cache(maxsize=64)
def _analysis(instance: str, algorithm: str):
    dynamics = make_dynamics(algorithm)
    step = "site" if facts(dynamics).sweep == "random" else "sweep"  # n random-site updates leave pi unchanged
    return step, exact_analysis(build_instance(instance), dynamics, step=step)
