"""Per-family adapters that unpack a State into the arrays each jitted kernel takes."""

from __future__ import annotations

import numpy as np

from ..errors import ValidationError
from ..problems.base import PairwiseProblem
from ..problems.coloring import ColoringProblem
from ..problems.ising import IsingProblem, aligned_zeros
from . import _coloring_kernels as ck
from . import _ising_kernels as ik
from .base import State


class ColoringBackend:
    @staticmethod
    def cache(problem: ColoringProblem, x: np.ndarray) -> np.ndarray:
        g = problem.graph
        return ck.colour_counts(x, g.ptr, g.nbr, problem.q, g.max_degree)

    @staticmethod
    def metropolis(state: State, betas: np.ndarray, random_order: bool):
        g = state.problem.graph
        return ck.metropolis(state.x, state.cache, g.ptr, g.nbr, g.max_degree, betas, random_order, state.rng)

    @staticmethod
    def heat_bath(state: State, betas: np.ndarray, random_order: bool):
        g = state.problem.graph
        return ck.heat_bath(state.x, state.cache, g.ptr, g.nbr, g.max_degree, betas, random_order, state.rng)

    @staticmethod
    def has_binomial_rule(problem: ColoringProblem) -> bool:
        return True

    @staticmethod
    def sgd_like_table(state: State, accept_prob: np.ndarray, sweeps: int):
        g = state.problem.graph
        return ck.sgd_like_table(state.x, state.cache, g.ptr, g.nbr, accept_prob, sweeps, state.rng)

    @staticmethod
    def n_field_flags(problem: ColoringProblem) -> int:
        return 0

    @staticmethod
    def sgd_like_flags(state: State, flag_index, batch, s: float, sweeps: int, persist: int):
        g = state.problem.graph
        return ck.sgd_like_flags(
            state.x, state.cache, g.ptr, g.nbr, flag_index, batch, s, state.sweep, sweeps, persist, state.rng
        )


class IsingBackend:
    @staticmethod
    def cache(problem: IsingProblem, x: np.ndarray) -> np.ndarray:
        g = problem.graph
        if problem.uses_dense_kernels:
            local = aligned_zeros((problem.n,))
            np.matmul(problem.dense_couplings, x.astype(np.float64), out=local)
            local += problem.fields
            return local
        return ik.local_fields(x, g.ptr, g.nbr, *problem.kernel_couplings)

    @staticmethod
    def metropolis(state: State, betas: np.ndarray, random_order: bool):
        return IsingBackend._fixed_beta(ik.metropolis, ik.metropolis_dense, state, betas, random_order)

    @staticmethod
    def heat_bath(state: State, betas: np.ndarray, random_order: bool):
        return IsingBackend._fixed_beta(ik.heat_bath, ik.heat_bath_dense, state, betas, random_order)

    @staticmethod
    def _fixed_beta(sparse_kernel, dense_kernel, state: State, betas: np.ndarray, random_order: bool):
        p = state.problem
        if p.uses_dense_kernels:
            return dense_kernel(state.x, state.cache, p.dense_couplings, betas, random_order, state.rng, p.field_bound)
        g = p.graph
        slot_j, _ = p.kernel_couplings
        return sparse_kernel(state.x, state.cache, g.ptr, g.nbr, slot_j, betas, random_order, state.rng, p.field_bound)

    @staticmethod
    def has_binomial_rule(problem: IsingProblem) -> bool:
        """+-1 couplings and no fields; other models need explicit batch flags."""
        return problem.unit_couplings and not problem.uses_dense_kernels

    @staticmethod
    def sgd_like_table(state: State, accept_prob: np.ndarray, sweeps: int):
        p = state.problem
        g = p.graph
        slot_j, _ = p.kernel_couplings
        return ik.sgd_like_table(state.x, state.cache, g.ptr, g.nbr, slot_j, accept_prob, sweeps, state.rng)

    @staticmethod
    def n_field_flags(problem: IsingProblem) -> int:
        return problem.n

    @staticmethod
    def sgd_like_flags(state: State, flag_index, batch, s: float, sweeps: int, persist: int):
        p = state.problem
        g = p.graph
        slot_j, h = p.kernel_couplings
        return ik.sgd_like_flags(
            state.x, state.cache, g.ptr, g.nbr, slot_j, h,
            flag_index, batch, s, state.sweep, sweeps, persist, state.rng,
        )  # fmt: skip


_BACKENDS = {ColoringProblem: ColoringBackend, IsingProblem: IsingBackend}


def backend_for(problem: PairwiseProblem):
    """The adapter for ``problem``'s family; ValidationError for anything else."""
    backend = _BACKENDS.get(type(problem))
    if backend is None:
        raise ValidationError("problem", f"no built-in kernels for {type(problem).__name__}")
    return backend
