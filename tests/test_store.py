"""The results store: keys, strict JSON, resuming, exports, refusing foreign files, and surviving kill -9."""

import io
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from benchsuite.errors import ValidationError
from benchsuite.experiment import CellKey, Store


def key(seed=0, budget=100, **params):
    return CellKey("coloring-0123456789abcdef", "metropolis", "1", params or {"T": 0.5}, seed, budget)


def test_key_digest_depends_on_every_field_and_not_on_dict_order():
    base = CellKey("i", "a", "1", {"T": 0.5, "order": "random"}, 1, 10)
    assert base.digest == CellKey("i", "a", "1", {"order": "random", "T": 0.5}, 1, 10).digest
    others = [
        CellKey("j", "a", "1", {"T": 0.5, "order": "random"}, 1, 10),
        CellKey("i", "b", "1", {"T": 0.5, "order": "random"}, 1, 10),
        CellKey("i", "a", "2", {"T": 0.5, "order": "random"}, 1, 10),
        CellKey("i", "a", "1", {"T": 0.6, "order": "random"}, 1, 10),
        CellKey("i", "a", "1", {"T": 0.5, "order": "random"}, 2, 10),
        CellKey("i", "a", "1", {"T": 0.5, "order": "random"}, 1, 11),
    ]
    assert len({base.digest, *(k.digest for k in others)}) == 7


def test_put_get_and_resume(tmp_path):
    path = tmp_path / "cells.sqlite"
    with Store(path) as store:
        assert store.put(key(0), {"best_energy": -3.0, "hit_sweep": None})
        assert not store.put(key(0), {"best_energy": 99.0, "hit_sweep": 1})  # never overwritten
        assert store.put(key(1), {"best_energy": -2.0, "hit_sweep": 7})
    with Store(path) as store:  # reopened: what a rerun sees
        assert len(store) == 2 and key(0) in store and key(2) not in store
        assert store.get(key(0)) == {"best_energy": -3.0, "hit_sweep": None}
        assert store.get(key(5)) is None
        assert store.missing([key(0), key(1), key(2), key(3)]) == [key(2), key(3)]
        (cell,) = [c for c in store.cells() if c["seed"] == 1]
        assert cell["result"]["hit_sweep"] == 7 and cell["params"] == {"T": 0.5}
        assert cell["numba"] not in ("", None) and cell["cpu"]


def test_read_gives_what_get_gives_in_one_pass_over_more_keys_than_one_query_takes(tmp_path):
    keys = [key(seed) for seed in range(1200)]  # above _READ_CHUNK, so several queries
    with Store(tmp_path / "cells.sqlite") as store:
        for k in keys:
            store.put(k, {"best_energy": -float(k.seed)})
        snapshot = store.read(keys + keys[:3])  # a key given twice is read once
        assert len(snapshot) == len(keys)
        assert all(snapshot.get(k) == store.get(k) for k in keys)
        assert snapshot.get(key(5000)) is None
        with pytest.raises(LookupError, match="1 of 1201 missing"):
            store.read([*keys, key(5000)])


def test_results_must_be_strict_json(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        for bad in ({"e": math.nan}, {"e": math.inf}, {"e": np.arange(2)}):
            with pytest.raises(ValidationError) as err:
                store.put(key(), bad)
            assert err.value.field == "result"
        assert len(store) == 0


def test_csv_export_flattens_results(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.put(key(0), {"best_energy": -3.0, "curve": [1, 2]})
        store.put(key(1), {"best_energy": -1.0, "curve": [3]})
        out = io.StringIO()
        store.to_csv(out)
    lines = out.getvalue().splitlines()
    header = lines[0].split(",")
    assert len(lines) == 3 and "result.best_energy" in header and "result.curve" in header and "cpu" in header
    assert '"[1,2]"' in out.getvalue()


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: CellKey("", "a", "1", {}, 0, 1), "instance_id"),
        (lambda: CellKey("i", "a", "1", [], 0, 1), "params"),
        (lambda: CellKey("i", "a", "1", {"T": math.nan}, 0, 1), "params"),
        (lambda: CellKey("i", "a", "1", {}, -1, 1), "seed"),
        (lambda: CellKey("i", "a", "1", {}, 2**63, 1), "seed"),
        (lambda: CellKey("i", "a", "1", {}, 0, -5), "budget"),
    ],
)
def test_bad_keys_name_their_field(make, field):
    with pytest.raises(ValidationError) as err:
        make()
    assert err.value.field == field


def test_foreign_files_are_refused(tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE cells (x INTEGER)")
    for path in (garbage, other, tmp_path, 5):
        with pytest.raises(ValidationError) as err:
            Store(path)
        assert err.value.field == "store"


WRITER = """
import sys
from benchsuite.experiment import CellKey, Store
path, total = sys.argv[1], int(sys.argv[2])
keys = [CellKey("inst", "algo", "1", {"k": i % 7}, i, 100) for i in range(total)]
with Store(path) as store:
    todo = store.missing(keys)
    print("ready", flush=True)
    for k in todo:
        store.put(k, {"value": k.seed * 0.5, "tag": "x" * (k.seed % 50)})
"""


def _check_prefix(path, total):
    """The store is readable, holds each key once, and holds exactly the first j keys with their results."""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Store(path) as store:
        cells = list(store.cells())
        seeds = sorted(c["seed"] for c in cells)
        assert seeds == list(range(len(seeds)))  # nothing lost before the last committed cell, no duplicate
        assert all(c["result"] == {"value": c["seed"] * 0.5, "tag": "x" * (c["seed"] % 50)} for c in cells)
        return len(cells)


def _kill_at_random_moments(path, total, kills, seed):
    rng = np.random.default_rng(seed)
    done = []
    for _ in range(kills):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(total)], stdout=subprocess.PIPE)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        done.append(_check_prefix(path, total))
    subprocess.run([sys.executable, "-c", WRITER, str(path), str(total)], check=True, capture_output=True)
    assert _check_prefix(path, total) == total
    assert done == sorted(done) and done[-1] > 0  # committed cells survive every later kill
    return done


def test_kill_9_while_writing_loses_only_cells_in_flight(tmp_path):
    # about 70 us per committed cell here: 20,000 cells outlast two kills within 0.15 s of each start
    done = _kill_at_random_moments(tmp_path / "s.sqlite", 20_000, kills=2, seed=1)
    assert done[-1] < 20_000  # the kills landed while cells were still being written


@pytest.mark.slow
def test_kill_9_at_ten_random_moments(tmp_path):
    done = _kill_at_random_moments(tmp_path / "s.sqlite", 100_000, kills=10, seed=2)
    assert done[-1] < 100_000


def test_a_version_1_store_gains_the_measurements_table_and_keeps_its_cells(tmp_path):
    from benchsuite.experiment.store import MeasurementKey

    path = tmp_path / "old.sqlite"
    with Store(path) as store:
        store.put(key(0), {"best_energy": -3.0})
    db = sqlite3.connect(path)
    db.execute("DROP TABLE measurements")
    db.execute("PRAGMA user_version = 1")  # as version 1 wrote it
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.get(key(0)) == {"best_energy": -3.0}
        measured = MeasurementKey("t_eff", "i", "sgd-like", "1", {"s": 0.8}, 0)
        assert store.measurement(measured) is None
        assert store.put_measurement(measured, {"t_eff": 0.7}) and not store.put_measurement(measured, {"t_eff": 9})
        assert store.measurement(measured) == {"t_eff": 0.7}
        with pytest.raises(ValidationError):
            store.put_measurement(measured, {"t_eff": math.nan})
