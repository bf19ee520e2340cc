"""What a fuzz run of the generators and the perceptron found (issue 17, item 6), each kept as a test."""

from __future__ import annotations

import itertools
import math

import naive
import numpy as np
import pytest
from scipy import stats

from benchsuite.errors import ValidationError
from benchsuite.problems.graph import REJECTION_FLOOR, random_regular_terms, random_uniform_terms
from benchsuite.problems.ksat import ksat
from benchsuite.problems.perceptron import MAX_PREACTIVATION, PerceptronProblem, perceptron
from benchsuite.problems.xorsat import xorsat


def _labelled_by(teacher: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    return np.where(patterns @ teacher >= 0, 1, -1).astype(np.int8)


def test_a_teacher_that_misclassifies_a_pattern_is_not_called_a_ground_state():
    problem = perceptron(20, 1.0, seed=3)
    teacher = problem.planted
    labels = problem.labels.copy()
    labels[7] = -labels[7]
    with pytest.raises(ValidationError, match="planted.*misclassifies 1 of 20 patterns .first: pattern 7"):
        PerceptronProblem.from_patterns(problem.patterns, labels, planted=teacher)
    same = PerceptronProblem.from_patterns(problem.patterns, problem.labels, planted=teacher)
    assert same.references["ground_state_energy"].value == 0.0 == same.energy(teacher)


@pytest.mark.parametrize("entry", [257, -255, 3, 0, 129])
def test_integer_patterns_are_checked_before_the_cast_to_int8(entry):
    patterns = np.ones((3, 4), dtype=np.int64)
    patterns[1, 2] = entry  # 257 and -255 wrap to +-1 in int8
    with pytest.raises(ValidationError, match="patterns.*entries \\+1 or -1"):
        PerceptronProblem.from_patterns(patterns, np.ones(3, dtype=np.int8))


def test_real_patterns_whose_preactivations_could_overflow_are_refused():
    rng = np.random.default_rng(0)
    patterns = rng.standard_normal((4, 5))
    patterns[2, 1] = 1e308
    with pytest.raises(ValidationError, match="patterns.*sum of \\|entries\\|"):
        PerceptronProblem.from_patterns(patterns, np.ones(4, dtype=np.int8))
    patterns[2] = MAX_PREACTIVATION / 5  # at the bound: every preactivation and change stays finite
    teacher = np.ones(5, dtype=np.int8)
    problem = PerceptronProblem.from_patterns(patterns, _labelled_by(teacher, patterns), planted=teacher)
    spins = np.array([1, -1, 1, -1, -1], dtype=np.int8)
    assert np.isfinite(problem.preactivations(spins)).all() and problem.energy(teacher) == 0


@pytest.mark.parametrize("spec", [lambda: ksat(64, 1.0, k=64), lambda: ksat(64, 1.0, k=64, planted=True),
                                  lambda: xorsat(40, k=38, alpha=2.0)])  # fmt: skip
def test_terms_of_k_near_n_distinct_variables_are_generated(spec):
    # rejection sampling accepted a k-subset with probability prod (1 - i/n): 3e-27 for k = n = 64
    problem = spec()
    terms = problem.hypergraph.terms()
    assert terms.shape == (problem.m, problem.hypergraph.arity)
    assert np.all(np.diff(terms, axis=1) > 0)  # distinct variables, in increasing order


def test_floyd_subsets_are_uniform():
    # n = 6, k = 4: rejection would accept with probability 0.28 < REJECTION_FLOOR, so Floyd's algorithm runs;
    # each of the 15 subsets is expected 1,000 times in 15,000; chi-square at a false-alarm rate of 1e-3
    n, k, m = 6, 4, 15_000
    assert math.prod(1 - i / n for i in range(k)) < REJECTION_FLOOR
    terms = random_uniform_terms(n, m, k, np.random.default_rng(11))
    subsets = {s: i for i, s in enumerate(itertools.combinations(range(n), k))}
    counts = np.bincount([subsets[tuple(t)] for t in terms.tolist()], minlength=len(subsets))
    expected = m / len(subsets)
    assert ((counts - expected) ** 2 / expected).sum() < stats.chi2.ppf(1 - 1e-3, len(subsets) - 1)


@pytest.mark.parametrize(("n", "k", "d", "q"), [(200, 2, 99, None), (60, 3, 5, None), (30, 2, 4, None),
                                                (300, 2, 40, 5), (60, 2, 10, 3), (12, 4, 3, None)])  # fmt: skip
def test_re_pairing_with_defects_kept_up_to_date_builds_the_same_graph_as_recomputing_them(n, k, d, q):
    colors = None if q is None else np.arange(n) % q
    for seed in range(3):
        fast = random_regular_terms(n, k, d, np.random.default_rng(seed), colors)
        twin = naive.random_regular_terms(n, k, d, np.random.default_rng(seed), colors)
        np.testing.assert_array_equal(fast, twin)
        assert np.all(np.bincount(fast.ravel(), minlength=n) == d)
        assert len({tuple(t) for t in fast.tolist()}) == len(fast) and np.all(np.diff(fast, axis=1) > 0)
        if colors is not None:
            assert np.all(np.diff(np.sort(colors[fast], axis=1), axis=1) > 0)


def test_terms_of_equal_hash_are_told_apart_by_their_variables(monkeypatch):
    # a hash of three values makes nearly every pair of terms collide: repeats must still be found row by row,
    # giving the graph that recomputing the defects gives
    from benchsuite.problems import graph

    monkeypatch.setattr(graph, "_row_hashes", lambda groups: np.sort(groups, axis=1)[:, 0] % 3)
    for n, k, d in [(60, 2, 9), (40, 3, 3)]:
        fast = graph.random_regular_terms(n, k, d, np.random.default_rng(5))
        np.testing.assert_array_equal(fast, naive.random_regular_terms(n, k, d, np.random.default_rng(5)))


def test_a_hypergraph_out_of_the_re_pairings_reach_is_refused_in_bounded_work():
    # half the largest degree of a 5-partite graph: re-pairing never ends there (coloring:n=1000,q=5,d=400 ran
    # for more than 10 minutes); the budget refuses it after 20 re-pairings per term, and graphs (k = 2) are
    # then built by edge switching (tests/test_switching.py)
    with pytest.raises(ValidationError, match="d: re-pairing found no simple .80, 2.-regular hypergraph"):
        random_regular_terms(200, 2, 80, np.random.default_rng(0), np.arange(200) % 5)


def test_the_instance_id_is_the_content_not_the_provenance():
    generated = ksat(30, 3.0, planted=True, seed=4)
    g = generated.hypergraph
    bare = type(generated).from_clauses(30, g.term_ptr, g.term_var, generated.signs)  # no params, seed or planted
    assert bare.instance_id == generated.instance_id
    other = ksat(30, 3.0, planted=True, seed=5)
    assert other.instance_id != generated.instance_id


@pytest.mark.parametrize("edit", [{"seed": 4}, {"params": {"n": 30, "k": 3, "alpha": 3.0, "planted": False}}])
def test_a_native_header_whose_provenance_does_not_generate_its_content_is_refused(tmp_path, edit):
    import json

    from benchsuite.problems import load_problem, save_problem

    path = save_problem(ksat(30, 3.0, planted=True, seed=3), tmp_path / "k.npz")
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    header = json.loads(str(arrays["header"])) | edit  # instance_id left as it was: it still matches the content
    np.savez(tmp_path / "edited.npz", **(arrays | {"header": np.array(json.dumps(header))}))
    with pytest.raises(ValidationError) as err:
        load_problem(tmp_path / "edited.npz")
    assert err.value.field == "params"
    assert load_problem(path).instance_id == ksat(30, 3.0, planted=True, seed=3).instance_id
