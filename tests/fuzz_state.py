"""State tampering, run as a script in a child process by ``test_fuzz_state.py`` (a crash must fail a test,
not end the test run): ``python fuzz_state.py EXAMPLES``.

Each case makes a state with ``init``, applies one to three writes through the state's public attributes, then
calls ``step`` or ``compile``.  The call must succeed, with the energy and cache those of ``x``, or raise a
ValidationError.  The last line printed is the tally as JSON; each case is printed before it runs, so a crash
shows which.
"""

from __future__ import annotations

import json
import sys

import numpy as np
from fuzzing import fuzz
from hypothesis import strategies as st

from benchsuite.dynamics import Annealing, HeatBath, Metropolis, SGDLike
from benchsuite.kernels import fill, model_for
from benchsuite.problems import coloring, ising, ksat, perceptron, xorsat

PROBLEMS = [
    coloring(n=30, q=3, c=3, seed=1),
    ising("rrg", n=20, d=3, seed=1),
    ising("sk", n=10, couplings="gauss", seed=1),
    ising("ea2d", L=4, couplings="gauss", h=0.3, seed=1),
    ksat(n=20, alpha=3.0, seed=1),
    xorsat(n=20, alpha=0.8, seed=1),
    perceptron(n=15, alpha=0.8, seed=1),
]
OTHERS = [coloring(n=30, q=3, c=5, seed=2), ising("rrg", n=20, d=4, seed=2), ksat(n=21, alpha=3.0, seed=2)]
DYNAMICS = [Metropolis(1.0), Metropolis(0.7, order="random"), HeatBath(1.0), Annealing(0.2, 3.0), SGDLike(0.6),
            SGDLike(0.6, persist=2), SGDLike(0.6, batch="term")]  # fmt: skip
DTYPES = ["int8", "int16", "int64", "uint64", "float64", "bool"]
SIMPLE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**64), 2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
)


@st.composite
def arrays(draw, like: np.ndarray) -> np.ndarray:
    """An array near ``like``: its shape or one off, its dtype or another, values anywhere in the dtype."""
    shape = draw(st.sampled_from([like.shape, (max(like.shape[0] - 1, 0), *like.shape[1:]), (like.size + 1,),
                                  (*like.shape, 1), (0,)]))  # fmt: skip
    dtype = np.dtype(draw(st.sampled_from([str(like.dtype)] * 3 + DTYPES)))
    size = int(np.prod(shape))
    if dtype.kind == "f":
        values = draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=size, max_size=size))
    elif dtype.kind == "b":
        values = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    else:
        info = np.iinfo(dtype)
        values = draw(st.lists(st.integers(int(info.min), int(info.max)), min_size=size, max_size=size))
    arr = np.array(values, dtype=dtype).reshape(shape)
    if draw(st.integers(0, 5)) == 0 and arr.ndim == 1 and arr.size > 1:
        arr = np.repeat(arr, 2)[::2]  # not contiguous
    if draw(st.integers(0, 5)) == 0:
        arr.flags.writeable = False
    return arr


@st.composite
def tampering(draw, state) -> tuple[str, object]:
    """One write through a public attribute of ``state``: (description, function applying it)."""
    target = draw(st.sampled_from(["x", "x", "cache", "cache", "rng", "energy", "sweep", "extra", "problem", "model"]))
    if target in ("x", "cache", "rng"):
        arr = getattr(state, target)
        how = draw(st.sampled_from(["entries", "entries", "replace", "alias"]))
        if how == "entries":
            flat = arr.reshape(-1)
            idx = draw(st.lists(st.integers(0, flat.size - 1), min_size=1, max_size=5))
            info = np.iinfo(arr.dtype) if arr.dtype.kind in "iu" else None
            value = draw(st.integers(int(info.min), int(info.max)) if info else st.floats(allow_nan=True))
            return f"{target}[{idx}] = {value}", lambda s: flat.__setitem__(idx, value)
        if how == "alias":
            other = draw(st.sampled_from([a for a in ("x", "cache", "rng") if a != target]))

            def alias(s):
                src = getattr(s, other).reshape(-1).view(np.uint8)
                want = getattr(s, target)
                if src.size >= want.nbytes:
                    setattr(s, target, src[: want.nbytes].view(want.dtype).reshape(want.shape))

            return f"{target} aliases {other}", alias
        new = draw(arrays(arr))
        return f"{target} = array {new.dtype} {new.shape}", lambda s: setattr(s, target, new)
    if target in ("energy", "sweep"):
        value = draw(SIMPLE)
        return f"{target} = {value!r}", lambda s: setattr(s, target, value)
    if target == "extra":
        key = draw(st.sampled_from(sorted(state.extra) + ["batch", "betas", "other"]))
        if key in state.extra and draw(st.booleans()):
            arr = state.extra[key]
            new = draw(arrays(arr))
            return f"extra[{key}] = array {new.dtype} {new.shape}", lambda s: s.extra.__setitem__(key, new)
        choice = draw(st.sampled_from(["delete", "junk", "not a dict"]))
        if choice == "delete":
            return f"del extra[{key}]", lambda s: s.extra.pop(key, None)
        if choice == "junk":
            value = draw(SIMPLE)
            return f"extra[{key}] = {value!r}", lambda s: s.extra.__setitem__(key, value)
        return "extra = []", lambda s: setattr(s, "extra", [])
    if target == "problem":
        other = draw(st.sampled_from([*OTHERS, *PROBLEMS, "coloring", None]))
        return f"problem = {other!r:.40}", lambda s: setattr(s, "problem", other)
    other = draw(st.sampled_from([*OTHERS, *PROBLEMS]))
    return "model = model of another problem", lambda s: setattr(s, "model", model_for(other))


@st.composite
def cases(draw):
    problem = draw(st.sampled_from(PROBLEMS))
    dynamics = draw(st.sampled_from(DYNAMICS))
    state = dynamics.init(problem, draw(st.integers(0, 3)), horizon=20)
    dynamics.step(state, draw(st.integers(0, 2)))
    writes = draw(st.lists(tampering(state), min_size=1, max_size=3))
    call = draw(st.sampled_from(["step", "step", "compile"]))
    sweeps = draw(st.integers(0, 4))
    return problem, dynamics, state, writes, call, sweeps


def attempt(case) -> str:
    problem, dynamics, state, writes, call, sweeps = case
    print(f"{dynamics!r} on {problem.instance_id}: {'; '.join(w for w, _ in writes)}; {call}", flush=True)
    for _, write in writes:
        try:
            write(state)
        except (TypeError, AttributeError):  # an earlier write replaced the container (e.g. extra = [])
            pass
    if call == "compile":
        dynamics.compile(state)
    else:
        dynamics.step(state, sweeps)
    expected = np.zeros_like(state.cache)
    fill(state.model, state.x, expected)
    assert np.allclose(state.cache, expected, rtol=1e-9, atol=1e-9), "cache differs from the cache of x"
    true = state.problem.energy(state.x)
    assert abs(state.energy - true) <= 1e-9 * max(1.0, abs(true)), f"energy {state.energy} but x has {true}"
    return "ok"


if __name__ == "__main__":
    tally = fuzz(int(sys.argv[1]), cases(), attempt, "state tampering")
    print(json.dumps(dict(tally)))
