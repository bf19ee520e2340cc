"""Exact and statistical checks of dynamics: enumeration, autocorrelation times, Monte-Carlo error bars."""

from .autocorr import AutocorrError, integrated_time, mean_and_error
from .exact import all_energies, boltzmann_mean_energy
from .series import chain_means, energy_series

__all__ = [
    "AutocorrError",
    "all_energies",
    "boltzmann_mean_energy",
    "chain_means",
    "energy_series",
    "integrated_time",
    "mean_and_error",
]
