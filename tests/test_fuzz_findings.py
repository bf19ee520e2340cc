"""What a fuzz run of the state and the command line found (issue 14, item 12), each kept as a test: kernel models
frozen for every family, a seal that cannot be forged, sweep counters that cannot wrap, and specs naming things
that are not generators."""

import contextlib
import io
import zlib

import numpy as np
import pytest
from families import TWIN_PROBLEMS

from benchsuite import cli
from benchsuite.dynamics import Annealing, Metropolis
from benchsuite.errors import ValidationError
from benchsuite.problems import coloring, load_problem, save_problem


@pytest.mark.parametrize("name", TWIN_PROBLEMS)
def test_every_array_of_every_kernel_model_is_read_only(name):
    state = Metropolis(1.0).init(TWIN_PROBLEMS[name](), 0)
    arrays = [value for value in state.model if isinstance(value, np.ndarray)]
    assert arrays and not any(a.flags.writeable for a in arrays)
    with pytest.raises(ValueError, match="read-only"):
        arrays[-1][0] = 0


def _crc_preserving_patch(data: bytes, at: int, target: int, value: int) -> bytes:
    """``data`` with byte ``target`` set to ``value`` and four bytes at ``at`` chosen so that CRC-32 is unchanged
    (CRC is affine over GF(2): solve a 32 x 32 linear system for the compensating bits)."""
    zero = zlib.crc32(bytes(len(data)))

    def linear(delta: bytes) -> int:
        return zlib.crc32(delta) ^ zero

    def with_bit(bit: int) -> bytes:
        delta = bytearray(len(data))
        delta[at + bit // 8] = 1 << (bit % 8)
        return bytes(delta)

    change = bytearray(len(data))
    change[target] = data[target] ^ value
    columns = [linear(with_bit(b)) for b in range(32)]
    goal = linear(bytes(change))
    matrix = np.array([[(col >> row) & 1 for col in columns] for row in range(32)], dtype=np.uint8)
    rhs = np.array([(goal >> row) & 1 for row in range(32)], dtype=np.uint8)
    augmented = np.concatenate([matrix, rhs[:, None]], axis=1)  # Gaussian elimination over GF(2)
    pivots = []
    row = 0
    for col in range(32):
        hit = next((r for r in range(row, 32) if augmented[r, col]), None)
        if hit is None:
            continue
        augmented[[row, hit]] = augmented[[hit, row]]
        for r in range(32):
            if r != row and augmented[r, col]:
                augmented[r] ^= augmented[row]
        pivots.append(col)
        row += 1
    bits = np.zeros(32, dtype=np.uint8)
    for r, col in enumerate(pivots):
        bits[col] = augmented[r, 32]
    patched = bytearray(data)
    patched[target] = value
    for b in np.flatnonzero(bits):
        patched[at + b // 8] ^= 1 << (b % 8)
    return bytes(patched)


def test_an_edit_that_keeps_the_crc_is_still_noticed():
    """The old seal was a CRC-32: this edit (an out-of-range colour, compensated in four other bytes) kept it and
    reached the kernel.  The SHA-256 seal notices it, and the rebuild refuses the colour."""
    problem = coloring(n=200, q=5, c=3, seed=1)
    state = Metropolis(1.0).init(problem, 0)
    forged = _crc_preserving_patch(state.x.tobytes(), at=100, target=10, value=77)
    assert zlib.crc32(forged) == zlib.crc32(state.x) and forged != state.x.tobytes()
    state.x[:] = np.frombuffer(forged, dtype=np.int8)
    with pytest.raises(ValidationError) as err:
        Metropolis(1.0).step(state, 1)
    assert err.value.field == "state.x"


@pytest.mark.parametrize("sweep", [np.int64(2**63 - 2), 2**63 + 5, 2**53 + 1, -1, 1.0, True])
def test_sweep_counters_beyond_2_53_or_not_integers_are_refused(sweep):
    """A numpy int64 near the top of its range made annealing run zero sweeps without a word (the schedule
    index wrapped); above 2^63 numba raised.  Now the counter is checked before the kernel."""
    dyn = Annealing(0.1, 2.0)
    state = dyn.init(coloring(n=50, q=5, c=3, seed=1), 0, horizon=20)
    state.sweep = sweep
    with pytest.raises(ValidationError) as err:
        dyn.step(state, 5)
    assert err.value.field == "state.sweep"


def test_a_numpy_sweep_counter_becomes_a_python_int():
    dyn = Annealing(0.1, 2.0)
    state = dyn.init(coloring(n=50, q=5, c=3, seed=1), 0, horizon=20)
    state.sweep = np.uint64(3)
    state, _ = dyn.step(state, 5)
    assert type(state.sweep) is int and state.sweep == 8


def test_a_step_past_2_53_sweeps_is_refused():
    dyn = Metropolis(1.0)
    state = dyn.init(coloring(n=50, q=5, c=3, seed=1), 0)
    state.sweep = 2**53 - 2
    with pytest.raises(ValidationError) as err:
        dyn.step(state, 5)
    assert err.value.field == "sweeps"


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue().strip().splitlines()


@pytest.mark.parametrize(
    "problem, dynamics",
    [
        ("builtins:exit", "metropolis:T=1"),
        ("benchsuite.cli:main", "metropolis:T=1"),
        ("math:sqrt:x=4", "metropolis:T=1"),
        ("builtins:len:obj=3", "metropolis:T=1"),
        ("benchsuite.problems:ColoringProblem:hypergraph=5", "metropolis:T=1"),
        ("coloring:n=10,c=2", "benchsuite.dynamics:KernelDynamics"),
        ("coloring:n=10,c=2", "builtins:exit"),
    ],
)
def test_specs_naming_what_is_not_a_generator_exit_2_with_one_line(problem, dynamics):
    code, out, err = _cli(["run", "--problem", problem, "--dynamics", dynamics, "--sweeps", "1"])
    assert (code, out, len(err)) == (2, "", 1) and err[0].startswith("benchsuite: error:")


def test_demo_with_fewer_than_ten_sweeps_is_refused(tmp_path):
    code, out, err = _cli(["demo", "--sweeps", "0", "--n", "100", "--out", str(tmp_path)])
    assert (code, out, len(err)) == (2, "", 1) and "sweeps" in err[0]


def test_save_and_load_with_a_path_of_the_wrong_type():
    for call in (lambda: save_problem(coloring(n=50, q=5, c=3, seed=1), 5), lambda: load_problem(5)):
        with pytest.raises(ValidationError) as err:
            call()
        assert err.value.field == "path"
