"""Claims (a)-(d) of the long-run theory of SGD, measured against predicted exponents on a 1-D landscape.

Azizian, Iutzeler, Malick, Mertikopoulos (ICML 2024, arXiv:2406.09241): as eta -> 0 the invariant law of SGD
gives a neighbourhood of each critical component K_i the mass exp(-E_i / eta) up to a prefactor, with E_i the
least cost of a spanning arborescence rooted at K_i over the transition costs B_jk between components
(Freidlin-Wentzell), shifted so that the least E_i is 0.  In 1-D, B_jk between adjacent critical points is
max(0, V(x_k) - V(x_j)), V the quasi-potential (V' = p*, :func:`~.longrun.root_p`), and the arborescences
give E_i = V(x_i) - min V; :func:`arborescence_energies` solves any small cost matrix.  The claims:

- (a) the critical region is visited exponentially more than any non-critical region;
- (b) the iterates concentrate on the minimum of least energy, which need not be the minimum of least f;
- (c) the other minima are visited with frequencies exp(-E_i / eta);
- (d) every maximum is dominated by a minimum (its energy exceeds that of an adjacent minimum).

A *probe* is a window around a point: every critical point, and the midpoint of each pair of adjacent critical
points (the non-critical points of (a), predicted exponent V(x) - min V).  The exponent of a probe is minus the
slope of log(mu(probe) / mu(reference)) against 1 / eta (the step-bias fit of :func:`~.longrun.fit_slope`, the
reference the probe of least energy), from SGD's counts in the windows (errors from groups of chains) and from
the exact grid chain's law.  A window of half-width r has mass 2 r p(x) times 1 + r^2 V''(x) / (6 eta) at a
critical point (at r = 0.05 the slope moves by r^2 V'' / 6, about 1e-3) and times sinh(u) / u, u = r V'(x) /
eta, at a non-critical one; there r is cut to ``NONCRITICAL_SPREAD`` eta_min / |V'(x)|, so that u <= 0.1 and
the factor stays below 1.002 at every measured step size.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from .. import _checks
from ..dynamics.noise import NoiseLaw
from ..errors import ValidationError
from ..problems.critical import cell_centres
from ..problems.landscapes import Landscape
from ..validate.grid_chain import GridLaw
from .longrun import Occupation, SlopeFit, fit_slope, group_log_ratio_error, quasi_potential_slope, root_p

MAX_TREES = 1_000_000  # arborescences enumerated per root
DEFAULT_WINDOW = 0.05
NONCRITICAL_SPREAD = 0.1  # the largest r V'(x) / eta of a non-critical window


def arborescence_energies(costs) -> np.ndarray:
    """E_i = (least total cost of a spanning arborescence directed into i) - (the least over i), for a square
    matrix ``costs`` of transition costs B_jk >= 0 (inf: no direct transition; the diagonal is ignored).
    Exact, by enumerating every choice of one outgoing transition per other component (at most ``MAX_TREES``
    per root); inf for a component no arborescence reaches."""
    try:
        b = np.array(costs, dtype=float)
    except (ValueError, TypeError) as exc:
        raise ValidationError("costs", f"must be a square matrix of numbers ({exc})") from None
    k = b.shape[0] if b.ndim else 0
    if b.ndim != 2 or b.shape != (k, k) or k == 0:
        raise ValidationError("costs", f"must be a non-empty square matrix, got shape {b.shape}")
    off = ~np.eye(k, dtype=bool)
    if np.any(np.isnan(b)) or np.any(b[off] < 0):
        raise ValidationError("costs", "must be non-negative (inf for no transition), without NaN")
    best = np.full(k, math.inf)
    for root in range(k):
        others = [j for j in range(k) if j != root]
        choices = [[t for t in range(k) if t != j and math.isfinite(b[j, t])] for j in others]
        if math.prod(len(c) for c in choices) > MAX_TREES:
            raise ValidationError("costs", f"more than {MAX_TREES} candidate arborescences into component {root}")
        for picks in itertools.product(*choices):
            parent = dict(zip(others, picks))
            if _reaches(parent, root, k):
                best[root] = min(best[root], sum(b[j, parent[j]] for j in others))
    if not np.any(np.isfinite(best)):
        raise ValidationError("costs", "no spanning arborescence exists: the components do not communicate")
    return best - best.min()


def _reaches(parent: dict[int, int], root: int, k: int) -> bool:
    """Whether following ``parent`` from every component leads to ``root`` (no cycle)."""
    for start in parent:
        j = start
        for _ in range(k):
            if j == root:
                break
            j = parent[j]
        if j != root:
            return False
    return True


@dataclass(frozen=True)
class Probe:
    """A point of the landscape whose window (half-width ``half_width``) is counted: ``kind`` "minimum",
    "maximum" or "non-critical", position ``x``, f(x) ``value`` and the predicted exponent ``energy``
    (arborescence energy for a critical point, V(x) - min V otherwise)."""

    kind: str
    x: float
    value: float
    energy: float
    half_width: float


def probes(landscape: Landscape, noise: NoiseLaw, window: float = DEFAULT_WINDOW,
           eta_min: float = 0.05) -> list[Probe]:  # fmt: skip
    """The critical points of a 1-D landscape and the midpoints between adjacent ones, ordered by x, with their
    predicted exponents and window half-widths (``window`` at a critical point, narrower at a non-critical one
    for the smallest step size ``eta_min``: see the module's note); ValidationError when the noise cannot
    climb between two critical points."""
    if not isinstance(landscape, Landscape) or landscape.n != 1:
        raise ValidationError("landscape", "the claims table is computed on 1-D landscapes")
    window = _checks.real("window", window, low=0.0, low_open=True)
    eta_min = _checks.real("eta_min", eta_min, low=0.0, low_open=True)
    noise = noise.on(landscape)
    points = sorted(landscape.critical_points, key=lambda p: p.x[0])
    xs = [float(p.x[0]) for p in points]
    costs = np.full((len(xs), len(xs)), math.inf)
    for j, (a, c) in enumerate(itertools.pairwise(xs)):
        rise = quasi_potential_slope(landscape, noise, a, c)  # V(c) - V(a)
        if not math.isfinite(rise):
            raise ValidationError("noise", f"the noise cannot climb between the critical points {a:.4g} and "
                                           f"{c:.4g}: their energies are infinite")  # fmt: skip
        costs[j, j + 1], costs[j + 1, j] = max(rise, 0.0), max(-rise, 0.0)
    energies = arborescence_energies(costs)
    base = xs[int(np.argmin(energies))]
    out = [Probe(p.kind, x, float(p.value), float(e), window) for p, x, e in zip(points, xs, energies)]
    for a, c in itertools.pairwise(xs):
        m = (a + c) / 2
        rise = abs(float(root_p(noise, landscape.gradient([m])[0], m)))  # |V'(m)|
        out.append(Probe("non-critical", m, landscape.value([m]), quasi_potential_slope(landscape, noise, base, m),
                         min(window, NONCRITICAL_SPREAD * eta_min / rise)))  # fmt: skip
    return sorted(out, key=lambda p: p.x)


def probe_regions(landscape: Landscape, found: list[Probe], cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Region labels of the ``cells`` cells for :class:`~.occupation.BasinObserver`: each probe's window (cell
    centres within its half-width) and the rest, each split at the basin boundaries; and the probe of each
    region (-1: the rest)."""
    from ..problems.critical import basin_labels

    xs = np.array([p.x for p in found])
    widths = np.array([p.half_width for p in found])
    if xs.size > 1 and np.any(np.diff(xs) <= widths[1:] + widths[:-1]):
        raise ValidationError("window", "the probes' windows overlap: narrow the window")
    centres = cell_centres(landscape.box, cells)[:, 0]
    near = np.abs(centres[:, None] - xs[None, :]) < widths[None, :]
    if not near.any(axis=0).all():
        raise ValidationError("window", f"a probe's window holds no cell of {cells}: widen it or use more cells")
    probe_of_cell = np.where(near.any(axis=1), near.argmax(axis=1), -1)
    basin = basin_labels(landscape, cells).ravel()
    pairs, labels = np.unique(np.stack([probe_of_cell, basin], axis=1), axis=0, return_inverse=True)
    return labels.ravel().astype(np.int64), pairs[:, 0].astype(np.int64)


@dataclass
class ClaimsTable:
    """Predicted, exact-grid and measured exponents of every probe, and the claims."""

    probes: list[Probe]
    window: float
    reference: int
    exact: list[float]
    measured: list[SlopeFit | None]  # None: a window never visited at some step size
    dominance: dict[int, tuple[int, SlopeFit | None, float]]  # maximum -> (its minimum, fit, exact difference)

    def _exponent(self, fit: SlopeFit | None) -> dict:
        if fit is None:
            return {"measured_exponent": None, "measured_low": None, "measured_high": None}
        return {"measured_exponent": -fit.slope, "measured_low": -fit.high, "measured_high": -fit.low}

    def claims(self) -> list[dict]:
        """The four claims, one row per subject: what is predicted, what was measured, and whether it holds
        (None when a window was never visited)."""
        rows = []
        minima = [k for k, p in enumerate(self.probes) if p.kind == "minimum"]
        for k, p in enumerate(self.probes):
            fit = self.measured[k]
            if p.kind == "non-critical":
                holds = None if fit is None else -fit.high > 0
                rows.append({"claim": "a", "subject": f"non-critical point x = {p.x:.4g}", "predicted": p.energy,
                             "exact": self.exact[k], **self._exponent(fit), "holds": holds})  # fmt: skip
        least_f = min(minima, key=lambda k: self.probes[k].value)
        others = [f for k, f in enumerate(self.measured) if k in minima and k != self.reference]
        visited = all(f is not None for f in others)
        rows.append({"claim": "b", "subject": f"minimum of least energy x = {self.probes[self.reference].x:.4g}",
                     "predicted": self.probes[self.reference].x, "least_f": self.probes[least_f].x,
                     "holds": (all(-f.high > 0 for f in others) if visited else None)})  # fmt: skip
        for k in minima:
            if k != self.reference:
                fit = self.measured[k]
                holds = None if fit is None else fit.low <= -self.probes[k].energy <= fit.high
                rows.append({"claim": "c", "subject": f"minimum x = {self.probes[k].x:.4g}",
                             "predicted": self.probes[k].energy, "exact": self.exact[k], **self._exponent(fit),
                             "holds": holds})  # fmt: skip
        for k, (m, fit, exact) in self.dominance.items():
            rows.append({"claim": "d", "subject": f"maximum x = {self.probes[k].x:.4g} over minimum x = "
                                                  f"{self.probes[m].x:.4g}",
                         "predicted": self.probes[k].energy - self.probes[m].energy, "exact": exact,
                         **self._exponent(fit), "holds": None if fit is None else -fit.high > 0})  # fmt: skip
        return rows

    def to_dict(self) -> dict:
        return {
            "window": self.window,
            "probes": [{"kind": p.kind, "x": p.x, "f": p.value, "energy": p.energy, "exact_exponent": e}
                       | self._exponent(f) for p, e, f in zip(self.probes, self.exact, self.measured)],
            "claims": self.claims(),
        }  # fmt: skip


def claims_table(found: list[Probe], region_probe: np.ndarray, rows: list[Occupation], laws: list[GridLaw],
                 regions: np.ndarray, window: float) -> ClaimsTable:  # fmt: skip
    """The table from SGD's region counts (``rows``, one per step size, counted with ``regions``) and the grid
    chain's laws on the same cells."""
    etas = [row.eta for row in rows]
    k = len(found)
    member = (region_probe[:, None] == np.arange(k)[None, :]).astype(np.int64)  # region -> probe
    counts = [row.regions @ member for row in rows]  # (chains, probes) per step size
    masses = [np.bincount(region_probe[regions] + 1, weights=law.pi, minlength=k + 1)[1:] for law in laws]
    reference = int(np.argmin([p.energy for p in found]))

    def measured(i: int, j: int) -> SlopeFit | None:
        if i == j:
            return SlopeFit(0.0, 0.0, 0.0, "reference")
        if any(c[:, i].sum() == 0 or c[:, j].sum() == 0 for c in counts):
            return None
        logs = [math.log(c[:, i].sum() / c[:, j].sum()) for c in counts]
        return fit_slope(etas, logs, [group_log_ratio_error(c[:, i], c[:, j]) for c in counts])

    exact = lambda i, j: -fit_slope(etas, [math.log(m[i] / m[j]) for m in masses]).slope
    dominance = {}
    for i, p in enumerate(found):
        if p.kind == "maximum":
            neighbours = [j for j in (i - 2, i + 2) if 0 <= j < k and found[j].kind == "minimum"]
            if not neighbours:
                continue
            m = min(neighbours, key=lambda j: found[j].energy)
            dominance[i] = (m, measured(i, m), exact(i, m))
    return ClaimsTable(found, window, reference, [exact(i, reference) for i in range(k)],
                       [measured(i, reference) for i in range(k)], dominance)  # fmt: skip
