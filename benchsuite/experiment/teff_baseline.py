"""The baseline "Metropolis at the effective temperature of algorithm X", one per instance.

X's effective temperature is measured with :func:`benchsuite.score.equivalence.effective_temperatures` (the
Metropolis temperature whose stationary energy equals X's), on the instance itself when nothing is planted
in it, and on its *unplanted twin* (the same generator and parameters with ``planted=false``) when it is
planted: on a planted instance that X recovers, the energy it settles at is the ordered state's, which no
stationary Metropolis reproduces.  Where no measurement is possible (a non-stationary run, a family without
an unplanted twin) the instance gets no such baseline and the reason is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..dynamics import make_dynamics
from ..errors import ValidationError
from ..score.equivalence import effective_temperatures
from ..spec import parse_spec
from .instances import build_instance
from .suites import SuiteInstance
from .tuning import Tunable, format_spec

SEED = 0  # of the measurement: the baseline's temperature depends on the instance and X only


@dataclass(frozen=True)
class TeffMeasurement:
    """X's effective temperature for one instance, where it was measured, and why not when it was not."""

    instance: str
    measured_on: str | None
    t_eff: float | None
    low: float | None
    high: float | None
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"instance": self.instance, "measured_on": self.measured_on, "t_eff": self.t_eff, "low": self.low,
                "high": self.high, "reason": self.reason}  # fmt: skip

    def baseline(self, algorithm: str) -> Tunable | None:
        if self.t_eff is None:
            return None
        return Tunable("metropolis", {"T": round(self.t_eff, 4)}, role=f"at T_eff of {algorithm}")


def unplanted_twin(entry: SuiteInstance) -> str:
    """The spec of the instance without its planted assignment (itself when nothing is planted); building it
    refuses a generator that takes no ``planted``."""
    problem = entry.build()
    if problem.planted is None:
        return entry.spec
    name, params = parse_spec(entry.spec, "suite")
    return format_spec(name, {**params, "planted": False})


def measure(entry: SuiteInstance, algorithm: str) -> TeffMeasurement:
    """X's effective temperature on ``entry`` (see the module notes); a failed measurement keeps its reason."""
    try:
        spec = unplanted_twin(entry)
        (eff, _), = effective_temperatures(build_instance(spec), [make_dynamics(algorithm)], seed=SEED)  # fmt: skip
    except ValidationError as exc:
        return TeffMeasurement(entry.label, None, None, None, None, str(exc))
    return TeffMeasurement(entry.label, spec, eff.t_eff, eff.low, eff.high, None)
