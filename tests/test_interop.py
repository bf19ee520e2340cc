"""dimod BQMs and networkx graphs both ways (issue 17, item 2): energies equal dimod's on random BQMs, SPIN
and BINARY, offsets and labels kept, and the offset carried through every energy the package computes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from benchsuite.errors import ValidationError
from benchsuite.problems import coloring, ising, maxcut, save_problem
from benchsuite.problems.formats import read_instance, write_instance
from benchsuite.problems.interop import from_bqm, from_networkx, to_bqm, to_networkx

dimod = pytest.importorskip("dimod")


def _random_bqm(seed: int, vartype, labels):
    rng = np.random.default_rng(seed)
    n = len(labels)
    linear = {v: float(rng.normal()) for v in labels}
    pairs = [(labels[i], labels[j]) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.4]
    quadratic = {p: float(rng.normal()) for p in pairs}
    return dimod.BinaryQuadraticModel(linear, quadratic, float(rng.normal()) * 3, vartype)


@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
@pytest.mark.parametrize("seed", range(5))
def test_energies_equal_dimods_on_random_bqms(seed, vartype):
    labels = ["a", ("x", 1), 7, "z", ("y", 2, "q"), 3][: 3 + seed % 4]
    bqm = _random_bqm(seed, getattr(dimod, vartype), labels)
    problem = from_bqm(bqm)
    assert problem.variable_labels == tuple(bqm.variables) and problem.offset != 0  # variables in the BQM's order
    labels = list(bqm.variables)
    rng = np.random.default_rng(seed + 100)
    spins = rng.choice(np.array([-1, 1], np.int8), (40, len(labels)))
    values = spins if vartype == "SPIN" else (spins + 1) // 2  # x = (1 + s) / 2
    theirs = dimod.SampleSet.from_samples((values, labels), getattr(dimod, vartype), energy=0).record.sample
    expected = bqm.energies((theirs, labels))
    np.testing.assert_allclose([problem.energy(s) for s in spins], expected, atol=1e-9)
    np.testing.assert_allclose(problem.energies(spins), expected, atol=1e-9)
    back = to_bqm(problem)
    np.testing.assert_allclose(back.energies((spins, labels)), bqm.spin.energies((spins, labels)), atol=1e-9)


def test_the_offset_is_in_every_energy_the_package_tracks(tmp_path):
    from benchsuite.dynamics import make_dynamics
    from benchsuite.score.run import run
    from benchsuite.validate.exact import ground_state

    base = ising("rrg", n=10, d=3, seed=2)
    shifted = dataclasses.replace(base, offset=12.5)
    assert shifted.instance_id != base.instance_id
    assert ground_state(shifted)[0] == pytest.approx(ground_state(base)[0] + 12.5)
    traj = run(shifted, make_dynamics("metropolis:T=1"), 50, seed=1)  # tracked energies are checked against energy()
    plain = run(base, make_dynamics("metropolis:T=1"), 50, seed=1)
    np.testing.assert_allclose(traj.energy * 10, plain.energy * 10 + 12.5)
    back = read_instance(save_problem(shifted, tmp_path / "s.npz"))
    assert back.offset == 12.5 and back.instance_id == shifted.instance_id
    with pytest.raises(ValidationError, match="no energy offset or variable labels"):
        write_instance(dataclasses.replace(maxcut(10, c=3.0, seed=1), offset=1.0), tmp_path / "m.gset")


def test_run_takes_a_bqm_and_refuses_a_bare_graph_with_the_way_to_convert_it():
    nx = pytest.importorskip("networkx")
    from benchsuite.dynamics import make_dynamics
    from benchsuite.score.run import run

    bqm = _random_bqm(3, dimod.SPIN, list(range(6)))
    assert run(bqm, make_dynamics("metropolis:T=1"), 5).instance_id == from_bqm(bqm).instance_id
    with pytest.raises(ValidationError, match="from_networkx"):
        run(nx.cycle_graph(5), make_dynamics("metropolis:T=1"), 5)


def test_networkx_graphs_both_ways_keep_nodes_and_weights():
    nx = pytest.importorskip("networkx")
    graph = nx.Graph()
    graph.add_weighted_edges_from([("a", "b", 2.0), ("b", "c", -1.0), ("c", "a", 0.5), ("c", "d", 3.0)])
    cut = from_networkx(graph)
    assert cut.variable_labels == ("a", "b", "c", "d") and cut.cut_weight([1, -1, 1, -1]) == 2.0 - 1.0 + 3.0
    again = to_networkx(cut)
    assert list(again.nodes) == list(graph.nodes) and again["c"]["d"]["weight"] == 3.0
    assert {frozenset(e) for e in again.edges} == {frozenset(e) for e in graph.edges}
    colours = from_networkx(nx.petersen_graph(), family="coloring", q=3)
    assert colours.variable_labels is None and colours.m == 15  # nodes 0..9 already: no labels kept
    assert nx.is_isomorphic(to_networkx(colours), nx.petersen_graph())
    spins = from_networkx(nx.path_graph(4), family="ising")
    np.testing.assert_array_equal(spins.couplings, 1.0)
    for generated in (maxcut(30, d=3, weights="gauss", seed=1), coloring(30, q=3, c=3.0, seed=1)):
        family = generated.family
        back = from_networkx(to_networkx(generated), family=family, q=3 if family == "coloring" else None)
        assert back.instance_id == generated.instance_id


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: from_bqm({"a": 1}), "bqm"),
        (lambda: from_networkx("graph"), "graph"),
        (lambda: from_networkx(__import__("networkx").path_graph(3), family="ksat"), "family"),
        (lambda: from_networkx(__import__("networkx").path_graph(3), family="coloring"), "q"),
        (lambda: to_bqm(coloring(12, q=3, c=2.0, seed=1)), "problem"),
        (lambda: to_networkx(ising("ea2d", L=3, h=0.5)), "problem"),
    ],
)
def test_bad_conversions_name_the_field(call, field):
    pytest.importorskip("networkx")
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field
