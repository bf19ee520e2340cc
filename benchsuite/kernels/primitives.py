"""Family primitives: the few jitted operations every rule is written over, dispatched on the model's type.

A *model* is a per-family ``typing.NamedTuple`` of arrays and scalars: the kernel layout of one problem
instance, built by :func:`model_for`.  Every model has four scalar fields the rules read:

- ``n_values`` (int): the size of the domain (2 for spins, q for q states);
- ``delta_bound`` (int): the largest |energy change| of one move when energy changes are integers, -1 when
  they are real numbers;
- ``unit_terms`` (bool): every term changes by 0 or by the same amount +-u under one move, so the SGD-like
  half-edge rule can be drawn from :func:`change_counts` alone;
- ``max_degree`` (int): the largest number of terms one variable appears in.

A family implements the primitives below with :func:`implements`; numba picks the implementation from the
model's type when it compiles a rule, so one rule serves every family, and the compiled rule is cached on
disk per family.  Inside jitted code, call the generic names (``delta(model, x, cache, i, new)``).  Variables
are indexed ``0 .. n-1``; *slots* ``k`` index the (term, variable) incidences of a variable and must follow the
problem's :class:`~benchsuite.problems.Hypergraph` (slot k of variable i is incidence k of ``var_ptr[i]:var_ptr[i+1]``,
so that batch flags mean the same to every implementation and to the reference twins); ``x`` is the int8
configuration and ``cache`` the family's cached fields (shape and dtype are the family's choice).  Every
primitive that takes ``new`` honours it for any value of the domain: with ``new == x[i]``, ``delta``,
``slot_delta`` and ``change_counts`` say nothing changes and ``apply`` leaves ``x`` and ``cache`` as they were.  Values
returned by ``propose`` and ``domain_value`` are plain integers (int64), stored into the int8 ``x``.

Note on numba's cache: a compiled rule is stored with a fingerprint of the model's module (see
:mod:`.templates`), so editing a family's primitives recompiles the built-in rules.  A rule of your own that
you jit with ``cache=True`` is keyed by numba on its own source file only: clear its cache (``__pycache__/*.nb*``)
after changing a family's primitives or upgrading benchsuite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

import numpy as np
from numba.extending import overload

from ..errors import ValidationError
from ..problems.base import Problem
from .rng import next_below

_IMPLEMENTATIONS: dict[tuple[Callable, type], Callable] = {}
_DEFAULTS: dict[Callable, Callable] = {}


def implements(primitive: Callable, model_class: type) -> Callable[[Callable], Callable]:
    """Decorator: the plain-Python (numba-compilable) function is ``primitive`` for models of ``model_class``."""

    def register(func: Callable) -> Callable:
        _IMPLEMENTATIONS[(primitive, model_class)] = func
        return func

    return register


def _choose(primitive: Callable, model) -> Callable:
    cls = getattr(model, "instance_class", None)
    func = _IMPLEMENTATIONS.get((primitive, cls), _DEFAULTS.get(primitive))
    if func is None:
        raise TypeError(f"no {primitive.__name__} for model {model}: register one with @implements")
    return func


def _jitted_only(name: str):
    return TypeError(f"{name} is a jitted primitive: call it from numba-compiled code")


# --- the primitives (generic names; implementations are chosen per model type) ---


def propose(model, x, i, rng):
    """A new value for variable ``i`` (spins: the flip, no random number; q states: uniform among the others)."""
    raise _jitted_only("propose")


def delta(model, x, cache, i, new):
    """Total energy change if ``x[i]`` became ``new`` (int64 when energies are integers, else float64)."""
    raise _jitted_only("delta")


def apply(model, x, cache, i, new):
    """Set ``x[i] = new`` and update ``cache`` to match."""
    raise _jitted_only("apply")


def slot_range(model, i):
    """``(first, last)``: the slots of variable ``i`` are ``first .. last-1``."""
    raise _jitted_only("slot_range")


def slot_term(model, k):
    """The term of slot ``k``."""
    raise _jitted_only("slot_term")


def slot_delta(model, x, cache, i, new, k):
    """Energy change of the term at slot ``k`` of ``i`` if ``x[i]`` became ``new`` (what a mini-batch sums)."""
    raise _jitted_only("slot_delta")


def change_counts(model, x, cache, i, new):
    """``(n_down, n_up)``: the terms of ``i`` whose energy would go down / up (models with ``unit_terms``)."""
    raise _jitted_only("change_counts")


def conditional_energy(model, x, cache, i, v):
    """Energy with ``x[i]`` set to value number ``v`` of the domain, up to a constant that may depend on ``i``
    (what heat bath weighs)."""
    raise _jitted_only("conditional_energy")


def domain_value(model, v):
    """Value number ``v`` of the domain (spins: -1, +1; q states: 0 .. q-1)."""
    raise _jitted_only("domain_value")


def fill_cache(model, x, cache):
    """Compute the family's cached fields of configuration ``x`` into ``cache`` (every entry written)."""
    raise _jitted_only("fill_cache")


def violated(model, cache, a):
    """Whether constraint ``a`` is violated, read from the cache (constraint families only: K-SAT, XORSAT;
    focused searches need it, with the terms in CSR form as ``model.term_ptr`` / ``model.term_var``)."""
    raise _jitted_only("violated")


# --- typing: each primitive resolves to the implementation registered for the model's type ---


@overload(propose, inline="always")
def _propose_typer(model, x, i, rng):
    return _choose(propose, model)


@overload(delta, inline="always")
def _delta_typer(model, x, cache, i, new):
    return _choose(delta, model)


@overload(apply, inline="always")
def _apply_typer(model, x, cache, i, new):
    return _choose(apply, model)


