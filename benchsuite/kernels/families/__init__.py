"""Kernel layouts and primitives of the built-in families (importing this package registers them)."""

from . import coloring, ising, ksat, perceptron, xorsat

__all__ = ["coloring", "ising", "ksat", "perceptron", "xorsat"]
