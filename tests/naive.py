"""Naive twins of the jitted rules: plain Python, energies recomputed from scratch, same random numbers.

The twins know nothing of any family's kernel layout: they use only the problem's public face
(``domain``, ``hypergraph``, ``term_energies``), so one twin per rule covers every family.  Each consumes
the PyXoshiro stream in the order ``benchsuite.kernels.templates`` documents, so for a given RNG state the
twin and the kernel must produce the same configuration, the same accepted-move count and the same final
RNG state.  Every energy is recomputed from all terms (O(m) per attempt): small instances only.

Each twin returns ``(x, accepted, energy change, trace)``; the trace lists ``(sweep, energy change so far)``
after every accepted move (sweeps counted from 1), from which :func:`track` derives the best energy and the
first sweep at a target that the kernels keep in ``state.track``.
"""

from __future__ import annotations

import math

import numpy as np

from benchsuite.kernels import PyXoshiro, acceptance_table
from benchsuite.kernels.acceptance import HOPELESS


def boltzmann_factor(beta_de: float) -> float:
    return float(np.exp(-beta_de)) if beta_de < HOPELESS else 0.0


def accept(p: float, rng: PyXoshiro) -> bool:
    """True with probability p; a uniform is drawn only when 0 < p < 1 (as in the kernels)."""
    return p >= 1.0 or (p > 0.0 and rng.uniform() < p)


def _with(x: np.ndarray, i: int, value: int) -> np.ndarray:
    y = x.copy()
    y[i] = value
    return y


def propose(problem, x, i, rng: PyXoshiro) -> int:
    """The domain's proposal: a spin flip (no draw), or uniform among the q - 1 other states (one draw)."""
    if problem.domain.kind == "spins":
        return -int(x[i])
    r = rng.below(problem.domain.size - 1)
    return r + 1 if r >= x[i] else r


def _sites(n: int, random_order: bool, rng: PyXoshiro):
    for t in range(n):
        yield rng.below(n) if random_order else t


def _terms_of(problem, i: int) -> np.ndarray:
    g = problem.hypergraph
    return g.var_term[g.var_ptr[i] : g.var_ptr[i + 1]].astype(np.int64)


def track(trace, start: float, target: float):
    """Best energy (``start`` + the lowest change), the first sweep at which it was reached (0: the start), every
    sweep at which the trace is within 1e-9 of it (with real energies the kernels' running sums may place a
    revisit of the same configuration a rounding error lower), and the first sweep at or below ``target``
    (0: the start; None: never)."""
    best = min([start] + [start + de for _, de in trace])
    at_best = ({0} if start <= best + 1e-9 else set()) | {sweep for sweep, de in trace if start + de <= best + 1e-9}
    first = 0 if start == best else next(sweep for sweep, de in trace if start + de == best)
    hit = 0 if start <= target else next((sweep for sweep, de in trace if start + de <= target), None)
    return best, first, at_best, hit


def metropolis(problem, x, betas, random_order, rng: PyXoshiro):
    """Metropolis with energy differences from full recomputation."""
    x = x.copy()
    energy = start = problem.energy(x)
    accepted = 0
    trace = []
    for sweep, beta in enumerate(betas, start=1):
        for i in _sites(problem.n, random_order, rng):
            y = _with(x, i, propose(problem, x, i, rng))
            de = problem.energy(y) - energy
            if accept(1.0 if de <= 0 else boltzmann_factor(beta * de), rng):
                x, energy, accepted = y, energy + de, accepted + 1
                trace.append((sweep, energy - start))
    return x, accepted, energy - start, trace


def heat_bath(problem, x, betas, random_order, rng: PyXoshiro):
    """Heat bath: weights exp(-beta (E_v - E_min)) over the domain values in order, one uniform, the value found
    by subtracting the weights from u * total."""
    x = x.copy()
    start = problem.energy(x)
    accepted = 0
    trace = []
    values = problem.domain.values
    for sweep, beta in enumerate(betas, start=1):
        for i in _sites(problem.n, random_order, rng):
            energies = [problem.energy(_with(x, i, v)) for v in values]
            least = min(energies)
            weights = [boltzmann_factor(beta * (e - least)) for e in energies]
            u = rng.uniform() * sum(weights)
            chosen = len(values) - 1
            for v in range(len(values) - 1):
                u -= weights[v]
                if u < 0.0:
                    chosen = v
                    break
            if values[chosen] != x[i]:
                x = _with(x, i, values[chosen])
                accepted += 1
                trace.append((sweep, energies[chosen] - start))
    return x, accepted, problem.energy(x) - start, trace


