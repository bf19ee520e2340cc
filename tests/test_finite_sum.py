"""A user's finite sum from jitted callables: the same landscape as the built-in sum it writes, its kernels
against their plain-Python twins on the same random numbers, and the checks at the door."""

from __future__ import annotations

import numpy as np
import pytest
from naive import constant_step_sgd, metropolis_adjusted
from numba import njit
from user_sums import (
    camel_pair,
    double_well_pair,
    least_squares_pair,
    squared_error,
    squared_error_gradient,
    well_example,
    well_example_gradient,
)

from benchsuite.dynamics.constant_step import ConstantStepSGD
from benchsuite.dynamics.metropolis_adjusted import MALA, RandomWalkMetropolis
from benchsuite.errors import ValidationError
from benchsuite.kernels import PyXoshiro
from benchsuite.problems.finite_sum import finite_sum
from benchsuite.validate.grid_chain import grid_law

PAIRS = {"double-well": double_well_pair, "camel": camel_pair, "least-squares": least_squares_pair}


@pytest.mark.parametrize("pair", PAIRS)
def test_the_callables_are_the_builtin_sum_they_write(pair):
    builtin, user = PAIRS[pair]()
    rng = np.random.default_rng(0)
    points = rng.uniform(builtin.box[:, 0], builtin.box[:, 1], size=(5, builtin.n))
    np.testing.assert_allclose(user.values(points), builtin.values(points), rtol=1e-12, atol=1e-12)
    for x in points:
        np.testing.assert_allclose(user.gradient(x), builtin.gradient(x), rtol=1e-11, atol=1e-11)
        np.testing.assert_allclose(user.deviations(x), builtin.deviations(x), rtol=1e-10, atol=1e-10)
        scale = np.abs(builtin.hessian(x)).max() + 1.0
        np.testing.assert_allclose(user.hessian(x), builtin.hessian(x), atol=1e-6 * scale)  # central differences
    if pair != "least-squares":  # teacher_student's f_k differ from the squared errors by constants
        np.testing.assert_allclose(user.term_energies(points), builtin.term_energies(points), rtol=1e-11, atol=1e-12)
    assert user.examples == builtin.examples and user.n == builtin.n


@pytest.mark.parametrize("pair", ["double-well", "camel"])
def test_critical_points_and_basins_are_the_builtins(pair):
    """Matched by position: minima of equal value (the camel's side minima) may come in either order."""
    builtin, user = PAIRS[pair]()
    assert len(user.critical_points) == len(builtin.critical_points)
    match = []
    for a in user.critical_points:
        j = int(np.argmin([np.abs(a.x - b.x).max() for b in builtin.critical_points]))
        b = builtin.critical_points[j]
        np.testing.assert_allclose(a.x, b.x, atol=1e-8)
        assert (a.kind, a.value) == (b.kind, pytest.approx(b.value, abs=1e-10))
        match.append(j)
    assert sorted(match) == list(range(len(match)))
    from benchsuite.problems.critical import basin_labels

    minima = [j for j, a in zip(match, user.critical_points) if a.kind == "minimum"]
    np.testing.assert_array_equal(np.array(minima)[basin_labels(user, 64)], basin_labels(builtin, 64))


