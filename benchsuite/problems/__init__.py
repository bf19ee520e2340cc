"""Canonical problem instances: deterministic generators, validated arrays, planted solutions.

A problem is a finite sum of terms over variables in a domain (:class:`Problem`, :class:`Hypergraph`).
Families: ``coloring``, ``ising``, ``ksat``, ``xorsat``, ``perceptron``, ``maxcut``; more can be registered.
Instance files (DIMACS CNF and colouring, rudy / Gset / Biq Mac, native): :mod:`.formats`.
"""

from .base import Problem, Reference
from .coloring import ColoringProblem, coloring
from .domain import SPINS, Domain, states
from .families import FAMILIES, make_problem, register_family
from .hypergraph import Hypergraph
from .io import load_problem, save_problem
from .ising import IsingProblem, ising
from .ksat import KSatProblem, ksat
from .maxcut import MaxCutProblem, maxcut
from .perceptron import PerceptronProblem, perceptron
from .xorsat import XorSatProblem, xorsat

__all__ = [
    "FAMILIES",
    "SPINS",
    "ColoringProblem",
    "Domain",
    "Hypergraph",
    "IsingProblem",
    "KSatProblem",
    "MaxCutProblem",
    "PerceptronProblem",
    "Problem",
    "Reference",
    "XorSatProblem",
    "coloring",
    "ising",
    "ksat",
    "load_problem",
    "make_problem",
    "maxcut",
    "perceptron",
    "register_family",
    "save_problem",
    "states",
    "xorsat",
]
