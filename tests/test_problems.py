import itertools

import numpy as np
import pytest
from families import TWIN_PROBLEMS
from hypothesis import given, settings
from hypothesis import strategies as st

from benchsuite.errors import ValidationError
from benchsuite.problems import ColoringProblem, Hypergraph, IsingProblem, coloring, ising, make_problem


def _brute_coloring_energy(p, x):
    return sum(int(x[i] == x[j]) for i, j in p.edges)


def test_er_coloring_has_exact_edge_count_and_respects_planted():
    p = coloring(n=1000, q=5, c=10, seed=3)
    assert p.m == 5000
    e = p.edges
    assert np.all(e[:, 0] < e[:, 1])
    assert np.unique(e[:, 0] * p.n + e[:, 1]).size == p.m
    assert np.all(np.bincount(p.planted) == 200)
    assert p.energy(p.planted) == 0
    assert p.overlap(p.planted) == pytest.approx(1.0)


def test_regular_coloring_degrees():
    p = coloring(n=600, q=3, d=5, seed=1)
    assert np.all(p.hypergraph.degrees == 5)
    assert p.energy(p.planted) == 0
    u = coloring(n=600, q=3, d=5, planted=False, seed=1)
    assert u.planted is None and u.overlap(np.zeros(600, dtype=np.int8)) is None
    assert np.all(u.hypergraph.degrees == 5)


def test_generation_is_deterministic_and_ids_differ():
    a, b, c = coloring(500, 5, c=8, seed=1), coloring(500, 5, c=8, seed=1), coloring(500, 5, c=8, seed=2)
    assert a.instance_id == b.instance_id != c.instance_id
    np.testing.assert_array_equal(a.edges, b.edges)
    assert ising("rrg", n=100, seed=4).instance_id == ising("rrg", n=100, seed=4).instance_id


def test_csr_matches_term_list():
    """Both directions of the incidence agree: slot k of variable i sits at position var_pos[k] of its term."""
    for p in (coloring(n=200, q=4, c=6, seed=0), ising("ea2d", L=4, h=0.5, seed=1)):
        g = p.hypergraph
        for i in range(g.n):
            terms = g.var_term[g.var_ptr[i] : g.var_ptr[i + 1]]
            assert np.all(np.diff(terms) > 0)  # increasing term order
            for k in range(g.var_ptr[i], g.var_ptr[i + 1]):
                assert g.term_var[g.term_ptr[g.var_term[k]] + g.var_pos[k]] == i
            expected = sorted(a for a in range(g.m) if i in g.term_var[g.term_ptr[a] : g.term_ptr[a + 1]])
            assert list(terms) == expected


@pytest.mark.parametrize(
    "kwargs, n, m, degree",
    [
        ({"model": "ea2d", "L": 5}, 25, 50, 4),
        ({"model": "ea3d", "L": 4}, 64, 192, 6),
        ({"model": "rrg", "n": 50, "d": 4}, 50, 100, 4),
        ({"model": "sk", "n": 30}, 30, 435, 29),
        ({"model": "ferro", "L": 4}, 16, 32, 4),
    ],
)
def test_ising_models_shapes(kwargs, n, m, degree):
    p = ising(**kwargs, seed=2)
    assert (p.n, p.m) == (n, m)
    assert np.all(p.hypergraph.degrees == degree)


def test_ising_couplings_and_energy():
    sk = ising("sk", n=100, couplings="pm1", seed=0)
    np.testing.assert_allclose(np.abs(sk.couplings), 0.1)
    ferro = ising("ferro", L=4)
    up = np.ones(16, dtype=np.int8)
    assert ferro.energy(up) == -32
    assert ferro.overlap(-up) == 1.0  # global flip symmetry
    fielded = ising("ferro", L=4, h=0.5)
    assert fielded.energy(up) == -32 - 8
    assert fielded.overlap(-up) == -1.0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), perm=st.permutations(range(4)))
def test_coloring_energy_and_overlap_properties(seed, perm):
    p = coloring(n=40, q=4, c=3, seed=seed % 7)
    x = p.random_configuration(np.random.default_rng(seed))
    assert p.energy(x) == _brute_coloring_energy(p, x)
    relabelled = np.asarray(perm, dtype=np.int8)[x]
    assert p.energy(relabelled) == p.energy(x)
    assert p.overlap(relabelled) == pytest.approx(p.overlap(x))
    assert p.overlap(np.asarray(perm, dtype=np.int8)[p.planted]) == pytest.approx(1.0)


def test_overlap_is_max_over_permutations():
    p = coloring(n=20, q=4, c=2, seed=0)
    x = p.random_configuration(np.random.default_rng(5))
    best = max(np.mean(np.asarray(perm)[x] == p.planted) for perm in itertools.permutations(range(4)))
    assert p.overlap(x) == pytest.approx((4 * best - 1) / 3)


def test_paramagnetic_energy_formula():
    p = coloring(n=1000, q=5, c=10, seed=0)
    x = np.exp(-1.0)
    assert p.paramagnetic_energy(1.0) == pytest.approx(5 * x / (4 + x))
    assert p.paramagnetic_energy(1e9) == pytest.approx(10 / 2 / 5, rel=1e-6)


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: coloring(n=100, q=1, c=3), "q"),
        (lambda: coloring(n=100, q=5, c=-1), "c"),
        (lambda: coloring(n=101, q=5, c=3), "n"),
        (lambda: coloring(n=100, q=5), "c"),
        (lambda: coloring(n=100, q=5, c=float("nan")), "c"),
        (lambda: coloring(n=10, q=5, c=9), "c"),
        (lambda: coloring(n=10, q=2, d=6), "d"),
        (lambda: coloring(n=9, q=3, d=3), "d"),
        (lambda: ising("sk", L=4), "n"),
        (lambda: ising("nope", n=4), "model"),
        (lambda: ising("ea2d", L=2), "L"),
        (lambda: ising("rrg", n=10, couplings="cauchy"), "couplings"),
    ],
)
def test_generator_validation_names_the_field(call, field):
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field


