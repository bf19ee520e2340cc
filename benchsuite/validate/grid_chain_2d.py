"""The invariant law of constant-step SGD discretised on a grid in 2-D, the reference for occupations there.

As in 1-D (:mod:`.grid_chain`), one step from the centre c of a cell goes to c - eta (grad f(c) + Z).  The
coordinates of Z are independent draws of the law (the kernel's convention), so the probability of landing in
cell (k, l) is the product of two interval masses, one per axis.  Each axis keeps the cells the noise reaches
but for a tail of mass ``tail`` on either side (Gaussian: 6.0 scales at 1e-9, Laplace: 20.0; the mass cut
off is given back to the kept cells in proportion); mass beyond the grid's box lands in its edge cells and is reported as ``escape``.  The
grid may cover a sub-box of the landscape's (``box``), where the law has its mass: what leaves it is in
``escape``.  The chain has N = cells^2 states and about N (2 z eta s / h)^2 non-zero entries (s the scale, z the tail's quantile); its law is
solved by aggregation-disaggregation (:func:`~.steady_state.stationary_distribution`), whose accuracy is
absolute (``tol``): basin masses far below it are not resolved.  Laws with a density only (Gaussian, with a
slope in its scale or not, uniform, Laplace).

Discretisation: projecting every step onto the cell centres adds a jitter of variance about h^2 / 12 per axis
(Sheppard) to the noise's eta^2 Var Z: on a quadratic the grid chain is SGD with that larger variance, to
O(h^4).  With ``compensate`` (Gaussian noise) each axis draws eta^2 sigma^2 - h^2 / 12 instead, so that noise
and jitter add up to the chain's own variance; cells too coarse for that (h^2 / 12 above a quarter of the
least eta^2 sigma^2) are refused.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from scipy.special import ndtri

from .. import _checks
from ..dynamics.noise import NoiseLaw, make_noise
from ..errors import ValidationError
from ..problems.critical import cell_centres, flow_labels
from ..problems.landscapes import Landscape
from .grid_chain import GridLaw, _tail, interval_masses
from .steady_state import stationary_distribution

MAX_ENTRIES = 60_000_000  # non-zero entries of the sparse one-step matrix (about 0.7 GB)
DEFAULT_CELLS_2D = 128


def grid_matrix_2d(landscape: Landscape, noise: NoiseLaw | str, eta: float, cells: int = DEFAULT_CELLS_2D,
                   box=None, tail: float = 1e-9,
                   compensate: bool = False) -> tuple[np.ndarray, sp.csr_matrix, np.ndarray]:  # fmt: skip
    """(cell centres (N, 2), the one-step matrix P (N x N, sparse), the mass of each row that left the box)."""
    if not isinstance(landscape, Landscape) or landscape.n != 2:
        raise ValidationError("landscape", "the 2-D grid chain is built for 2-D landscapes")
    law = make_noise(noise).on(landscape)
    if law.kind not in ("gaussian", "uniform", "laplace"):
        raise ValidationError("noise", f"the 2-D grid chain takes a law with a density, not {law.kind}")
    eta = _checks.real("eta", eta, low=0.0, low_open=True)
    cells = _checks.integer("cells", cells, low=8, high=1024)
    tail = _checks.real("tail", tail, low=1e-300, high=0.01)
    box = landscape.box if box is None else _checks.array("box", box, ndim=2, kind="f", shape=(2, 2))
    if np.any(box[:, 0] >= box[:, 1]):
        raise ValidationError("box", "every lower bound must be below its upper bound")
    h = (box[:, 1] - box[:, 0]) / cells
    centres = cell_centres(box, cells)
    scale = eta * law.scale(centres[:, 0])  # (N,): the noise's scale per step, from the first coordinate
    quantile = {"gaussian": -float(ndtri(tail)), "laplace": -math.log(2.0 * tail), "uniform": 1.0}[law.kind]
    reach = quantile * float(scale.max())
    span = np.minimum(2 * np.ceil(reach / h).astype(np.int64) + 3, cells)  # kept cells per axis
    entries = centres.shape[0] * int(span[0]) * int(span[1])
    if entries > MAX_ENTRIES:
        raise ValidationError("cells", f"{entries} matrix entries (cells {cells}, {span[0]} x {span[1]} reached per "
                                       f"step), more than {MAX_ENTRIES}: use fewer cells or a smaller box")  # fmt: skip
    scales = [scale, scale]
    if compensate:
        if law.kind != "gaussian":
            raise ValidationError("compensate", "the jitter is compensated for Gaussian noise only")
        if np.max(h) ** 2 / 12 > float(scale.min()) ** 2 / 4:
            raise ValidationError("cells", f"cells of {np.max(h):.3g} are too coarse to compensate their jitter "
                                           f"beside a step noise of {scale.min():.3g}: use more cells")  # fmt: skip
        scales = [np.sqrt(scale**2 - h[a] ** 2 / 12) for a in range(2)]
    grads = np.array([landscape.gradient(c) for c in centres])
    means = centres - eta * grads
    axes = [_axis(law.kind, means[:, a], scales[a], box[a, 0], h[a], cells, int(span[a])) for a in range(2)]
    (first_x, px, out_x), (first_y, py, out_y) = axes
    mass = px[:, :, None] * py[:, None, :]  # (N, span_x, span_y)
    kept = mass.sum(axis=(1, 2))
    mass /= kept[:, None, None]  # what the window cut off goes back to the kept cells
    cols = (first_x[:, None, None] + np.arange(span[0])[None, :, None]) * cells + (
        first_y[:, None, None] + np.arange(span[1])[None, None, :])  # fmt: skip
    rows = np.broadcast_to(np.arange(centres.shape[0])[:, None, None], mass.shape)
    p = sp.csr_matrix((mass.ravel(), (rows.ravel(), cols.ravel())), shape=(centres.shape[0],) * 2)
    p.eliminate_zeros()
    escape = 1.0 - (1.0 - out_x) * (1.0 - out_y)
    return centres, p, escape


def _axis(kind: str, mean, scale, lo: float, h: float, cells: int, span: int):
    """Per row: the first kept cell, the masses of the ``span`` kept cells on one axis (edge cells take the
    tails beyond the box) and the mass beyond the box."""
    first = np.clip(np.floor((mean - lo) / h).astype(np.int64) - span // 2, 0, cells - span)
    index = first[:, None] + np.arange(span)[None, :]
    lower = lo + index * h
    z_up = (mean[:, None] - lower) / scale[:, None]  # standardised Z at each cell's lower edge
    z_down = (mean[:, None] - lower - h) / scale[:, None]
    masses = interval_masses(kind, z_up, z_down)
    below = _tail(kind, (mean - lo) / scale)  # x' < lo
    above = _tail(kind, (lo + cells * h - mean) / scale)  # x' > hi
    masses[:, 0] += np.where(first == 0, below, 0.0)
    masses[:, -1] += np.where(first + span == cells, above, 0.0)
    return first, np.maximum(masses, 0.0), below + above


def grid_law_2d(landscape: Landscape, noise: NoiseLaw | str, eta: float, cells: int = DEFAULT_CELLS_2D, box=None,
                tail: float = 1e-9, tol: float = 1e-12, compensate: bool = False) -> GridLaw:  # fmt: skip
    """The stationary law of SGD on ``landscape`` discretised into ``cells`` x ``cells`` cells of ``box``
    (default: the landscape's), solved to a residual sum |pi P - pi| <= ``tol``; ``labels`` are the basins of
    the cell centres (the minima of ``landscape.minima`` their gradient flow reaches)."""
    centres, p, escape = grid_matrix_2d(landscape, noise, eta, cells, box, tail, compensate)
    pi = stationary_distribution(p, method="aggregation", tol=_checks.real("tol", tol, low=0.0, low_open=True))
    return GridLaw(centres, pi, flow_labels(landscape, centres), float(pi @ escape))
