"""Experiments and metrics: running dynamics on problems and recording what they do."""

from .run import ProtocolError, Trajectory, record_grid, run, run_many

__all__ = ["ProtocolError", "Trajectory", "record_grid", "run", "run_many"]
