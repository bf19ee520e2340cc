"""K-SAT, XORSAT and perceptron instances: definitions, planting, exact references, determinism, validation."""

import itertools

import numpy as np
import pytest
from families import TWIN_PROBLEMS

from benchsuite.errors import ValidationError
from benchsuite.problems import (
    KSatProblem,
    XorSatProblem,
    ksat,
    load_problem,
    make_problem,
    perceptron,
    save_problem,
    xorsat,
)
from benchsuite.validate.exact import all_energies, configurations


def _brute_ksat(p: KSatProblem, x) -> int:
    g = p.hypergraph
    unsat = 0
    for a in range(g.m):
        lits = range(g.term_ptr[a], g.term_ptr[a + 1])
        unsat += not any(p.signs[k] * x[g.term_var[k]] > 0 for k in lits)
    return unsat


def _brute_xorsat(p: XorSatProblem, x) -> int:
    g = p.hypergraph
    return sum(int(np.prod(x[g.term_var[g.term_ptr[a] : g.term_ptr[a + 1]]]) != p.parities[a]) for a in range(g.m))


def test_ksat_energy_is_the_number_of_unsatisfied_clauses():
    p = ksat(n=30, alpha=4.0, seed=3)
    assert p.m == 120 and p.hypergraph.arity == 3
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = p.random_configuration(rng)
        assert p.energy(x) == _brute_ksat(p, x)
    stack = np.array([p.random_configuration(rng) for _ in range(5)])
    np.testing.assert_array_equal(p.term_energies(stack).sum(axis=1), [p.energy(x) for x in stack])


def test_planted_ksat_is_satisfied_and_literals_lean_towards_the_planted_assignment():
    """Planting by rejection: each literal agrees with sigma with probability 2^(K-1) / (2^K - 1) = 4/7 (K = 3).
    The agreeing fraction over 3 x 20,000 literals has standard error sqrt(p (1 - p) / 60,000) ~ 0.002."""
    p = ksat(n=5000, alpha=4.0, planted=True, seed=1)
    assert p.energy(p.planted) == 0 and p.overlap(p.planted) == 1.0
    agree = np.mean(p.signs * p.planted[p.hypergraph.term_var] > 0)
    expected = 4 / 7
    assert abs(agree - expected) < 5 * np.sqrt(expected * (1 - expected) / p.signs.size)
    random = ksat(n=5000, alpha=4.0, seed=1)
    assert random.planted is None and random.overlap(random.random_configuration(np.random.default_rng(0))) is None


def test_xorsat_energy_and_exact_solution_count():
    """Zero-energy configurations counted by enumeration = 2^(n - rank) from GF(2) elimination."""
    instances = [xorsat(n=14, alpha=0.8, seed=1), xorsat(n=14, alpha=1.1, planted=False, seed=2),
                 xorsat(n=12, k=3, d=2, planted=False, seed=3), xorsat(n=12, k=4, alpha=0.9, seed=4)]  # fmt: skip
    for p in instances:
        energies = all_energies(p)
        for x in configurations(p, 0, 50):
            assert p.energy(x) == _brute_xorsat(p, x)
        ground = int(np.sum(energies == 0))
        space = p.solution_space
        if space.consistent:
            assert ground == 2 ** (p.n - space.rank) and energies.min() == 0
            assert p.references["log2_solutions"].value == p.n - space.rank
        else:
            assert ground == 0 and "ground_state_energy" not in p.references


def test_xorsat_leaf_removal_and_elimination_agree_with_dense_rank():
    """The rank from leaf removal + elimination equals numpy's rank over GF(2) computed by brute force."""
    p = xorsat(n=40, alpha=0.95, seed=5)
    g = p.hypergraph
    a = np.zeros((g.m, p.n), dtype=np.uint8)
    for t in range(g.m):
        a[t, g.term_var[g.term_ptr[t] : g.term_ptr[t + 1]]] = 1
    rank = 0  # plain elimination over GF(2) on the dense matrix
    for c in range(p.n):
        rows = np.flatnonzero(a[rank:, c]) + rank
        if rows.size:
            a[[rank, rows[0]]] = a[[rows[0], rank]]
            a[(a[:, c] == 1) & (np.arange(g.m) != rank)] ^= a[rank]
            rank += 1
    assert p.solution_space.rank == rank


