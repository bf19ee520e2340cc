"""Experiments: grids of (instance, algorithm, seed, budget) cells and the store that keeps their results."""

from .store import CellKey, Store

__all__ = ["CellKey", "Store"]
