"""A grid of cells, (instance, algorithm, seed, budget), computed by a pool of worker processes into the store.

The driver lists the cells, asks the store which are missing, sends only those to the workers and commits
each result as it arrives.  A worker rebuilds instance and algorithm from their spec strings (once per
process) and warms the algorithm up on the instance before timing anything.  A cell's random numbers come
from its key alone, ``SeedSequence`` of the SHA-256 of (instance id, seed): every algorithm starts from
the same configurations on an instance, and the results do not depend on the executor, the number of
workers or the order in which cells finish (wall times aside).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .. import _checks
from ..errors import ValidationError
from ..score.run import ENERGY_TOLERANCE
from .algorithm import Algorithm, make_algorithm
from .instances import build_instance
from .store import CellKey, Store
from .suites import SuiteInstance


@dataclass(frozen=True)
class Cell:
    """One run to compute: the key it is stored under, what to rebuild in a worker, and the instance's
    reference energy."""

    key: CellKey
    algorithm: str
    instance: str
    reference: float

    @property
    def target(self) -> float:
        """The reference plus a relative 1e-7, the tolerance of the runner's energy check (tracked energies of
        real-valued problems are running sums, which round)."""
        return self.reference + ENERGY_TOLERANCE * max(1.0, abs(self.reference))


@dataclass(frozen=True)
class GridRun:
    """What :func:`compute_grid` did: cells in the grid, computed now, found in the store."""

    cells: int
    computed: int
    reused: int


def run_seed(instance_id: str, seed: int) -> np.random.SeedSequence:
    """The random numbers of every cell of (instance, seed), whatever the algorithm and the budget."""
    digest = hashlib.sha256(f"{instance_id}:{seed}".encode()).digest()
    return np.random.SeedSequence(int.from_bytes(digest[:16], "little"))


def plan_cells(
    instances: Sequence[SuiteInstance],
    algorithms: Sequence[str] | Callable[[str], Sequence[str]],
    seeds: int,
    budgets: Sequence[int],
) -> list[Cell]:
    """Every (instance, algorithm, seed, budget) cell.  ``algorithms`` is a list of specs, or a function of an
    instance's family giving its list; an algorithm that skips an instance gets no cells there."""
    seeds = _checks.integer("seeds", seeds, low=1, high=100_000)
    budgets = [_checks.count("budget", b, low=1) for b in budgets]
    if not budgets:
        raise ValidationError("budget", "needs at least one budget")
    cells = []
    for entry in instances:
        problem = entry.build()
        reference = entry.reference().value
        for spec in algorithms(problem.family) if callable(algorithms) else algorithms:
            algorithm = _algorithm(spec)
            if algorithm.skip(problem)[0]:
                continue
            for seed in range(seeds):
                for budget in budgets:
                    key = CellKey(problem.instance_id, algorithm.name, algorithm.version, algorithm.params(), seed,
                                  budget)  # fmt: skip
                    cells.append(Cell(key, spec, entry.spec, reference))
    return cells


def compute_cell(cell: Cell) -> dict[str, Any]:
    """Run one cell (in a worker or in the calling process) and return its outcome as a dict."""
    algorithm = _algorithm(cell.algorithm)
    problem = build_instance(cell.instance)
    _warm(cell.algorithm, cell.instance)
    seed = run_seed(problem.instance_id, cell.key.seed)
    return algorithm.solve(problem, cell.key.budget, seed, target=cell.target).to_dict()


EXECUTORS = ("local", "dask")


