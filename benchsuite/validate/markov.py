"""Exact transition matrices of single-site dynamics on small systems, and what they say.

States are the ``q^n`` configurations in the order of :func:`~.exact.configurations` (variable 0 the most
significant digit), at most ``MAX_STATES``.  For a site ``i``, ``site_matrix`` is the law of one update of
``i`` (sparse: at most ``q`` entries per row); ``random_scan_matrix`` averages them over a uniformly chosen
site (one attempted update, the ``order="random"`` step) and ``sweep_matrix`` multiplies them in the order
0..n-1 (one sequential sweep, dense: at most ``MAX_SWEEP_STATES``).

Local move laws, from each rule's definition (T in energy units, beta = 1/T):

- Metropolis: a uniformly random other value, accepted with min(1, e^(-beta dE));
- heat bath: the new value drawn from e^(-beta E(v)) over the domain;
- SGD-like, half-edge batch drawn afresh at each visit (``persist=1``): accepted when the energy change summed
  over a random subset of the variable's terms (each in with probability s) is <= 0.  For unit changes this is
  P[Bin(n_up, s) <= Bin(n_down, s)]; otherwise a sum over the subsets of its terms (:mod:`.batch_law`).

The term rule and ``persist > 1`` keep a batch across visits, so the configuration alone is not a Markov chain:
its exact analysis would need the batch flags in the state (2^m times more states); it is refused.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.sparse.linalg import eigs

from .. import _checks
from ..dynamics.base import Facts, facts
from ..dynamics.sgd_like import SGDLike
from ..errors import ValidationError
from ..kernels.acceptance import acceptance_table
from ..problems.base import Problem
from .batch_law import MAX_BATCH_TERMS, batch_acceptance
from .exact import configurations

LOCAL_LAWS = ("metropolis", "heat-bath", "sgd-like")
MAX_STATES = 1 << 16
MAX_SWEEP_STATES = 1 << 12  # a sweep matrix is dense
MAX_DENSE_SPECTRUM = 512  # spectral_gap: dense eigenvalues up to here, ARPACK above


class StateSpace:
    """All configurations of ``problem`` with their total energies and per-term energies."""

    def __init__(self, problem: Problem):
        if not isinstance(problem, Problem):
            raise ValidationError("problem", f"must be a Problem, got {type(problem).__name__}")
        self.problem = problem
        self.q, self.n = problem.domain.size, problem.n
        self.size = self.q**self.n
        self.place = self.q ** np.arange(self.n - 1, -1, -1, dtype=np.int64)  # index step per unit of digit i
        if self.size > MAX_STATES:
            raise ValidationError("problem", f"{self.size} states is above the exact-analysis limit of {MAX_STATES}")
        self.x = configurations(problem, 0, self.size)
        self.terms = problem.term_energies(self.x).astype(np.float64)  # (states, m)
        self.energy = self.terms.sum(axis=1) + problem.offset
        self.digits = (np.arange(self.size)[:, None] // self.place[None, :]) % self.q

    def index(self, x: np.ndarray) -> int:
        """The index of configuration ``x`` (domain values)."""
        digits = np.searchsorted(self.problem.domain.values, x)
        if x.shape != (self.n,) or np.any(digits >= self.q) or np.any(self.problem.domain.values[digits] != x):
            raise ValidationError("x", f"is not a configuration of this problem: {x!r}")
        return int(digits @ self.place)

    def indices(self, xs: np.ndarray) -> np.ndarray:
        """The index of each row of ``xs`` (configurations of domain values, unchecked: from a kernel)."""
        return np.searchsorted(self.problem.domain.values, xs) @ self.place

    def moved(self, site: int, digit) -> np.ndarray:
        """Index of every state with variable ``site`` set to the value of digit ``digit`` (one digit for all
        states, or one per state)."""
        return np.arange(self.size) + (digit - self.digits[:, site]) * self.place[site]


def state_space(problem: Problem | StateSpace) -> StateSpace:
    """``problem``'s states (built once and passed around: enumeration is the costly part)."""
    return problem if isinstance(problem, StateSpace) else StateSpace(problem)


def has_exact_law(dynamics) -> bool:
    """Whether :func:`site_matrix` knows the exact local law of ``dynamics``."""
    try:
        _check_dynamics(dynamics)
    except ValidationError:
        return False
    return True


