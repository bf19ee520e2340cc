"""A rule checked against its own exact law in the order it runs: the law against a plain eigenvector, the two
orders apart, the planned checks passing the SGD-like rule and failing a variant that runs another batch
fraction than it states, and ``validate`` reporting the law of the real order."""

import json
from dataclasses import replace

import numpy as np
import pytest
from broken_dynamics import MislabelledSGDLike

from benchsuite.cli import main
from benchsuite.dynamics import Facts, SGDLike
from benchsuite.errors import ValidationError
from benchsuite.problems import coloring
from benchsuite.validate import check_dynamics
from benchsuite.validate.instances import instances
from benchsuite.validate.kit import yield_checks
from benchsuite.validate.markov import state_space, sweep_matrix
from benchsuite.validate.own_law import StatedLaw, own_law, own_law_checks, perturbed_laws

FAST = "coloring-q4-n6"  # 4,096 states: the checks run in about a second


def _eigenvector_law(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eig(matrix.T)
    v = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    return v / v.sum()


@pytest.mark.parametrize("name", ["sk-gauss-n6", "perceptron-n9"])
def test_sequential_law_is_the_eigenvector_of_the_sweep_matrix(name):
    space = state_space(instances()[name])
    law = own_law(space, SGDLike(0.5))
    np.testing.assert_allclose(law.law, _eigenvector_law(sweep_matrix(space, SGDLike(0.5))), atol=1e-12)
    assert law.order == "sequential" and law.residual < 1e-12


def test_power_iteration_reaches_the_law_of_gth():
    space = state_space(instances()[FAST])  # above the GTH limit: power iteration; against the dense eigenvector
    law = own_law(space, SGDLike(0.6))
    assert space.size > 2048 and law.residual < 1e-11
    moved = law.law @ sweep_matrix(space, SGDLike(0.6))
    np.testing.assert_allclose(moved, law.law, atol=1e-12)


def test_the_two_site_orders_have_different_laws():
    space = state_space(coloring(n=9, q=3, c=2.0, seed=0))
    sequential = own_law(space, SGDLike(0.5))
    shuffled = own_law(space, StatedLaw(replace(SGDLike(0.5).facts(), sweep="random")))
    assert sequential.order == "sequential" and shuffled.order == "random"
    assert abs(sequential.t_eff - shuffled.t_eff) > 1e-3  # the 0.831 against 0.842, on its instance


def test_own_law_passes_sgd_like_and_fails_a_variant_at_twice_the_planned_error():
    space = state_space(instances()[FAST])
    assert all(r.passed for r in own_law_checks(space, SGDLike(0.5)))
    law = own_law(space, SGDLike(0.5))
    # a kernel whose T_eff is 4% off the law it states: twice the planned 2% (power far above 0.99)
    wrong = [f.facts().batch_fraction for f in perturbed_laws(space, SGDLike(0.5), law, 0.04)]
    for s in wrong:
        failed = [r.name for r in own_law_checks(space, MislabelledSGDLike(s, stated=0.5)) if r.passed is False]
        assert "own_mean_energy_holds" in failed, s


@pytest.mark.slow
def test_own_law_detects_the_planned_error_and_keeps_its_false_alarm_rate():
    """30 seeds each: a T_eff error of 2% (the plan: power 0.99) missed at most 3 times (probability 3e-3 if the
    power is 0.99), and the correct rule failing at most twice (probability 4.5e-6 at 1e-3 per check, 3 checks)."""
    space = state_space(instances()[FAST])
    law = own_law(space, SGDLike(0.5))
    colder = perturbed_laws(space, SGDLike(0.5), law, 0.02)[0].facts().batch_fraction
    missed = sum(own_law_checks(space, MislabelledSGDLike(colder, 0.5), seed=seed)[0].passed is not False
                 for seed in range(30))  # fmt: skip
    alarms = sum(any(r.passed is False for r in own_law_checks(space, SGDLike(0.5), seed=seed)) for seed in range(30))
    assert missed <= 3 and alarms <= 2, (missed, alarms)


def test_the_kit_checks_sgd_like_against_its_own_law():
    names = {c.name for c in yield_checks(SGDLike(0.5))}
    assert "own_law" in names and "stays_at_target" not in names
    no_law = check_dynamics(SGDLike(0.5, batch="term"), on_fail=None)
    assert [r.passed for r in no_law if r.name == "target_law"] == [None]


@pytest.mark.slow
def test_the_whole_kit_passes_sgd_like():
    results = check_dynamics(SGDLike(0.5))
    assert any(r.name.startswith("own_mean_energy_holds[") for r in results)


def test_a_law_without_a_site_order_is_refused():
    class NoOrder(SGDLike):
        def facts(self):
            return Facts(local_law="sgd-like", batch_fraction=0.5)

    with pytest.raises(ValidationError, match="site order"):
        own_law(instances()[FAST], NoOrder(0.5))
    inconclusive = [r for r in check_dynamics(NoOrder(0.5), on_fail=None) if r.name.startswith("own_law[")]
    assert inconclusive and all(r.passed is None for r in inconclusive)


def test_validate_reports_the_law_of_the_order_the_rule_runs(capsys):
    code = main(["validate", "--dynamics", "sgd-like:s=0.5", "--problem", "coloring:n=9,q=3,c=2", "--json"])
    out = json.loads(capsys.readouterr().out)
    space = state_space(coloring(n=9, q=3, c=2.0, seed=0))
    assert code == 0 and out["passed"] is True
    assert out["t_eff_of"] == "the exact stationary law of one sequential sweep"
    assert out["t_eff"] == pytest.approx(own_law(space, SGDLike(0.5)).t_eff)
    assert {c["name"] for c in out["checks"]} == {"own_mean_energy_holds", "own_acceptance_holds", "stays_at_own_law"}
