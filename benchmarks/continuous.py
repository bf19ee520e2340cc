"""Constant-step SGD chains on a 1-D landscape: the jitted kernel next to the numpy loop a user would write.

Both advance the same number of chains of x <- x - eta (f'(x) + sigma Z) on the tilted double well with
Gaussian noise; the numpy peer updates all chains per step as one vector operation (the fastest plain-numpy
form) and counts nothing, the kernel also counts basin occupations and core transitions.  Printed: steps per
second of each and their ratio, in this run.

    python benchmarks/continuous.py                       # 256 chains, 200,000 steps
    python benchmarks/continuous.py --chains 1024 --steps 100000
    python benchmarks/continuous.py --minibatch           # batches of 2 of 8 examples, with replacement

With ``--minibatch`` both draw the noise from batches of a finite sum of 8 examples
(``MINIBATCH_LANDSCAPE``) instead of a Gaussian: the numpy peer indexes the examples with one
``rng.integers`` call per step.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchsuite.dynamics.constant_step import ConstantStepSGD
from benchsuite.problems.landscapes import double_well, make_landscape
from benchsuite.score.occupation import BasinObserver

MINIBATCH_LANDSCAPE = "double-well:tilt=0.3,examples=8,spread=2,curvature=4,anchor=1"
BATCH = 2


def numpy_peer(chains: int, steps: int, eta: float, sigma: float, tilt: float, seed: int) -> float:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.5, 2.5, chains)
    t0 = time.perf_counter()
    for _ in range(steps):
        u = x * x
        x -= eta * (2.0 * x * (u - 1.0) * (u + 3.0) / (1.0 + u) ** 2 + tilt + sigma * rng.standard_normal(chains))
    return time.perf_counter() - t0


def numpy_minibatch_peer(chains: int, steps: int, eta: float, seed: int) -> float:
    landscape = make_landscape(MINIBATCH_LANDSCAPE)
    u, w, a, tilt = landscape.shifts[:, 0], landscape.curvatures[:, 0, 0], landscape.anchor[0], landscape.coefficients[0]
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.5, 2.5, chains)
    t0 = time.perf_counter()
    for _ in range(steps):
        batch = rng.integers(0, u.size, (chains, BATCH))
        v = x * x
        grad = 2.0 * x * (v - 1.0) * (v + 3.0) / (1.0 + v) ** 2 + tilt
        x -= eta * (grad + u[batch].mean(1) + w[batch].mean(1) * (x - a))
    return time.perf_counter() - t0


def kernel(chains: int, steps: int, eta: float, sigma: float, tilt: float, seed: int, minibatch: bool = False) -> float:
    landscape = make_landscape(MINIBATCH_LANDSCAPE) if minibatch else double_well(tilt)
    sgd = ConstantStepSGD(eta, f"minibatch:b={BATCH},replace=true" if minibatch else f"gaussian:sigma={sigma}")
    state = sgd.init(landscape, seed, chains=chains)
    observer = BasinObserver(landscape, chains)
    sgd.step(state, 10, observer)  # compile or load from the cache
    t0 = time.perf_counter()
    sgd.step(state, steps, observer)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=256)
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--minibatch", action="store_true", help="mini-batch noise of a finite sum")
    args = parser.parse_args()
    total = args.chains * args.steps
    ours = kernel(args.chains, args.steps, 0.1, 2.0, 0.3, 1, args.minibatch)
    few = max(args.steps // 20, 1)
    peer = 20 * (numpy_minibatch_peer(args.chains, few, 0.1, 1) if args.minibatch else
                 numpy_peer(args.chains, few, 0.1, 2.0, 0.3, 1))  # fmt: skip
    print(f"kernel: {total / ours / 1e6:.1f} M steps/s; numpy peer: {total / peer / 1e6:.1f} M steps/s "
          f"(timed on 1/20 of the steps); ratio {peer / ours:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
