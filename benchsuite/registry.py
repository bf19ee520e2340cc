"""Open registries of families and dynamics: built-in names, names added by ``register``, and entry points.

Third-party packages add their own either by calling ``register_family`` / ``register_dynamics`` at import,
or by declaring an entry point that the registry loads on first lookup::

    [project.entry-points."benchsuite.families"]
    mysat = "mypackage.families:mysat"       # a generator function returning a Problem

    [project.entry-points."benchsuite.dynamics"]
    my-rule = "mypackage.rules:MyRule"       # a Dynamics class (or instance)

Anything importable can also be named directly as ``module:attribute`` (see :func:`resolve`).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from .errors import SpecError

GROUPS = {"problem": "benchsuite.families", "dynamics": "benchsuite.dynamics", "landscape": "benchsuite.landscapes",
          "noise": "benchsuite.noises"}  # fmt: skip


class Registry:
    """Name -> object, filled by built-ins, by :meth:`register` and (lazily) by an entry-point group."""

    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, Any] = {}
        self._loaded_entry_points = False

    def register(self, name: str, obj: Any, *, replace: bool = False) -> Any:
        """Add ``obj`` under ``name``; a name already taken needs ``replace=True``.  Returns ``obj``."""
        if not isinstance(name, str) or not name or ":" in name or "," in name or "=" in name:
            raise SpecError(
                self.what, f"a registered name must be a non-empty string without ':', ',' or '=': {name!r}"
            )
        if name in self._items and not replace and self._items[name] is not obj:
            raise SpecError(self.what, f"{name!r} is already registered (pass replace=True to override it)")
        self._items[name] = obj
        return obj

    def _load_entry_points(self) -> None:
        if self._loaded_entry_points:
            return
        self._loaded_entry_points = True
        for ep in entry_points(group=GROUPS[self.what]):
            if ep.name not in self._items:
                self._items[ep.name] = ep  # loaded on first use

    def get(self, name: str) -> Any:
        """The object registered as ``name``; SpecError listing the known names otherwise."""
        if name not in self._items:
            self._load_entry_points()
        if name not in self._items:
            raise SpecError(self.what, f"unknown {self.what} {name!r}; known: {', '.join(self.names())} "
                                       "(or give module:attribute)")  # fmt: skip
        obj = self._items[name]
        if hasattr(obj, "load") and hasattr(obj, "group"):  # an entry point not loaded yet
            obj = self._items[name] = obj.load()
        return obj

    def names(self) -> list[str]:
        self._load_entry_points()
        return list(self._items)

    def __contains__(self, name: str) -> bool:
        self._load_entry_points()
        return name in self._items


def resolve(path: str, what: str) -> Any:
    """Import ``module:attribute`` (dotted attribute allowed); the current directory is searched first."""
    module_name, _, attribute = path.partition(":")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise SpecError(what, f"cannot import module {module_name!r}: {exc}") from None
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise SpecError(what, f"module {module_name!r} has no attribute {attribute!r}")
        obj = getattr(obj, part)
    return obj


def lookup(registry: Registry, name: str) -> Callable[..., Any]:
    """A registered name, or ``module:attribute`` when ``name`` contains a colon."""
    return resolve(name, registry.what) if ":" in name else registry.get(name)
