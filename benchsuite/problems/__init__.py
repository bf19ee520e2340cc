"""Canonical problem instances: deterministic generators, validated arrays, planted solutions."""

from .base import PairwiseProblem
from .coloring import ColoringProblem, coloring
from .graph import Graph
from .io import load_problem, save_problem
from .ising import IsingProblem, ising
from .spec import make_problem

__all__ = [
    "ColoringProblem",
    "Graph",
    "IsingProblem",
    "PairwiseProblem",
    "coloring",
    "ising",
    "load_problem",
    "make_problem",
    "save_problem",
]