def _term_changes(problem, x, i, new) -> np.ndarray:
    """Energy change of each term of i (in slot order) if x[i] became ``new``."""
    terms = _terms_of(problem, i)
    return problem.term_energies(_with(x, i, new))[terms] - problem.term_energies(x)[terms]


def sgd_like_binomial(problem, x, s, sweeps, rng: PyXoshiro):
    """Half-edge rule, fresh batch each sweep: accept with P[Bin(n_up, s) <= Bin(n_down, s)], from the same table
    the kernel reads (the table itself is checked against direct summation in the tests)."""
    table = acceptance_table(s, problem.hypergraph.max_degree)
    x = x.copy()
    start = problem.energy(x)
    accepted = 0
    trace = []
    for sweep in range(1, sweeps + 1):
        for i in range(problem.n):
            new = propose(problem, x, i, rng)
            change = _term_changes(problem, x, i, new)
            if accept(table[np.count_nonzero(change < 0), np.count_nonzero(change > 0)], rng):
                x = _with(x, i, new)
                accepted += 1
                trace.append((sweep, problem.energy(x) - start))
    return x, accepted, problem.energy(x) - start, trace


def sgd_like_flags(problem, x, s, batch, persist, first_sweep, sweeps, rng: PyXoshiro):
    """Explicit mini-batch: a flag is in the batch with probability s, drawn at first use in each epoch, only for
    terms whose energy the move would change.  Flags belong to incidences (half-edge rule: slot k of the
    hypergraph) or to terms (term rule)."""
    g = problem.hypergraph
    x = x.copy()
    start = problem.energy(x)
    accepted = 0
    trace = []
    flags: dict = {}

    def in_batch(key, epoch):
        if (epoch, key) not in flags:
            flags[(epoch, key)] = rng.uniform() < s
        return flags[(epoch, key)]

    for sweep in range(first_sweep, first_sweep + sweeps):
        epoch = sweep // persist
        for i in range(problem.n):
            new = propose(problem, x, i, rng)
            change = _term_changes(problem, x, i, new)
            batch_de = 0.0
            for offset, d in enumerate(change):
                k = int(g.var_ptr[i]) + offset
                if d != 0 and in_batch(k if batch == "half-edge" else int(g.var_term[k]), epoch):
                    batch_de += d
            if batch_de <= 0:
                x = _with(x, i, new)
                accepted += 1
                trace.append((sweep - first_sweep + 1, problem.energy(x) - start))
    return x, accepted, problem.energy(x) - start, trace


def binomial_not_above(n_new: int, n_old: int, s: float) -> float:
    """P[Bin(n_new, s) <= Bin(n_old, s)] by direct summation."""
    from math import comb

    pmf = lambda n, k: comb(n, k) * s**k * (1 - s) ** (n - k)
    return sum(pmf(n_old, a) * sum(pmf(n_new, b) for b in range(min(a, n_new) + 1)) for a in range(n_old + 1))


def gth(p: np.ndarray) -> np.ndarray:
    """GTH elimination written with numpy rank-one updates: the twin of ``steady_state._gth_eliminate``."""
    p = np.array(p, dtype=np.float64)
    n = p.shape[0]
    for k in range(n - 1, 0, -1):
        p[:k, k] /= p[k, :k].sum()
        p[:k, :k] += np.outer(p[:k, k], p[k, :k])
    pi = np.zeros(n)
    pi[0] = 1.0
    for k in range(1, n):
        pi[k] = pi[:k] @ p[:k, k]
    return pi / pi.sum()


def batch_acceptance(change: np.ndarray, s: float) -> np.ndarray:
    """Every subset of every row's terms enumerated: the twin of ``validate.batch_law.batch_acceptance``."""
    d = change.shape[1]
    subsets = ((np.arange(2**d)[:, None] >> np.arange(d)) & 1).astype(np.float64)
    weight = np.prod(np.where(subsets == 1, s, 1 - s), axis=1)  # P(batch = subset)
    return (change @ subsets.T <= 0.0) @ weight