def test_hypergraph_validation():
    with pytest.raises(ValidationError, match="self-loop"):
        Hypergraph.from_edges(3, [[0, 0]])
    with pytest.raises(ValidationError, match="duplicate"):
        Hypergraph.from_edges(3, [[0, 1], [1, 0]])
    with pytest.raises(ValidationError, match="out of range"):
        Hypergraph.from_edges(3, [[0, 3]])
    with pytest.raises(ValidationError, match="integer"):
        Hypergraph.from_edges(3, [[0.0, 1.0]])
    with pytest.raises(ValidationError, match="shape"):
        Hypergraph.from_edges(3, [[0, 1, 2]])
    with pytest.raises(ValidationError, match="repeated variable"):
        Hypergraph.from_terms(4, [0, 3], [1, 2, 1])
    with pytest.raises(ValidationError, match="pointers"):
        Hypergraph.from_terms(4, [0, 2, 2], [1, 2])  # an empty term
    with pytest.raises(ValidationError, match="duplicate term"):
        Hypergraph.from_uniform(4, [[0, 1, 2], [2, 1, 0]], distinct=True)
    Hypergraph.from_uniform(4, [[0, 1, 2], [2, 1, 0]])  # repeated terms are allowed unless distinct=True


def test_problem_construction_validation():
    edges = [[0, 1], [1, 2]]
    with pytest.raises(ValidationError, match="couplings"):
        IsingProblem.from_edges(3, edges, couplings=np.array([1.0, np.nan]))
    with pytest.raises(ValidationError, match="couplings"):
        IsingProblem.from_edges(3, edges, couplings=np.array([1.0]))
    with pytest.raises(ValidationError, match="fields"):
        IsingProblem.from_edges(3, edges, fields=np.array([0.0, np.inf, 0.0]))
    with pytest.raises(ValidationError, match="planted"):
        ColoringProblem.from_edges(3, edges, q=2, planted=np.array([0, 0, 1]))
    p = ColoringProblem.from_edges(3, edges, q=3)
    with pytest.raises(ValidationError, match="x"):
        p.energy(np.array([0, 1, 3]))
    with pytest.raises(ValidationError, match="shape"):
        p.energy(np.array([0, 1]))
    with pytest.raises(ValidationError, match="spins"):
        IsingProblem.from_edges(3, edges).energy(np.array([1, 0, 1]))


@pytest.mark.parametrize(
    "spec, field",
    [
        ("coloring:n=100,q=5,c=3,bogus=1", "problem"),
        ("coloring:n=100,q=5,c", "problem"),
        ("coloring;n=100", "problem"),
        ("", "problem"),
        ("coloring:n=100,n=200,c=3", "problem"),
        ("coloring:n=100,q=x,c=3", "q"),
    ],
)
def test_malformed_specs(spec, field):
    with pytest.raises(ValidationError) as err:
        make_problem(spec)
    assert err.value.field == field


def test_spec_builds_same_instance_as_call():
    assert make_problem("coloring:n=500,q=5,c=8", seed=2).instance_id == coloring(500, 5, c=8, seed=2).instance_id
    assert (
        make_problem("ising:model=ea2d,L=5,couplings=gauss,seed=9").instance_id
        == ising("ea2d", L=5, couplings="gauss", seed=9).instance_id
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: coloring(n=100, q=5, c=4, seed=1),
        lambda: coloring(n=100, q=5, d=3, planted=False, seed=1),
        lambda: ising("ea2d", L=4, couplings="gauss", h=0.2, seed=2),
        lambda: ising("ferro", L=4),
    ],
)
def test_save_load_round_trip(make, tmp_path):
    from benchsuite.problems import load_problem, save_problem

    p = make()
    q = load_problem(save_problem(p, tmp_path / "inst.npz"))
    assert type(q) is type(p) and q.instance_id == p.instance_id and q.params == p.params


def test_load_rejects_tampering_and_pickles(tmp_path):
    from benchsuite.problems import load_problem, save_problem

    path = save_problem(coloring(n=100, q=5, c=4, seed=1), tmp_path / "inst.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["edges"] = arrays["edges"][:-1]
    np.savez(tmp_path / "tampered.npz", **arrays)
    with pytest.raises(ValidationError, match="instance_id"):
        load_problem(tmp_path / "tampered.npz")
    np.savez(tmp_path / "pickled.npz", header=np.array([{"format": 1}], dtype=object))
    with pytest.raises(ValidationError, match="path"):
        load_problem(tmp_path / "pickled.npz")
    arrays["edges"] = np.array([[0, 500]])
    np.savez(tmp_path / "bad_index.npz", **arrays)
    with pytest.raises(ValidationError, match="edges"):
        load_problem(tmp_path / "bad_index.npz")


GROUND_STATE_CASES = {**{k: v for k, v in TWIN_PROBLEMS.items() if not k.startswith("coloring")},
                      "coloring-q3-n9": lambda: coloring(n=9, q=3, c=2, seed=1),
                      "coloring-q2-n16": lambda: coloring(n=16, q=2, c=3, seed=1)}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GROUND_STATE_CASES))
def test_ground_state_by_gray_code_equals_the_enumerated_minimum(name):
    from benchsuite.validate.exact import all_energies, ground_state

    problem = GROUND_STATE_CASES[name]()  # two values: the Gray-code walk; q = 3: enumeration
    energy, x = ground_state(problem)
    assert energy == pytest.approx(all_energies(problem).min(), abs=1e-9) and problem.energy(x) == energy
