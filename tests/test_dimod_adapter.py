"""dimod samplers as algorithms: the BQM has our energies, budgets reach the sampler, reads are counted by
num_occurrences, and a sampler that reports wrong energies or several reads is refused."""

from typing import ClassVar

import dimod
import numpy as np
import pytest

from benchsuite.errors import ValidationError
from benchsuite.experiment.algorithm import make_algorithm
from benchsuite.experiment.dimod_adapter import to_bqm
from benchsuite.experiment.tuning import Tunable
from benchsuite.problems import coloring, ising


class GreedySampler(dimod.Sampler):
    """Steepest single-flip descent for ``num_sweeps`` sweeps from a random start (a test sampler with a budget)."""

    parameters: ClassVar[dict] = {"num_reads": [], "num_sweeps": [], "seed": []}
    properties: ClassVar[dict] = {}
    calls: ClassVar[list] = []

    def sample(self, bqm, num_reads=1, num_sweeps=1, seed=None):
        GreedySampler.calls.append(num_sweeps)
        rng = np.random.default_rng(seed)
        variables = list(bqm.variables)
        rows = []
        for _ in range(num_reads):
            s = {v: int(rng.choice([-1, 1])) for v in variables}
            for _ in range(num_sweeps):
                for v in variables:
                    flipped = {**s, v: -s[v]}
                    if bqm.energy(flipped) < bqm.energy(s):
                        s = flipped
            rows.append(s)
        return dimod.SampleSet.from_samples_bqm(rows, bqm)


class Liar(GreedySampler):
    """Reports the energy with the wrong sign (the dimod / benchsuite sign trap)."""

    def sample(self, bqm, **kwargs):
        ss = super().sample(bqm, **kwargs)
        return dimod.SampleSet.from_samples(ss.record.sample, dimod.SPIN, energy=-ss.record.energy)


class Aggregator(GreedySampler):
    def sample(self, bqm, **kwargs):
        return super().sample(bqm, **dict(kwargs, num_reads=3))


def test_bqm_energies_are_ours():
    problem = ising("ea2d", L=4, couplings="gauss", h=0.3, seed=1)
    bqm = to_bqm(problem)
    rng = np.random.default_rng(0)
    for _ in range(20):
        s = rng.choice(np.array([-1, 1], dtype=np.int8), problem.n)
        assert bqm.energy(dict(enumerate(s.tolist()))) == pytest.approx(problem.energy(s), abs=1e-12)


def test_a_sampler_is_run_with_the_budget_and_scored():
    problem = ising("sk", n=12, couplings="gauss", seed=2)
    algorithm = make_algorithm("dimod:test_dimod_adapter:GreedySampler")
    GreedySampler.calls.clear()
    outcome = algorithm.solve(problem, 7, 3, target=1e9)
    assert GreedySampler.calls == [7] and outcome.hit_sweep == 7 and not outcome.exact_tracking
    assert outcome.best_energy == outcome.final_energy and outcome.accepted is None
    again = algorithm.solve(problem, 7, 3, target=-1e9)
    assert again.best_energy == outcome.best_energy and again.hit_sweep is None  # same seed, same read
    assert algorithm.skip(coloring(n=21, q=3, c=2, seed=1))[0]
    points = Tunable.parse("dimod:test_dimod_adapter:GreedySampler", None).points()
    assert points == ["dimod:test_dimod_adapter:GreedySampler"]


@pytest.mark.parametrize(
    "spec, field",
    [
        ("dimod:test_dimod_adapter:GreedySampler:budget_param=steps", "budget_param"),
        ("dimod:test_dimod_adapter:GreedySampler:num_reads=4", "algorithm"),
        ("dimod:test_dimod_adapter:GreedySampler:beta=2", "algorithm"),
        ("dimod:test_dimod_adapter:NoSuchSampler", "algorithm"),
        ("dimod:numpy:ndarray", "algorithm"),
    ],
)
def test_bad_sampler_specs_are_refused(spec, field):
    with pytest.raises(ValidationError) as err:
        make_algorithm(spec)
    assert err.value.field == field


@pytest.mark.parametrize("cls, message", [("Liar", "energies"), ("Aggregator", "reads")])
def test_wrong_energies_and_extra_reads_are_refused(cls, message):
    algorithm = make_algorithm(f"dimod:test_dimod_adapter:{cls}")
    with pytest.raises(ValidationError, match=message):
        algorithm.solve(ising("sk", n=8, couplings="gauss", seed=2), 3, 0)
