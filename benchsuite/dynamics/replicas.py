"""A block of R independent chains of one problem, advanced by one kernel call per step.

The rules of :mod:`benchsuite.kernels` advance a block of replicas (leading axis R); a :class:`Replicas`
holds such a block with the bookkeeping a :class:`~benchsuite.dynamics.State` keeps for one chain (the energy
of every chain, the sweeps done, the tracks).  The validators run their planned tests on blocks of up to
10^6 chains this way: one kernel call per sweep instead of one ``init`` and ``step`` per chain.

A dynamics supports blocks when it implements ``advance_replicas(block, sweeps)`` (see
:class:`~benchsuite.dynamics.KernelDynamics`); :func:`~benchsuite.dynamics.supports_replicas` says whether it does.  Chain r's
kernel stream is words ``4r .. 4r+3`` of ``SeedSequence(seed).generate_state(4R)``, so a block is the same
for a seed whatever runs it; its start configurations are given by the caller.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .._checks import MAX_COUNT
from ..errors import ValidationError
from ..kernels import cache_layout, model_for
from ..kernels.templates import TARGET, TRACK_SIZE, fill_replicas
from ..problems.base import Problem

MAX_BLOCK_BYTES = 1 << 31  # configurations, caches and rule arrays of one block


@dataclass(eq=False)
class Replicas:
    """R chains of one problem: configurations ``x`` (R, n) int8, caches (R, *layout), RNG states (R, 4),
    tracks (R, TRACK_SIZE), total energies ``energy`` (R,), the sweeps every chain has done (``sweep``) and
    rule arrays ``extra`` (each with the leading axis R).  Made by ``KernelDynamics.init_replicas``."""

    problem: Problem
    model: NamedTuple
    x: np.ndarray
    cache: np.ndarray
    rng: np.ndarray
    track: np.ndarray
    energy: np.ndarray
    sweep: int = 0
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    _layout: dict[str, tuple] = field(default_factory=dict, repr=False)
    _seal: tuple | None = field(default=None, init=False, repr=False)

    @property
    def size(self) -> int:
        """The number of chains R."""
        return self.x.shape[0]


def block_of_one(state) -> Replicas:
    """``state`` as a block of one chain: views of its arrays with a leading axis of length 1 (the energy is
    a copy; the caller adds the energy change)."""
    extra = {k: v[None] for k, v in state.extra.items() if isinstance(v, np.ndarray)}
    return Replicas(state.problem, state.model, state.x[None], state.cache[None], state.rng[None],
                    state.track[None], np.array([float(state.energy)]), int(state.sweep), extra)  # fmt: skip


def start_block(problem: Problem, x0, seed: np.random.SeedSequence, template_extra: dict[str, Any]) -> Replicas:
    """R chains at configurations ``x0`` (R, n), their kernel streams from ``seed`` (see the module notes),
    rule arrays copied from ``template_extra`` (one chain's, from the dynamics' ``prepare``)."""
    x0 = np.asarray(x0)
    if x0.ndim != 2 or x0.shape[1] != problem.n or x0.shape[0] < 1:
        raise ValidationError("x0", f"must be a (chains, {problem.n}) array of configurations, got shape {x0.shape}")
    chains = x0.shape[0]
    shape, dtype = cache_layout(problem)
    per_chain = problem.n + int(np.prod(shape)) * np.dtype(dtype).itemsize + 8 * (4 + TRACK_SIZE + 1)
    per_chain += sum(v.nbytes for v in template_extra.values() if isinstance(v, np.ndarray))
    if chains * per_chain > MAX_BLOCK_BYTES:
        raise ValidationError("x0", f"{chains} chains of {per_chain} bytes is beyond the block limit of "
                                    f"{MAX_BLOCK_BYTES / 2**30:g} GiB")  # fmt: skip
    x = _configurations(problem, x0)
    model = model_for(problem)
    cache = np.zeros((chains, *shape), dtype=dtype)
    fill_replicas(model, x, cache)
    energy = problem.energies(x)
    rng = seed.generate_state(4 * chains, dtype=np.uint64).reshape(chains, 4)
    rng[~rng.any(axis=1), 0] = np.uint64(0x9E3779B97F4A7C15)  # the all-zero state is xoshiro's fixed point
    track = np.zeros((chains, TRACK_SIZE))
    track[:, :4] = np.column_stack([energy, np.zeros(chains), energy, np.zeros(chains)])
    track[:, TARGET:] = (-np.inf, -1.0, 0.0, 0.0)
    extra = {}
    for key, value in template_extra.items():
        if not isinstance(value, np.ndarray):
            raise ValidationError(f"state.extra[{key!r}]", "must be an array to run in a block of chains")
        extra[key] = np.ascontiguousarray(np.repeat(value[None], chains, axis=0))
    layout = {key: (value.shape, value.dtype) for key, value in template_extra.items()}
    block = Replicas(problem, model, x, cache, rng, track, energy, 0, extra, layout)
    seal(block)
    return block


def _configurations(problem: Problem, x0: np.ndarray) -> np.ndarray:
    """``x0`` checked to hold domain values, as a C-contiguous int8 copy."""
    if x0.dtype.kind not in "iu":
        raise ValidationError("x0", f"must have an integer dtype, got {x0.dtype}")
    values = problem.domain.values
    digits = np.searchsorted(values, x0)
    bad = (digits >= values.size) | (values[np.minimum(digits, values.size - 1)] != x0)
    if bad.any():
        chain, site = np.argwhere(bad)[0]
        raise ValidationError("x0", f"chain {chain}, variable {site}: {x0[chain, site]} is not in the domain "
                                    f"{values.tolist()}")  # fmt: skip
    return np.ascontiguousarray(x0, dtype=np.int8)


def check_block(block: Replicas) -> None:
    """Structural check before a block reaches a kernel (shapes, dtypes, contiguity, separate memory); a block
    changed from outside since its last step has its values checked and its caches and energies rebuilt."""
    if not isinstance(block, Replicas):
        raise ValidationError("block", f"must be Replicas from init_replicas(), got {type(block).__name__}")
    problem = block.problem
    if not isinstance(problem, Problem) or block.model is not model_for(problem):
        raise ValidationError("block.model", "is not the kernel model of block.problem")
    chains, n = block.size, problem.n
    shape, dtype = cache_layout(problem)
    wanted = {"block.x": (block.x, (chains, n), np.int8), "block.cache": (block.cache, (chains, *shape), dtype),
              "block.rng": (block.rng, (chains, 4), np.uint64), "block.track": (block.track, (chains, TRACK_SIZE),
              np.float64), "block.energy": (block.energy, (chains,), np.float64)}  # fmt: skip
    if not isinstance(block.extra, dict):
        raise ValidationError("block.extra", f"must be a dict, got {type(block.extra).__name__}")
    for key, (shape_one, dtype_one) in block._layout.items():
        wanted[f"block.extra[{key!r}]"] = (block.extra.get(key), (chains, *shape_one), dtype_one)
    for name, (arr, want_shape, want_dtype) in wanted.items():
        if not isinstance(arr, np.ndarray) or arr.shape != want_shape or arr.dtype != want_dtype:
            raise ValidationError(name, f"must be {np.dtype(want_dtype)} of shape {want_shape}, got "
                                        f"{getattr(arr, 'dtype', type(arr).__name__)} {getattr(arr, 'shape', '')}")  # fmt: skip
        if not (arr.flags.c_contiguous and arr.flags.writeable):
            raise ValidationError(name, "must be a C-contiguous, writable array")
    check_apart({name: arr for name, (arr, _, _) in wanted.items()})
    sweep = block.sweep
    if isinstance(sweep, bool) or not isinstance(sweep, int | np.integer) or not 0 <= int(sweep) <= MAX_COUNT:
        raise ValidationError("block.sweep", f"must be an integer in [0, 2^53] (sweeps done), got {sweep!r}")
    if not sealed(block):
        _rebuild(block)


def check_apart(arrays: dict[str, np.ndarray]) -> None:
    """No two of the arrays a kernel sees may overlap (a write to one would corrupt another)."""
    names = list(arrays)
    for a, first in enumerate(names):
        for second in names[a + 1 :]:
            if np.may_share_memory(arrays[first], arrays[second]):
                raise ValidationError(second, f"shares memory with {first}")


def _checksum(block: Replicas) -> tuple:
    digest = hashlib.sha256(block.x)
    digest.update(block.cache)
    digest.update(block.energy)
    digest.update(block.rng)
    return block.sweep, digest.digest()


def seal(block: Replicas) -> None:
    """Record a checksum of the block as the kernels left it (outside writes then show as a mismatch)."""
    block._seal = (block.problem, _checksum(block))


def sealed(block: Replicas) -> bool:
    return block._seal is not None and block._seal[0] is block.problem and block._seal[1] == _checksum(block)


def _rebuild(block: Replicas) -> None:
    """After an outside write: check the configurations and RNG states, rebuild caches and energies."""
    block.x[:] = _configurations(block.problem, block.x)
    if not block.rng.any(axis=1).all():
        raise ValidationError("block.rng", "has an all-zero row, a fixed point of xoshiro256**")
    fill_replicas(block.model, block.x, block.cache)
    block.energy[:] = block.problem.energies(block.x)
    seal(block)
