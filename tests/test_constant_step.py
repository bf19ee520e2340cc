"""Constant-step SGD: the kernel against its plain-Python twin on the same random numbers, reproducibility,
and the exact stationary covariance on quadratics."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from naive import constant_step_sgd
from scipy.linalg import solve_discrete_lyapunov

from benchsuite.dynamics.constant_step import ConstantStepSGD
from benchsuite.dynamics.noise import make_noise
from benchsuite.errors import ValidationError
from benchsuite.kernels import PyXoshiro
from benchsuite.problems import landscapes as ls
from benchsuite.score.occupation import BasinObserver

NOISES = ["gaussian:sigma=2", "gaussian:sigma=1.5,slope=-0.4", "rademacher:scale=1.5", "uniform:a=2", "laplace:b=1"]


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize("spec", ["double-well:tilt=0.3", "camel"])
def test_kernel_matches_its_twin_on_the_same_numbers(spec, noise):
    check_twin(spec, noise)


@pytest.mark.parametrize("noise", ["minibatch:b=2", "minibatch:b=3,replace=true", "minibatch:b=1"])
@pytest.mark.parametrize("spec", ["double-well:tilt=0.3,examples=8,spread=2,curvature=4,anchor=1",
                                  "camel:examples=5,spread=1,curvature=0.5,anchor=-0.5"])  # fmt: skip
def test_minibatch_kernel_matches_its_twin_on_the_same_numbers(spec, noise):
    check_twin(spec, noise)


def check_twin(spec: str, noise: str) -> None:
    landscape = ls.make_landscape(spec)
    sgd = ConstantStepSGD(0.05, noise)
    state = sgd.init(landscape, seed=3, chains=3)
    starts, streams = state.x.copy(), state.rng.copy()
    observer = BasinObserver(landscape, 3, cells=64)
    sgd.step(state, 150, observer)
    box, cells = landscape.box, observer.cells

    def cell_of(x):
        j = np.clip(((x - box[:, 0]) * cells / (box[:, 1] - box[:, 0])).astype(int), 0, cells - 1)
        flat = int(np.ravel_multi_index(tuple(j), (cells,) * landscape.n))
        return observer.labels[flat], observer.core[flat]

    for r in range(3):
        rng = PyXoshiro(streams[r, :4])
        x, occupancy, transitions = constant_step_sgd(landscape, sgd.noise, 0.05, starts[r], 150, rng, cell_of)
        np.testing.assert_allclose(state.x[r], x, rtol=1e-7, atol=1e-7)
        np.testing.assert_array_equal(state.rng[r, :4], rng.state())  # the same number of draws
        assert dict(enumerate(observer.occupancy[r])) == {k: occupancy.get(k, 0) for k in range(len(landscape.minima))}
        expected = {(i, j): n for (i, j), n in np.ndenumerate(observer.transitions[r]) if n}
        assert expected == transitions


@pytest.mark.parametrize("spec, noise", [("double-well:tilt=0.3", "gaussian:sigma=2"),
                                         ("double-well:tilt=0.3,examples=8,spread=2,curvature=4,anchor=1",
                                          "minibatch:b=3")])  # fmt: skip
def test_same_seed_same_numbers_whatever_the_threads_and_chunks(spec, noise):
    landscape = ls.make_landscape(spec)
    sgd = ConstantStepSGD(0.1, noise)
    runs = []
    for threads, chunks in [(1, [400]), (numba.config.NUMBA_NUM_THREADS, [100, 300]), (1, [1, 399])]:
        numba.set_num_threads(threads)
        state = sgd.init(landscape, seed=11, chains=64)
        for c in chunks:
            sgd.step(state, c)
        runs.append(state.x.copy())
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    for x in runs[1:]:
        np.testing.assert_array_equal(x, runs[0])
    other = sgd.init(landscape, seed=12, chains=64)
    sgd.step(other, 400)
    assert not np.array_equal(other.x, runs[0])
    assert len(np.unique(runs[0])) == 64  # the chains are not copies of one another


# Stationary covariance of SGD on f = x'Ax/2 with noise covariance C: Sigma = (I - eta A) Sigma (I - eta A)' +
# eta^2 C, in 1-D eta Var Z / (a (2 - eta a)); it depends on the noise law only through its variance.
CHAINS, SAMPLES, SPACING = 4096, 16, 40  # samples SPACING steps apart: correlation (1 - eta a)^40 < 1e-12
Z_TOL = 4.5  # two-sided normal false-alarm rate 7e-6 per comparison


@pytest.mark.parametrize("noise", NOISES[:1] + NOISES[2:])
def test_stationary_variance_on_a_quadratic_is_the_exact_discrete_value(noise):
    a, eta = 1.0, 0.5  # eta a = 0.5: the continuous-time value eta Var / (2a) is 25% low
    law = make_noise(noise)
    sgd = ConstantStepSGD(eta, law)
    state = sgd.init(ls.quadratic(a=a), seed=5, chains=CHAINS, x0=[0.0])
    sgd.step(state, 100)
    samples = []
    for _ in range(SAMPLES):
        sgd.step(state, SPACING)
        samples.append(state.x[:, 0].copy())
    samples = np.concatenate(samples)
    exact = eta * float(law.variance()) / (a * (2 - eta * a))
    kurtosis = np.mean(samples**4) / np.mean(samples**2) ** 2  # the variance estimate's error: sqrt((k - 1) / N)
    error = exact * math.sqrt((kurtosis - 1) / samples.size)
    assert abs(samples.var() - exact) <= Z_TOL * error, (samples.var(), exact, error)
    continuous = eta * float(law.variance()) / (2 * a)
    assert abs(samples.var() - continuous) > 10 * error  # the test can tell the first-order value apart


def test_stationary_covariance_in_three_dimensions_solves_the_lyapunov_equation():
    a, coupling, eta, sigma = 1.0, 0.4, 0.3, 1.0
    landscape = ls.quadratic(a=a, d=3, coupling=coupling)
    A = a * np.eye(3) + coupling * (np.ones((3, 3)) - np.eye(3))
    exact = solve_discrete_lyapunov(np.eye(3) - eta * A, eta**2 * sigma**2 * np.eye(3))
    sgd = ConstantStepSGD(eta, f"gaussian:sigma={sigma}")
    state = sgd.init(landscape, seed=8, chains=CHAINS, x0=np.zeros(3))
    sgd.step(state, 200)
    samples = []
    for _ in range(SAMPLES):
        sgd.step(state, 3 * SPACING)  # slowest contraction 1 - eta (a - coupling) = 0.82 per step
        samples.append(state.x.copy())
    x = np.concatenate(samples)
    covariance = x.T @ x / len(x)
    # Gaussian stationary law: Var of x_i x_j is S_ii S_jj + S_ij^2
    error = np.sqrt((np.outer(np.diag(exact), np.diag(exact)) + exact**2) / len(x))
    assert np.all(np.abs(covariance - exact) <= Z_TOL * error), (covariance, exact)
    assert abs(exact[0, 1]) > 10 * error[0, 1]  # the coupling shows: the off-diagonal terms are tested


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: ConstantStepSGD(0.0), "eta"),
        (lambda: ConstantStepSGD(0.1, "gaussian:sigma=-1"), "sigma"),
        (lambda: ConstantStepSGD(0.1, "cauchy:scale=1"), "noise"),
        (lambda: ConstantStepSGD(0.1).init(ls.double_well(), seed=0, chains=0), "chains"),
        (lambda: ConstantStepSGD(0.1).init(ls.double_well(), seed=-1), "seed"),
        (lambda: ConstantStepSGD(0.1).init(ls.double_well(), seed=0, chains=2, x0=np.zeros((3, 1))), "x0"),
        (lambda: ConstantStepSGD(0.1).init(ls.double_well(), seed=0, x0=[np.nan]), "x0"),
        (lambda: ConstantStepSGD(0.1).step(None, 10), "state"),
        (lambda: ConstantStepSGD(0.1).step(ConstantStepSGD(0.1).init(ls.double_well(), 0), -1), "steps"),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(call, field):
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field


def test_a_discrete_problem_and_a_foreign_observer_are_refused():
    from benchsuite.problems import make_problem

    with pytest.raises(ValidationError, match="Landscape"):
        ConstantStepSGD(0.1).init(make_problem("ising:model=sk,n=4"), seed=0)
    sgd = ConstantStepSGD(0.1)
    state = sgd.init(ls.double_well(), seed=0, chains=2)
    with pytest.raises(ValidationError) as info:
        sgd.step(state, 5, BasinObserver(ls.double_well(), 3))
    assert info.value.field == "observer"


def test_a_diverging_chain_is_reported_not_hidden():
    sgd = ConstantStepSGD(2.5, "gaussian:sigma=1")  # eta a = 2.5 > 2: unstable on the quadratic
    state = sgd.init(ls.quadratic(a=1.0), seed=0, chains=4, x0=[1.0])
    _, info = sgd.step(state, 2000)
    assert info.diverged == 4
