"""benchsuite.testing: the strategies draw valid enumerable instances and dynamics; the plugin's fixtures work."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from benchsuite.dynamics.base import KernelDynamics
from benchsuite.problems.base import Problem
from benchsuite.testing.plugin import INSTANCE_NAMES
from benchsuite.testing.strategies import FAMILIES, dynamics, enumerable_problems
from benchsuite.validate.instances import instances
from benchsuite.validate.markov import StateSpace


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(enumerable_problems(max_states=1024))
def test_drawn_problems_build_and_enumerate(problem):
    assert isinstance(problem, Problem) and problem.domain.size**problem.n <= 1024
    space = StateSpace(problem)
    assert np.all(np.isfinite(space.energy))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(enumerable_problems(families=("coloring",)), dynamics())
def test_drawn_dynamics_run_on_drawn_problems(problem, rule):
    assert isinstance(rule, KernelDynamics)
    state, info = rule.step(rule.init(problem, 1), 2)
    assert state.sweep == 2 and info.attempted == 2 * problem.n


def test_strategies_refuse_bad_arguments():
    with pytest.raises(ValueError, match="max_states"):
        enumerable_problems(max_states=100)
    with pytest.raises(ValueError, match="families"):
        enumerable_problems(families=("spin-ice",))
    assert set(FAMILIES) >= {"coloring", "ising"}


def test_plugin_fixtures_give_each_kit_instance(benchsuite_instance, benchsuite_state_space):
    assert benchsuite_state_space.problem is benchsuite_instance
    assert benchsuite_instance in instances().values()
    assert benchsuite_state_space.size == benchsuite_instance.domain.size**benchsuite_instance.n


def test_the_plugin_names_every_kit_instance():
    assert set(INSTANCE_NAMES) == set(instances())


@pytest.mark.parametrize("max_states", [512, 1000, 4096])
def test_drawn_instances_never_exceed_max_states(max_states):
    """A fuzz finding: at max_states 512 a 4-colouring of 5 vertices (1024 states) was drawn."""

    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(enumerable_problems(families=("coloring",), max_states=max_states))
    def check(problem):
        assert problem.domain.size**problem.n <= max_states

    check()
