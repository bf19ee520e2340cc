"""Exceptions raised at the package's public entry points."""

from __future__ import annotations


class ValidationError(ValueError):
    """A public argument has the wrong shape, dtype, range or value.

    ``field`` names the offending argument so callers (and the CLI) can point at it.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


class SpecError(ValidationError):
    """A ``family:key=value,...`` specification string could not be parsed."""
