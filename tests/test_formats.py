"""Instance files: the shared real files read as the field reads them, round trips in every format, hostile files
refused with the line named, and a fuzz of every reader (issue 17, items 1 and 5)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import strategies as st

from benchsuite.errors import ValidationError
from benchsuite.problems import MaxCutProblem, coloring, ksat, make_problem, maxcut, save_problem
from benchsuite.problems.formats import FileFormatError, detect_format, read_instance, write_instance
from benchsuite.validate.exact import ground_state

DATA = Path(str(resources.files("benchsuite.library").joinpath("data")))  # the shipped files, as distributed
SATLIB = sorted(DATA.glob("satlib/*.cnf"))
COLOURING = {
    "myciel3": (11, 20),
    "myciel4": (23, 71),
    "myciel5": (47, 236),
    "queen5_5": (25, 160),
    "anna": (138, 493),
    "le450_15a": (450, 8168),
}  # fmt: skip  (vertices, distinct edges)


def _write(tmp_path: Path, text: str | bytes, name: str = "f.cnf") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize("path", SATLIB, ids=lambda p: p.name)
def test_satlib_files_read_with_the_header_counts_and_no_empty_clause_from_the_trailer(path):
    problem = read_instance(path)
    n, m = (50, 218) if "50" in path.name else (20, 91)
    assert (problem.n, problem.m) == (n, m) and problem.hypergraph.arity == 3
    assert problem.params == {} and problem.seed is None and problem.planted is None


@pytest.mark.parametrize("path", [p for p in SATLIB if p.name.startswith("uf20")], ids=lambda p: p.name)
def test_the_uf20_files_are_satisfiable_as_their_source_says(path):
    problem = read_instance(path)
    energy, assignment = ground_state(problem)  # all 2^20 assignments
    assert energy == 0.0 and not problem.term_energies(assignment).any()


def test_the_satlib_trailer_is_what_a_naive_parser_trips_on(tmp_path):
    text = (DATA / "satlib/uf20-01.cnf").read_text()
    assert text.rstrip().endswith("%\n0")
    clean = read_instance(_write(tmp_path, text[: text.index("%")], "clean.cnf"))
    assert clean.instance_id == read_instance(DATA / "satlib/uf20-01.cnf").instance_id
    with pytest.raises(FileFormatError, match="line 100: an empty clause"):  # the trailer without its '%'
        read_instance(_write(tmp_path, text.replace("%\n", ""), "naive.cnf"))


@pytest.mark.parametrize("name", COLOURING)
def test_dimacs_colouring_files_fold_edges_listed_twice(name):
    problem = read_instance(DATA / f"dimacs_col/{name}.col", q=3)
    assert (problem.n, problem.m) == COLOURING[name]
    assert len({tuple(e) for e in problem.edges.tolist()}) == problem.m


GSET = {"G1": (800, 19176), "G14": (800, 4694), "G22": (2000, 19990), "G43": (1000, 9990)}
BIQMAC = {"t2g10_5555": (100, 200, -834802), "t3g5_5555": (125, 375, 436352)}  # n, m, W from the data README


@pytest.mark.parametrize("name", GSET)
def test_gset_files_read_as_max_cut_with_unit_weights(name):
    problem = read_instance(DATA / f"gset/{name}.txt")  # the first line ends with a space
    assert isinstance(problem, MaxCutProblem) and (problem.n, problem.m) == GSET[name]
    assert set(np.unique(problem.weights)) <= {-1.0, 1.0}


@pytest.mark.parametrize("name", BIQMAC)
def test_biqmac_files_read_with_their_weight_sum_and_the_biqmac_energy_relation(name):
    problem = read_instance(DATA / f"biqmac/{name}")
    n, m, total = BIQMAC[name]
    assert (problem.n, problem.m, problem.weights.sum()) == (n, m, total)
    s = np.random.default_rng(1).choice(np.array([-1, 1], np.int8), n)
    e = problem.edges
    h = float(np.sum(problem.weights * s[e[:, 0]] * s[e[:, 1]]))  # Biq Mac's H(s) = sum w_ij s_i s_j
    assert h == total + 2 * problem.energy(s)


def test_max_cut_energy_is_minus_the_cut_weight_computed_naively():
    problem = maxcut(30, c=5.0, weights="gauss", seed=4)
    rng = np.random.default_rng(2)
    for _ in range(20):
        s = rng.choice(np.array([-1, 1], np.int8), 30)
        cut = sum(w for (i, j), w in zip(problem.edges.tolist(), problem.weights) if s[i] != s[j])
        assert problem.energy(s) == pytest.approx(-cut, abs=1e-12) and problem.cut_weight(s) == pytest.approx(cut)
        ising_form = -float(np.sum(problem.couplings * s[problem.edges[:, 0]] * s[problem.edges[:, 1]]))
        assert problem.energy(s) == pytest.approx(ising_form + problem.constant, abs=1e-12)


def test_max_cut_converts_to_a_dimod_bqm_with_the_same_energies():
    dimod = pytest.importorskip("dimod")
    from benchsuite.problems.interop import to_bqm

    problem = maxcut(25, d=4, weights="pm1", seed=3)
    bqm = to_bqm(problem)
    rng = np.random.default_rng(5)
    samples = rng.choice(np.array([-1, 1], np.int8), (50, 25))
    theirs = dimod.SampleSet.from_samples_bqm(samples, bqm).record.energy
    np.testing.assert_allclose(theirs, [problem.energy(s) for s in samples], atol=1e-9)


def test_formats_are_told_from_suffix_or_content(tmp_path):
    assert detect_format(DATA / "satlib/uf20-01.cnf") == "cnf"
    assert detect_format(_write(tmp_path, (DATA / "satlib/uf20-01.cnf").read_bytes(), "noext")) == "cnf"
    assert detect_format(_write(tmp_path, (DATA / "dimacs_col/anna.col").read_bytes(), "graph.dat")) == "col"
    assert detect_format(save_problem(ksat(10, 2.0, seed=1), tmp_path / "saved")) == "native"
    assert detect_format(DATA / "gset/G1.txt") == detect_format(DATA / "biqmac/t2g10_5555") == "gset"
    with pytest.raises(FileFormatError, match="cannot tell its format"):
        detect_format(_write(tmp_path, "1 2 3\n", "what"))
    assert read_instance(_write(tmp_path, "p cnf 2 1\n1 2 0\n", "x.dat"), format="cnf").m == 1


@pytest.mark.parametrize("planted", [False, True])
@pytest.mark.parametrize("fmt", ["cnf", "native"])
def test_ksat_round_trips_keep_the_instance_id(tmp_path, fmt, planted):
    problem = ksat(40, 4.0, k=4, planted=planted, seed=2)
    back = read_instance(write_instance(problem, tmp_path / f"k.{'npz' if fmt == 'native' else fmt}"))
    assert back.instance_id == problem.instance_id
    np.testing.assert_array_equal(back.term_energies(-np.ones(40, np.int8)), problem.term_energies(-np.ones(40)))


@pytest.mark.parametrize("fmt", ["col", "native"])
def test_colouring_round_trips_keep_the_instance_id(tmp_path, fmt):
    problem = coloring(60, q=4, c=5.0, seed=3)
    path = write_instance(problem, tmp_path / f"g.{'npz' if fmt == 'native' else fmt}")
    back = read_instance(path, q=4) if fmt == "col" else read_instance(path)
    assert back.instance_id == problem.instance_id
    np.testing.assert_array_equal(back.edges, problem.edges)


@pytest.mark.parametrize("weights", ["unit", "pm1", "gauss"])
@pytest.mark.parametrize("fmt", ["gset", "native"])
def test_max_cut_round_trips_keep_the_instance_id(tmp_path, fmt, weights):
    problem = maxcut(50, c=6.0, weights=weights, seed=9)
    back = read_instance(write_instance(problem, tmp_path / f"m.{'npz' if fmt == 'native' else fmt}"))
    assert back.instance_id == problem.instance_id
    np.testing.assert_array_equal(back.weights, problem.weights)


def test_an_instance_read_from_a_file_saves_and_loads_without_provenance(tmp_path):
    read = read_instance(_write(tmp_path, "c x\np cnf 3 2\n1 -2 0 2\n3 0\n"))
    np.testing.assert_array_equal(read.signs, [1, -1, 1, 1])
    back = read_instance(save_problem(read, tmp_path / "r.npz"))
    assert back.instance_id == read.instance_id and back.seed is None


def test_a_spec_naming_a_file_is_read_with_its_options(tmp_path):
    cnf = _write(tmp_path, "p cnf 3 1\n1 2 3 0\n")
    assert make_problem(str(cnf)).instance_id == read_instance(cnf).instance_id
    col = _write(tmp_path, "p edge 3 2\ne 1 2\ne 2 3\n", "g.col")
    assert make_problem(f"{col}:q=3").q == 3
    with pytest.raises(ValidationError, match="q"):
        make_problem(str(col))
    with pytest.raises(ValidationError, match="does not take seed"):
        make_problem(f"{cnf}:seed=3")
    with pytest.raises(ValidationError, match="no such file"):
        make_problem("missing.cnf")


def test_the_cli_runs_a_file_and_reports_a_bad_one_in_one_line_with_exit_status_2(tmp_path, capsys):
    from benchsuite import cli

    good, bad = _write(tmp_path, "p cnf 3 1\n1 2 3 0\n", "good.cnf"), _write(tmp_path, "p cnf 3 1\n1 2 4 0\n")
    assert cli.main(["run", "--problem", str(good), "--dynamics", "metropolis:T=1", "--sweeps", "2"]) == 0
    capsys.readouterr()
    assert cli.main(["run", "--problem", str(bad), "--dynamics", "metropolis:T=1", "--sweeps", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 2: literal 4: variable beyond the header's 3" in err


HOSTILE_CNF = [
    ("1 2 0\n", "line 1: a clause before the 'p cnf V C' header"),
    ("c only comments\n", "no 'p cnf V C' header"),
    ("p cnf 3 1\np cnf 3 1\n1 0\n", "line 2: a second 'p' header"),
    ("p cnf 3\n1 0\n", "line 1: the header must be 'p cnf V C'"),
    ("p cnf 3 2\n1 0\n", "line 2: the header declares 2 clauses, the file holds 1"),
    ("p cnf 3 1\n1 0\n2 0\n", "line 3: more clauses than the 1 the header declares"),
    ("p cnf 3 1\n1 -4 0\n", "line 2: literal -4: variable beyond the header's 3"),
    ("p cnf 3 1\n1 x 0\n", "line 2: a literal: 'x' is not an integer"),
    ("p cnf 3 2\n1 0\n0\n", "line 3: an empty clause"),
    ("p cnf 3 1\n1 -1 0\n", "line 2: a clause holding both 1 and -1"),
    ("p cnf 3 1\n1 2\n", "line 2: the last clause has no terminating 0"),
    ("p cnf 3 1\n1 0\n%\n2 0\n", "line 4: only '0', comments and blank lines may follow"),
    ("p cnf 10000000000 1\n1 0\n", "line 1: the variable count 10000000000 is outside"),
    ("p cnf -3 1\n1 0\n", "line 1: the variable count -3 is outside"),
    ("p cnf 3 1\n1 2 3 0\n\0\0", "line 3: holds a NUL byte"),
    (b"p cnf 3 1\n1 2 \xff 0\n", "line 2: is not UTF-8 text"),
    ("p cnf 3 1\n1 " + "9" * 5000 + " 0\n", "line 2: a literal"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE_CNF)
def test_hostile_cnf_files_are_refused_naming_the_line(tmp_path, text, message):
    with pytest.raises(FileFormatError, match=message.replace("(", r"\(").replace("'", "'")):
        read_instance(_write(tmp_path, text))


HOSTILE_COL = [
    ("e 1 2\n", "line 1: an edge before the 'p edge n m' header"),
    ("p edge 3 1\ne 1 4\n", "line 2: vertex 4 is outside 1..3"),
    ("p edge 3 1\ne 0 2\n", "line 2: vertex 0 is outside 1..3"),
    ("p edge 3 1\ne 2 2\n", "line 2: a self-loop on vertex 2"),
    ("p edge 3 1\ne 1 2 3\n", "line 2: an edge line must be 'e i j'"),
    ("p edge 3 3\ne 1 2\ne 2 1\n", "line 3: the header declares 3 edges; the file lists 2 edge lines, 1 distinct"),
    ("p edge 3 1\ne 1 2\ne 2 3\ne 1 3\n", "line 4: more edge lines than twice the 1"),
    ("p edge 3 1\nn 1 5\ne 1 2\n", "line 2: unsupported line type 'n'"),
    ("p edge 3 1\np edge 3 1\n", "line 2: a second 'p' header"),
    ("p edge 999999999 1\ne 1 2\n", "line 1: the vertex count 999999999 is outside"),
    ("p graph 3 1\ne 1 2\n", "line 1: the header must be 'p edge n m'"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE_COL)
def test_hostile_colouring_files_are_refused_naming_the_line(tmp_path, text, message):
    with pytest.raises(FileFormatError, match=message.replace("(", r"\(")):
        read_instance(_write(tmp_path, text, "g.col"), q=3)


HOSTILE_GSET = [
    ("3\n1 2 1\n", "line 1: the first line must be 'n m'"),
    ("3 1\n1 2\n", "line 2: an edge line must be 'i j w'"),
    ("3 1\n1 4 1\n", "line 2: vertex 4 is outside 1..3"),
    ("3 1\n-1 2 1\n", "line 2: vertex -1 is outside 1..3"),
    ("3 1\n2 2 1\n", "line 2: a self-loop on vertex 2"),
    ("3 2\n1 2 1\n2 1 5\n", "line 3: edge 2 1 is listed again \\(first on line 2\\)"),
    ("3 1\n1 2 nan\n", "line 2: weight 'nan' is not finite"),
    ("3 1\n1 2 1e999\n", "line 2: weight '1e999' is not finite"),
    ("3 1\n1 2 heavy\n", "line 2: weight 'heavy' is not a number"),
    ("3 2\n1 2 1\n", "line 2: the first line declares 2 edges, the file lists 1"),
    ("3 1\n1 2 1\n2 3 1\n", "line 3: more edges than the 1 the first line declares"),
    ("3 1\n3 1\n1 2 1\n", "line 2: an edge line must be 'i j w'"),
    ("10000000000 1\n1 2 1\n", "line 1: the vertex count 10000000000 is outside"),
    ("4 2\n1 2 1e300\n3 4 1e300\n", "weights: must be finite with sum |w| <= 1e\\+300"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE_GSET)
def test_hostile_edge_lists_are_refused_naming_the_line(tmp_path, text, message):
    with pytest.raises(ValidationError, match=message):
        read_instance(_write(tmp_path, text, "m.gset"))


def test_a_header_may_count_each_edge_once_or_twice(tmp_path):
    for declared in (2, 4):
        text = f"p edge 3 {declared}\ne 1 2\ne 2 1\ne 2 3\ne 3 2\n"
        assert read_instance(_write(tmp_path, text, "g.col"), q=2).m == 2


def test_writing_a_family_a_format_cannot_hold_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="cnf holds ksat instances, not coloring"):
        write_instance(coloring(20, q=2, c=2.0, seed=1), tmp_path / "x.cnf")
    with pytest.raises(ValidationError, match="format"):
        write_instance(ksat(10, 2.0, seed=1), tmp_path / "x", format="dimacs")


# --- fuzzing: mutations of valid files, each read must give an instance or one FileFormatError ----------------

READER_DEFAULT, READER_SLOW = 2000, 20000
READER_SIZES = [pytest.param(READER_DEFAULT, id="default"),
                pytest.param(READER_SLOW, id="slow", marks=pytest.mark.slow)]  # fmt: skip
TOKENS = st.sampled_from(["0", "-1", "1", "3", "4", "-4", "99", str(2**31), str(10**20), "-0", "+2", "x", "%", "p",
                          "c", "e", "cnf", "edge", "nan", "1e3", "1_0", "\t", "\u0663", "\xa0"])  # fmt: skip
LINES = st.sampled_from(["p cnf 3 2", "p cnf 4 1", "p edge 4 2", "p col 3 1", "%", "0", "c a comment", "e 1 2",
                         "e 2 1", "e 3 3", "1 2 0", "-1 0", "0 0", "p cnf 0 0", "p edge 1 0", "p cnf 3 -1"])  # fmt: skip


@st.composite
def _cnf_text(draw) -> str:
    n = draw(st.integers(1, 6))
    clauses = draw(st.lists(st.lists(st.integers(1, n).map(lambda v: v if draw(st.booleans()) else -v),
                                     min_size=1, max_size=4), min_size=1, max_size=6))  # fmt: skip
    body = "\n".join(" ".join(map(str, c)) + " 0" for c in clauses)
    return f"c random\np cnf {n} {len(clauses)}\n{body}\n" + draw(st.sampled_from(["", "%\n0\n", "%\n0\n\n"]))


@st.composite
def _col_text(draw) -> str:
    n = draw(st.integers(2, 6))
    pairs = draw(st.lists(st.tuples(st.integers(1, n), st.integers(1, n)).filter(lambda e: e[0] != e[1]), max_size=8))
    return f"c random\np edge {n} {len(pairs)}\n" + "".join(f"e {i} {j}\n" for i, j in pairs)


@st.composite
def _mutated(draw, texts: st.SearchStrategy) -> bytes:
    lines = draw(texts).split("\n")
    for _ in range(draw(st.integers(0, 4))):
        what = draw(st.sampled_from(["token", "insert", "delete", "duplicate", "truncate", "bytes"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if what == "token" and lines:
            words = lines[at].split(" ")
            words[draw(st.integers(0, len(words) - 1))] = draw(TOKENS)
            lines[at] = " ".join(words)
        elif what == "insert":
            lines.insert(at, draw(LINES))
        elif what == "delete" and lines:
            del lines[at]
        elif what == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif what == "truncate":
            text = "\n".join(lines)
            lines = text[: draw(st.integers(0, len(text)))].split("\n")
        elif what == "bytes":
            lines.insert(at, draw(st.binary(min_size=1, max_size=8)).decode("latin-1"))
    return "\n".join(lines).encode("latin-1", errors="replace")


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz_files")


def _reads_or_refuses(path: Path, **options):
    def call(raw: bytes) -> str:
        path.write_bytes(raw)
        problem = read_instance(path, **options)
        assert problem.n >= 1 and problem.m >= 0
        problem.term_energies(problem.random_configuration(np.random.default_rng(0)))
        return "read"

    return call


@pytest.mark.parametrize("examples", READER_SIZES)
def test_fuzz_the_cnf_reader(examples, fuzz_dir):
    from fuzzing import fuzz

    tally = fuzz(examples, _mutated(_cnf_text()), _reads_or_refuses(fuzz_dir / "f.cnf"), "DIMACS CNF reader")
    assert (
        tally["read"] and tally["refused"]
    )  # both outcomes were reached: the mutations are neither all benign nor all fatal


@pytest.mark.parametrize("examples", READER_SIZES)
def test_fuzz_the_colouring_reader(examples, fuzz_dir):
    from fuzzing import fuzz

    tally = fuzz(examples, _mutated(_col_text()), _reads_or_refuses(fuzz_dir / "g.col", q=3), "DIMACS colouring reader")
    assert tally["read"] and tally["refused"]


@st.composite
def _gset_text(draw) -> str:
    n = draw(st.integers(2, 6))
    pairs = draw(st.lists(st.tuples(st.integers(1, n), st.integers(1, n)).filter(lambda e: e[0] != e[1]),
                          max_size=8, unique_by=lambda e: (min(e), max(e))))  # fmt: skip
    weights = draw(st.lists(st.sampled_from(["1", "-1", "76727", "-102376", "0.5", "1e5"]), min_size=len(pairs),
                            max_size=len(pairs)))  # fmt: skip
    return f"{n} {len(pairs)} \n" + "".join(f"{i} {j} {w}\n" for (i, j), w in zip(pairs, weights))


@pytest.mark.parametrize("examples", READER_SIZES)
def test_fuzz_the_edge_list_reader(examples, fuzz_dir):
    from fuzzing import fuzz

    tally = fuzz(
        examples, _mutated(_gset_text()), _reads_or_refuses(fuzz_dir / "m.gset"), "rudy / Gset edge-list reader"
    )
    assert tally["read"] and tally["refused"]


@pytest.mark.parametrize("examples", READER_SIZES)
def test_fuzz_format_detection_and_reading_of_any_bytes(examples, fuzz_dir):
    from fuzzing import fuzz

    texts = st.one_of(_mutated(_cnf_text()), _mutated(_col_text()), _mutated(_gset_text()), st.binary(max_size=64))
    tally = fuzz(examples, texts, _reads_or_refuses(fuzz_dir / "unknown"), "format detection")
    assert tally["refused"]


class _Tripwire:
    """Unpickling one would record it: loading must never get that far."""

    opened = False

    def __reduce__(self):
        return (_Tripwire._open, ())

    @staticmethod
    def _open():
        _Tripwire.opened = True
        return "opened"


def test_a_pickled_array_inside_a_native_file_is_refused_unopened(tmp_path):
    path = save_problem(coloring(21, q=3, c=2.0, seed=1), tmp_path / "g.npz")
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["edges"] = np.array([_Tripwire()], dtype=object)
    np.savez(tmp_path / "pickled.npz", **arrays)
    with pytest.raises(ValidationError, match="not a readable benchsuite instance"):
        read_instance(tmp_path / "pickled.npz")
    assert not _Tripwire.opened
