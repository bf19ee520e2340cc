"""Dynamics as numba kernels: Metropolis, heat bath, annealing, SGD-like mini-batch rules."""

from .base import Dynamics, Info, State
from .metropolis import Annealing, HeatBath, Metropolis
from .sgd_like import SGDLike, acceptance_table
from .spec import make_dynamics

__all__ = [
    "Annealing",
    "Dynamics",
    "HeatBath",
    "Info",
    "Metropolis",
    "SGDLike",
    "State",
    "acceptance_table",
    "make_dynamics",
]