def _check_dynamics(dynamics) -> Facts:
    """The dynamics' facts, when they name a local law this module builds."""
    stated = facts(dynamics)
    if stated.local_law not in LOCAL_LAWS:
        why = ""
        if isinstance(dynamics, SGDLike):
            why = " (the term rule and persist > 1 keep a batch across visits: the configuration alone is not Markov)"
        raise ValidationError("dynamics", f"no exact local law for {type(dynamics).__name__}{why}: Metropolis, "
                                          "HeatBath and SGDLike (half-edge, persist=1) have one")  # fmt: skip
    return stated


def _sgd_acceptance(space: StateSpace, site: int, target: np.ndarray, s: float) -> np.ndarray:
    """P[sum over a random half-edge batch of the term changes <= 0] for every state moving to ``target``."""
    g = space.problem.hypergraph
    mine = g.var_term[g.var_ptr[site] : g.var_ptr[site + 1]]
    change = space.terms[target][:, mine] - space.terms[:, mine]  # (states, degree)
    if np.all(np.isin(change, (-1.0, 0.0, 1.0))):
        table = acceptance_table(s, mine.size)
        return table[(change < 0).sum(axis=1), (change > 0).sum(axis=1)]
    if mine.size > MAX_BATCH_TERMS:
        raise ValidationError("problem", f"site {site} has {mine.size} terms with non-unit changes; exact SGD-like "
                                         f"laws sum over batches of up to {MAX_BATCH_TERMS} terms")  # fmt: skip
    return batch_acceptance(np.ascontiguousarray(change), float(s))


def site_matrix(problem: Problem | StateSpace, dynamics, site: int) -> sp.csr_matrix:
    """Transition matrix of one update of variable ``site`` (rows sum to 1)."""
    space = state_space(problem)
    stated = _check_dynamics(dynamics)
    site = _checks.integer("site", site, low=0, high=space.n - 1)
    rows, cols, probs = [], [], []
    states = np.arange(space.size)
    own = space.digits[:, site]
    if stated.local_law == "heat-bath":
        targets = [space.moved(site, d) for d in range(space.q)]
        levels = np.stack([space.energy[t] for t in targets], axis=1)
        weights = np.exp(-(1.0 / stated.temperature) * (levels - levels.min(axis=1, keepdims=True)))
        weights /= weights.sum(axis=1, keepdims=True)
        for d, target in enumerate(targets):
            rows.append(states), cols.append(target), probs.append(weights[:, d])
    else:
        stay = np.ones(space.size)
        for shift in range(1, space.q):  # the proposal: each other value with probability 1/(q-1)
            target = space.moved(site, (own + shift) % space.q)
            if stated.local_law == "metropolis":
                d_energy = space.energy[target] - space.energy
                accept = np.exp(-(1.0 / stated.temperature) * np.maximum(d_energy, 0.0))
            else:
                accept = _sgd_acceptance(space, site, target, stated.batch_fraction)
            p = accept / (space.q - 1)
            stay -= p
            rows.append(states), cols.append(target), probs.append(p)
        rows.append(states), cols.append(states), probs.append(np.maximum(stay, 0.0))
    matrix = sp.csr_matrix(
        (np.concatenate(probs), (np.concatenate(rows), np.concatenate(cols))), shape=(space.size, space.size)
    )
    matrix.sum_duplicates()
    return matrix


def random_scan_matrix(problem: Problem | StateSpace, dynamics) -> sp.csr_matrix:
    """One attempted update of a uniformly chosen site: (1/n) sum_i P_i."""
    space = state_space(problem)
    return sum(site_matrix(space, dynamics, i) for i in range(space.n)) / space.n


def sweep_matrix(problem: Problem | StateSpace, dynamics) -> np.ndarray:
    """One sequential sweep, sites 0..n-1: P_0 P_1 ... P_(n-1) (dense)."""
    space = state_space(problem)
    if space.size > MAX_SWEEP_STATES:
        raise ValidationError("problem", f"a sweep matrix is dense: {space.size} states is above {MAX_SWEEP_STATES}")
    out = np.eye(space.size)
    for i in range(space.n):
        out = (site_matrix(space, dynamics, i).T @ out.T).T  # out @ P_i with a sparse P_i
    return out


