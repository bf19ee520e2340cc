"""Instances rebuilt from their spec strings, once per process (workers receive specs, not arrays)."""

from __future__ import annotations

from functools import lru_cache

from ..problems import make_problem
from ..problems.base import Problem


@lru_cache(maxsize=64)
def build_instance(spec: str) -> Problem:
    """The problem of a spec, generated once per process (workers rebuild instances from their specs)."""
    return make_problem(spec)