def test_regular_xorsat_degrees_and_even_k_flip_symmetry():
    p = xorsat(n=300, k=4, d=4, seed=2)
    assert np.all(p.hypergraph.degrees == 4) and p.m == 300
    assert p.flip_symmetric and p.overlap(-p.planted) == 1.0
    odd = xorsat(n=300, k=3, d=3, seed=2)
    assert not odd.flip_symmetric and odd.overlap(-odd.planted) == -1.0


def test_perceptron_teacher_has_zero_energy_and_energy_counts_errors():
    for patterns in ("pm1", "gauss"):
        p = perceptron(n=41, alpha=1.5, patterns=patterns, seed=4)
        assert p.m == round(1.5 * 41) and p.energy(p.planted) == 0 and p.overlap(p.planted) == 1.0
        x = p.random_configuration(np.random.default_rng(1))
        h = p.patterns.astype(np.float64) @ x
        assert p.energy(x) == np.sum(np.where(h >= 0, 1, -1) != p.labels)


@pytest.mark.parametrize("name", TWIN_PROBLEMS)
def test_save_load_round_trip_every_family(name, tmp_path):
    p = TWIN_PROBLEMS[name]()
    q = load_problem(save_problem(p, tmp_path / "inst.npz"))
    assert type(q) is type(p) and q.instance_id == p.instance_id and q.params == p.params
    x = p.random_configuration(np.random.default_rng(0))
    assert q.energy(x) == p.energy(x)


@pytest.mark.parametrize(
    "make",
    [
        lambda s: ksat(n=200, alpha=4.2, planted=True, seed=s),
        lambda s: xorsat(n=200, d=3, seed=s),
        lambda s: perceptron(n=51, alpha=0.7, patterns="gauss", seed=s),
    ],
)
def test_generation_is_deterministic_and_seed_matters(make):
    assert make(1).instance_id == make(1).instance_id != make(2).instance_id


def test_specs_build_the_new_families():
    assert (
        make_problem("ksat:n=100,alpha=4.2,planted=true", seed=3).instance_id
        == ksat(100, 4.2, planted=True, seed=3).instance_id
    )
    assert make_problem("xorsat:n=99,k=3,d=3").instance_id == xorsat(99, 3, d=3).instance_id
    assert make_problem("perceptron:n=51,alpha=1.0,patterns=gauss,seed=2").family == "perceptron"


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: ksat(n=10, alpha=-1.0), "alpha"),
        (lambda: ksat(n=2, alpha=1.0, k=3), "k"),
        (lambda: ksat(n=10, alpha=1.0, planted="yes"), "planted"),
        (lambda: xorsat(n=10, alpha=1.0, d=3), "alpha"),
        (lambda: xorsat(n=10, k=3, d=2), "d"),  # n d not divisible by k
        (lambda: perceptron(n=10, alpha=0.0), "alpha"),
        (lambda: perceptron(n=10, alpha=1.0, patterns="binary"), "patterns"),
        (lambda: perceptron(n=10_000, alpha=1.0), "alpha"),  # 1e8 pattern entries: refused before allocating
        (lambda: KSatProblem.from_clauses(4, [0, 2], [0, 1], [1, 0]), "signs"),
        (lambda: KSatProblem.from_clauses(4, [0, 2], [0, 1], [1, 1], planted=np.array([-1, -1, 1, 1])), "planted"),
        (lambda: XorSatProblem.from_equations(4, [0, 2], [0, 5], [1]), "equations"),
    ],
)
def test_new_family_validation_names_the_field(call, field):
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field


def test_enumeration_order_is_mixed_radix():
    p = ksat(n=3, alpha=1.0, seed=0)
    configs = configurations(p, 0, 8)
    assert [tuple(c) for c in configs] == list(itertools.product([-1, 1], repeat=3))
