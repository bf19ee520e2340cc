"""Dense random regular graphs by edge switching (issue 17: the degrees re-pairing cannot reach)."""

from __future__ import annotations

import itertools

import naive
import numpy as np
import pytest
from scipy import stats

from benchsuite.problems import graph, make_problem
from benchsuite.problems.switching import _start_graph, switch_edges, switched_regular_edges


def _check_regular(edges, n, d, colors=None):
    assert np.all(np.bincount(edges.ravel(), minlength=n) == d)
    assert np.all(edges[:, 0] < edges[:, 1]) and len({tuple(e) for e in edges.tolist()}) == len(edges)
    if colors is not None:
        assert np.all(colors[edges[:, 0]] != colors[edges[:, 1]])


@pytest.mark.parametrize(("n", "d", "q"), [(30, 8, 3), (24, 7, 0), (40, 10, 2), (9, 4, 3)])
def test_the_switch_kernel_equals_its_twin_on_the_same_draws(n, d, q):
    edges = _start_graph(n, d, q)
    colors = np.arange(n) % q if q else np.arange(n)
    _check_regular(np.sort(edges, axis=1), n, d, colors if q else None)
    rng = np.random.default_rng(n + d)
    picks, crossed = rng.integers(0, len(edges), size=(4000, 2)), rng.random(4000) < 0.5
    twin, twin_accepted = naive.switch_edges(edges, colors, picks, crossed)
    adjacency = np.zeros((n, n), dtype=np.bool_)
    adjacency[edges[:, 0], edges[:, 1]] = adjacency[edges[:, 1], edges[:, 0]] = True
    fast = edges.copy()
    assert switch_edges(fast, adjacency, colors, picks, crossed) == twin_accepted > 0
    np.testing.assert_array_equal(fast, twin)
    expected = np.zeros((n, n), dtype=np.bool_)
    expected[fast[:, 0], fast[:, 1]] = expected[fast[:, 1], fast[:, 0]] = True
    np.testing.assert_array_equal(adjacency, expected)  # the adjacency kept up to date is the edges'


@pytest.mark.parametrize("spec", ["coloring:n=200,q=5,d=80", "coloring:n=60,q=4,d=20", "coloring:n=40,q=2,d=10"])
def test_degrees_out_of_the_re_pairings_reach_are_generated_by_switching(spec):
    # the configuration model gives up on these (re-pairing used its budget: coloring:n=1000,q=5,d=400 ran
    # for more than 10 minutes before the budget); edge switching takes over
    problem = make_problem(spec, seed=1)
    _, params = spec.split(":")
    n, _, d = (int(kv.split("=")[1]) for kv in params.split(","))
    with pytest.raises(graph.OutOfReach):
        graph.random_regular_terms(n, 2, d, np.random.default_rng(0), problem.planted)
    _check_regular(np.sort(problem.edges, axis=1), n, d, problem.planted)
    assert make_problem(spec, seed=1).instance_id == problem.instance_id  # same seed, same graph
    assert make_problem(spec, seed=2).instance_id != problem.instance_id


def test_switching_forgets_the_start_graph():
    # under the uniform law every allowed pair is an edge with probability d / (largest degree), by symmetry of
    # the complete multipartite graph: the start graph's edges that survive should be that fraction of them,
    # within 5 binomial standard errors (edge indicators of a regular graph are nearly independent)
    n, q, d = 300, 5, 120
    colors = np.repeat(np.arange(q), n // q)
    edges = switched_regular_edges(n, d, np.random.default_rng(3), colors)
    order = np.argsort(colors, kind="stable").reshape(q, -1).T.ravel()
    start = {tuple(sorted(e)) for e in order[_start_graph(n, d, q)].tolist()}
    kept = sum(tuple(e) in start for e in edges.tolist()) / len(edges)
    p = d / (n - n // q)
    assert abs(kept - p) < 5 * np.sqrt(p * (1 - p) / len(edges)), kept


def _all_regular_graphs(n, d, colors):
    pairs = [(i, j) for i, j in itertools.combinations(range(n), 2) if colors[i] != colors[j]]
    graphs = []
    for subset in itertools.combinations(range(len(pairs)), n * d // 2):
        chosen = [pairs[k] for k in subset]
        if np.all(np.bincount(np.array(chosen).ravel(), minlength=n) == d):
            graphs.append(frozenset(chosen))
    return graphs


@pytest.mark.parametrize(("n", "d", "q"), [(6, 3, 0), (8, 2, 2), (6, 2, 3)])
def test_switched_graphs_are_uniform_over_the_allowed_regular_graphs(n, d, q):
    # chi-square over every allowed labelled graph, 40 draws expected each, false-alarm rate 1e-3
    colors = np.arange(n) % q if q else np.arange(n)
    graphs = _all_regular_graphs(n, d, colors)
    index = {g: k for k, g in enumerate(graphs)}
    rng = np.random.default_rng(17)
    draws = 40 * len(graphs)
    counts = np.zeros(len(graphs))
    for _ in range(draws):
        edges = switched_regular_edges(n, d, rng, colors if q else None)
        counts[index[frozenset(map(tuple, edges.tolist()))]] += 1
    expected = draws / len(graphs)
    assert ((counts - expected) ** 2 / expected).sum() < stats.chi2.ppf(1 - 1e-3, len(graphs) - 1), len(graphs)
