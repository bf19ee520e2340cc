"""Small argument checks shared by the public entry points; each raises ValidationError."""

from __future__ import annotations

import math
import os
import sys
import tempfile
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from .errors import ValidationError

MAX_COUNT = 2**53  # sweeps, horizons, batch persistence: exact in float64, and counts x n stay within int64


def integer(field: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as int, checking it is an integer in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValidationError(field, f"must be an integer, got {value!r}")
    value = int(value)
    if low is not None and value < low:
        raise ValidationError(field, f"must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValidationError(field, f"must be <= {high}, got {value}")
    return value


def real(
    field: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float in the stated interval."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValidationError(field, f"must be a real number, got {value!r}")
    try:
        value = float(value)
    except OverflowError:
        raise ValidationError(field, "is beyond the range of a float (|x| < 1.8e308)") from None
    if not math.isfinite(value):
        raise ValidationError(field, f"must be finite, got {value}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValidationError(field, f"must be {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValidationError(field, f"must be {'<' if high_open else '<='} {high}, got {value}")
    return value


def choice(field: str, value, options: tuple[str, ...]) -> str:
    """``value`` if it is one of the strings ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValidationError(field, f"must be one of {', '.join(options)}, got {value!r}")
    return value


def count(field: str, value, *, low: int = 0) -> int:
    """A count of sweeps or steps: an integer in [low, 2^53]."""
    return integer(field, value, low=low, high=MAX_COUNT)


def workers(value) -> int:
    """Threads or processes a caller gives a pool: an integer >= 1, or None for every core of the machine."""
    return integer("workers", os.cpu_count() or 1 if value is None else value, low=1, high=4096)


def inverse_temperature(field: str, temperature) -> float:
    """beta = 1/T for a temperature T > 0 whose inverse is a finite float (T >= 5.6e-309)."""
    t = real(field, temperature, low=0.0, low_open=True)
    beta = 1.0 / t
    if not math.isfinite(beta):
        raise ValidationError(
            field, f"{t!r} is too small: 1/T overflows (T must be at least {1 / sys.float_info.max:.3g})"
        )
    return beta


def output_directory(field: str, path, *, create: bool) -> Path:
    """A directory the results can be written into, checked before any work is done by writing a probe: an
    existing directory, or (with ``create``) one that can be made below its nearest existing parent.  Nothing
    is left behind."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValidationError(field, f"{out} exists and is not a directory")
    if not out.exists() and not create:
        raise ValidationError(field, f"{out} is not a directory")
    probe_in = out if out.exists() else next((p for p in out.absolute().parents if p.exists()), Path("/"))
    try:
        if out.exists():
            tempfile.TemporaryFile(dir=probe_in).close()
        else:
            os.rmdir(tempfile.mkdtemp(dir=probe_in))
    except OSError as exc:
        raise ValidationError(field, f"cannot write into {out} ({exc.strerror or exc})") from None
    return out


def available_memory() -> int:
    """Bytes of memory the machine can still give (MemAvailable on Linux, else the physical total)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def affordable(field: str, nbytes: float, what: str) -> None:
    """Refuse, before allocating, a request whose estimated size exceeds the memory available now."""
    available = available_memory()
    if nbytes > available:
        raise ValidationError(field, f"{what} would need about {nbytes / 1e9:.3g} GB; this machine has "
                                     f"{available / 1e9:.3g} GB available")  # fmt: skip


def array(field: str, value, *, ndim: int, kind: str, shape: tuple | None = None) -> np.ndarray:
    """Check an array's rank, dtype kind ('i' integer, 'f' real) and shape; reject non-finite reals."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError, OverflowError) as exc:  # ragged nesting, unconvertible objects
        raise ValidationError(field, f"must be a rectangular array of numbers ({exc})") from None
    if arr.ndim != ndim:
        raise ValidationError(field, f"must be {ndim}-dimensional, got shape {arr.shape}")
    if kind == "i":
        if arr.dtype.kind not in "iu":
            raise ValidationError(field, f"must have an integer dtype, got {arr.dtype}")
    elif kind == "f":
        if arr.dtype.kind not in "iuf":
            raise ValidationError(field, f"must have a real dtype, got {arr.dtype}")
        if not np.all(np.isfinite(arr)):
            raise ValidationError(field, "must be finite (found NaN or inf)")
    if shape is not None:
        for axis, (got, want) in enumerate(zip(arr.shape, shape)):
            if want is not None and got != want:
                raise ValidationError(field, f"must have shape {shape}, got {arr.shape} (axis {axis})")
    return arr