def compute_grid(
    cells: Sequence[Cell],
    store: Store,
    workers: int | None = None,
    progress: bool | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> GridRun:
    """Compute the cells the store lacks and commit each result as it arrives.

    ``executor="local"``: ``workers`` processes on this machine (default: every core; 1: in this process).
    ``executor="dask"``: a Dask distributed cluster, the one at ``scheduler`` (``tcp://host:port``) or, without
    an address, a LocalCluster of ``workers`` single-threaded processes started here (needs
    ``pip install "dask[distributed]"``).  ``progress`` shows a bar on stderr (default: when stderr is a
    terminal).  Scripts that compute on worker processes must do so under ``if __name__ == "__main__":``.
    """
    executor = _checks.choice("executor", executor, EXECUTORS)
    if scheduler is not None and (executor != "dask" or not isinstance(scheduler, str) or "://" not in scheduler):
        raise ValidationError("scheduler", f"is the address of a Dask scheduler (tcp://host:port) and needs "
                                           f"executor 'dask'; got {scheduler!r} with executor {executor!r}")  # fmt: skip
    workers = _checks.workers(workers)
    pending = {key.digest for key in store.missing(cell.key for cell in cells)}
    todo_cells = [cell for cell in cells if cell.key.digest in pending]
    reused = len(cells) - len(todo_cells)
    bar = _progress_bar(len(cells), reused, progress)
    try:
        if executor == "dask":
            _on_dask(todo_cells, store, workers, scheduler, bar.update)
        elif workers == 1 or len(todo_cells) <= 1:
            for cell in todo_cells:
                store.put(cell.key, compute_cell(cell))
                bar.update(1)
        else:
            _in_pool(todo_cells, store, min(workers, len(todo_cells)), bar.update)
    finally:
        bar.close()
    return GridRun(len(cells), len(todo_cells), reused)


def _in_pool(cells: list[Cell], store: Store, workers: int, done: Callable[[int], Any]) -> None:
    """Worker processes (spawned: no state shared with the driver), at most two cells in flight per worker.

    Spawned workers import the driver's main module: a script that computes a grid on several workers must
    do so under ``if __name__ == "__main__":``.
    """
    context = multiprocessing.get_context("spawn")
    queue = iter(cells)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        flying: dict[Future, Cell] = {}

        def feed() -> None:
            for cell in queue:
                flying[pool.submit(compute_cell, cell)] = cell
                if len(flying) >= 2 * workers:
                    return

        feed()
        while flying:
            finished, _ = wait(flying, return_when=FIRST_COMPLETED)
            for future in finished:
                cell = flying.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise RuntimeError("a worker process died (out of memory, killed, or a script that computes a "
                                       "grid outside 'if __name__ == \"__main__\":'); the cells finished so far are "
                                       "in the store") from None  # fmt: skip
                store.put(cell.key, result)
                done(1)
            feed()


def _on_dask(cells: list[Cell], store: Store, workers: int, scheduler: str | None, done: Callable[[int], Any]) -> None:
    """The cells on a Dask cluster, at most two in flight per worker thread."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ValidationError("executor", "'dask' needs Dask distributed: pip install \"dask[distributed]\"") from None
    if not cells:
        return
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="10s")
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise ValidationError("scheduler", f"cannot reach the Dask scheduler {scheduler!r} ({exc})") from None
    try:
        window = 2 * max(1, sum(client.nthreads().values()))
        queue = iter(cells)
        flying = {}
        running = as_completed()
        for cell in queue:
            future = client.submit(compute_cell, cell, pure=False)
            flying[future] = cell
            running.add(future)
            if len(flying) >= window:
                break
        for future in running:
            cell = flying.pop(future)
            store.put(cell.key, future.result())
            done(1)
            following = next(queue, None)
            if following is not None:
                nxt = client.submit(compute_cell, following, pure=False)
                flying[nxt] = following
                running.add(nxt)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@lru_cache(maxsize=32)
def _algorithm(spec: str) -> Algorithm:
    return make_algorithm(spec)


@lru_cache(maxsize=256)
def _warm(algorithm: str, instance: str) -> None:
    """Compile or load the algorithm's kernels for this instance once per process, outside any timing."""
    _algorithm(algorithm).warm_up(build_instance(instance))


def _progress_bar(total: int, reused: int, show: bool | None):
    """A tqdm bar on stderr counting cells (reused ones counted from the start) with rate and ETA."""
    from tqdm import tqdm

    disable = not sys.stderr.isatty() if show is None else not show
    return tqdm(total=total, initial=reused, unit="cell", desc="cells", file=sys.stderr, disable=disable,
                dynamic_ncols=True, postfix={"reused": reused})  # fmt: skip
