"""Least squares as a finite sum (teacher-student) and the exact stationary covariance of mini-batch SGD on it."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from naive import constant_step_sgd, numerical_gradient

from benchsuite.dynamics.constant_step import ConstantStepSGD
from benchsuite.dynamics.noise import make_noise
from benchsuite.errors import ValidationError
from benchsuite.kernels import PyXoshiro
from benchsuite.problems import landscapes as ls
from benchsuite.validate.linear_sgd import stationary_moments

Z = 4.0  # two-sided normal false-alarm rate 6e-5 per comparison


def teacher_data(d: int, n: int, label_noise: float, data_seed: int):
    """The generator's draws, redone: inputs, labels."""
    rng = np.random.default_rng(data_seed)
    x = rng.standard_normal((n, d))
    teacher = rng.standard_normal(d) / math.sqrt(d)
    return x, x @ teacher + label_noise * rng.standard_normal(n)


def test_each_examples_gradient_is_its_squared_error_gradient_and_the_terms_sum_to_the_loss():
    d, n = 4, 12
    landscape = ls.teacher_student(d=d, n=n, label_noise=0.3, teacher_seed=5)
    x, y = teacher_data(d, n, 0.3, 5)
    rng = np.random.default_rng(0)
    gaps = []
    for w in rng.standard_normal((5, d)):
        per_example = x * (x @ w - y)[:, None]
        np.testing.assert_allclose(landscape.gradient(w) + landscape.deviations(w), per_example, atol=1e-12)
        np.testing.assert_allclose(landscape.value(w), 0.5 * np.mean((y - x @ w) ** 2), rtol=1e-12)
        np.testing.assert_allclose(landscape.gradient(w), numerical_gradient(landscape, w), atol=1e-6)
        np.testing.assert_allclose(landscape.hessian(w), x.T @ x / n, atol=1e-12)
        terms = landscape.term_energies(w)
        assert terms.sum() == pytest.approx(landscape.value(w), rel=1e-12)
        gaps.append(terms * n - 0.5 * (y - x @ w) ** 2)
    np.testing.assert_allclose(gaps, np.broadcast_to(gaps[0], (5, n)), atol=1e-10)  # constants per example


def test_the_minibatch_kernel_matches_its_twin_in_several_dimensions():
    landscape = ls.teacher_student(d=3, n=10, teacher_seed=1)
    for noise in ("minibatch:b=3", "minibatch:b=2,replace=true"):
        sgd = ConstantStepSGD(0.05, noise)
        state = sgd.init(landscape, seed=4, chains=3)
        starts, streams = state.x.copy(), state.rng.copy()
        sgd.step(state, 60)
        for r in range(3):
            rng = PyXoshiro(streams[r, :4])
            x, _, _ = constant_step_sgd(landscape, sgd.noise, 0.05, starts[r], 60, rng)
            np.testing.assert_allclose(state.x[r], x, rtol=1e-7, atol=1e-7)
            np.testing.assert_array_equal(state.rng[r, :4], rng.state())


@pytest.mark.parametrize("b, replace", [(3, False), (2, True)])
def test_one_step_of_the_mean_square_map_is_the_average_over_every_batch(b, replace):
    """The c_b covariance of batch means against enumeration: E_B[(A - eta W_B) S (A - eta W_B) + eta^2 v_B v_B']."""
    landscape = ls.teacher_student(d=2, n=6, teacher_seed=2)
    d, n, eta = 2, 6, 0.2
    c = landscape.coefficients
    h, m = c[:4].reshape(2, 2), c[4:6]
    rng = np.random.default_rng(1)
    s = rng.standard_normal((d, d))
    s = s @ s.T
    pick = itertools.product(range(n), repeat=b) if replace else itertools.combinations(range(n), b)
    total = np.zeros((d, d))
    batches = list(pick)
    for batch in batches:
        w = landscape.curvatures[list(batch)].mean(0)
        v = (landscape.shifts + landscape.curvatures @ (m - landscape.anchor))[list(batch)].mean(0)
        step = np.eye(d) - eta * h - eta * w
        total += step @ s @ step.T + eta**2 * np.outer(v, v)
    enumerated = total / len(batches)
    c_b = 1 / b if replace else (n - b) / (b * (n - 1))
    w, v = landscape.curvatures, landscape.shifts
    a = np.eye(d) - eta * h
    formula = a @ s @ a + eta**2 * c_b * (np.einsum("kij,jl,klm->im", w, s, w) + v.T @ v) / n
    np.testing.assert_allclose(enumerated, formula, rtol=1e-12, atol=1e-14)
    exact = stationary_moments(landscape, f"minibatch:b={b},replace={str(replace).lower()}", eta)
    step = exact.covariance  # the fixed point of the map
    again = a @ step @ a + eta**2 * c_b * (np.einsum("kij,jl,klm->im", w, step, w) + v.T @ v) / n
    np.testing.assert_allclose(again, step, rtol=1e-10, atol=1e-14)


