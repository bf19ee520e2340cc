"""Hypothesis strategies for small instances of every family and valid dynamics parameters.

    from hypothesis import given
    from benchsuite.testing.strategies import enumerable_problems, dynamics

    @given(enumerable_problems(), dynamics())
    def test_my_invariant(problem, dynamics): ...

Every drawn instance builds without error and has at most ``max_states`` configurations (q^n), so it can be
enumerated (:class:`benchsuite.validate.markov.StateSpace`); every drawn dynamics is a valid built-in rule.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from ..dynamics import HeatBath, Metropolis, SGDLike
from ..problems import coloring, ising, ksat, perceptron, xorsat
from ..problems.base import Problem

FAMILIES = ("coloring", "ising", "ksat", "xorsat", "perceptron")
seeds = st.integers(min_value=0, max_value=2**32 - 1)
temperatures = st.floats(min_value=0.2, max_value=5.0, allow_nan=False)


def _max_n(q: int, max_states: int) -> int:
    return math.floor(math.log(max_states) / math.log(q) + 1e-9)


@st.composite
def _coloring(draw, max_states: int) -> Problem:
    q = draw(st.integers(2, max(q for q in (2, 3, 4) if q**5 <= max_states)))  # n >= 5: q^5 states at least
    n = draw(st.integers(5, _max_n(q, max_states)))
    if draw(st.booleans()):
        d = draw(st.integers(1, min(4, n - 1)).filter(lambda d: n * d % 2 == 0))
        return coloring(n=n, q=q, d=d, planted=False, seed=draw(seeds))
    c = draw(st.floats(0.5, (n - 1) / 2))  # sparse: at most half of the vertex pairs
    return coloring(n=n, q=q, c=c, planted=False, seed=draw(seeds))


@st.composite
def _ising(draw, max_states: int) -> Problem:
    n_max = _max_n(2, max_states)  # at least 9: max_states >= 512
    couplings, h, seed = draw(st.sampled_from(["pm1", "gauss"])), draw(st.sampled_from([0.0, 0.3])), draw(seeds)
    model = draw(st.sampled_from(["sk", "rrg", "ea2d"]))
    if model == "ea2d":
        return ising("ea2d", L=3, couplings=couplings, h=h, seed=seed)
    if model == "rrg":
        return ising("rrg", n=2 * draw(st.integers(2, n_max // 2)), d=3, couplings=couplings, h=h, seed=seed)
    return ising("sk", n=draw(st.integers(4, n_max)), couplings=couplings, h=h, seed=seed)


@st.composite
def _ksat(draw, max_states: int) -> Problem:
    n = draw(st.integers(4, _max_n(2, max_states)))
    k = draw(st.integers(2, min(4, n)))
    return ksat(n, draw(st.floats(0.5, 5.0)), k=k, seed=draw(seeds))


@st.composite
def _xorsat(draw, max_states: int) -> Problem:
    n = draw(st.integers(4, _max_n(2, max_states)))
    return xorsat(n, k=3, alpha=draw(st.floats(0.3, 0.9)), planted=draw(st.booleans()), seed=draw(seeds))


@st.composite
def _perceptron(draw, max_states: int) -> Problem:
    n = draw(st.integers(4, _max_n(2, max_states)))
    patterns = draw(st.sampled_from(["pm1", "gauss"]))
    return perceptron(n, draw(st.floats(0.3, 2.0)), patterns=patterns, seed=draw(seeds))


_MAKERS = {"coloring": _coloring, "ising": _ising, "ksat": _ksat, "xorsat": _xorsat, "perceptron": _perceptron}


def enumerable_problems(families: tuple[str, ...] = FAMILIES, max_states: int = 4096) -> st.SearchStrategy:
    """Instances of the given families with at most ``max_states`` (>= 512) configurations."""
    if max_states < 512:
        raise ValueError(f"max_states: must be at least 512, got {max_states}")
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"families: unknown {sorted(unknown)}; choose from {FAMILIES}")
    return st.one_of(*(_MAKERS[f](max_states) for f in families))


def dynamics(rules: tuple[str, ...] = ("metropolis", "heat-bath", "sgd-like")) -> st.SearchStrategy:
    """Built-in dynamics with valid parameters (T in [0.2, 5], s in [0.05, 1], either order or batch rule)."""
    makers = {
        "metropolis": st.builds(Metropolis, temperatures, order=st.sampled_from(["sequential", "random"])),
        "heat-bath": st.builds(HeatBath, temperatures, order=st.sampled_from(["sequential", "random"])),
        "sgd-like": st.builds(
            SGDLike, st.floats(0.05, 1.0), batch=st.sampled_from(["half-edge", "term"]), persist=st.integers(1, 4)
        ),
    }
    return st.one_of(*(makers[r] for r in rules))
