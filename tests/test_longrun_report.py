"""The long-run report as committed: its figures, strict JSON and the relations its summary states."""

from __future__ import annotations

import json
import math

import pytest

from benchsuite.report.longrun_report import make_longrun_report


@pytest.mark.slow  # every measurement and exact solve of the report (about 70 s)
def test_the_report_writes_its_files_and_its_numbers_say_what_the_summary_says(tmp_path):
    summary = make_longrun_report(tmp_path, seed=2)
    for name in (
        "slopes.png",
        "density.png",
        "noise_picks_the_minimum.png",
        "same_variance.png",
        "camel.png",
        "results.json",
    ):
        assert (tmp_path / name).stat().st_size > 1000
    results = json.loads((tmp_path / "results.json").read_text(), parse_constant=lambda c: pytest.fail(c))
    gaussian = results["slopes"]["gaussian"]
    assert gaussian["slope_low"] <= gaussian["exact_slope"] <= gaussian["slope_high"]
    assert abs(gaussian["exact_slope"] - gaussian["predicted_slope"]) <= 0.02 * gaussian["predicted_slope"]
    for doc in results["picks"].values():  # the global minimum is the left one; the noise prefers the right
        assert doc["f_left"] < doc["f_right"] and doc["exact_slope"] < 0 and doc["predicted_slope"] < 0
    same = results["same_variance"]
    assert same["gaussian"]["exact_slope"] > 0 and same["laplace"]["exact_slope"] > 0
    assert same["uniform"]["exact_slope"] < 0 and same["uniform"]["coarse_exact_slope"] < 0
    d = results["density"]
    assert math.isclose(sum(h * (b - a) for h, a, b in zip(d["histogram"], d["edges"], d["edges"][1:])), 1.0)
    for row in results["camel"]:  # three basins, each left at least 100 times
        assert math.isclose(sum(row["occupation"]), 1.0) and all(sum(t) >= 100 for t in row["transitions"])
        assert all(e > 0 for e in row["exit_rate_per_step"]) and all(k > 0 for k in row["eyring_kramers_per_step"])
        for measured, error, exact in zip(row["occupation"], row["occupation_error"], row["exact_occupation"]):
            assert abs(measured - exact) <= 4.0 * error, row  # two-sided false alarm 6e-5 per basin
    for doc in results["slopes"].values():  # claims (a)-(d) on the double well, Gaussian and Laplace noise
        assert all(row["holds"] for row in doc["claims"]["claims"]), doc["claims"]
    for row in results["effective_temperature"]:
        if row["exact"] is not None:
            error = (row["high"] - row["low"]) / (2 * 1.959963984540054)
            assert abs(row["t_eff"] - row["exact"]) <= 4.0 * error, row
    text = summary.read_text()
    assert "| minibatch-finite-sum |" in text and "| uniform:a=" in text
