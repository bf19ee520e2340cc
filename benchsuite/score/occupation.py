"""Counting where continuous chains spend their time: steps per basin and transitions between basin cores.

The box is cut into ``cells`` per axis; each cell carries the basin of its centre (the minimum its gradient
flow reaches, :func:`benchsuite.problems.critical.basin_labels`) and, when its centre lies within
``core_fraction`` of the way from a minimum to the nearest other critical point, that minimum's *core*.  A
transition i -> j is counted when a chain that was last in core i enters core j, so recrossings of a barrier
top are not counted as transitions.  Points outside the box count in the nearest edge cell.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..problems.critical import basin_labels, cell_centres
from ..problems.landscapes import Landscape

DEFAULT_CELLS = {1: 4096, 2: 256}


class BasinObserver:
    """Counters for ``chains`` chains on ``landscape``: ``occupancy`` (R, B) steps per basin and ``transitions``
    (R, B, B) core-to-core transitions, B = the number of minima.

    With ``regions`` (an int label in 0..K-1 for every cell, C order, each region inside one basin) ``occupancy``
    is (R, K) steps per region instead, :attr:`region_basins` says which basin holds each region, and
    :meth:`basin_occupancy` adds them up per basin."""

    def __init__(self, landscape: Landscape, chains: int, cells: int | None = None, core_fraction: float = 0.5,
                 regions=None):  # fmt: skip
        if not isinstance(landscape, Landscape):
            raise ValidationError("landscape", f"must be a Landscape, got {type(landscape).__name__}")
        chains = _checks.integer("chains", chains, low=1)
        d = landscape.n
        if d not in DEFAULT_CELLS:
            raise ValidationError("landscape", f"basins are counted in 1 or 2 dimensions, not {d}")
        cells = DEFAULT_CELLS[d] if cells is None else _checks.integer("cells", cells, low=2, high=1 << 16)
        core_fraction = _checks.real("core_fraction", core_fraction, low=0.0, high=1.0, low_open=True, high_open=True)
        self.landscape = landscape
        self.cells = cells
        self.labels = np.ascontiguousarray(basin_labels(landscape, cells).ravel())
        self.core = self._cores(core_fraction)
        basins = len(landscape.minima)
        self.region_basins = np.arange(basins)
        if regions is not None:
            self.labels, self.region_basins = self._regions(regions)
        self._setup(chains, self.region_basins.size, basins)

    def _regions(self, regions) -> tuple[np.ndarray, np.ndarray]:
        """The checked region labels and the basin of each region."""
        regions = _checks.array("regions", regions, ndim=1, kind="i")
        if regions.shape != self.labels.shape:
            raise ValidationError("regions", f"must label each of the {self.labels.size} cells, got {regions.size}")
        if regions.min() < 0:
            raise ValidationError("regions", "labels must be non-negative")
        count = int(regions.max()) + 1
        if np.bincount(regions, minlength=count).min() == 0:
            raise ValidationError("regions", f"labels must be 0..{count - 1}, each used by at least one cell")
        basin_of = np.full(count, -1, dtype=np.int64)
        basin_of[regions] = self.labels
        if np.any(basin_of[regions] != self.labels):
            raise ValidationError("regions", "a region spans two basins: split it at the basin boundary")
        return np.ascontiguousarray(regions, dtype=np.int64), basin_of

    def _cores(self, fraction: float) -> np.ndarray:
        points = self.landscape.critical_points
        minima = [p for p in points if p.kind == "minimum"]
        others = np.array([p.x for p in points if p.kind != "minimum"]).reshape(-1, self.landscape.n)
        centres = cell_centres(self.landscape.box, self.cells)
        core = np.full(centres.shape[0], -1, dtype=np.int64)
        for k, m in enumerate(minima):
            rest = np.vstack([others, [p.x for j, p in enumerate(minima) if j != k]]) if len(minima) > 1 else others
            reach = np.inf if rest.size == 0 else float(np.min(np.linalg.norm(rest - m.x, axis=1)))
            inside = (np.linalg.norm(centres - m.x, axis=1) < fraction * reach) & (self.labels == k)
            core[inside] = k
        return core

    def _setup(self, chains: int, columns: int, basins: int) -> None:
        self.chains = chains
        self.occupancy = np.zeros((chains, columns), dtype=np.int64)
        self.transitions = np.zeros((chains, basins, basins), dtype=np.int64)
        self.last_core = np.full(chains, -1, dtype=np.int64)

    @classmethod
    def trivial(cls, landscape: Landscape, chains: int) -> BasinObserver:
        """One cell, one basin, no core: counts steps only (what ``step`` uses without an observer)."""
        self = cls.__new__(cls)
        self.landscape, self.cells = landscape, 1
        self.labels = np.zeros(1, dtype=np.int64)
        self.core = np.full(1, -1, dtype=np.int64)
        self.region_basins = np.zeros(1, dtype=np.int64)
        self._setup(chains, 1, 1)
        return self

    def basin_occupancy(self) -> np.ndarray:
        """Steps per chain and basin, (R, B) (the occupancy itself without regions)."""
        out = np.zeros((self.chains, self.transitions.shape[1]), dtype=np.int64)
        np.add.at(out.T, self.region_basins, self.occupancy.T)
        return out

    def reset(self) -> None:
        """Zero the counters (after a burn-in); each chain's last core is kept."""
        self.occupancy[:] = 0
        self.transitions[:] = 0

    def check(self, state) -> None:
        if state.problem is not self.landscape or state.chains != self.chains:
            raise ValidationError("observer", f"was made for {self.chains} chains of {self.landscape!r}, not "
                                              f"{state.chains} of {state.problem!r}")  # fmt: skip

    def kernel_arguments(self) -> tuple:
        box = self.landscape.box
        lo = np.ascontiguousarray(box[:, 0])
        inv_width = self.cells / (box[:, 1] - box[:, 0])
        return (self.labels, self.core, lo, inv_width, self.cells, self.occupancy, self.transitions, self.last_core)