def parallel_tempering(problem, xs, betas, rounds, rngs: list[PyXoshiro], swap_rng: PyXoshiro):
    """Replica exchange from its definition: each round, one Metropolis sweep of every replica at its
    temperature (coldest first), then even-odd swaps (pairs k, k+1 with k = round mod 2) accepted with
    min(1, e^((beta_k - beta_k+1)(E_k - E_k+1))).  Returns the configurations, the replica at each temperature,
    the energies, the Metropolis moves accepted, the (attempts, accepted) of each pair and the round trips."""
    xs = [x.copy() for x in xs]
    R = len(xs)
    at = list(range(R))
    energies = [problem.energy(x) for x in xs]
    swaps = np.zeros((R - 1, 2), dtype=np.int64)
    stage, trips, accepted = [0] * R, 0, 0
    for t in range(rounds):
        for k in range(R):
            r = at[k]
            xs[r], more, de, _ = metropolis(problem, xs[r], [betas[k]], False, rngs[r])
            energies[r] += de
            accepted += more
        for k in range(t % 2, R - 1, 2):
            a, b = at[k], at[k + 1]
            log_ratio = (betas[k] - betas[k + 1]) * (energies[a] - energies[b])
            swaps[k, 0] += 1
            if log_ratio >= 0 or swap_rng.uniform() < np.exp(log_ratio):
                at[k], at[k + 1] = b, a
                swaps[k, 1] += 1
        if stage[at[0]] == 2:
            trips += 1
        stage[at[0]] = 1
        if stage[at[-1]] == 1:
            stage[at[-1]] = 2
    return xs, at, energies, accepted, swaps, trips


def _update_unsat(unsat: list, now: np.ndarray, terms) -> None:
    """The kernels' list order after a flip: a term of the flipped variable that became violated is appended,
    one that became satisfied is replaced by the last entry."""
    for b in terms:
        b = int(b)
        if now[b] and b not in unsat:
            unsat.append(b)
        elif not now[b] and b in unsat:
            position = unsat.index(b)
            last = unsat.pop()
            if last != b:
                unsat[position] = last


def walksat(problem, x, noise, sweeps, rng: PyXoshiro):
    """WalkSAT from its definition, with clause states recomputed from all terms after every flip; the
    unsatisfied clauses are kept in the list order the kernel documents (clause order at the start, a
    satisfied clause replaced by the last entry, a newly unsatisfied one appended)."""
    x = x.copy()
    g = problem.hypergraph
    energy = start = problem.energy(x)
    violated = problem.term_energies(x).astype(bool)
    unsat = [a for a in range(problem.m) if violated[a]]
    accepted, trace = 0, []
    for sweep in range(1, sweeps + 1):
        for _ in range(problem.n):
            if not unsat:
                return x, accepted, energy - start, trace
            a = unsat[rng.below(len(unsat))]
            clause_vars = [int(i) for i in g.term_var[g.term_ptr[a] : g.term_ptr[a + 1]]]
            breaks = []
            for i in clause_vars:
                after = problem.term_energies(_with(x, i, -int(x[i]))).astype(bool)
                breaks.append(int(np.sum(after & ~violated)))
            least = min(breaks)
            ties = [i for i, b in zip(clause_vars, breaks) if b == least]
            if least > 0 and rng.uniform() < noise:
                i = clause_vars[rng.below(len(clause_vars))]
            else:
                i = ties[rng.below(len(ties))] if len(ties) > 1 else ties[0]
            x = _with(x, i, -int(x[i]))
            now = problem.term_energies(x).astype(bool)
            _update_unsat(unsat, now, g.var_term[g.var_ptr[i] : g.var_ptr[i + 1]])
            de = int(now.sum()) - energy
            energy, violated, accepted = energy + de, now, accepted + 1
            trace.append((sweep, energy - start))
    return x, accepted, energy - start, trace


