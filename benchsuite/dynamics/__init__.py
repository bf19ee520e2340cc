"""Dynamics: Metropolis, heat bath, annealing, SGD-like mini-batch rules, and the base for your own."""

from .base import Dynamics, Info, KernelDynamics, State, check_state
from .metropolis import Annealing, HeatBath, Metropolis
from .registry import DYNAMICS, make_dynamics, register_dynamics
from .sgd_like import SGDLike

__all__ = [
    "DYNAMICS",
    "Annealing",
    "Dynamics",
    "HeatBath",
    "Info",
    "KernelDynamics",
    "Metropolis",
    "SGDLike",
    "State",
    "check_state",
    "make_dynamics",
    "register_dynamics",
]
