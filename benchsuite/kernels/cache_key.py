"""Disk-cached kernels whose cache key follows every module they may inline.

numba keys a function cached on disk on its own source file only (numba's documentation, "Notes on caching":
changes to functions defined in other files are not detected).  A kernel that inlines a landscape's formula,
a noise law or the generator keeps its old machine code after one of those modules changes, and an editable
install silently runs stale arithmetic.  A kernel is therefore written as a factory ``factory(fingerprint)``
returning the function, whose body names ``fingerprint``: numba hashes closure variables into the cache key,
and :func:`numba_sources_fingerprint` is a hash of every module of the package that uses numba.  Editing any
of them recompiles the kernels that carry it; a wheel install, whose files never change, always hits the cache.

The discrete rules (:mod:`.templates`) use a finer key, the model's module and the kernel modules each rule
inlines; these kernels reach more modules (formulas, noise laws, basins, the Gaussian sampler), and one key
over all of them cannot miss one.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path

from numba import njit

PACKAGE = Path(__file__).resolve().parent.parent


@cache
def numba_sources_fingerprint() -> str:
    """SHA-256 (16 hex) of the path and bytes of every ``.py`` file of the package that mentions numba."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_bytes()
        if b"numba" in text:
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + text)
    return h.hexdigest()[:16]


class FingerprintedKernel:
    """``factory(fingerprint)`` compiled by numba with its disk cache at the first call, the fingerprint of
    :func:`numba_sources_fingerprint` in its closure.  ``py_func`` is the function itself (fingerprint
    ``""``), for reading and for plain-Python runs."""

    def __init__(self, factory: Callable[[str], Callable], options: dict):
        self._factory = factory
        self._options = options
        self._dispatcher: Callable | None = None
        self._lock = threading.Lock()
        self.py_func = factory("")
        self.__doc__ = self.py_func.__doc__
        self.__name__ = self.py_func.__name__

    def dispatcher(self) -> Callable:
        """The numba dispatcher (compiled, or loaded from the cache, on first use)."""
        with self._lock:
            if self._dispatcher is None:
                function = self._factory(numba_sources_fingerprint())
                self._dispatcher = njit(cache=True, nogil=True, **self._options)(function)
            return self._dispatcher

    def __call__(self, *args):
        return self.dispatcher()(*args)


def fingerprinted(**options) -> Callable[[Callable[[str], Callable]], FingerprintedKernel]:
    """Decorator for a kernel factory: a :class:`FingerprintedKernel` with numba ``options``."""
    return lambda factory: FingerprintedKernel(factory, options)
