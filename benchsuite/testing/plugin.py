"""pytest plugin (entry point ``pytest11``): fixtures for checking dynamics on the check kit's small instances.

- ``benchsuite_instance``: each of :func:`benchsuite.validate.kit.instances` in turn (a parametrized fixture:
  a test using it runs once per instance, with the instance name in its id);
- ``benchsuite_state_space``: the enumerated states of that instance (:class:`~benchsuite.validate.markov.StateSpace`).

Nothing heavy is imported until a fixture is used.
"""

from __future__ import annotations

import pytest

INSTANCE_NAMES = ("sk-gauss-n6", "coloring-q3-n5", "sk-gauss-n4")  # the keys of benchsuite.validate.kit.instances()


@pytest.fixture(params=INSTANCE_NAMES)
def benchsuite_instance(request):
    from benchsuite.validate.kit import instances

    return instances()[request.param]


@pytest.fixture
def benchsuite_state_space(benchsuite_instance):
    from benchsuite.validate.markov import StateSpace

    return StateSpace(benchsuite_instance)