NOISES = ["minibatch:b=2", "minibatch:b=3,replace=true", "gaussian:sigma=2", "laplace:b=1"]


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize("pair", PAIRS)
def test_sgd_matches_its_twin_and_the_builtin_on_the_same_numbers(pair, noise):
    builtin, user = PAIRS[pair]()
    eta = 0.01 if pair == "least-squares" else 0.05
    runs = {}
    for name, landscape in (("builtin", builtin), ("user", user)):
        sgd = ConstantStepSGD(eta, noise)
        state = sgd.init(landscape, seed=3, chains=3)
        starts, streams = state.x.copy(), state.rng.copy()
        sgd.step(state, 100)
        runs[name] = state.x
    for r in range(3):
        rng = PyXoshiro(streams[r, :4])
        x, _, _ = constant_step_sgd(user, sgd.noise, eta, starts[r], 100, rng)
        np.testing.assert_allclose(runs["user"][r], x, rtol=1e-7, atol=1e-7)
        np.testing.assert_array_equal(state.rng[r, :4], rng.state())  # the same number of draws
    np.testing.assert_allclose(runs["user"], runs["builtin"], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("rule", ["mala", "rwm"])
@pytest.mark.parametrize("pair", ["double-well", "camel"])
def test_metropolis_adjusted_kernels_match_their_twin_and_the_builtin(pair, rule):
    builtin, user = PAIRS[pair]()
    dyn = MALA(0.5, 0.05) if rule == "mala" else RandomWalkMetropolis(0.5, 0.5)
    runs = {}
    for name, landscape in (("builtin", builtin), ("user", user)):
        state = dyn.init(landscape, seed=2, chains=3)
        starts, streams = state.x.copy(), state.rng.copy()
        _, info = dyn.step(state, 80)
        runs[name] = (state.x, info.accepted)
    total = 0
    for r in range(3):
        rng = PyXoshiro(streams[r, :4])
        x, accepted = metropolis_adjusted(user, 0.5, dyn._step, dyn.scale, rule == "mala", starts[r], 80, rng)
        np.testing.assert_allclose(runs["user"][0][r], x, rtol=1e-9, atol=1e-12)
        total += accepted
    assert runs["user"][1] == total == runs["builtin"][1]
    np.testing.assert_allclose(runs["user"][0], runs["builtin"][0], rtol=1e-9, atol=1e-12)


def test_the_batch_noise_law_and_the_grid_chain_are_the_builtins():
    builtin, user = double_well_pair()
    xs = np.linspace(-2.0, 2.0, 9)
    law_b, law_u = ConstantStepSGD(0.1, "minibatch:b=2").noise, ConstantStepSGD(0.1, "minibatch:b=2").noise
    law_b, law_u = law_b.on(builtin), law_u.on(user)
    np.testing.assert_allclose(law_u.variance(xs), law_b.variance(xs), rtol=1e-10)
    np.testing.assert_allclose(law_u.cgf(0.7, xs), law_b.cgf(0.7, xs), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.array(law_u.support(xs)), np.array(law_b.support(xs)), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValidationError) as err:
        law_u.atoms()
    assert err.value.field == "noise"
    gaussian = ConstantStepSGD(0.1, "gaussian:sigma=2").noise
    np.testing.assert_allclose(grid_law(user, gaussian, 0.1, 512).pi,
                               grid_law(builtin, gaussian, 0.1, 512).pi, rtol=1e-9, atol=1e-14)  # fmt: skip


def test_the_instance_id_covers_name_data_and_box_and_nothing_else():
    _, user = double_well_pair()
    again = finite_sum(well_example, well_example_gradient, user.data.copy(), user.box.copy(), "tilted-well-examples")
    assert again.instance_id == user.instance_id
    renamed = finite_sum(well_example, well_example_gradient, user.data, user.box, "tilted-well-examples-v2")
    other_data = user.data.copy()
    other_data[0, 1] += 1e-9
    changed = finite_sum(well_example, well_example_gradient, other_data, user.box, "tilted-well-examples")
    wider = finite_sum(well_example, well_example_gradient, user.data, user.box * 1.01, "tilted-well-examples")
    assert len({user.instance_id, renamed.instance_id, changed.instance_id, wider.instance_id}) == 4
    with pytest.raises(ValueError):
        user.data[0, 0] = 1.0  # the kernels trust it


@njit
def _wrong_sign_gradient(row, x, out):
    well_example_gradient(row, x, out)
    out[0] = -out[0]


@njit
def _half_gradient(row, x, out):
    well_example_gradient(row, x, out)
    out[0] *= 0.5


@njit
def _nan_value(row, x):
    return np.nan


@njit
def _wrong_signature(row, x):
    return x


ROWS = double_well_pair()[1].data


def _sum(value=well_example, gradient=well_example_gradient, data=ROWS, box=((-2.5, 2.5),), name="w", hessian=None):
    return finite_sum(value, gradient, data, box, name, hessian)


BAD = {
    "a Python function": (lambda: _sum(value=well_example.py_func), "value"),
    "a wrong sign": (lambda: _sum(gradient=_wrong_sign_gradient), "gradient"),
    "a missing factor": (lambda: _sum(gradient=_half_gradient), "gradient"),
    "a NaN value": (lambda: _sum(value=_nan_value), "value"),
    "a wrong signature": (lambda: _sum(value=_wrong_signature), "value"),
    "NaN data": (lambda: _sum(data=np.full((3, 4), np.nan)), "data"),
    "1-D data": (lambda: _sum(data=np.ones(4)), "data"),
    "no examples": (lambda: _sum(data=np.ones((0, 4))), "data"),
    "an empty box": (lambda: _sum(box=[[1.0, 1.0]]), "box"),
    "a box of 3 columns": (lambda: _sum(box=[[0, 1, 2]]), "box"),
    "a bad name": (lambda: _sum(name="a b"), "name"),
    "a non-callable Hessian": (lambda: _sum(hessian=3), "hessian"),
    "mini-batches of one term": (lambda: ConstantStepSGD(0.1, "minibatch:b=1").init(_sum(data=ROWS[:1]), 0), "noise"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_finite_sums_are_refused_naming_the_field(case):
    call, field = BAD[case]
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field, str(err.value)


def test_the_gradient_check_passes_a_steep_correct_sum():
    """Least squares with inputs of size 100: curvature 1e4, where a sloppy difference would fail."""
    rng = np.random.default_rng(5)
    x = 100.0 * rng.standard_normal((20, 3))
    rows = np.column_stack([x, x @ np.ones(3)])
    f = finite_sum(squared_error, squared_error_gradient, rows, [[-3.0, 3.0]] * 3, "steep-least-squares")
    assert f.value(np.ones(3)) == pytest.approx(0.0, abs=1e-18)


def test_the_module_example_runs_and_is_least_squares():
    """The example of the module's docstring, as written, with data from ``teacher_student``'s generator."""
    import textwrap

    import benchsuite.problems.finite_sum as module

    lines = module.__doc__.split("::\n", 1)[1].splitlines()
    end = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("    "))
    code = textwrap.dedent("\n".join(lines[:end]))
    builtin, user = least_squares_pair()
    namespace = {"data": user.data, "d": builtin.n}
    exec(compile(code, "finite_sum example", "exec"), namespace)  # noqa: S102 -- the docstring's example, run as written
    f = namespace["f"]
    w = np.linspace(-1.0, 1.0, builtin.n)
    assert f.value(w) == pytest.approx(builtin.value(w), rel=1e-12)
    np.testing.assert_allclose(f.gradient(w), builtin.gradient(w), rtol=1e-10, atol=1e-12)
