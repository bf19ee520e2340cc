"""Landscapes: formulas against their numpy twins and finite differences, critical points against known values,
basins, and the checks at the door."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from naive import numerical_gradient

from benchsuite.errors import ValidationError
from benchsuite.problems import landscapes as ls
from benchsuite.problems.critical import _ordered, basin_labels

ALL = ["quadratic:d=3,coupling=0.3", "double-well:tilt=0.3", "steep-gentle", "camel", "himmelblau", "mueller-brown"]


def _points(landscape, count=20, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(landscape.box[:, 0] / 2, landscape.box[:, 1] / 2, size=(count, landscape.n))


@pytest.mark.parametrize("spec", ALL)
def test_value_gradient_and_hessian_agree_with_their_twins(spec):
    landscape = ls.make_landscape(spec)
    points = _points(landscape)
    twin = ls.numpy_value(landscape.code, landscape.coefficients, points)
    jitted = np.array([landscape.value(x) for x in points])
    np.testing.assert_allclose(jitted, twin, rtol=1e-12, atol=1e-12)
    for x in points:
        scale = 1.0 + np.abs(landscape.gradient(x)).max()
        np.testing.assert_allclose(landscape.gradient(x), numerical_gradient(landscape, x), atol=1e-6 * scale)
        h = 1e-6
        columns = [(landscape.gradient(x + e) - landscape.gradient(x - e)) / (2 * h) for e in h * np.eye(x.size)]
        hess = landscape.hessian(x)
        np.testing.assert_allclose(hess, np.array(columns).T, atol=1e-5 * (1.0 + np.abs(hess).max()))
        np.testing.assert_array_equal(hess, hess.T)


def test_one_dimensional_fast_gradient_is_the_gradient():
    for spec in ["double-well:tilt=-0.4", "steep-gentle", "quadratic:a=2"]:
        landscape = ls.make_landscape(spec)
        for x in _points(landscape):
            assert ls.gradient_1d(landscape.code, landscape.coefficients, x[0]) == landscape.gradient(x)[0]


def test_camel_critical_points_match_the_literature():
    # minima (0, 0) f = 0 and +-(1.7476, -0.8738) f = 0.2986; saddles +-(1.0705, -0.5353) f = 0.8774
    # (three-hump camel, as used by Azizian et al., arXiv:2503.16398)
    points = ls.camel().critical_points
    kinds = [p.kind for p in points]
    assert kinds == ["minimum"] * 3 + ["saddle"] * 2
    assert points[0].value == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(sorted(abs(p.x[0]) for p in points[1:3]), [1.7476, 1.7476], atol=1e-4)
    np.testing.assert_allclose([p.value for p in points[1:3]], [0.2986, 0.2986], atol=1e-4)
    np.testing.assert_allclose([p.value for p in points[3:]], [0.8774, 0.8774], atol=1e-4)


def test_himmelblau_and_mueller_brown_minima():
    minima = ls.himmelblau().minima
    assert len(minima) == 4 and max(abs(p.value) for p in minima) < 1e-12
    assert any(np.allclose(p.x, [3.0, 2.0], atol=1e-9) for p in minima)
    deepest = ls.mueller_brown(scale=1.0).minima[0]  # -146.70 at (-0.558, 1.442) (Mueller & Brown 1979)
    assert deepest.value == pytest.approx(-146.70, abs=0.01)
    np.testing.assert_allclose(deepest.x, [-0.558, 1.442], atol=1e-3)


def test_equal_valued_minima_are_ordered_by_position_whatever_the_rounding():
    # Himmelblau's four minima all have f = 0 up to rounding; perturbing their values by 1e-15 either way
    # (what another machine's arithmetic may do) must not reorder them
    minima = ls.himmelblau().minima
    assert [tuple(p.x) for p in minima] == sorted(tuple(p.x) for p in minima)
    for signs in ([1, -1, 1, -1], [-1, 1, -1, 1]):
        moved = [dataclasses.replace(p, value=p.value + s * 1e-15) for p, s in zip(minima, signs)]
        assert [tuple(p.x) for p in _ordered(moved[::-1])] == [tuple(p.x) for p in minima]


def test_double_well_minima_order_and_the_tilt():
    points = ls.double_well(0.3).critical_points
    assert [p.kind for p in points] == ["minimum", "minimum", "maximum"]
    left, right = sorted(points[:2], key=lambda p: p.x[0])
    assert left.value < right.value  # a positive tilt lowers the left well
    assert len(ls.quadratic().critical_points) == 1


def test_basins_split_at_the_barrier_top():
    landscape = ls.double_well(0.3)
    cells = 1000
    labels = basin_labels(landscape, cells)
    top = landscape.critical_points[2].x[0]
    edges = np.flatnonzero(np.diff(labels))
    assert edges.size == 1
    width = 5.0 / cells
    assert abs(-2.5 + (edges[0] + 1) * width - top) <= width
    labels2 = basin_labels(ls.camel(), 64)
    assert set(np.unique(labels2)) == {0, 1, 2}
    assert labels2[32, 32] == 0  # the centre cell belongs to the minimum at the origin


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: ls.double_well(1.5), "tilt"),
        (lambda: ls.quadratic(a=1.0, d=3, coupling=-0.6), "coupling"),
        (lambda: ls.quadratic(a=-1.0), "a"),
        (lambda: ls.steep_gentle(steep_width=0.0), "steep_width"),
        (lambda: ls.make_landscape("nowhere"), "landscape"),
        (lambda: ls.make_landscape("double-well:tilt=0.3,depth=2"), "landscape"),
        (lambda: ls.Landscape.build("camel", [], [[-1.0, 1.0]]), "n"),
        (lambda: ls.Landscape.build("double-well", [np.nan], [[-1.0, 1.0]]), "coefficients"),
        (lambda: ls.Landscape.build("double-well", [0.1], [[1.0, -1.0]]), "box"),
        (lambda: ls.double_well().value([np.inf]), "x"),
        (lambda: ls.double_well().gradient([0.0, 1.0]), "x"),
        (lambda: ls.double_well().value(np.array(["a"])), "x"),
    ],
)
def test_bad_landscapes_and_points_are_refused_naming_the_field(call, field):
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field


def test_a_landscape_is_a_problem_with_a_real_domain():
    landscape = ls.double_well(0.3)
    assert landscape.domain.dtype == np.float64 and not landscape.domain.discrete
    assert landscape.check_configuration(np.array([1])).dtype == np.float64  # integers are points too
    assert landscape.energy([0.5]) == pytest.approx(landscape.value([0.5]))
    assert landscape.instance_id != ls.double_well(0.2).instance_id
    assert landscape.instance_id == ls.double_well(0.3).instance_id
    with pytest.raises(ValidationError, match="real line"):
        landscape.domain.values  # noqa: B018 - a discrete rule asks for the values and is refused
