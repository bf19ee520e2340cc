"""The shipped instance library: files checked against their catalogued hashes, references with their
sources, catalog names as problem specs, and the ``instances`` command."""

from __future__ import annotations

import json
import shutil

import pytest

from benchsuite import cli
from benchsuite.errors import ValidationError
from benchsuite.library import CATALOG, catalog_entry, catalog_reference
from benchsuite.problems import make_problem, save_problem
from benchsuite.problems.formats import read_instance

EXPECTED = {"gset": ("maxcut", 4), "satlib": ("ksat", 9), "dimacs-col": ("coloring", 6), "biqmac": ("maxcut", 2)}


def test_every_collection_is_shipped_with_its_family_and_a_cited_reference():
    for collection, (family, count) in EXPECTED.items():
        entries = [e for e in CATALOG.values() if e.collection == collection]
        assert len(entries) == count
        for entry in entries:
            problem = entry.build()
            assert problem.family == family and entry.reference.source
            assert catalog_reference(problem) == entry.reference


def test_references_follow_the_sources_in_this_packages_energy_convention():
    assert catalog_entry("G1").reference.value == -11624 and catalog_entry("G1").reference.method == "best known"
    assert catalog_entry("t2g10_5555").reference.value == -6049461
    assert catalog_entry("t2g10_5555").reference.method == "exact"
    assert catalog_entry("uf50-02").reference.value == 0 and catalog_entry("uuf50-02").reference.method == "lower bound"
    assert make_problem("anna").q == 11 and catalog_entry("anna").reference.value == 0


def test_a_catalogued_file_whose_bytes_changed_is_refused(tmp_path, monkeypatch):
    from benchsuite.library import catalog

    entry = catalog_entry("myciel3")
    copy = tmp_path / "data"
    shutil.copytree(entry.file().parents[1], copy)
    with (copy / entry.path).open("a") as fh:
        fh.write("c one more comment\n")
    monkeypatch.setattr(catalog.resources, "files", lambda _package: tmp_path)
    with pytest.raises(ValidationError, match="myciel3: .* has changed"):
        entry.file()


def test_a_shipped_instance_read_from_another_copy_keeps_its_reference(tmp_path):
    path = save_problem(make_problem("uf20-02"), tmp_path / "copy.npz")
    assert catalog_reference(read_instance(path)) == catalog_entry("uf20-02").reference
    with pytest.raises(ValidationError, match="G1 is a shipped instance; it takes no parameters"):
        make_problem("G1:q=3")


def test_instances_list_and_show_print_strict_json(capsys):
    assert cli.main(["instances", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == list(CATALOG)
    for row in rows:
        for key in ("family", "n_vars", "n_terms", "instance_id", "reference"):
            assert row[key] is not None
    assert cli.main(["instances", "show", "G14", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["family"], shown["n_vars"], shown["n_terms"]) == ("maxcut", 800, 4694)
    assert shown["reference"]["value"] == -3064 and shown["seed"] is None


def test_instances_generate_writes_a_file_that_show_reads_back(tmp_path, capsys):
    out = tmp_path / "k.cnf"
    assert cli.main(["instances", "generate", "ksat:n=40,alpha=3.0", "--seed", "5", "--out", str(out)]) == 0
    capsys.readouterr()
    assert cli.main(["instances", "show", str(out), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["instance_id"] == make_problem("ksat:n=40,alpha=3.0", seed=5).instance_id
    assert cli.main(["instances", "show", str(out), "--format", "col", "--q", "3"]) == 2
    assert "header must be 'p edge n m'" in capsys.readouterr().err
    assert cli.main(["instances", "generate", "ksat:n=40,alpha=3.0"]) == 2
    assert "--out" in capsys.readouterr().err


def test_a_suite_of_shipped_instances_scores_its_baselines_grids_as_oracles_and_says_so(tmp_path):
    from benchsuite.experiment.scoring import plan_score, score
    from benchsuite.experiment.store import Store
    from benchsuite.experiment.suites import Suite, SuiteInstance
    from benchsuite.experiment.tuning import Tunable

    suite = Suite(name="shipped", version="1", description="two shipped instances", budgets=(10, 100), seeds=4,
                  instances=(SuiteInstance("myciel3", "myciel3"), SuiteInstance("uf20-01", "uf20-01")),
                  baselines={"coloring": (Tunable("metropolis", grid={"T": (0.3, 0.6)}),),
                             "ksat": (Tunable("walksat", {"noise": 0.5}),)})  # fmt: skip
    assert suite.tuning_description.startswith("no training twins")
    plan = plan_score(suite, Tunable.parse("metropolis:T=0.4"), 4, [10, 100])
    assert all(not training for _, _, training, _ in plan.entries)
    with Store(tmp_path / "s.sqlite") as store:
        result = score(plan, store, workers=1, progress=False)
    roles = {(r["instance"], r["baseline_role"]) for r in result.scorecard}
    assert ("myciel3", "oracle") in roles and ("uf20-01", "recommended") in roles  # a grid, and a single point
    assert ("myciel3", "recommended") not in roles


@pytest.mark.parametrize("name", ["gset", "satlib", "dimacs-col", "biqmac"])
def test_the_shipped_suites_take_their_references_from_the_catalog(name):
    from benchsuite.experiment.suites import get_suite

    suite = get_suite(name)
    for entry in suite.instances:
        assert entry.reference() == catalog_entry(entry.spec).reference and suite.training_twins(entry) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["instances", "show"],
        ["instances", "show", "nosuch.cnf"],
        ["instances", "show", "G1", "--q", "3"],
        ["instances", "show", "G1", "--format", "dimacs"],
        ["instances", "generate", "ksat:n=10,alpha=1", "--out", "/proc/nonexistent/dir/k.cnf"],
        ["instances", "generate", "coloring:n=30,q=3,c=2", "--out", "/tmp/x.cnf"],
        ["instances", "generate", "nosuchfamily:n=3", "--out", "/tmp/x.npz"],
    ],
)
def test_bad_instances_command_lines_are_one_line_and_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("benchsuite: error: ")
