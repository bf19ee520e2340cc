"""Shared pieces of the fuzz suite: the case runner, value buckets and small instances.

Every fuzzed call must either succeed or raise the project's ``ValidationError``; anything else (another
exception, a crash, a case running past ``HANG_SECONDS``) is a failure.  Runs are derandomised, so the same
cases are tried on every machine; the default run tries ``DEFAULT`` cases per fuzz test, the ``slow`` run
``SLOW``.
"""

from __future__ import annotations

import faulthandler
import time
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchsuite.errors import ValidationError

HANG_SECONDS = 30.0  # a single case running longer than this counts as a hang
DEFAULT, SLOW = 300, 3000
SIZES = [pytest.param(DEFAULT, id="default"), pytest.param(SLOW, id="slow", marks=pytest.mark.slow)]


def fuzz(examples: int, strategy: st.SearchStrategy, call: Callable, label: str) -> Counter:
    """Run ``call(case)`` on ``examples`` drawn cases; returns the tally of outcomes: ``refused`` for a
    ValidationError, else what ``call`` returns (``ok`` for None)."""
    tally: Counter = Counter()

    @settings(
        max_examples=examples,
        deadline=None,  # timing is checked below, with compilation kept out by the warm-up fixtures
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def body(case):
        t0 = time.perf_counter()
        faulthandler.dump_traceback_later(2 * HANG_SECONDS, exit=True)  # a true hang ends the run, with a trace
        try:
            tally[call(case) or "ok"] += 1
        except ValidationError:
            tally["refused"] += 1
        finally:
            faulthandler.cancel_dump_traceback_later()
        elapsed = time.perf_counter() - t0
        assert elapsed < HANG_SECONDS, f"case ran {elapsed:.1f} s (limit {HANG_SECONDS} s): {case!r}"

    body()
    outcomes = ", ".join(f"{count} {outcome}" for outcome, count in sorted(tally.items()))
    print(f"fuzz {label}: {sum(tally.values())} cases: {outcomes}")
    return tally


# Values: a small valid bucket (cases run fast) mixed with what a careless or hostile caller passes.
HUGE_INTS = st.sampled_from([2**31, 2**53 + 1, 2**63, 2**64, 10**400, -(2**63)])
BAD_NUMBERS = st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 5e-324, 1e-310, -0.0])
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=8),
    st.lists(st.integers(-3, 3), max_size=3),
    st.sampled_from([b"3", 3j, object(), (1, 2), {"a": 1}]),
)


class Bucket:
    """Values for one argument: a valid range (cases that run) and what a careless or hostile caller passes."""

    def __init__(self, valid: st.SearchStrategy, bad: st.SearchStrategy):
        self.valid, self.bad = valid, bad

    def draw_from(self, clean: bool) -> st.SearchStrategy:
        return self.valid if clean else st.one_of(self.valid, self.bad)


def ints(low: int, high: int) -> Bucket:
    """Integers in [low, high]; else edges below, huge ones, reals and junk."""
    bad = st.one_of(st.integers(-5, low), HUGE_INTS, st.floats(allow_nan=True, allow_infinity=True), JUNK)
    return Bucket(st.integers(low, high), bad)


def counts(low: int, high: int) -> Bucket:
    """Sweep counts: like :func:`ints`, but the huge values lie beyond the 2^53 limit (a valid count of 2^31
    sweeps is a legitimate request that would simply run for hours)."""
    huge = st.sampled_from([2**53 + 1, 2**63, 10**400, -(2**63)])
    bad = st.one_of(st.integers(-5, low), huge, st.floats(allow_nan=True, allow_infinity=True), JUNK)
    return Bucket(st.integers(low, high), bad)


def reals(low: float, high: float) -> Bucket:
    """Reals in [low, high]; else extremes, NaN, huge integers and junk."""
    return Bucket(st.floats(low, high), st.one_of(st.integers(-3, 3), BAD_NUMBERS, HUGE_INTS, JUNK))


def choices(*valid, bad=("", "bogus", 0, None)) -> Bucket:
    return Bucket(st.sampled_from(valid), st.sampled_from(bad))


def spec_value(value) -> str:
    """How a value is written in a ``family:key=value`` spec (junk written as text)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return repr(value)
    return str(value).replace(",", ";")
