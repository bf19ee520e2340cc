"""Kernel-side basin counting for continuous chains: the counters of
:class:`benchsuite.score.occupation.BasinObserver`, updated inside the dynamics' loops."""

from numba import njit


@njit(inline="always", cache=True)
def cell(x, lo, inv_width, cells):
    """The grid cell of coordinate ``x`` (clipped to the box)."""
    j = int((x - lo) * inv_width) if x > lo else 0
    return min(max(j, 0), cells - 1)


@njit(inline="always", cache=True)
def observe_point(r, y, lo, inv_width, cells, labels, core, occupancy, transitions, last_core):
    """Count one step of chain ``r`` at the point ``y`` (float64[d]): the cell of each coordinate, flattened in C
    order, then :func:`observe`."""
    flat = 0
    for i in range(y.size):
        flat = flat * cells + cell(y[i], lo[i], inv_width[i], cells)
    observe(r, flat, labels, core, occupancy, transitions, last_core)


@njit(inline="always", cache=True)
def observe(r, flat, labels, core, occupancy, transitions, last_core):
    """Count one step of chain ``r`` in cell ``flat``: its basin, and a core-to-core transition if any."""
    occupancy[r, labels[flat]] += 1
    k = core[flat]
    if k >= 0 and k != last_core[r]:
        if last_core[r] >= 0:
            transitions[r, last_core[r], k] += 1
        last_core[r] = k
