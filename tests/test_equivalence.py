"""Effective temperature, zero-drift theory and stationarity checks."""

import itertools
import math

import numpy as np
import pytest

from benchsuite import cli
from benchsuite.dynamics import Metropolis, SGDLike
from benchsuite.errors import ValidationError
from benchsuite.problems import coloring
from benchsuite.score.equivalence import (
    ReferenceCurve,
    effective_temperature_from_energy,
    effective_temperatures,
    relaxation_match,
)
from benchsuite.score.sgd_theory import (
    energy_drift,
    metropolis_acceptance,
    naive_temperature,
    poisson_degrees,
    sgd_like_acceptance,
    sgd_like_drift,
    zero_drift_temperature,
)
from benchsuite.score.stationary import mser_burn_in, stationary_energy


@pytest.fixture(scope="module")
def small():
    return coloring(n=5000, q=5, c=10, seed=3)


def _sigma(eff):
    return (eff.high - eff.low) / (2 * 1.959963984540054)


def test_metropolis_has_zero_drift_at_its_own_temperature():
    law = poisson_degrees(10)
    for t in (0.4, 1.0, 3.0):
        assert abs(energy_drift(t, 5, law, metropolis_acceptance(t))) < 1e-12
        assert energy_drift(t, 5, law, metropolis_acceptance(0.8 * t)) < 0  # a colder rule drifts downhill


