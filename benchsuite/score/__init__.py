"""Experiments and metrics: running dynamics on problems and recording what they do."""

from .run import Trajectory, record_grid, run, run_many

__all__ = ["Trajectory", "record_grid", "run", "run_many"]
