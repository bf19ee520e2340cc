"""Statistical checks of dynamics: autocorrelation times and Monte-Carlo error bars."""

from .autocorr import AutocorrError, integrated_time, mean_and_error

__all__ = ["AutocorrError", "integrated_time", "mean_and_error"]
