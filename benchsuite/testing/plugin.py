"""pytest plugin (entry point ``pytest11``): fixtures for checking dynamics on the check kit's small instances.

- ``benchsuite_instance``: each of :func:`benchsuite.validate.instances.instances` in turn (a parametrized fixture:
  a test using it runs once per instance, with the instance name in its id);
- ``benchsuite_state_space``: the enumerated states of that instance (:class:`~benchsuite.validate.markov.StateSpace`).

Nothing heavy is imported until a fixture is used.
"""

from __future__ import annotations

import pytest

INSTANCE_NAMES = ("sk-gauss-n6", "ea-pm1-field-L3", "rrg-gauss-fields-n10", "coloring-q3-n9", "coloring-q4-n6",
                  "ksat-k3-n10", "xorsat-k3-n10", "perceptron-n9", "field-glass-n4")  # benchsuite.validate.instances  # fmt: skip


@pytest.fixture(params=INSTANCE_NAMES)
def benchsuite_instance(request):
    from benchsuite.validate.kit import instances

    return instances()[request.param]


@pytest.fixture
def benchsuite_state_space(benchsuite_instance):
    from benchsuite.validate.markov import StateSpace

    return StateSpace(benchsuite_instance)
