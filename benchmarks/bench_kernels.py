"""asv benchmarks: per-sweep kernel time, import / compile / cache-load time, generation memory, quality.

Instances are generated and the kernels compiled (into numba's on-disk cache) once in ``setup_cache``;
each timed call advances an already-relaxed chain by one sweep.
"""

from __future__ import annotations

from typing import ClassVar

KERNELS = {
    # name: (problem spec, dynamics spec)
    "rrg3-metropolis": ("ising:model=rrg,n=100000,d=3", "metropolis:T=1.0"),
    "rrg3-heat-bath": ("ising:model=rrg,n=100000,d=3", "heat-bath:T=1.0"),
    "rrg3-anneal": ("ising:model=rrg,n=100000,d=3", "anneal:beta0=0.1,beta1=3"),
    "rrg3-sgd-like": ("ising:model=rrg,n=100000,d=3", "sgd-like:s=0.5"),
    "sk-metropolis": ("ising:model=sk,n=1000,couplings=gauss", "metropolis:T=0.5"),
    "sk-heat-bath": ("ising:model=sk,n=1000,couplings=gauss", "heat-bath:T=0.5"),
    "col5-metropolis": ("coloring:n=50000,q=5,c=10", "metropolis:T=1.0"),
    "col5-heat-bath": ("coloring:n=50000,q=5,c=10", "heat-bath:T=1.0"),
    "col5-sgd-like": ("coloring:n=50000,q=5,c=10", "sgd-like:s=0.5"),
    "col5-sgd-like-term": ("coloring:n=50000,q=5,c=10", "sgd-like:s=0.5,batch=term"),
    "col5-sgd-like-persist": ("coloring:n=50000,q=5,c=10", "sgd-like:s=0.5,persist=3"),
    "ksat3-metropolis": ("ksat:n=100000,k=3,alpha=4.2", "metropolis:T=0.5"),
    "ksat3-sgd-like": ("ksat:n=100000,k=3,alpha=4.2", "sgd-like:s=0.8"),
    "xorsat3-metropolis": ("xorsat:n=100000,k=3,alpha=0.9", "metropolis:T=0.5"),
    "xorsat3-sgd-like": ("xorsat:n=100000,k=3,alpha=0.9", "sgd-like:s=0.8"),
    "perceptron-metropolis": ("perceptron:n=2000,alpha=1.0", "metropolis:T=0.5"),
    "perceptron-sgd-like": ("perceptron:n=2000,alpha=1.0", "sgd-like:s=0.8"),
}
HORIZON = 1_000_000  # annealing schedule length, so that timed sweeps stay at high beta after warm-up


class KernelSweep:
    """Seconds per sweep of each kernel (divide by n for the time per attempted update)."""

    params: ClassVar[list[str]] = list(KERNELS)
    param_names: ClassVar[list[str]] = ["kernel"]
    timeout = 300

    def setup_cache(self):
        from benchsuite.dynamics import make_dynamics
        from benchsuite.problems import make_problem

        for problem_spec, dynamics_spec in KERNELS.values():  # compile every kernel into the on-disk cache
            problem = make_problem(problem_spec.replace("n=100000", "n=1000").replace("n=50000", "n=1000"))
            dyn = make_dynamics(dynamics_spec)
            dyn.step(dyn.init(problem, 0, horizon=HORIZON), 2)

    def setup(self, kernel):
        from benchsuite.dynamics import make_dynamics
        from benchsuite.problems import make_problem

        problem_spec, dynamics_spec = KERNELS[kernel]
        self.dynamics = make_dynamics(dynamics_spec)
        self.state = self.dynamics.init(make_problem(problem_spec, seed=1), 1, horizon=HORIZON)
        self.dynamics.step(self.state, 20)

    def time_sweep(self, kernel):
        self.dynamics.step(self.state, 1)


def timeraw_import_benchsuite():
    """Cold import of the package and its public modules (target: under 1 s)."""
    return """
import benchsuite, benchsuite.problems, benchsuite.dynamics, benchsuite.score
"""


