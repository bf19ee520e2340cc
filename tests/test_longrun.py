"""Long-run occupations: the quasi-potential, the exact grid chain, the slope fit, the measurement and the
``longrun`` command."""

from __future__ import annotations

import contextlib
import io
import json
import math

import numpy as np
import pytest

from benchsuite import cli
from benchsuite.dynamics.noise import make_noise
from benchsuite.errors import ValidationError
from benchsuite.problems import landscapes as ls
from benchsuite.score.longrun import fit_slope, longrun, measure_occupation, quasi_potential_slope, root_p
from benchsuite.validate.grid_chain import grid_law

Z_TOL = 4.5  # two-sided normal false-alarm rate 7e-6 per comparison


def _strict(text: str):
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))


@pytest.mark.parametrize("noise", ["rademacher:scale=2", "uniform:a=3", "laplace:b=1.2", "gaussian:sigma=1.3"])
def test_the_root_solves_its_equation(noise):
    law = make_noise(noise)
    for slope in [-1.5, -0.3, 1e-6, 0.7, 1.9]:
        p = root_p(law, slope, 0.0)
        assert np.sign(p) == np.sign(slope)
        assert float(law.cgf(p)) == pytest.approx(p * slope, rel=1e-9)
    if law.bounded:
        assert root_p(law, law.coefficients[0], 0.0) == math.inf
    assert root_p(law, 0.0, 0.0) == 0.0


def test_gaussian_prediction_is_twice_the_gap_over_the_variance():
    landscape = ls.double_well(0.3)
    left, right = (p for p in landscape.minima)
    predicted = quasi_potential_slope(landscape, make_noise("gaussian:sigma=2"), left.x[0], right.x[0])
    assert predicted == pytest.approx(2 * (right.value - left.value) / 4, rel=1e-9)


def test_the_grid_chain_has_the_exact_stationary_variance_of_sgd_on_a_quadratic():
    eta, a = 0.5, 1.0
    for noise in ["gaussian:sigma=1", "laplace:b=0.5", "uniform:a=1.5", "rademacher:scale=1"]:
        law = make_noise(noise)
        g = grid_law(ls.quadratic(a=a, width=6.0), law, eta, cells=1024)
        variance = g.pi @ g.centres**2 - (g.pi @ g.centres) ** 2
        exact = eta * float(law.variance()) / (a * (2 - eta * a))
        # discretisation: the cell width h = 0.012 adds about h^2 / 12 (and the atoms' split up to h^2 / 4)
        assert variance == pytest.approx(exact, abs=1e-4), noise
        assert g.escape < 1e-9  # the box holds the law (the Laplace tail leaves 5e-11 per step)


def test_the_grid_chain_converges_as_its_cells_shrink():
    landscape, law = ls.double_well(0.3), make_noise("gaussian:sigma=2")
    fine = grid_law(landscape, law, 0.1, cells=2048).basin_masses()
    coarse = grid_law(landscape, law, 0.1, cells=1024).basin_masses()
    assert math.log(fine[0] / fine[1]) == pytest.approx(math.log(coarse[0] / coarse[1]), abs=1e-3)


CASES = {  # landscape, noise, step sizes where every component is stable and the grid resolves the noise
    "gaussian": ("double-well:tilt=0.3", "gaussian:sigma=2", [0.05, 0.1, 0.2]),
    "laplace": ("double-well:tilt=0.3", "laplace:b=1.41421356", [0.05, 0.1, 0.2]),
    "uniform": ("double-well:tilt=0.3", "uniform:a=3.46410162", [0.05, 0.1, 0.2]),
    "rademacher": ("double-well:tilt=0.3", "rademacher:scale=2", [0.05, 0.1, 0.2]),
    "state-dependent": ("double-well:tilt=0.3", "gaussian:sigma=2,slope=-0.5", [0.01, 0.02, 0.05]),
    "steep-gentle": ("steep-gentle", "gaussian:sigma=1", [0.02, 0.03, 0.05]),
}


@pytest.mark.parametrize("case", [pytest.param(k, marks=[] if k == "gaussian" else pytest.mark.slow) for k in CASES])
def test_exact_grid_slope_is_within_two_percent_of_the_quasi_potential(case):
    spec, noise, etas = CASES[case]
    landscape, law = ls.make_landscape(spec), make_noise(noise)
    left, right = (p.x[0] for p in landscape.minima)
    predicted = quasi_potential_slope(landscape, law, left, right)
    exact = fit_slope(etas, [np.log(np.divide(*grid_law(landscape, law, e).basin_masses())) for e in etas])
    assert exact.slope == pytest.approx(predicted, rel=0.02)
    # the source result: with a noise of the same variance, f alone predicts 2 (f_R - f_L) / Var
    from_f = 2 * (landscape.minima[1].value - landscape.minima[0].value) / float(law.variance(0.0))
    if case not in ("gaussian", "steep-gentle"):
        assert abs(from_f - predicted) > 0.1 * abs(predicted)