@pytest.mark.parametrize("s", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("t", [0.3, 1.0, 4.0])
def test_sgd_like_drift_in_closed_form_equals_the_sum_over_the_acceptance_table(s, t):
    """The O(degree) exchangeability form (Skellam for Poisson degrees) against the (d+1)^2 table sum."""
    law = poisson_degrees(6)
    generic = energy_drift(t, 5, law, sgd_like_acceptance(s, law.size - 1))
    assert sgd_like_drift(t, s, 5, c=6) == pytest.approx(generic, rel=1e-9, abs=1e-12)
    regular = np.zeros(8)
    regular[[3, 7]] = 0.5
    generic = energy_drift(t, 5, regular, sgd_like_acceptance(s, 7))
    assert sgd_like_drift(t, s, 5, degrees=regular) == pytest.approx(generic, rel=1e-12, abs=1e-15)


def test_zero_drift_temperature_of_dense_graphs_beyond_the_initial_bracket():
    """c = 1000: T(s) exceeds the initial bracket [0.02, 50] for small s; the search widens it (once slow)."""
    t = zero_drift_temperature(0.02, 5, c=1000)
    assert t > 50
    assert sgd_like_drift(t, 0.02, 5, c=1000) == pytest.approx(0.0, abs=1e-9)


def test_theory_temperatures_are_ordered_and_limits_hold():
    ts = [zero_drift_temperature(s, 5, c=10) for s in (0.3, 0.5, 0.8, 0.95)]
    assert all(a > b for a, b in itertools.pairwise(ts))
    assert zero_drift_temperature(1.0, 5, c=10) == 0.0
    assert naive_temperature(0.5) == pytest.approx(1 / math.log(2))
    regular = np.zeros(11)
    regular[10] = 1.0
    assert zero_drift_temperature(0.8, 5, degrees=regular) > 0
    with pytest.raises(ValidationError, match="s"):
        zero_drift_temperature(0.0, 5, c=10)
    with pytest.raises(ValidationError, match="degrees"):
        zero_drift_temperature(0.5, 5, degrees=np.array([0.5, 0.6]))
    with pytest.raises(ValidationError, match="c"):
        zero_drift_temperature(0.5, 5)


def test_mser_discards_the_transient():
    rng = np.random.default_rng(0)
    series = 0.3 + 0.5 * np.exp(-np.arange(2000) / 20) + 0.01 * rng.standard_normal(2000)
    burn = mser_burn_in(series)
    assert 60 <= burn <= 400  # the decay is below the noise after ~80 sweeps


class _Synthetic:
    """A 'dynamics' whose energy per variable is white noise (sd 1) plus ``shift`` from sweep ``at`` on."""

    name = "synthetic"

    def __init__(self, shift: float, at: int):
        self.shift, self.at = shift, at

    def params(self):
        return {"shift": self.shift, "at": self.at}

    def init(self, problem, seed, x0=None, horizon=None):
        state = Metropolis(1.0).init(problem, seed)
        state.extra["noise"] = np.random.default_rng(seed)
        return state

    def step(self, state, sweeps):
        state.sweep += sweeps
        level = self.shift if state.sweep >= self.at else 0.0
        state.energy = state.problem.n * (level + state.extra["noise"].standard_normal())
        return state, None


def test_stationarity_check_rejects_a_level_shift_through_the_drift_test():
    """A shift of 0.3 noise sd halfway through 2,000 sweeps: the autocorrelation time stays near 1 (the series is
    long enough), and the halves' means differ by about 6 standard errors, so the drift test rejects it; the
    same series without the shift passes (false-alarm rate 0.27% at z = 3)."""
    problem = coloring(n=100, q=5, c=3, seed=0)
    shifted = stationary_energy(problem, _Synthetic(0.3, 1000), seed=1, sweeps=2000, max_sweeps=2000)
    assert not shifted.stationary and shifted.verdict.startswith("drift"), shifted.verdict
    assert shifted.tau < 2
    flat = stationary_energy(problem, _Synthetic(0.0, 1000), seed=1, sweeps=2000, max_sweeps=2000)
    assert flat.stationary and flat.verdict == "stationary"


def test_stationarity_check_says_when_a_series_is_too_short():
    """A slow random walk: its autocorrelation time is of the order of the run, so no error bar is given."""

    class Walk(_Synthetic):
        def step(self, state, sweeps):
            state.sweep += sweeps
            state.energy += state.problem.n * state.extra["noise"].standard_normal()
            return state, None

    result = stationary_energy(coloring(n=100, q=5, c=3, seed=0), Walk(0.0, 0), seed=1, sweeps=200, max_sweeps=400)
    assert not result.stationary and result.verdict.startswith("too short") and np.isnan(result.error)


def test_effective_temperature_of_metropolis_is_its_temperature(small):
    """T_eff(Metropolis at T) = T within 5 standard errors (interval from both error bars)."""
    curve = ReferenceCurve(small, seed=11)
    for t in (0.6, 1.2):
        target = stationary_energy(small, Metropolis(t), seed=5)
        eff = effective_temperature_from_energy(curve, target)
        assert abs(eff.t_eff - t) < 5 * _sigma(eff)
        assert eff.t_paramagnetic == pytest.approx(eff.t_eff, rel=0.02)


def test_sgd_like_t_eff_decreases_with_s_and_matches_zero_drift_theory(small):
    fractions = (0.5, 0.8, 0.95)
    results = effective_temperatures(small, [SGDLike(s) for s in fractions], seed=7, relax_sweeps=30, starts=2)
    effs = [eff for eff, _ in results]
    for a, b in itertools.pairwise(effs):
        assert a.low > b.high
    for s, eff in zip(fractions, effs):
        theory = zero_drift_temperature(s, 5, c=2 * small.m / small.n)
        assert abs(eff.t_eff - theory) < 5 * _sigma(eff), (s, eff.t_eff, theory)
    for _, rel in results:
        assert rel.energy_dynamics.shape == rel.energy_metropolis.shape and np.all(rel.band[rel.sweeps > 0] > 0)


def test_cli_equivalence_json_and_errors(capsys):
    import json

    code = cli.main(["equivalence", "--problem", "coloring:n=2000,q=5,c=10", "--dynamics", "sgd-like",
                     "--s", "0.8", "--seed", "2", "--relax-sweeps", "20", "--starts", "2", "--json"])  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    row = out["rows"][0]
    for key in ("s", "t_eff", "t_eff_low", "t_eff_high", "t_theory", "t_naive", "e_stationary", "time_scale",
                "relaxation_agrees", "late_difference", "t_nominal"):  # fmt: skip
        assert key in row
    problem = coloring(n=2000, q=5, c=10, seed=2)
    ((eff, rel),) = effective_temperatures(problem, [SGDLike(0.8)], seed=2, relax_sweeps=20, starts=2)
    assert (row["t_eff"], row["t_eff_low"], row["t_eff_high"]) == (
        eff.t_eff,
        eff.low,
        eff.high,
    )  # same numbers as the API
    assert row["time_scale"] == rel.time_scale and out["instance_id"] == problem.instance_id
    assert cli.main(["equivalence", "--problem", "coloring:n=2000,q=5,c=10", "--dynamics", "metropolis:T=1",
                     "--s", "0.5"]) == 2  # fmt: skip
    assert cli.main(["equivalence", "--problem", "coloring:n=2000,q=5,c=10", "--dynamics", "sgd-like",
                     "--s", "0.5,x"]) == 2  # fmt: skip
    assert cli.main(["equivalence", "--problem", "coloring:n=2000,q=5,c=10", "--dynamics", "sgd-like",
                     "--s", "1.5"]) == 2  # fmt: skip


def test_spinodal_formula_and_advisor_on_a_small_instance():
    from benchsuite.score.advisor import advise_batch, batch_for_temperature, spinodal_temperature

    assert spinodal_temperature(16, 5) is None and spinodal_temperature(10, 5) is None
    t_sp = spinodal_temperature(30, 5)
    assert math.exp(-1 / t_sp) == pytest.approx(14 / 34)
    s = batch_for_temperature(0.7, 5, 30)
    assert zero_drift_temperature(s, 5, c=30) == pytest.approx(0.7, rel=1e-5)
    advice = advise_batch(coloring(n=2000, q=5, c=30, seed=1), sweeps=600, seed=1, points=4)
    assert advice.t_best < advice.t_spinodal
    assert zero_drift_temperature(advice.s, 5, c=30) == pytest.approx(advice.t_best, rel=1e-4)
    assert advice.check_overlap > 0.9  # the advised s recovers the planted colouring on this instance
    with pytest.raises(ValidationError, match="c"):
        advise_batch(coloring(n=2000, q=5, c=12, seed=1), sweeps=100)
    with pytest.raises(ValidationError, match="problem"):
        advise_batch(coloring(n=2000, q=5, c=30, planted=False, seed=1), sweeps=100)


def test_each_t_eff_depends_on_its_own_dynamics_only(small):
    """Measured alone or next to other dynamics, the same dynamics and seed give the same T_eff."""
    alone = effective_temperatures(small, [SGDLike(0.8)], seed=7, relax_sweeps=10, starts=2)[0][0]
    together = effective_temperatures(small, [SGDLike(0.5), SGDLike(0.8), SGDLike(0.95)], seed=7, relax_sweeps=10,
                                      starts=2)[1][0]  # fmt: skip
    assert (alone.t_eff, alone.low, alone.high) == (together.t_eff, together.low, together.high)


def test_a_wrong_nominal_temperature_is_reported(small):
    """A rule whose acceptance uses exp(-dE / 2T) samples at 2T: its nominal T disagrees with T_eff."""
    from broken_dynamics import UserMetropolis

    (right, _), (wrong, _) = effective_temperatures(small, [UserMetropolis(0.6), UserMetropolis(0.6, "half-exponent")],
                                                    seed=7, relax_sweeps=10, starts=2)  # fmt: skip
    assert right.nominal == 0.6 and right.agrees_with_nominal
    assert wrong.agrees_with_nominal is False and abs(wrong.t_eff - 1.2) <= 3.29 * _sigma(wrong)  # it samples at 2T


def test_relaxation_of_metropolis_against_itself_agrees_and_has_time_scale_one(small):
    rel = relaxation_match(small, Metropolis(0.6), 0.6, sweeps=50, starts=16, seed=3)
    assert rel.agrees and rel.time_scale_low <= 1.0 <= rel.time_scale_high
    assert abs(rel.late_difference) <= 3.29 * rel.late_error


@pytest.mark.slow
def test_coverage_of_the_t_eff_interval_and_relaxation_false_alarms_on_metropolis(small):
    """Metropolis at known T, 40 seeds x 2 temperatures: the 95% interval must contain T a Binomial(80, 0.95)-
    plausible number of times, and the relaxation verdict (family-wise rate <= 5%) must not alarm more often than
    Binomial(80, 0.05) allows (both two-sided / one-sided at 1e-4).  Measured once: 75/80 covered, 2/80 alarms."""
    from scipy.stats import binom

    covered = alarms = 0
    for seed in range(40):
        for t in (0.5, 0.8):
            ((eff, rel),) = effective_temperatures(small, [Metropolis(t)], seed=seed, relax_sweeps=50, starts=16)
            covered += eff.low <= t <= eff.high
            alarms += not rel.agrees
    assert binom.ppf(5e-5, 80, 0.95) <= covered <= binom.isf(5e-5, 80, 0.95), covered
    assert alarms <= binom.isf(1e-4, 80, 0.05), alarms


def test_quantised_equal_differences_do_not_give_an_infinite_z():
    """Sixteen starts whose energy differences are all one unit of 1/n (up to rounding): the error is the
    quantisation floor, not zero, so |z| stays of order sqrt(12 x 16) instead of 1e15."""
    from benchsuite.score.equivalence import difference_error

    n = 1000
    diff = np.full((16, 3), -1.0 / n) + np.array([0.0, 1e-19, -1e-19])[None, :]
    diff[:, 0] = 0.0
    error = difference_error(diff, n)
    assert np.all(error == pytest.approx(1.0 / (n * np.sqrt(12 * 16))))
    assert np.abs(diff.mean(axis=0)[1:] / error[1:]).max() == pytest.approx(np.sqrt(12 * 16), rel=1e-6)
    real = np.random.default_rng(0).normal(0.0, 1e-3, size=(16, 4)) + 1e-7  # not quantised: plain standard error
    assert np.allclose(difference_error(real, n), real.std(axis=0, ddof=1) / 4)


def test_a_stationary_energy_without_error_bar_is_refused_with_its_cause(monkeypatch):
    """'T: must be finite, got nan' used to hide the cause ('too short: ...'); now the cause is the message."""
    from benchsuite.score import equivalence
    from benchsuite.score.stationary import StationaryEnergy

    short = StationaryEnergy(0.02, math.nan, math.nan, 0, 7232, False, "too short: 7232 samples < 50 tau = 24667")
    monkeypatch.setattr(equivalence, "stationary_energy", lambda *args, **kwargs: short)
    with pytest.raises(ValidationError, match="too short: 7232 samples") as err:
        equivalence.effective_temperatures(coloring(n=500, q=5, c=10, seed=1), [SGDLike(0.8)], seed=1)
    assert err.value.field == "sweeps"


def test_a_reference_point_without_an_error_bar_is_named_not_a_nan_temperature(monkeypatch):
    """Found by the scorer's T_eff baseline: near the colouring's dynamical transition the Metropolis reference at
    one temperature was too short for an error bar; the message names it instead of 'T: must be finite, got nan'.
    Here every reference point loses its error bar (as a run too short for one would)."""
    import dataclasses

    from benchsuite.score import equivalence

    real = equivalence.stationary_energy

    def short_reference(problem, dynamics, *args, **kwargs):
        point = real(problem, dynamics, *args, **kwargs)
        if isinstance(dynamics, Metropolis):
            return dataclasses.replace(point, error=math.nan, stationary=False, verdict="too short: 1 sample")
        return point

    monkeypatch.setattr(equivalence, "stationary_energy", short_reference)
    with pytest.raises(ValidationError, match=r"Metropolis reference at T = .* has no error bar \(too short"):
        effective_temperatures(coloring(n=200, q=5, c=3, seed=1), [SGDLike(0.8)], seed=1, sweeps=200)


@pytest.mark.parametrize("low, high", [(0.5, 0.5), (0.3, math.inf), (-math.inf, 0.7)])
def test_no_nominal_verdict_without_a_finite_nonzero_standard_error(low, high):
    """A frozen run (zero-width interval) or an unbounded bracket gave |z| = inf and a verdict drawn from it,
    and then non-strict JSON; now there is no z and no verdict."""
    from benchsuite.score.equivalence import EffectiveTemperature

    eff = EffectiveTemperature(0.5, low, high, target=None, reference={}, t_paramagnetic=None, nominal=0.4)
    assert eff.nominal_z is None and eff.agrees_with_nominal is None
    fine = EffectiveTemperature(0.5, 0.4, 0.6, target=None, reference={}, t_paramagnetic=None, nominal=0.5)
    assert fine.nominal_z == 0.0 and fine.agrees_with_nominal is True
