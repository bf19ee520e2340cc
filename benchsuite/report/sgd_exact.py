"""SGD-like on small colourings, exactly: how far from reversible and from Boltzmann it is, against s and graph.

    python -m benchsuite.report.sgd_exact > reports/sgd_exact.md        # about 1 minute

Each row is the exact random-scan matrix (one update of a uniformly random site) of the half-edge SGD-like rule
with a fresh batch at every visit, on all 3^10 = 59,049 colourings of a 10-vertex graph (q = 3, not planted,
seed 1): its stationary law pi, the net probability flux sum |pi_i P_ij - pi_j P_ji| / 2 and the entropy
production rate per update, the temperature whose Boltzmann law is closest to pi (T_eff, min KL) with the KL
and total-variation distance that remain, and the zero-drift mean-field T(s) of :mod:`benchsuite.score.sgd_theory`
for the same degree law.
"""

from __future__ import annotations

import numpy as np

from ..dynamics.sgd_like import SGDLike
from ..problems import coloring
from ..score.sgd_theory import zero_drift_temperature
from ..validate.analysis import exact_analysis
from ..validate.markov import StateSpace

GRAPHS = {"ER c=2": {"c": 2.0}, "ER c=4": {"c": 4.0}, "3-regular": {"d": 3}, "4-regular": {"d": 4}}
BATCH_FRACTIONS = (0.2, 0.4, 0.6, 0.8, 0.95)
N, Q = 10, 3


def table(graphs=GRAPHS, batch_fractions=BATCH_FRACTIONS, n: int = N, q: int = Q) -> list[dict]:
    """One record per (graph, s): the fields of :class:`~benchsuite.validate.analysis.ExactAnalysis` and T(s)."""
    rows = []
    for name, graph in graphs.items():
        problem = coloring(n=n, q=q, planted=False, seed=1, **graph)
        space = StateSpace(problem)
        degrees = np.bincount(np.diff(problem.hypergraph.var_ptr)) / n
        for s in batch_fractions:
            analysis = exact_analysis(space, SGDLike(s))
            rows.append({"graph": name, "s": s, "t_theory": zero_drift_temperature(s, q, degrees=degrees),
                         **analysis.as_dict()})  # fmt: skip
    return rows


def markdown(rows: list[dict]) -> str:
    lines = [
        "| graph | s | net flux | entropy production | T_eff | T(s) theory | KL | TV to Boltzmann(T_eff) | gap |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['graph']} | {r['s']:g} | {r['detailed_balance_violation']:.4f} | {r['entropy_production']:.2e} | "
            f"{r['t_eff']:.4f} | {r['t_theory']:.4f} | {r['kl']:.1e} | {r['tv_to_boltzmann']:.4f} | "
            f"{r['spectral_gap']:.4f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(__doc__.split("\n\n", 2)[2].strip() + "\n")
    print(markdown(table()))
