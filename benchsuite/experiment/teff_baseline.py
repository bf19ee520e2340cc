"""The baseline "Metropolis at the effective temperature of algorithm X", one per instance.

X's effective temperature is measured with :func:`benchsuite.score.equivalence.effective_temperatures` (the
Metropolis temperature whose stationary energy equals X's), on the instance itself when nothing is planted
in it, and on its *unplanted twin* (the same generator and parameters with ``planted=false``) when it is
planted: on a planted instance that X recovers, the energy it settles at is the ordered state's, which no
stationary Metropolis reproduces.  Where no measurement is possible (a non-stationary run, a family without
an unplanted twin) the instance gets no such baseline and the reason is kept.  Given a store, a measurement
(or its failure, which is as deterministic) is kept there and read back by later runs and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..dynamics import make_dynamics
from ..errors import ValidationError
from ..score.equivalence import METHOD_VERSION, effective_temperatures
from ..spec import parse_spec
from .algorithm import make_algorithm
from .instances import build_instance
from .store import MeasurementKey, Store
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


def measure(entry: SuiteInstance, algorithm: str, store: Store | None = None, compute: bool = True) -> TeffMeasurement:
    """X's effective temperature on ``entry`` (see the module notes); a failed measurement keeps its reason.
    With a ``store``, one found there is read back and a new one is kept; ``compute=False`` refuses to
    measure one the store lacks (a report reads, it does not compute)."""
    try:
        spec = unplanted_twin(entry)
    except ValidationError as exc:
        return TeffMeasurement(entry.label, None, None, None, None, str(exc))
    key = _key(spec, algorithm)
    found = None if store is None else store.measurement(key)
    if found is not None:
        return TeffMeasurement(entry.label, **found)
    if not compute:
        raise ValidationError("store", f"the T_eff of {algorithm} on {entry.label} is not in {store.path}; run "
                                       "benchsuite score with the same arguments first")  # fmt: skip
    try:
        (eff, _), = effective_temperatures(build_instance(spec), [make_dynamics(algorithm)], seed=SEED)  # fmt: skip
        measured = TeffMeasurement(entry.label, spec, eff.t_eff, eff.low, eff.high, None)
    except ValidationError as exc:
        measured = TeffMeasurement(entry.label, spec, None, None, None, str(exc))
    if store is not None:
        store.put_measurement(key, {k: v for k, v in measured.to_dict().items() if k != "instance"})
    return measured


def _key(spec: str, algorithm: str) -> MeasurementKey:
    made = make_algorithm(algorithm)
    return MeasurementKey(
        f"t_eff-v{METHOD_VERSION}", build_instance(spec).instance_id, made.name, made.version, made.params(), SEED
    )