@overload(slot_range, inline="always")
def _slot_range_typer(model, i):
    return _choose(slot_range, model)


@overload(slot_term, inline="always")
def _slot_term_typer(model, k):
    return _choose(slot_term, model)


@overload(slot_delta, inline="always")
def _slot_delta_typer(model, x, cache, i, new, k):
    return _choose(slot_delta, model)


@overload(change_counts, inline="always")
def _change_counts_typer(model, x, cache, i, new):
    return _choose(change_counts, model)


@overload(conditional_energy, inline="always")
def _conditional_energy_typer(model, x, cache, i, v):
    return _choose(conditional_energy, model)


@overload(domain_value, inline="always")
def _domain_value_typer(model, v):
    return _choose(domain_value, model)


@overload(fill_cache, inline="always")
def _fill_cache_typer(model, x, cache):
    return _choose(fill_cache, model)


@overload(violated, inline="always")
def _violated_typer(model, cache, a):
    return _choose(violated, model)


def implemented(primitive: Callable, problem: Problem) -> bool:
    """Whether the kernel model of ``problem``'s family implements ``primitive`` (or it has a default)."""
    return (primitive, type(model_for(problem))) in _IMPLEMENTATIONS or primitive in _DEFAULTS


# --- defaults, used by families that do not implement these ---


def _default_change_counts(model, x, cache, i, new):
    n_down = 0
    n_up = 0
    first, last = slot_range(model, i)
    for k in range(first, last):
        d = slot_delta(model, x, cache, i, new, k)
        if d < 0:
            n_down += 1
        elif d > 0:
            n_up += 1
    return n_down, n_up


def _default_conditional_energy(model, x, cache, i, v):
    # 0 for the current value (whatever delta returns for it), the move's energy change for the others
    value = domain_value(model, v)
    return delta(model, x, cache, i, value) * (value != x[i])


_DEFAULTS[change_counts] = _default_change_counts
_DEFAULTS[conditional_energy] = _default_conditional_energy


# --- reusable implementations ---


def flip_spin(model, x, i, rng):
    """``propose`` for spin domains: the flip (draws nothing)."""
    return -x[i]


def other_state(model, x, i, rng):
    """``propose`` for q-state domains (``model.q``): uniform among the q - 1 other values (one draw)."""
    r = next_below(rng, model.q - 1)
    return r + 1 if r >= x[i] else r


def spin_value(model, v):
    """``domain_value`` for spins: -1, +1."""
    return 2 * v - 1


def state_value(model, v):
    """``domain_value`` for q states: v."""
    return v


# --- problem -> model ---


@dataclass(frozen=True)
class KernelFamily:
    """How to lay out one family's problems for the kernels: ``build(problem) -> model`` and
    ``cache_layout(model) -> (shape, dtype)`` of the family's cache."""

    build: Callable[[Problem], Any]
    cache_layout: Callable[[Any], tuple[tuple[int, ...], Any]]


def aligned_zeros(shape: tuple[int, ...], dtype=np.float64, alignment: int = 64) -> np.ndarray:
    """Zeros whose data starts on an ``alignment``-byte boundary."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape))
    raw = np.zeros(count * dtype.itemsize + alignment, dtype=np.uint8)
    offset = -raw.ctypes.data % alignment
    return raw[offset : offset + count * dtype.itemsize].view(dtype).reshape(shape)


_FAMILIES: dict[type, KernelFamily] = {}
_MODELS: WeakKeyDictionary = WeakKeyDictionary()  # problem -> (model, cache layout)
_MODELS_LOCK = threading.Lock()


def register_model(problem_class: type[Problem], build: Callable[[Problem], Any],
                   cache_layout: Callable[[Any], tuple[tuple[int, ...], Any]]) -> None:  # fmt: skip
    """Lay out problems of ``problem_class`` (and its subclasses) with ``build``; ``cache_layout(model)`` gives
    the shape and dtype of the cache that ``fill_cache`` fills."""
    _FAMILIES[problem_class] = KernelFamily(build, cache_layout)


def kernel_family(problem: Problem) -> KernelFamily:
    """The registration for ``problem``'s class (or its nearest registered base class)."""
    for cls in type(problem).__mro__:
        if cls in _FAMILIES:
            return _FAMILIES[cls]
    raise ValidationError("problem", f"no kernel layout for {type(problem).__name__}; register one with "
                                     "benchsuite.kernels.register_model")  # fmt: skip


def _model_and_layout(problem: Problem) -> tuple[Any, tuple[tuple[int, ...], np.dtype]]:
    with _MODELS_LOCK:  # replicas in threads must share one model object per problem
        entry = _MODELS.get(problem)
        if entry is None:
            family = kernel_family(problem)
            model = family.build(problem)
            for value in model:  # kernels trust the model: nothing outside may write into it
                if isinstance(value, np.ndarray):
                    value.setflags(write=False)
            shape, dtype = family.cache_layout(model)
            entry = _MODELS[problem] = (model, (tuple(shape), np.dtype(dtype)))
        return entry


def model_for(problem: Problem) -> NamedTuple:
    """The kernel model of ``problem`` (built once per problem object and kept while the problem lives)."""
    return _model_and_layout(problem)[0]


def cache_layout(problem: Problem) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype of the cache of ``problem``'s model."""
    return _model_and_layout(problem)[1]


def new_cache(problem: Problem) -> np.ndarray:
    """Zeros in the cache layout of ``problem``'s model, 64-byte aligned (steady SIMD speed of the updates);
    fill it with :data:`~.templates.fill`."""
    shape, dtype = cache_layout(problem)
    return aligned_zeros(shape, dtype)