def timeraw_first_run_warm_cache():
    """Import, generate a small instance and run 10 sweeps, loading kernels from numba's cache (target: < 2 s)."""
    return """
from benchsuite.problems import coloring
from benchsuite.dynamics import Metropolis
from benchsuite.score import run
run(coloring(n=1000, q=5, c=10, seed=0), Metropolis(1.0), 10, seed=0)
"""


def timeraw_compile_metropolis():
    """Import and compile the colouring Metropolis kernel into an empty numba cache."""
    return """
import os, tempfile
os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp()
from benchsuite.problems import coloring
from benchsuite.dynamics import Metropolis
from benchsuite.score import run
run(coloring(n=1000, q=5, c=10, seed=0), Metropolis(1.0), 10, seed=0)
"""


def peakmem_generate_rrg_1e6():
    """Peak memory of generating a 3-regular +-1 spin glass with n = 10^6."""
    from benchsuite.problems import ising

    ising("rrg", n=1_000_000, d=3, seed=0)


def peakmem_generate_planted_coloring_1e6():
    """Peak memory of generating a planted 5-colouring with n = 10^6, c = 10."""
    from benchsuite.problems import coloring

    coloring(n=1_000_000, q=5, c=10, seed=0)


# Ground-state energy per spin of the +-J spin glass on 3-regular random graphs, extrapolated to n -> infinity:
# -1.2716(1), S. Boettcher, Eur. Phys. J. B 31, 29 (2003).
RRG3_GROUND_STATE = -1.2716


def track_anneal_residual_energy():
    """Energy per spin above the n -> infinity ground state after 200 annealing sweeps (n = 10^4, beta 0.1 -> 3)."""
    from benchsuite.dynamics import Annealing
    from benchsuite.problems import ising
    from benchsuite.score import run

    traj = run(ising("rrg", n=10_000, d=3, seed=0), Annealing(0.1, 3.0), 200, seed=0, record=[200])
    return float(traj.energy[-1] - RRG3_GROUND_STATE)


track_anneal_residual_energy.unit = "energy per spin"


def track_sgd_like_planted_overlap():
    """Overlap with the planted 5-colouring (n = 10^4, c = 30) after 500 SGD-like sweeps at s = 0.85."""
    from benchsuite.dynamics import SGDLike
    from benchsuite.problems import coloring
    from benchsuite.score import run

    traj = run(coloring(n=10_000, q=5, c=30, seed=0), SGDLike(0.85), 500, seed=0, record=[500])
    return float(traj.overlap[-1])


track_sgd_like_planted_overlap.unit = "overlap"


CONTINUOUS = {
    # name: (landscape spec, noise spec, step size)
    "double-well-gaussian": ("double-well:tilt=0.3", "gaussian:sigma=2", 0.1),
    "double-well-rademacher": ("double-well:tilt=0.3", "rademacher:scale=2", 0.1),
    "camel-gaussian": ("camel", "gaussian:sigma=1", 0.02),
    "double-well-minibatch": ("double-well:tilt=0.3,examples=8,spread=2,curvature=4,anchor=1", "minibatch:b=2", 0.1),
}
CONTINUOUS_CHAINS, CONTINUOUS_STEPS = 256, 1000


class ContinuousSGDSteps:
    """Seconds for 1,000 steps of 256 constant-step SGD chains, with basin counting (divide by 256,000 for the
    time per step)."""

    params: ClassVar[list[str]] = list(CONTINUOUS)
    param_names: ClassVar[list[str]] = ["kernel"]

    def setup_cache(self):
        self.setup(next(iter(CONTINUOUS)))
        self.setup("camel-gaussian")
        self.setup("double-well-minibatch")

    def setup(self, kernel):
        from benchsuite.dynamics.constant_step import ConstantStepSGD
        from benchsuite.problems.landscapes import make_landscape
        from benchsuite.score.occupation import BasinObserver

        landscape_spec, noise, eta = CONTINUOUS[kernel]
        landscape = make_landscape(landscape_spec)
        self.sgd = ConstantStepSGD(eta, noise)
        self.state = self.sgd.init(landscape, 1, chains=CONTINUOUS_CHAINS)
        self.observer = BasinObserver(landscape, CONTINUOUS_CHAINS)
        self.sgd.step(self.state, 10, self.observer)

    def time_steps(self, kernel):
        self.sgd.step(self.state, CONTINUOUS_STEPS, self.observer)
