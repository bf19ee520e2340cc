"""The 2-D grid chain of SGD: exact on a quadratic up to the cells' jitter, and the product of 1-D chains when
the axes are independent."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import solve_discrete_lyapunov

from benchsuite.dynamics.noise import make_noise
from benchsuite.errors import ValidationError
from benchsuite.problems import landscapes as ls
from benchsuite.validate.grid_chain import grid_law
from benchsuite.validate.grid_chain_2d import grid_law_2d, grid_matrix_2d


@pytest.mark.parametrize("cells", [32, 48])
def test_on_a_coupled_quadratic_the_covariance_is_lyapunovs_with_the_cells_jitter_added(cells):
    """Projecting a step onto the cell centres adds a jitter of variance h^2 / 12 per axis (Sheppard), so the
    grid chain is SGD with noise variance eta^2 sigma^2 + h^2 / 12: exact for a linear drift but for the
    jitter's departure from a uniform law, O(h^4)."""
    landscape = ls.quadratic(a=1.0, d=2, coupling=0.4)
    a = np.array([[1.0, 0.4], [0.4, 1.0]])
    eta, sigma, half = 0.2, 1.0, 2.0
    law = grid_law_2d(landscape, f"gaussian:sigma={sigma}", eta, cells, box=[[-half, half], [-half, half]])
    covariance = (law.centres * law.pi[:, None]).T @ law.centres
    h = 2 * half / cells
    jittered = solve_discrete_lyapunov(np.eye(2) - eta * a, (eta**2 * sigma**2 + h**2 / 12) * np.eye(2))
    plain = solve_discrete_lyapunov(np.eye(2) - eta * a, eta**2 * sigma**2 * np.eye(2))
    np.testing.assert_allclose(covariance, jittered, rtol=1e-3)
    assert np.all(np.abs(covariance - plain) > 10 * np.abs(covariance - jittered))  # the jitter is what is left
    assert law.pi.sum() == pytest.approx(1.0) and 0 < law.escape < 1e-6
    compensated = grid_law_2d(landscape, f"gaussian:sigma={sigma}", eta, cells, box=[[-half, half], [-half, half]],
                              compensate=True)  # fmt: skip
    np.testing.assert_allclose((compensated.centres * compensated.pi[:, None]).T @ compensated.centres, plain,
                               rtol=1e-3)  # fmt: skip


def test_independent_axes_give_the_product_of_two_one_dimensional_chains():
    cells, eta, noise = 64, 0.1, "gaussian:sigma=1.5"
    plane = grid_law_2d(ls.quadratic(a=1.0, d=2), noise, eta, cells, box=[[-2.0, 2.0], [-2.0, 2.0]])
    line = grid_law(ls.quadratic(a=1.0, d=1, width=2.0), make_noise(noise), eta, cells)
    marginal = plane.pi.reshape(cells, cells).sum(axis=1)
    np.testing.assert_allclose(marginal, line.pi, atol=1e-9)
    np.testing.assert_allclose(plane.pi.reshape(cells, cells), np.outer(line.pi, line.pi), atol=1e-9)


def test_the_rows_are_stochastic_and_the_far_tail_is_cut():
    centres, p, escape = grid_matrix_2d(ls.camel(), "gaussian:sigma=2", 0.05, 32)
    np.testing.assert_allclose(np.asarray(p.sum(axis=1)).ravel(), 1.0, rtol=1e-12)
    assert p.nnz < centres.shape[0] ** 2 / 4  # sparse: a step reaches a few cells
    assert escape.max() <= 1.0 and escape.min() >= 0.0


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: grid_law_2d(ls.double_well(), "gaussian:sigma=1", 0.1), "landscape"),
        (lambda: grid_law_2d(ls.camel(), "rademacher:scale=1", 0.1), "noise"),
        (lambda: grid_law_2d(ls.camel(), "gaussian:sigma=1", 0.0), "eta"),
        (lambda: grid_law_2d(ls.camel(), "gaussian:sigma=1", 0.1, cells=4), "cells"),
        (lambda: grid_law_2d(ls.camel(), "gaussian:sigma=50", 0.1, cells=1024), "cells"),
        (lambda: grid_law_2d(ls.camel(), "gaussian:sigma=1", 0.1, box=[[1.0, -1.0], [0.0, 1.0]]), "box"),
        (lambda: grid_law_2d(ls.camel(), "gaussian:sigma=1", 0.1, box=[[0.0, 1.0]]), "box"),
        (lambda: grid_law_2d(ls.camel(), "gaussian:sigma=1", 0.1, tail=0.5), "tail"),
        (lambda: grid_law_2d(ls.camel(), "laplace:b=1", 0.1, cells=32, compensate=True), "compensate"),
        (lambda: grid_law_2d(ls.camel(), "gaussian:sigma=0.1", 0.1, cells=16, compensate=True), "cells"),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(call, field):
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.field == field
