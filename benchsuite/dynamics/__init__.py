"""Dynamics: Metropolis, heat bath, annealing, SGD-like mini-batch rules, parallel tempering, WalkSAT,
focused Metropolis search, and the base for your own."""

from .base import (
    Dynamics,
    Facts,
    Info,
    KernelDynamics,
    State,
    check_state,
    facts,
    one_replica,
    replica_result,
    replica_results,
    supports_replicas,
)
from .focused import FocusedMetropolis
from .metropolis import Annealing, HeatBath, Metropolis
from .registry import DYNAMICS, make_dynamics, register_dynamics
from .replicas import Replicas
from .sgd_like import SGDLike
from .tempering import ParallelTempering, TemperingState
from .walksat import WalkSAT

__all__ = [
    "DYNAMICS",
    "Annealing",
    "Dynamics",
    "Facts",
    "FocusedMetropolis",
    "HeatBath",
    "Info",
    "KernelDynamics",
    "Metropolis",
    "ParallelTempering",
    "Replicas",
    "SGDLike",
    "State",
    "TemperingState",
    "WalkSAT",
    "check_state",
    "facts",
    "make_dynamics",
    "one_replica",
    "register_dynamics",
    "replica_result",
    "replica_results",
    "supports_replicas",
]