def focused_metropolis(problem, x, beta, sweeps, rng: PyXoshiro):
    """Focused Metropolis search from its definition, energies and violated terms recomputed from all terms
    after every flip; the violated terms are kept in the list order the kernel documents (as for WalkSAT)."""
    x = x.copy()
    g = problem.hypergraph
    energy = start = problem.energy(x)
    unsat = [a for a in range(problem.m) if problem.term_energies(x)[a] > 0]
    accepted, trace = 0, []
    for sweep in range(1, sweeps + 1):
        for _ in range(problem.n):
            if not unsat:
                return x, accepted, energy - start, trace
            a = unsat[rng.below(len(unsat))]
            term_vars = g.term_var[g.term_ptr[a] : g.term_ptr[a + 1]]
            i = int(term_vars[rng.below(len(term_vars))])
            y = _with(x, i, -int(x[i]))
            de = problem.energy(y) - energy
            if not accept(1.0 if de <= 0 else boltzmann_factor(beta * de), rng):
                continue
            x, energy, accepted = y, energy + de, accepted + 1
            _update_unsat(unsat, problem.term_energies(x) > 0, g.var_term[g.var_ptr[i] : g.var_ptr[i + 1]])
            trace.append((sweep, energy - start))
    return x, accepted, energy - start, trace


# --- continuous landscapes ----------------------------------------------------------------------------------


def noise_draw(law, x0: float, rng: PyXoshiro) -> float:
    """One draw of a noise law (benchsuite.dynamics.noise.draw), from the same stream."""
    from benchsuite.kernels.normal import py_standard_normal

    if law.kind == "gaussian":
        sigma = law.coefficients[0] * math.exp(law.coefficients[1] * x0) if law.coefficients[1] else law.coefficients[0]
        return sigma * py_standard_normal(rng)
    if law.kind == "rademacher":
        return law.coefficients[0] if rng.u64() >> 63 else -law.coefficients[0]
    if law.kind == "uniform":
        return law.coefficients[0] * (2.0 * rng.uniform() - 1.0)
    e = -math.log(1.0 - rng.uniform())
    return law.coefficients[0] * e if rng.u64() >> 63 else -law.coefficients[0] * e


def batch_noise(landscape, b: int, replace: bool, x: np.ndarray, rng: PyXoshiro) -> np.ndarray:
    """The mean deviation u_k + W_k (x - a) of one batch (benchsuite.dynamics.minibatch), from the same stream:
    b indices, or the first b places of a Fisher-Yates shuffle of the examples."""
    n = landscape.examples
    if replace:
        batch = [rng.below(n) for _ in range(b)]
    else:
        order = list(range(n))
        for i in range(b):
            j = i + rng.below(n - i)
            order[i], order[j] = order[j], order[i]
        batch = order[:b]
    terms = [example_deviation(landscape, k, x) for k in batch]
    return np.sum(terms, axis=0) / b


def example_deviation(landscape, k: int, x: np.ndarray) -> np.ndarray:
    """grad f_k(x) - grad f(x): u_k + W_k (x - a) for a built-in landscape; for a finite sum of callables,
    from the Python source of its gradient."""
    if landscape.affine_examples:
        return landscape.shifts[k] + landscape.curvatures[k] @ (x - landscape.anchor)
    grads = np.array([example_gradient(landscape, row, x) for row in landscape.data])
    return grads[k] - grads.mean(0)


def example_gradient(landscape, row: np.ndarray, x: np.ndarray) -> np.ndarray:
    """One example's gradient from the Python source of a finite sum of callables."""
    out = np.zeros(x.size)
    landscape.gradient_function.py_func(row, np.array(x, dtype=float), out)
    return out


def plain_value(landscape):
    """f as a plain Python function: the numpy twin of a built-in kind, or the mean of a finite sum's
    examples from the Python source of its ``value``."""
    from benchsuite.problems.landscapes import numpy_value

    if landscape.affine_examples:
        return lambda y: float(numpy_value(landscape.code, landscape.coefficients, y))
    return lambda y: float(np.mean([landscape.value_function.py_func(row, np.asarray(y)) for row in landscape.data]))


