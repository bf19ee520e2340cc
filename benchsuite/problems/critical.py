"""Critical points of a landscape, classified by their Hessian, and the basins of its minima.

Critical points are the roots of grad f in the box, found by Powell's hybrid method (``scipy.optimize.root``
with the analytic Hessian as Jacobian) from a grid of starts, merged when closer than ``MERGE_DISTANCE`` times
the box size.  The index (the number of negative Hessian eigenvalues) names the kind: 0 a minimum, d a maximum,
else a saddle; a Hessian eigenvalue within ``FLAT`` (relative) of zero is ``degenerate`` and is refused, since
the theory of long-run occupations needs non-degenerate critical points.  Basins: a point belongs to the minimum
its gradient flow reaches (:func:`basin_labels`, on a grid of cells).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import root

from ..errors import ValidationError
from ..kernels.objective import objective_gradient, objective_kernel
from . import landscapes as ls

STARTS = {1: 201, 2: 41}  # starts per axis
MERGE_DISTANCE = 1e-6
ROOT_TOLERANCE = 1e-9  # |grad f| at an accepted root, relative to the largest |grad f| over the starts
FLAT = 1e-9
TIE = 1e-9  # values this close (relative to the largest |f| among the points, or 1) are equal


@dataclass(frozen=True)
class CriticalPoint:
    """A root of grad f: position ``x`` (float64[d]), ``value`` f(x), ``hessian`` and ``index`` (negative
    Hessian eigenvalues)."""

    x: np.ndarray
    value: float
    hessian: np.ndarray
    index: int

    @property
    def kind(self) -> str:
        if self.index == 0:
            return "minimum"
        return "maximum" if self.index == self.x.size else "saddle"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "x": self.x.tolist(), "value": self.value}


def find_critical_points(landscape: ls.Landscape) -> tuple[CriticalPoint, ...]:
    """Every critical point in the box, minima first, each kind by increasing value; equal values (within
    ``TIE``, as for symmetric minima) in lexicographic order of position, so that the order does not depend
    on rounding."""
    d, box = landscape.n, landscape.box
    if d not in STARTS:
        raise ValidationError("landscape", f"critical points are searched in 1 or 2 dimensions, not {d}")
    axes = [np.linspace(lo, hi, STARTS[d]) for lo, hi in box]
    starts = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d)

    def grad(x):
        return landscape.gradients(x[None])[0]

    def hess(x):
        return landscape.hessian(x) if np.all(np.isfinite(x)) else np.full((d, d), np.nan)

    scale = max(np.abs(grad(x)).max() for x in starts) or 1.0
    size = float(np.max(box[:, 1] - box[:, 0]))
    found: list[np.ndarray] = []
    for x0 in starts:
        sol = root(grad, x0, jac=hess, method="hybr")
        x = sol.x
        inside = np.all((x >= box[:, 0]) & (x <= box[:, 1]))
        new = not any(np.abs(x - y).max() <= MERGE_DISTANCE * size for y in found)
        if inside and new and np.abs(grad(x)).max() <= ROOT_TOLERANCE * scale:
            found.append(x)
    points = []
    for x in found:
        h = hess(x)
        eig = np.linalg.eigvalsh(h)
        if np.any(np.abs(eig) <= FLAT * max(1.0, np.abs(eig).max())):
            raise ValidationError("landscape", f"degenerate critical point at {x.tolist()} (Hessian eigenvalues "
                                               f"{eig.tolist()})")  # fmt: skip
        points.append(CriticalPoint(x, landscape.value(x), h, int((eig < 0).sum())))
    return _ordered(points)


def _ordered(points: list[CriticalPoint]) -> tuple[CriticalPoint, ...]:
    """By (index, value), runs of equal values (within ``TIE``) by position."""
    tie = TIE * max([1.0] + [abs(p.value) for p in points])
    ordered: list[CriticalPoint] = []
    run: list[CriticalPoint] = []
    for p in sorted(points, key=lambda p: (p.index, p.value)):
        if run and (p.index != run[0].index or p.value - run[0].value > tie):
            ordered += sorted(run, key=lambda q: tuple(q.x))
            run = []
        run.append(p)
    return tuple(ordered + sorted(run, key=lambda q: tuple(q.x)))


def basin_labels(landscape: ls.Landscape, cells: int) -> np.ndarray:
    """The minimum (its position in ``landscape.minima``) whose gradient flow each cell centre of a grid of
    ``cells`` per axis over the box reaches; shape (cells,) * d, int64."""
    return flow_labels(landscape, cell_centres(landscape.box, cells)).reshape((cells,) * landscape.n)


def flow_labels(landscape: ls.Landscape, starts: np.ndarray) -> np.ndarray:
    """The minimum (its position in ``landscape.minima``) the gradient flow from each point of ``starts``
    (shape (N, d)) reaches, followed in steps of 1e-3 of the box's smallest side."""
    minima = np.array([p.x for p in landscape.minima])
    if minima.size == 0:
        raise ValidationError("landscape", "has no minimum in its box")
    step = 1e-3 * float(np.min(landscape.box[:, 1] - landscape.box[:, 0]))
    starts = np.ascontiguousarray(starts, dtype=np.float64)
    return _descend(landscape.model, starts, minima, step, 200_000)


def cell_centres(box: np.ndarray, cells: int) -> np.ndarray:
    """Centres of a grid of ``cells`` per axis over ``box`` (shape (d, 2)), in C order: shape (cells^d, d)."""
    axes = [lo + (np.arange(cells) + 0.5) * (hi - lo) / cells for lo, hi in box]
    return np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, box.shape[0])


@objective_kernel()
def _descend(fingerprint: str):
    def descend(model, starts, minima, step, max_steps):
        """Follow -grad f with steps of length at most ``step`` until within ``2 step`` of a minimum (then its
        label) or ``max_steps`` (then the nearest minimum)."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see kernels/cache_key.py)
        d = starts.shape[1]
        labels = np.empty(starts.shape[0], dtype=np.int64)
        g = np.empty(d)
        x = np.empty(d)
        for p in range(starts.shape[0]):
            x[:] = starts[p]
            label = -1
            for _ in range(max_steps):
                best, nearest = np.inf, 0
                for m in range(minima.shape[0]):
                    dist = 0.0
                    for i in range(d):
                        dist += (x[i] - minima[m, i]) ** 2
                    if dist < best:
                        best, nearest = dist, m
                if best <= (2.0 * step) ** 2:
                    label = nearest
                    break
                objective_gradient(model, x, g)
                norm = 0.0
                for i in range(d):
                    norm += g[i] * g[i]
                norm = np.sqrt(norm)
                if norm == 0.0:  # a saddle or maximum exactly: the nearest minimum
                    label = nearest
                    break
                scale = step / norm
                for i in range(d):
                    x[i] -= scale * g[i]
            labels[p] = label if label >= 0 else nearest
        return labels

    return descend
