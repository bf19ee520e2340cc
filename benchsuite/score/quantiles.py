"""Suite-level summaries: quantiles over instances of each algorithm's time to solution, with a bootstrap
over instances and then runs (Ronnow et al., Science 345, 420 (2014): results as instance quantiles).

For one algorithm, instance i contributes its runs, each a success pattern over the budgets (reached the
target within budget b or not).  Its TTS99 is the smallest over budgets of ``b * R99(p_b)``, with ``p_b``
the fraction of runs that succeeded at ``b`` (R99 floored at 1; infinite when no run succeeded at any
budget).  The statistic is the q-quantile of the instances' TTS99 (``numpy.quantile``, linear interpolation;
an infinite instance makes every quantile it reaches infinite, reported as censored).  The interval is the
percentile bootstrap of :func:`~.metrics.hierarchical_bootstrap`: instances with replacement, then runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .metrics import LEVEL, hierarchical_bootstrap, repetitions
from .scorecard import Metric

QUANTILES = (0.5, 0.9)


def _patterns(successes: np.ndarray) -> np.ndarray:
    """Each run's success pattern over budgets (a boolean row) packed into one exact float (bit b: budget b)."""
    return (successes.astype(np.int64) << np.arange(successes.shape[1])).sum(axis=1).astype(np.float64)


def _tts(packed: np.ndarray, budgets: np.ndarray) -> float:
    bits = (packed.astype(np.int64)[:, None] >> np.arange(budgets.size)) & 1
    p = bits.mean(axis=0)
    return min(float(b) * repetitions(float(q)) for b, q in zip(budgets, p))


def _quantile(values: list[float], q: float) -> float:
    with np.errstate(invalid="ignore"):
        v = float(np.quantile(values, q))
    return math.inf if math.isnan(v) else v  # interpolating between two infinite instances gives nan


def instance_quantiles(label: str, budgets: Sequence[int], successes: Sequence[np.ndarray],
                       quantiles: Sequence[float] = QUANTILES, level: float = LEVEL) -> list[Metric]:  # fmt: skip
    """``tts99_q50``, ``tts99_q90``, ... of one algorithm (``label``) over instances: ``successes[i]`` is a
    boolean (runs, budgets) array of instance i (see the module notes)."""
    b = np.asarray(budgets, dtype=np.float64)
    groups = [_patterns(np.asarray(s, dtype=bool)) for s in successes]
    out = []
    for q in quantiles:
        stat = lambda gs, q=q: _quantile([_tts(g, b) for g in gs], q)
        iv = hierarchical_bootstrap(groups, stat, level=level)
        finite = lambda v: None if math.isinf(v) or math.isnan(v) else v
        note = "censored: the quantile reaches an instance no run solved" if math.isinf(iv.value) else None
        out.append(Metric("(all instances)", label, f"tts99_q{round(100 * q)}", finite(iv.value), finite(iv.low),
                          finite(iv.high), note))  # fmt: skip
    return out