CHAINS, SAMPLES, SPACING = 4096, 24, 60


def sampled_excess_risk(landscape, noise: str, eta: float, seed: int) -> tuple[float, float]:
    """Mean of f - f(w*) over CHAINS chains, SAMPLES snapshots SPACING steps apart after a burn-in, and its
    standard error from the chains' means (independent chains)."""
    sgd = ConstantStepSGD(eta, noise)
    c = landscape.coefficients
    d = landscape.n
    state = sgd.init(landscape, seed=seed, chains=CHAINS, x0=c[d * d : d * d + d])
    sgd.step(state, 400)
    per_chain = np.zeros(CHAINS)
    for _ in range(SAMPLES):
        sgd.step(state, SPACING)
        per_chain += state.energy - c[-1]
    per_chain /= SAMPLES
    return float(per_chain.mean()), float(per_chain.std(ddof=1) / math.sqrt(CHAINS))


@pytest.mark.parametrize("noise", ["minibatch:b=4", "minibatch:b=1,replace=true"])
def test_minibatch_sgd_on_least_squares_has_the_exact_excess_risk_and_not_the_additive_one(noise):
    landscape = ls.teacher_student(d=5, n=20, label_noise=0.5, teacher_seed=3)
    eta = 0.15
    exact = stationary_moments(landscape, noise, eta)
    mean, error = sampled_excess_risk(landscape, noise, eta, seed=7)
    assert abs(mean - exact.excess_risk) <= Z * error, (mean, exact.excess_risk, error)
    # power, planned from the same error: the additive approximation is far outside the band
    assert abs(exact.additive_excess_risk - exact.excess_risk) >= 2 * Z * error
    assert exact.spectral_radius < 1


def test_gaussian_noise_gives_the_lyapunov_covariance():
    landscape = ls.teacher_student(d=4, n=30, teacher_seed=4)
    eta, sigma = 0.2, 0.7
    exact = stationary_moments(landscape, f"gaussian:sigma={sigma}", eta)
    from scipy.linalg import solve_discrete_lyapunov

    h = landscape.hessian(np.zeros(4))
    np.testing.assert_allclose(exact.covariance, solve_discrete_lyapunov(np.eye(4) - eta * h, eta**2 * sigma**2 * np.eye(4)),
                               rtol=1e-10)  # fmt: skip
    np.testing.assert_allclose(exact.covariance, exact.additive_covariance)
    mean, error = sampled_excess_risk(landscape, f"gaussian:sigma={sigma}", eta, seed=2)
    assert abs(mean - exact.excess_risk) <= Z * error


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: stationary_moments(ls.double_well(), "gaussian:sigma=1", 0.1), "landscape"),
        (lambda: stationary_moments(ls.teacher_student(d=3, n=8), "minibatch:b=2", 50.0), "eta"),
        (lambda: stationary_moments(ls.teacher_student(d=3, n=8), "minibatch:b=2", -0.1), "eta"),
        (lambda: stationary_moments(ls.teacher_student(d=3, n=8), "gaussian:sigma=1,slope=0.2", 0.1), "noise"),
        (lambda: ls.teacher_student(d=3, n=3), "n"),
        (lambda: ls.teacher_student(d=65), "d"),
        (lambda: ls.teacher_student(d=64, n=65536), "n"),
        (lambda: ls.teacher_student(label_noise=-1), "label_noise"),
        (lambda: ls.quadratic_form([[1.0, 2.0], [0.0, 1.0]], [0.0, 0.0]), "coefficients"),
        (lambda: ls.quadratic_form([[1.0, 0.0]], [0.0]), "hessian"),
        (lambda: ls.double_well().with_examples([[1.0], [-1.0]], np.array([[[1.0]], [[0.0]]])), "curvatures"),
        (lambda: ls.camel().with_examples([[1.0, 0], [-1.0, 0]], np.array([[[0, 1.0], [0, 0]], [[0, -1.0], [0, 0]]])),
         "curvatures"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_naming_the_field(call, field):
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.field == field


def test_the_spec_builds_it():
    landscape = ls.make_landscape("teacher-student:d=3,n=16,label_noise=0.2,teacher_seed=9")
    assert landscape.examples == 16 and landscape.n == 3
    assert make_noise("minibatch:b=4").on(landscape).b == 4
