"""Exact and statistical checks of dynamics: enumeration, exact transition matrices, a check kit for your own
rules, autocorrelation times and Monte-Carlo error bars."""

from .analysis import ExactAnalysis, exact_analysis
from .autocorr import AutocorrError, integrated_time, mean_and_error
from .checks import CheckResult, stays_at_target
from .estimate import EstimatedMatrix, estimate_transition_matrix
from .exact import all_energies, boltzmann_mean_energy
from .kit import CheckFailed, CheckInconclusive, CheckWarning, check_dynamics, parametrize_with_checks, yield_checks
from .long_chains import chains_agree, mean_energy_matches, same_energy_law
from .own_law import OwnLaw, own_law, own_law_checks
from .reference import same_numbers, same_transitions
from .series import chain_means, energy_series
from .steady_state import stationary_distribution
from .verdict import validate

__all__ = [
    "AutocorrError",
    "CheckFailed",
    "CheckInconclusive",
    "CheckResult",
    "CheckWarning",
    "EstimatedMatrix",
    "ExactAnalysis",
    "OwnLaw",
    "all_energies",
    "boltzmann_mean_energy",
    "chain_means",
    "chains_agree",
    "check_dynamics",
    "energy_series",
    "estimate_transition_matrix",
    "exact_analysis",
    "integrated_time",
    "mean_and_error",
    "mean_energy_matches",
    "own_law",
    "own_law_checks",
    "parametrize_with_checks",
    "same_energy_law",
    "same_numbers",
    "same_transitions",
    "stationary_distribution",
    "stays_at_target",
    "validate",
    "yield_checks",
]
