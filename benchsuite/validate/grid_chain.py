"""The exact invariant law of constant-step SGD discretised on a fine grid (1-D), the reference for occupations.

Cells of width h cover the box; from the centre x_j one step goes to x_j - eta (f'(x_j) + Z).  For a noise law
with a density, the move lands in cell k with the law's mass of the matching interval (computed from the
nearer tail, so that small entries keep their relative accuracy); an atom (Rademacher's two, or one per batch
of a mini-batch noise) is split between the two cell centres around it (linear interpolation keeps its mean).  Mass that leaves the box is put in the edge
cell, as the basin counters do, and reported (``escape``: the stationary mass that leaves the box per step).  With bounded noise
some cells cannot be reached from the minima: the law lives on the one closed communicating class.  The law is
solved by GTH (:mod:`.steady_state`), which keeps the relative accuracy of basin masses whose log ratio is far
beyond what eigen- or linear solvers resolve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.special import ndtr

from .. import _checks
from ..dynamics.noise import NoiseLaw
from ..errors import ValidationError
from ..problems.critical import basin_labels
from ..problems.landscapes import Landscape
from .steady_state import MAX_GTH_STATES, gth

DEFAULT_CELLS = 2048


@dataclass(frozen=True)
class GridLaw:
    """The stationary law ``pi`` over cell ``centres`` (zero off the closed class), the basin of every cell
    (``labels``, the landscape's minima in order), and ``escape``: the stationary mass per step that left the box
    (sum_j pi_j P[x' outside | x_j])."""

    centres: np.ndarray
    pi: np.ndarray
    labels: np.ndarray
    escape: float

    def basin_masses(self) -> np.ndarray:
        """The law's mass in each basin."""
        return np.bincount(self.labels, weights=self.pi, minlength=int(self.labels.max()) + 1)


def grid_matrix(landscape: Landscape, noise: NoiseLaw, eta: float, cells: int = DEFAULT_CELLS):
    """The one-step matrix of SGD on ``cells`` cells: (cell centres, P (cells x cells), the mass of each row
    that left the box)."""
    if not isinstance(landscape, Landscape) or landscape.n != 1:
        raise ValidationError("landscape", "the grid chain is built for 1-D landscapes")
    eta = _checks.real("eta", eta, low=0.0, low_open=True)
    cells = _checks.integer("cells", cells, low=16, high=MAX_GTH_STATES)
    lo, hi = landscape.box[0]
    h = (hi - lo) / cells
    centres = lo + (np.arange(cells) + 0.5) * h
    drift = landscape.gradients(centres[:, None])[:, 0]
    mean = centres - eta * drift
    noise = noise.on(landscape)
    if noise.kind == "rademacher":
        jump = eta * noise.coefficients[0]
        targets, weights = np.stack([mean - jump, mean + jump], 1), np.array([0.5, 0.5])
    elif noise.kind == "minibatch":
        noise.check_enumerable()
        _checks.affordable("cells", 32.0 * cells * noise.batches, f"{cells} cells x {noise.batches} batches")
        shift, curvature, weights = noise.atoms()
        z = shift[:, 0][None, :] + np.outer(centres - landscape.anchor[0], curvature[:, 0, 0])  # every batch and cell
        targets = mean[:, None] - eta * z
    else:
        p, escape = _intervals(noise, centres, mean, eta, lo, h, cells)
        return centres, p, escape
    escape = ((targets < lo) | (targets > hi)) @ weights  # atoms beyond the box land in its edge cells
    return centres, _atoms(targets, weights, lo, h, cells), escape


def grid_law(landscape: Landscape, noise: NoiseLaw, eta: float, cells: int = DEFAULT_CELLS) -> GridLaw:
    """The stationary law of SGD (step ``eta``, noise ``noise``) on ``landscape`` discretised into ``cells``."""
    centres, p, escape = grid_matrix(landscape, noise, eta, cells)
    cells = centres.size
    closed = _closed_class(p)
    pi = np.zeros(cells)
    pi[closed] = gth(p[np.ix_(closed, closed)] / p[np.ix_(closed, closed)].sum(axis=1, keepdims=True))
    return GridLaw(centres, pi, basin_labels(landscape, cells).ravel(), float(pi @ escape))


def _intervals(noise: NoiseLaw, centres, mean, eta, lo, h, cells):
    """P[x' in cell k | x_j] for a law with a density: Z in ((m_j - e_{k+1}) / eta, (m_j - e_k) / eta]."""
    edges = lo + np.arange(cells + 1) * h
    scale = noise.scale(centres)[:, None]
    z = (mean[:, None] - edges[None, :]) / (eta * scale)  # standardised Z at every edge, decreasing in k
    p = interval_masses(noise.kind, z[:, :-1], z[:, 1:])
    below = _tail(noise.kind, z[:, 0])  # x' < lo: Z > z_0
    above = _tail(noise.kind, -z[:, -1])  # x' > hi: Z < z_G
    p[:, 0] += below
    p[:, -1] += above
    return np.maximum(p, 0.0), below + above


def interval_masses(kind: str, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """P[lower < Z <= upper] for the standardised law, from the nearer tail (small masses keep their relative
    accuracy)."""
    return np.where(lower >= 0, _tail(kind, lower) - _tail(kind, upper), _tail(kind, -upper) - _tail(kind, -lower))


def _tail(kind: str, z: np.ndarray) -> np.ndarray:
    """P[Z > z] for the standardised law (sigma = 1, a = 1 or b = 1)."""
    if kind == "gaussian":
        return ndtr(-z)
    if kind == "uniform":
        return np.clip((1.0 - z) / 2.0, 0.0, 1.0)
    return np.where(z >= 0, 0.5 * np.exp(-np.abs(z)), 1.0 - 0.5 * np.exp(-np.abs(z)))  # laplace


def _atoms(targets, weights, lo, h, cells) -> np.ndarray:
    """Atoms at ``targets`` (cells, A) of masses ``weights`` (A,), each split between its two nearest cell
    centres (linear interpolation keeps the mean)."""
    p = np.zeros((cells, cells))
    rows = np.arange(cells)
    for target, mass in zip(targets.T, weights, strict=True):
        position = np.clip((target - lo) / h - 0.5, 0.0, cells - 1.0)
        left = np.minimum(np.floor(position).astype(np.int64), cells - 2)
        weight = position - left
        np.add.at(p, (rows, left), mass * (1.0 - weight))
        np.add.at(p, (rows, left + 1), mass * weight)
    return p


def _closed_class(p: np.ndarray) -> np.ndarray:
    """The cells of the one closed communicating class (ValidationError when there are several)."""
    graph = sp.csr_matrix(p > 0)
    count, label = connected_components(graph, directed=True, connection="strong")
    rows, cols = graph.nonzero()
    leaves = np.unique(label[rows[label[rows] != label[cols]]])
    closed = np.setdiff1d(np.arange(count), leaves)
    if closed.size != 1:
        raise ValidationError("noise", f"the grid chain has {closed.size} closed classes: it is not ergodic "
                                       "(the noise cannot carry a chain over some barrier)")  # fmt: skip
    return np.flatnonzero(label == closed[0])