def sweep_operator(problem: Problem | StateSpace, dynamics, *, forward: bool = False):
    """One sweep of ``dynamics`` in its own site order (``Facts.sweep``: "random" is n updates of uniformly
    chosen sites, anything else sites 0..n-1 in order) as a function on vectors over the states, built from
    the sparse site matrices (so it reaches ``MAX_STATES``): v -> P v (a function's expectation after one
    sweep, from each state), or with ``forward`` p -> p P (a law after one sweep)."""
    space = state_space(problem)
    sites = [site_matrix(space, dynamics, i) for i in range(space.n)]
    if forward:
        sites = [m.T.tocsr() for m in sites]  # p P_i = P_i^T p
    if facts(dynamics).sweep == "random":
        sites = [sum(sites) / space.n] * space.n
    order = sites if forward else sites[::-1]  # p P_0 ... P_(n-1), or P_0 ... P_(n-1) v

    def apply(v: np.ndarray) -> np.ndarray:
        for matrix in order:
            v = matrix @ v
        return v

    return apply


def spectral_gap(matrix) -> float:
    """Absolute spectral gap 1 - max |lambda| over the eigenvalues other than 1 (the one of largest real part):
    the relaxation time is about its inverse.  Dense eigenvalues up to ``MAX_DENSE_SPECTRUM`` states, ARPACK's
    few largest in modulus above."""
    p = sp.csr_matrix(matrix, dtype=np.float64) if sp.issparse(matrix) else np.asarray(matrix, dtype=np.float64)
    n = p.shape[0]
    if p.ndim != 2 or p.shape != (n, n) or n < 2:
        raise ValidationError("matrix", f"must be square with at least 2 states, got shape {p.shape}")
    if n <= MAX_DENSE_SPECTRUM:
        values = np.linalg.eigvals(p.toarray() if sp.issparse(p) else p)
    else:
        values = eigs(sp.csr_matrix(p), k=4, which="LM", return_eigenvectors=False, tol=1e-10, maxiter=5000)
    values = np.delete(values, np.argmax(values.real))  # the eigenvalue 1
    return float(1.0 - np.abs(values).max())


def boltzmann(energies: np.ndarray, temperature: float) -> np.ndarray:
    """The Boltzmann law e^(-E/T) / Z over the given energies."""
    t = _checks.real("T", temperature, low=0.0, low_open=True)
    w = np.exp(-(energies - energies.min()) / t)
    return w / w.sum()


def total_variation(p: np.ndarray, q: np.ndarray) -> float:
    """sum |p - q| / 2."""
    return float(np.abs(p - q).sum() / 2)


def kl_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """sum p log(p / q) (terms with p = 0 vanish)."""
    mask = p > 0
    return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))


def closest_temperature(pi: np.ndarray, energies: np.ndarray, bounds=(1e-2, 1e2)) -> tuple[float, float]:
    """The T whose Boltzmann law is closest to ``pi`` in KL(pi || Boltzmann_T), and that divergence.

    KL(pi || B_T) = E_pi[E]/T + log Z(T) - H(pi) is minimal where the Boltzmann mean energy equals the mean energy
    of ``pi`` (moment matching); found on log T within ``bounds``.
    """
    res = minimize_scalar(
        lambda log_t: kl_divergence(pi, boltzmann(energies, math.exp(log_t))),
        bounds=(math.log(bounds[0]), math.log(bounds[1])),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return math.exp(res.x), float(res.fun)


def probability_flux(matrix, pi: np.ndarray):
    """Net flux J_ij = pi_i P_ij - pi_j P_ji (sparse when the matrix is)."""
    flow = sp.diags(pi) @ sp.csr_matrix(matrix)
    return (flow - flow.T).tocsr()


def detailed_balance_violation(matrix, pi: np.ndarray) -> float:
    """Total net probability flux sum_ij |pi_i P_ij - pi_j P_ji| / 2 (0 exactly for a reversible chain)."""
    return float(np.abs(probability_flux(matrix, pi).data).sum() / 2)


def entropy_production(matrix, pi: np.ndarray) -> float:
    """Entropy production rate (1/2) sum_ij (pi_i P_ij - pi_j P_ji) log(pi_i P_ij / (pi_j P_ji)) per step (nats);
    infinite when a transition has no reverse."""
    flow = (sp.diags(pi) @ sp.csr_matrix(matrix)).tocoo()
    forward = flow.data
    backward = np.asarray(sp.csr_matrix(flow.T)[flow.row, flow.col]).ravel()
    keep = forward > 0
    if np.any(backward[keep] <= 0):
        return math.inf
    f, b = forward[keep], backward[keep]
    return float(0.5 * np.sum((f - b) * np.log(f / b)))
