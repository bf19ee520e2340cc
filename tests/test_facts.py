"""Each dynamics states what it is (Facts); the validators, the kit, the CLI and the scorer read those facts."""

import pytest

from benchsuite.dynamics import Annealing, Facts, HeatBath, Metropolis, ParallelTempering, SGDLike, facts
from benchsuite.errors import ValidationError
from benchsuite.problems import ising
from benchsuite.validate import markov
from benchsuite.validate.kit import dynamics_tags


def test_built_in_dynamics_state_their_facts():
    assert facts(Metropolis(0.7, "random")) == Facts(target="boltzmann", temperature=0.7, sweep="random",
                                                     reversible=True, local_law="metropolis", observes_every_move=True)  # fmt: skip
    assert facts(HeatBath(0.7)).reversible is False and facts(HeatBath(0.7)).local_law == "heat-bath"
    assert facts(Annealing(0.1, 2.0)).target is None
    sgd = facts(SGDLike(0.6))
    assert (sgd.target, sgd.reversible, sgd.local_law, sgd.theory, sgd.batch_fraction) == (
        None, False, "sgd-like", "sgd-like", 0.6)  # fmt: skip
    assert facts(SGDLike(0.6, persist=2)).local_law is None and facts(SGDLike(0.6, "term")).theory is None
    pt = facts(ParallelTempering(0.4, 2.0, replicas=6))
    assert (pt.target, pt.temperature, pt.sweep_cost) == ("boltzmann", 0.4, 6)


class Declared:
    """Not a KernelDynamics: a plain object that states a Metropolis local law at T = 0.9."""

    name = "declared"

    def params(self):
        return {}

    def facts(self):
        return Facts(target="boltzmann", temperature=0.9, local_law="metropolis")

    def init(self, problem, seed, x0=None, horizon=None): ...

    def step(self, state, sweeps): ...


def test_the_exact_tools_follow_the_stated_law_not_the_class():
    problem = ising("sk", n=4, couplings="gauss", seed=1)
    assert markov.has_exact_law(Declared())
    assert (markov.site_matrix(problem, Declared(), 0) != markov.site_matrix(problem, Metropolis(0.9), 0)).nnz == 0
    assert not markov.has_exact_law(SGDLike(0.5, "term"))
    assert dynamics_tags(Declared())["temperature"] == 0.9


def test_a_dynamics_presenting_a_temperature_is_read_as_boltzmann_and_bad_facts_are_refused():
    class Presented:
        T, order = 1.5, "random"

    assert facts(Presented()).target == "boltzmann" and facts(Presented()).reversible

    class Liar:
        name = "liar"

        def facts(self):
            return {"target": "boltzmann"}

    with pytest.raises(ValidationError, match="must return a Facts"):
        facts(Liar())