def test_slope_fit_recovers_known_coefficients_and_states_its_model():
    etas = np.array([0.05, 0.1, 0.15, 0.2])
    exact = fit_slope(etas, 0.3 / etas + 0.4 - 1.5 * etas)
    assert exact.slope == pytest.approx(0.3, rel=1e-10) and exact.low is None
    assert exact.terms == "a/eta + c + d eta"
    prefactor = fit_slope(etas, 0.3 / etas + 0.2 * np.log(etas) + 0.4, model="prefactor")
    assert prefactor.slope == pytest.approx(0.3, rel=1e-10) and prefactor.terms == "a/eta + b log eta + c"
    two = fit_slope(etas[:2], 0.3 / etas[:2] + 1.0, [0.1, 0.1])
    assert two.terms == "a/eta + c" and two.low < 0.3 < two.high
    wider = fit_slope(etas[:2], 0.3 / etas[:2] + 1.0, [0.2, 0.2])
    assert wider.high - wider.low == pytest.approx(2 * (two.high - two.low))
    for bad in [([0.1], [1.0]), ([0.1, 0.1], [1.0, 2.0]), ([0.1, 0.2], [1.0])]:
        with pytest.raises(ValidationError):
            fit_slope(*bad)


def test_measured_log_ratios_agree_with_the_exact_grid_chain():
    landscape, law = ls.double_well(0.3), make_noise("gaussian:sigma=2")
    for k, eta in enumerate([0.15, 0.2]):
        row = measure_occupation(landscape, law, eta, chains=128, seed=20 + k)
        exact = math.log(np.divide(*grid_law(landscape, law, eta).basin_masses()))
        assert min(row.transitions[0, 1], row.transitions[1, 0]) >= 100
        assert abs(row.log_ratio(0, 1) - exact) <= Z_TOL * row.log_ratio_error(0, 1), (eta, row.log_ratio(0, 1), exact)
        assert row.burn_in > 0 and row.fractions.sum() == pytest.approx(1.0)


def test_an_unmixed_run_is_refused_not_reported():
    # the barrier is steeper than a Rademacher noise of scale 0.5 can climb: no chain ever crosses
    with pytest.raises(ValidationError, match="did not mix"):
        measure_occupation(ls.double_well(0.3), make_noise("rademacher:scale=0.5"), 0.1, chains=8, max_steps=40_000)
    with pytest.raises(ValidationError) as info:
        longrun("camel", "gaussian:sigma=1", [0.1, 0.2])
    assert info.value.field == "landscape"
    with pytest.raises(ValidationError) as info:
        longrun("double-well", "gaussian:sigma=1", [0.1, 0.1])
    assert info.value.field == "eta"


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def test_longrun_command_prints_strict_json_with_the_three_slopes():
    code, out, _ = _cli(["longrun", "--eta", "0.15,0.2", "--seed", "1", "--chains", "64", "--cells", "512", "--json"])
    assert code == 0
    doc = _strict(out)
    assert [b["name"] for b in doc["basins"]] == ["left", "right"]
    assert [r["eta"] for r in doc["rows"]] == [0.15, 0.2]
    assert doc["slope_low"] < doc["slope"] < doc["slope_high"]
    assert doc["predicted_slope"] == pytest.approx(0.3, rel=1e-5)  # 2 (f_R - f_L) / sigma^2, f_R - f_L = 0.599998
    assert set(doc["rows"][0]["occupation"]) == {"left", "right"}
    code, text, _ = _cli(["longrun", "--eta", "0.15,0.2", "--seed", "1", "--chains", "64", "--cells", "512"])
    assert code == 0 and "predicted (quasi-potential) 0.3000" in text


@pytest.mark.parametrize(
    "argv, field",
    [
        (["--eta", "0.1,x"], "eta"),
        (["--eta", "0.1,-0.2"], "eta"),
        (["--noise", "cauchy"], "noise"),
        (["--landscape", "camel"], "landscape"),
        (["--fit", "cubic"], "model"),
        (["--chains", "0"], "chains"),
        (["--cells", "4096"], "cells"),
    ],
)
def test_longrun_command_refuses_bad_input_in_one_line(argv, field):
    code, out, err = _cli(["longrun", *argv])
    assert code == 2 and out == ""
    assert err.strip().splitlines()[-1].startswith(f"benchsuite: error: {field}")


def test_a_noise_law_round_trips_through_its_spec():
    for spec in ["gaussian:sigma=1.41421356,slope=-0.5", "rademacher:scale=2", "uniform:a=0.3", "laplace:b=1e-3"]:
        law = make_noise(spec)
        assert make_noise(law.spec) == law


def test_left_and_right_are_positions_not_depths():
    # a negative tilt makes the right minimum the deeper one, listed first among the minima
    landscape = ls.double_well(-0.3)
    assert landscape.minima[0].x[0] > 0
    doc = longrun(landscape, "gaussian:sigma=2", [0.15, 0.2], chains=32, seed=1, cells=256).to_dict()
    assert doc["basins"][0]["name"] == "left" and doc["basins"][0]["x"][0] < 0 < doc["basins"][1]["x"][0]
    assert doc["predicted_slope"] == pytest.approx(-0.3, rel=1e-5)  # the mirror image of tilt 0.3
    assert doc["exact_slope"] < 0 and all(row["log_ratio"] < 0 for row in doc["rows"])
    assert all(row["occupation"]["left"] < 0.5 for row in doc["rows"])
