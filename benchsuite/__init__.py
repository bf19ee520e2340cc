"""benchsuite: statistical-physics benchmarks for Monte Carlo and SGD-like dynamics."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("benchsuite")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
