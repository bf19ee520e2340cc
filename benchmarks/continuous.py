"""Constant-step SGD chains on a 1-D landscape: the jitted kernel next to the numpy loop a user would write.

Both advance the same number of chains of x <- x - eta (f'(x) + sigma Z) on the tilted double well with
Gaussian noise; the numpy peer updates all chains per step as one vector operation (the fastest plain-numpy
form) and counts nothing, the kernel also counts basin occupations and core transitions.  Printed: steps per
second of each and their ratio, in this run.

    python benchmarks/continuous.py                       # 256 chains, 200,000 steps
    python benchmarks/continuous.py --chains 1024 --steps 100000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchsuite.dynamics.constant_step import ConstantStepSGD
from benchsuite.problems.landscapes import double_well
from benchsuite.score.occupation import BasinObserver


def numpy_peer(chains: int, steps: int, eta: float, sigma: float, tilt: float, seed: int) -> float:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.5, 2.5, chains)
    t0 = time.perf_counter()
    for _ in range(steps):
        u = x * x
        x -= eta * (2.0 * x * (u - 1.0) * (u + 3.0) / (1.0 + u) ** 2 + tilt + sigma * rng.standard_normal(chains))
    return time.perf_counter() - t0


def kernel(chains: int, steps: int, eta: float, sigma: float, tilt: float, seed: int) -> float:
    landscape = double_well(tilt)
    sgd = ConstantStepSGD(eta, f"gaussian:sigma={sigma}")
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
    args = parser.parse_args()
    total = args.chains * args.steps
    ours = kernel(args.chains, args.steps, 0.1, 2.0, 0.3, 1)
    peer = numpy_peer(args.chains, max(args.steps // 20, 1), 0.1, 2.0, 0.3, 1) * 20
    print(f"kernel: {total / ours / 1e6:.1f} M steps/s; numpy peer: {total / peer / 1e6:.1f} M steps/s "
          f"(timed on 1/20 of the steps); ratio {peer / ours:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
