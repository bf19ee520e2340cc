"""Mini-batch noise of a finite-sum landscape: the mean gradient of b of its n examples, minus grad f.

With the per-example deviations zeta_k(x) = grad f_k(x) - grad f(x) (:meth:`Landscape.deviations`; u_k + W_k (x - a)
for a built-in landscape), the noise is
Z(x) = (1/b) sum_{k in B} zeta_k(x) over a batch B drawn uniformly, with replacement (b independent indices)
or without (a uniform b-subset, b < n).  Z has mean zero and, with s^2(x) = (1/n) sum_k zeta_k(x)^2,
Var Z = s^2 / b with replacement and s^2 (n - b) / (b (n - 1)) without.  In 1-D its cumulant generating
function is H_x(p) = b log((1/n) sum_k exp(p zeta_k / b)) with replacement and log(e_b(y) / C(n, b)),
y_k = exp(p zeta_k / b), without (e_b the elementary symmetric polynomial, by the recursion over examples
in log space).  Z is bounded and, unlike the built-in laws, need not be symmetric.

:class:`BatchNoise` is the law bound to a landscape (``noise.on(landscape)``), with the methods the theory
uses for every law (``cgf``, ``variance``, ``support``) and the exact atoms of Z for the grid chain.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numba import njit, prange

from .. import _checks
from ..errors import ValidationError
from ..kernels.basins import observe_point
from ..kernels.cache_key import fingerprinted
from ..kernels.rng import next_below
from ..problems.landscapes import Landscape, gradient

MAX_ATOMS = 1 << 14  # batches the grid chain enumerates (n^b with replacement, C(n, b) without)
MAX_BATCH = 1 << 16


class BatchNoise:
    """The mini-batch noise of ``landscape``'s examples: batches of ``b``, drawn with or without ``replace``."""

    kind = "minibatch"
    bounded = True

    def __init__(self, landscape: Landscape, b: int, replace: bool):
        if not isinstance(landscape, Landscape):
            raise ValidationError("landscape", f"must be a Landscape, got {type(landscape).__name__}")
        b = _checks.integer("b", b, low=1, high=MAX_BATCH)
        if not isinstance(replace, bool | np.bool_):
            raise ValidationError("replace", f"must be true or false, got {replace!r}")
        n = landscape.examples
        if n < 2:
            raise ValidationError("noise", "mini-batch noise needs a finite sum of examples (e.g. a landscape spec "
                                           "with examples=8,spread=1): this landscape is one term")  # fmt: skip
        if not replace and b >= n:
            raise ValidationError("b", f"a batch without replacement takes fewer than the {n} examples, got b = {b}")
        self.landscape, self.b, self.replace = landscape, b, bool(replace)
        self.spec = f"minibatch:b={b},replace={self.replace!r}"

    def on(self, landscape: Landscape) -> BatchNoise:
        """Itself, on its own landscape (ValidationError on another)."""
        if landscape is not self.landscape:
            raise ValidationError("landscape", "this mini-batch noise was bound to another landscape")
        return self

    @property
    def batches(self) -> int:
        """How many batches there are: n^b ordered ones with replacement, C(n, b) without."""
        n = self.landscape.examples
        return n**self.b if self.replace else math.comb(n, self.b)

    def check_enumerable(self) -> None:
        """ValidationError unless the batches are few enough (``MAX_ATOMS``) for the exact grid chain."""
        if self.batches > MAX_ATOMS:
            raise ValidationError("b", f"the noise has {self.batches} batches to enumerate, more than {MAX_ATOMS}: use "
                                       "fewer examples or a smaller batch")  # fmt: skip

    def _deviations(self, x0) -> np.ndarray:
        """zeta_k at the points ``x0`` of a 1-D landscape, shape (n,) + shape of x0."""
        return self.landscape.deviations_1d(x0)

    def variance(self, x0=0.0) -> np.ndarray:
        """Var Z at first coordinates ``x0`` (1-D landscapes)."""
        n, b = self.landscape.examples, self.b
        s2 = (self._deviations(x0) ** 2).mean(0)
        return s2 / b if self.replace else s2 * (n - b) / (b * (n - 1))

    def support(self, x0=0.0) -> tuple[np.ndarray, np.ndarray]:
        """The least and greatest value of Z at ``x0``: b times the extreme deviation, or the mean of the b
        smallest / largest ones."""
        z = np.sort(self._deviations(x0), axis=0)
        if self.replace:
            return z[0], z[-1]
        return z[: self.b].mean(0), z[-self.b :].mean(0)

    def cgf(self, p, x0=0.0) -> np.ndarray:
        """H_x(p) = log E exp(p Z(x)) (``p`` and ``x0`` broadcast together)."""
        p, x0 = np.broadcast_arrays(np.asarray(p, dtype=np.float64), np.asarray(x0, dtype=np.float64))
        n, b = self.landscape.examples, self.b
        t = p * self._deviations(x0) / b  # log y_k, shape (n,) + p.shape
        if self.replace:
            return b * (np.logaddexp.reduce(t, axis=0) - math.log(n))
        return _log_elementary(t, b) - _log_elementary(np.zeros((n, 1)), b)[0]  # the same sum at p = 0: H(0) = 0

    def atoms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every batch's mean shift (A, d) and mean curvature (A, d, d), and its probability (A,): Z(x) = shift +
        curvature (x - a) with that probability."""
        n, b = self.landscape.examples, self.b
        if not self.landscape.affine_examples:
            raise ValidationError("noise", "the exact chain enumerates batches of examples whose gradients are "
                                           "grad f + u_k + W_k (x - a); a finite sum of callables is not one")  # fmt: skip
        self.check_enumerable()
        pick = itertools.product(range(n), repeat=b) if self.replace else itertools.combinations(range(n), b)
        batches = np.array(list(pick), dtype=np.int64)
        ls = self.landscape
        shift = ls.shifts[batches].mean(1)
        curvature = ls.curvatures[batches].mean(1)
        return shift, curvature, np.full(len(batches), 1.0 / len(batches))


def _log_elementary(t: np.ndarray, b: int) -> np.ndarray:
    """log e_b(exp(t_1), ..., exp(t_n)) along the first axis of ``t``, by the recursion over examples."""
    log_e = np.full((b + 1,) + t.shape[1:], -np.inf)  # log e_j over the examples seen so far
    log_e[0] = 0.0
    for k in range(t.shape[0]):
        log_e[1:] = np.logaddexp(log_e[1:], t[k] + log_e[:-1])
    return log_e[b]


@njit(cache=True, nogil=True, inline="always")
def draw_batch(s, n, b, replace, order, swaps, batch):
    """Fill ``batch[:b]`` with example indices: b independent ones, or without replacement the first b places
    of a partial Fisher-Yates shuffle of ``order`` (the identity, restored before returning)."""
    for i in range(b):
        if replace:
            batch[i] = next_below(s, n)
        else:
            j = i + next_below(s, n - i)
            swaps[i] = j
            order[i], order[j] = order[j], order[i]
            batch[i] = order[i]
    if not replace:
        for i in range(b - 1, -1, -1):
            j = swaps[i]
            order[i], order[j] = order[j], order[i]


@fingerprinted(parallel=True)
def minibatch_sgd(fingerprint: str):
    def minibatch_sgd(kind, c, shifts, curvatures, anchor, b, replace, eta, x, rng, steps, labels, core, lo,
                      inv_width, cells, occupancy, transitions, last_core):  # fmt: skip
        """x <- x - eta (grad f(x) + (1/b) sum_{k in B} (u_k + W_k (x - a))) for every chain, a batch B per step
        (:func:`draw_batch`)."""
        fingerprint  # noqa: B018 -- part of numba's cache key (see kernels/cache_key.py)
        n, d = shifts.shape
        for r in prange(x.shape[0]):
            s = rng[r]
            g = np.empty(d)
            z = np.empty(d)
            e = np.empty(d)
            y = x[r].copy()
            order = np.arange(n)
            swaps = np.empty(b, dtype=np.int64)
            batch = np.empty(b, dtype=np.int64)
            for _ in range(steps):
                gradient(kind, c, y, g)
                for q in range(d):
                    z[q] = 0.0
                    e[q] = y[q] - anchor[q]
                draw_batch(s, n, b, replace, order, swaps, batch)
                for i in range(b):
                    k = batch[i]
                    for q in range(d):
                        t = shifts[k, q]
                        for p in range(d):
                            t += curvatures[k, q, p] * e[p]
                        z[q] += t
                if not step_and_observe(r, y, g, z, b, eta, lo, inv_width, cells, labels, core, occupancy,
                                        transitions, last_core):  # fmt: skip
                    break
            x[r] = y

    return minibatch_sgd


@njit(nogil=True, parallel=True)
def minibatch_sgd_callables(model, b, replace, eta, x, rng, steps, labels, core, lo, inv_width, cells, occupancy,
                            transitions, last_core):  # fmt: skip
    """x <- x - eta (1/b) sum_{k in B} grad f_k(x) for a finite sum of callables (a CallableModel), a batch B
    per step (:func:`draw_batch`); compiled per process (numba cannot cache code specialised on the user's
    functions)."""
    n = model.data.shape[0]
    d = x.shape[1]
    for r in prange(x.shape[0]):
        s = rng[r]
        g = np.zeros(d)
        z = np.empty(d)
        work = np.empty(d)
        y = x[r].copy()
        order = np.arange(n)
        swaps = np.empty(b, dtype=np.int64)
        batch = np.empty(b, dtype=np.int64)
        for _ in range(steps):
            z[:] = 0.0
            draw_batch(s, n, b, replace, order, swaps, batch)
            for i in range(b):
                model.gradient(model.data[batch[i]], y, work)
                for q in range(d):
                    z[q] += work[q]
            if not step_and_observe(r, y, g, z, b, eta, lo, inv_width, cells, labels, core, occupancy,
                                    transitions, last_core):  # fmt: skip
                break
        x[r] = y


@njit(cache=True, nogil=True, inline="always")
def step_and_observe(r, y, g, z, b, eta, lo, inv_width, cells, labels, core, occupancy, transitions, last_core):
    """y <- y - eta (g + z / b), then count the new point (:func:`observe_point`); False (and nothing counted)
    when y left the reals."""
    finite = True
    for q in range(y.size):
        y[q] -= eta * (g[q] + z[q] / b)
        finite = finite and np.isfinite(y[q])
    if finite:
        observe_point(r, y, lo, inv_width, cells, labels, core, occupancy, transitions, last_core)
    return finite
