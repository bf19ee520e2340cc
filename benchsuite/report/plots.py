"""Figures of recorded trajectories (matplotlib, Agg backend; imported only when a plot is drawn)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..score.run import Trajectory


def plot_relaxation(
    trajectories: Sequence[Trajectory], labels: Sequence[str], path: str | Path, title: str = ""
) -> Path:
    """Energy per variable and overlap against sweeps (log axis) for each trajectory; writes a PNG to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    has_overlap = any(t.overlap is not None for t in trajectories)
    fig, axes = plt.subplots(1, 2 if has_overlap else 1, figsize=(11 if has_overlap else 6, 4.2), squeeze=False)
    ax_e = axes[0, 0]
    for t, label in zip(trajectories, labels):
        keep = t.sweeps > 0
        style = "-" if t.dynamics == "metropolis" else "--"
        (line,) = ax_e.plot(t.sweeps[keep], t.energy[keep], style, label=label)
        if has_overlap and t.overlap is not None:
            axes[0, 1].plot(t.sweeps[keep], t.overlap[keep], style, color=line.get_color(), label=label)
    ax_e.set_xscale("log")
    ax_e.set_xlabel("sweeps")
    ax_e.set_ylabel("energy per variable")
    ax_e.legend(fontsize=8)
    if has_overlap:
        ax_o = axes[0, 1]
        ax_o.set_xscale("log")
        ax_o.set_xlabel("sweeps")
        ax_o.set_ylabel("overlap with planted")
        ax_o.set_ylim(-0.05, 1.05)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
