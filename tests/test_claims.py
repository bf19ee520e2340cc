"""Claims (a)-(d) of the long-run theory: arborescence energies, windows, and the table on the double well."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from benchsuite.dynamics.noise import make_noise
from benchsuite.errors import ValidationError
from benchsuite.problems import landscapes as ls
from benchsuite.score import claims as cl
from benchsuite.score.longrun import fit_slope, longrun, quasi_potential_slope
from benchsuite.score.occupation import BasinObserver
from benchsuite.validate.grid_chain import grid_law
from benchsuite.validate.steady_state import gth

Z = 3.290526731491926  # two-sided normal quantile at 1e-3 per comparison


def tree_theorem_energies(costs: np.ndarray, eps: float) -> tuple[np.ndarray, float]:
    """-eps log(pi_i / max pi) of the chain P_jk = exp(-B_jk / eps) / k (Markov chain tree theorem: pi_i is
    proportional to the sum over arborescences into i of their weights), and the bound eps log(trees) on its
    distance from the least-cost energies."""
    k = costs.shape[0]
    p = np.where(np.isfinite(costs), np.exp(-costs / eps), 0.0) / k
    np.fill_diagonal(p, 0.0)
    np.fill_diagonal(p, 1.0 - p.sum(axis=1))
    pi = gth(p.copy())
    return -eps * np.log(pi / pi.max()), eps * math.log((k - 1) ** (k - 1))


@pytest.mark.parametrize("seed", range(6))
def test_arborescence_energies_are_the_small_noise_limit_of_the_markov_chain_tree_theorem(seed):
    rng = np.random.default_rng(seed)
    k = 5
    costs = rng.uniform(0.0, 3.0, size=(k, k))
    costs[rng.random((k, k)) < 0.3] = np.inf  # some transitions impossible
    for j in range(k):  # a ring keeps the chain irreducible
        costs[j, (j + 1) % k] = rng.uniform(0.0, 3.0)
    energies = cl.arborescence_energies(costs)
    limit, bound = tree_theorem_energies(costs, eps=0.02)
    assert np.all(np.abs(energies - limit) <= bound), (energies, limit, bound)
    assert energies.min() == 0.0


def test_the_tree_theorem_check_fails_when_cycles_are_counted_as_trees(monkeypatch):
    monkeypatch.setattr(cl, "_reaches", lambda parent, root, k: True)  # every choice of edges counts
    failures = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        costs = rng.uniform(0.0, 3.0, size=(5, 5))
        limit, bound = tree_theorem_energies(costs, eps=0.02)
        failures += not np.all(np.abs(cl.arborescence_energies(costs) - limit) <= bound)
    assert failures > 0


def test_a_chain_of_components_gets_the_potential_differences():
    v = np.array([0.4, 1.3, 0.0, 0.9, 0.2])  # V at five components on a line
    costs = np.full((5, 5), np.inf)
    for j in range(4):
        costs[j, j + 1], costs[j + 1, j] = max(v[j + 1] - v[j], 0.0), max(v[j] - v[j + 1], 0.0)
    np.testing.assert_allclose(cl.arborescence_energies(costs), v - v.min(), atol=1e-15)


@pytest.mark.parametrize("costs", [[[0.0, -1.0], [1.0, 0.0]], [[0.0, np.nan], [1.0, 0.0]], [[0.0, 1.0]], [],
                                   [[0.0, np.inf], [np.inf, 0.0]], "x"])  # fmt: skip
def test_bad_cost_matrices_are_refused(costs):
    with pytest.raises(ValidationError) as caught:
        cl.arborescence_energies(costs)
    assert caught.value.field == "costs"


@pytest.mark.parametrize("noise", ["gaussian:sigma=2", "laplace:b=1.4142135623730951", "rademacher:scale=3"])
def test_critical_energies_in_one_dimension_are_the_quasi_potential_above_its_minimum(noise):
    landscape = ls.double_well(0.3)
    law = make_noise(noise)
    found = cl.probes(landscape, law)
    assert [p.kind for p in found] == ["minimum", "non-critical", "maximum", "non-critical", "minimum"]
    base = min(found, key=lambda p: p.energy)
    for p in found:
        assert p.energy == pytest.approx(quasi_potential_slope(landscape, law, base.x, p.x), abs=1e-9)
    if noise.startswith("gaussian"):  # V = 2 f / sigma^2
        for p in found:
            assert p.energy == pytest.approx(2 * (p.value - base.value) / 4.0, abs=1e-6)


@pytest.mark.slow  # three exact grid chains of 2,048 cells (about 10 s)
def test_exact_grid_exponents_of_the_windows_are_within_two_percent_of_the_predicted_ones():
    """The issue's 2% target, on the exact chain at the step sizes of ``benchsuite longrun``'s default."""
    landscape, noise, etas, cells = ls.double_well(0.3), make_noise("gaussian:sigma=2"), [0.05, 0.1, 0.2], 2048
    found = cl.probes(landscape, noise, eta_min=etas[0])
    regions, region_probe = cl.probe_regions(landscape, found, cells)
    masses = [np.bincount(region_probe[regions] + 1, weights=grid_law(landscape, noise, e, cells).pi)[1:]
              for e in etas]  # fmt: skip
    ref = int(np.argmin([p.energy for p in found]))
    for k, p in enumerate(found):
        if k != ref:
            exact = -fit_slope(etas, [math.log(m[k] / m[ref]) for m in masses]).slope
            assert exact == pytest.approx(p.energy, rel=0.02), (p, exact)


def test_the_claims_hold_on_the_double_well_and_sgd_agrees_with_the_exact_chain():
    result = longrun("double-well:tilt=0.3", "gaussian:sigma=2", [0.1, 0.15, 0.2], seed=3, claims=0.05)
    rows = result.claims.claims()
    assert [r["claim"] for r in rows] == ["a", "a", "b", "c", "d"]
    assert all(r["holds"] for r in rows), rows
    for r in rows:
        if r["claim"] != "b":
            error = (r["measured_high"] - r["measured_low"]) / (2 * 1.959963984540054)
            assert abs(r["measured_exponent"] - r["exact"]) <= Z * error, r
    doc = result.to_dict()["claims"]
    assert {p["kind"] for p in doc["probes"]} == {"minimum", "maximum", "non-critical"}


def test_windows_are_counted_per_region_and_add_up_to_the_basins():
    landscape = ls.double_well(0.3)
    found = cl.probes(landscape, make_noise("gaussian:sigma=2"))
    regions, region_probe = cl.probe_regions(landscape, found, 512)
    observer = BasinObserver(landscape, 8, cells=512, regions=regions)
    assert observer.occupancy.shape == (8, region_probe.size)
    from benchsuite.dynamics.constant_step import ConstantStepSGD

    sgd = ConstantStepSGD(0.1, "gaussian:sigma=2")
    state = sgd.init(landscape, seed=1, chains=8)
    plain = BasinObserver(landscape, 8, cells=512)
    twin = sgd.init(landscape, seed=1, chains=8)
    sgd.step(state, 5000, observer)
    sgd.step(twin, 5000, plain)
    np.testing.assert_array_equal(observer.basin_occupancy(), plain.occupancy)
    np.testing.assert_array_equal(observer.transitions, plain.transitions)
    assert observer.occupancy[:, region_probe >= 0].sum() > 0


def test_bad_regions_and_windows_are_refused():
    landscape = ls.double_well(0.3)
    with pytest.raises(ValidationError, match="spans two basins") as caught:
        BasinObserver(landscape, 2, cells=64, regions=np.zeros(64, dtype=np.int64))
    assert caught.value.field == "regions"
    for bad in (np.zeros(63, dtype=np.int64), np.full(64, -1), np.r_[np.zeros(32), np.full(32, 2)].astype(int)):
        with pytest.raises(ValidationError) as caught:
            BasinObserver(landscape, 2, cells=64, regions=bad)
        assert caught.value.field == "regions"
    noise = make_noise("gaussian:sigma=2")
    with pytest.raises(ValidationError) as caught:
        cl.probe_regions(landscape, cl.probes(landscape, noise, window=0.6), 2048)
    assert caught.value.field == "window"
    with pytest.raises(ValidationError) as caught:
        cl.probe_regions(landscape, cl.probes(landscape, noise, window=1e-4), 64)
    assert caught.value.field == "window"
    with pytest.raises(ValidationError) as caught:
        cl.probes(ls.camel(), noise)
    assert caught.value.field == "landscape"
    with pytest.raises(ValidationError) as caught:
        longrun("double-well:tilt=0.3", "gaussian:sigma=2", [0.1, 0.2], claims=0.0)
    assert caught.value.field == "window"


def test_probes_alternate_between_critical_points_and_midpoints():  # claims_table's neighbours at i +- 2 rely on it
    found = cl.probes(ls.double_well(0.3), make_noise("gaussian:sigma=2"))
    for a, b in itertools.pairwise(found):
        assert (a.kind == "non-critical") != (b.kind == "non-critical")
