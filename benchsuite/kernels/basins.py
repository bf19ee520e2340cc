"""Kernel-side basin counting for continuous chains: the counters of
:class:`benchsuite.score.occupation.BasinObserver`, updated inside the dynamics' loops."""

from numba import njit


@njit(inline="always", cache=True)
def cell(x, lo, inv_width, cells):
    """The grid cell of coordinate ``x`` (clipped to the box)."""
    j = int((x - lo) * inv_width) if x > lo else 0
    return min(max(j, 0), cells - 1)


@njit(inline="always", cache=True)
def observe(r, flat, labels, core, occupancy, transitions, last_core):
    """Count one step of chain ``r`` in cell ``flat``: its basin, and a core-to-core transition if any."""
    occupancy[r, labels[flat]] += 1
    k = core[flat]
    if k >= 0 and k != last_core[r]:
        if last_core[r] >= 0:
            transitions[r, last_core[r], k] += 1
        last_core[r] = k
