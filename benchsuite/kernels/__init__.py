"""Public building blocks for jitted dynamics: the RNG, acceptance helpers, family primitives and the rules.

A dynamics of your own is a numba function over a *model* (the kernel layout of a problem, from
:func:`model_for`) that calls the generic primitives, so that it runs on every family::

    from numba import njit
    from benchsuite import kernels as K

    @njit(cache=True, nogil=True)
    def my_sweeps(model, x, cache, sweeps, rng):
        accepted, d_energy = 0, 0
        for _ in range(sweeps):
            for i in range(x.size):
                new = K.propose(model, x, i, rng)
                de = K.delta(model, x, cache, i, new)
                if de <= 0 or K.next_uniform(rng) < 0.1:
                    K.apply(model, x, cache, i, new)
                    accepted += 1
                    d_energy += de
        return accepted, d_energy

Wrap it in a :class:`~benchsuite.dynamics.KernelDynamics` subclass to get ``init`` / ``step`` and everything
that runs dynamics (``run``, ``effective_temperatures``, the CLI).  See ``docs/own_dynamics.md``.

- RNG (xoshiro256**): :func:`next_u64`, :func:`next_uniform`, :func:`next_below`, :func:`seed_state`, and
  :class:`PyXoshiro`, its plain-Python twin for reference implementations.
- Acceptance: :func:`accept`, :func:`boltzmann_factor`, :func:`boltzmann_weight`, :func:`fill_boltzmann_table`, :func:`boltzmann_table`, :func:`acceptance_table`,
  :func:`in_batch`.
- Primitives (dispatched on the model's type): :func:`propose`, :func:`delta`, :func:`apply`,
  :func:`slot_range`, :func:`slot_term`, :func:`slot_delta`, :func:`change_counts`,
  :func:`conditional_energy`, :func:`domain_value`, :func:`fill_cache`, :func:`violated` (constraint
  families); :func:`implements` and :func:`register_model` add a family, :func:`implemented` says whether
  a family has a primitive.
- Rules: :data:`metropolis`, :data:`heat_bath`, :data:`sgd_like_binomial`, :data:`sgd_like_flags`,
  :data:`parallel_tempering`, :data:`walksat` (K-SAT only),
  :data:`focused_metropolis` (constraint families), :data:`fill`; each advances a block of replicas (leading axis; one chain is
  ``state.x[None]``, see :func:`benchsuite.dynamics.one_replica`) and keeps each replica's track up to date
  with :func:`observe` (best energy so far, first sweep at a target).  :func:`metropolis_sweep` is the
  one-replica Metropolis sweep they share, for rules of your own.
"""

from . import families  # noqa: F401 -- registers the built-in families' layouts and primitives
from .acceptance import (
    HOPELESS,
    accept,
    acceptance_table,
    boltzmann_factor,
    boltzmann_table,
    boltzmann_weight,
    fill_boltzmann_table,
)
from .primitives import (
    KernelFamily,
    apply,
    cache_layout,
    change_counts,
    conditional_energy,
    delta,
    domain_value,
    fill_cache,
    flip_spin,
    implemented,
    implements,
    kernel_family,
    model_for,
    new_cache,
    other_state,
    propose,
    register_model,
    slot_delta,
    slot_range,
    slot_term,
    spin_value,
    state_value,
    violated,
)
from .rng import PyXoshiro, next_below, next_u64, next_uniform, seed_state
from .templates import (
    Rule,
    fill,
    focused_metropolis,
    heat_bath,
    in_batch,
    metropolis,
    metropolis_sweep,
    observe,
    parallel_tempering,
    sgd_like_binomial,
    sgd_like_flags,
    walksat,
)

__all__ = [
    "HOPELESS",
    "KernelFamily",
    "PyXoshiro",
    "Rule",
    "accept",
    "acceptance_table",
    "apply",
    "boltzmann_factor",
    "boltzmann_table",
    "boltzmann_weight",
    "cache_layout",
    "change_counts",
    "conditional_energy",
    "delta",
    "domain_value",
    "fill",
    "fill_boltzmann_table",
    "fill_cache",
    "flip_spin",
    "focused_metropolis",
    "heat_bath",
    "implemented",
    "implements",
    "in_batch",
    "kernel_family",
    "metropolis",
    "metropolis_sweep",
    "model_for",
    "new_cache",
    "next_below",
    "next_u64",
    "next_uniform",
    "observe",
    "other_state",
    "parallel_tempering",
    "propose",
    "register_model",
    "seed_state",
    "sgd_like_binomial",
    "sgd_like_flags",
    "slot_delta",
    "slot_range",
    "slot_term",
    "spin_value",
    "state_value",
    "violated",
    "walksat",
]