def numerical_gradient(landscape, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the plain landscape value."""
    steps = h * np.eye(x.size)
    f = plain_value(landscape)
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in steps])


def constant_step_sgd(landscape, law, eta: float, x: np.ndarray, steps: int, rng: PyXoshiro, cell_of=None):
    """Plain-Python SGD x <- x - eta (grad f + Z), the gradient by central differences of the numpy value;
    returns the final x and, when ``cell_of`` (x -> (basin, core)) is given, the steps per basin and the
    core-to-core transitions."""
    x = np.array(x, dtype=float)
    occupancy, transitions, last = {}, {}, -1
    for _ in range(steps):
        g = numerical_gradient(landscape, x)
        if law.kind == "minibatch":
            z = batch_noise(landscape, int(law.coefficients[0]), bool(law.coefficients[1]), x, rng)
        else:
            z = np.array([noise_draw(law, x[0], rng) for _ in range(x.size)])
        x = x - eta * (g + z)
        if cell_of is not None:
            basin, core = cell_of(x)
            occupancy[basin] = occupancy.get(basin, 0) + 1
            if core >= 0 and core != last:
                if last >= 0:
                    transitions[(last, core)] = transitions.get((last, core), 0) + 1
                last = core
    return x, occupancy, transitions


def metropolis_adjusted(landscape, temperature, eta, scale, langevin, x, steps, rng: PyXoshiro):
    """Plain-Python MALA (``langevin``) or random-walk Metropolis with the kernel's draws; returns (x, accepted)."""
    from benchsuite.kernels.normal import py_standard_normal

    f = plain_value(landscape)
    if not langevin:
        grad = lambda y: np.zeros(y.size)
    elif landscape.affine_examples:
        grad = landscape.gradient
    else:
        grad = lambda y: np.mean([example_gradient(landscape, row, y) for row in landscape.data], axis=0)
    x = np.array(x, dtype=float)
    accepted = 0
    for _ in range(steps):
        g = grad(x)
        proposal = np.array([x[i] - eta * g[i] + scale * py_standard_normal(rng) for i in range(x.size)])
        log_a = -(f(proposal) - f(x)) / temperature
        if langevin:
            forward = ((proposal - x + eta * g) ** 2).sum()
            backward = ((x - proposal + eta * grad(proposal)) ** 2).sum()
            log_a += (forward - backward) / (2 * scale * scale)
        if log_a >= 0 or rng.uniform() < math.exp(log_a):
            x, accepted = proposal, accepted + 1
    return x, accepted


def random_regular_terms(n: int, k: int, d: int, rng: np.random.Generator, colors=None, max_rounds: int = 10_000):
    """Configuration model with re-pairing, every round's defects recomputed from all terms (the twin of
    ``benchsuite.problems.graph.random_regular_terms``, which keeps them up to date; same random numbers)."""
    stubs = np.repeat(np.arange(n, dtype=np.int64), d)
    rng.shuffle(stubs)
    groups = stubs.reshape(-1, k)
    for _ in range(max_rounds):
        s = np.sort(groups, axis=1)
        bad = np.any(s[:, 1:] == s[:, :-1], axis=1)
        if colors is not None:
            c = np.sort(colors[groups], axis=1)
            bad |= np.any(c[:, 1:] == c[:, :-1], axis=1)
        _, first = np.unique(s, axis=0, return_index=True)
        repeat = np.ones(len(groups), dtype=bool)
        repeat[first] = False
        bad |= repeat
        if not bad.any():
            return s
        good = np.flatnonzero(~bad)
        extra = rng.choice(good, size=min(good.size, max(int(bad.sum()), 2)), replace=False)
        idx = np.concatenate([np.flatnonzero(bad), extra])
        pool = groups[idx].ravel()
        rng.shuffle(pool)
        groups[idx] = pool.reshape(-1, k)
    raise RuntimeError("no simple regular hypergraph found")


def switch_edges(edges, colors, picks, crossed):
    """Edge switches over a set of edges (the twin of ``benchsuite.problems.switching.switch_edges``, which keeps
    an adjacency matrix): returns the new edges and the number accepted."""
    edges = [tuple(e) for e in edges.tolist()]
    present = {frozenset(e) for e in edges}
    accepted = 0
    for (x, y), cross in zip(picks.tolist(), crossed.tolist()):
        (a, b), (c, e) = edges[x], edges[y]
        if cross:
            c, e = e, c
        new = (a, e), (c, b)
        if len({a, b, c, e}) < 4 or any(colors[u] == colors[v] or frozenset((u, v)) in present for u, v in new):
            continue
        present -= {frozenset(edges[x]), frozenset(edges[y])}
        present |= {frozenset(new[0]), frozenset(new[1])}
        edges[x], edges[y] = new
        accepted += 1
    return np.array(edges, dtype=np.int64), accepted
