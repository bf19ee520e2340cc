"""The results store: one SQLite file (WAL journal) of finished cells, keyed by what defines a cell.

A cell is one run of one algorithm on one instance: (instance id, algorithm name, version and parameters,
seed, budget in sweeps).  Its key is the SHA-256 of that tuple in canonical JSON, the table's primary key,
so a rerun of a grid computes only the cells the store lacks and can never write one twice.  Each cell is
committed in its own transaction as it finishes: a process killed at any moment loses at most the cells in
flight, and SQLite's journal keeps the file readable.  Results are strict JSON (no NaN or infinity: a
target never hit is ``null``); every cell records the package, numba, numpy, Python and CPU that computed it.

Measurements that are not cells (the effective temperature an ``--at-teff`` baseline runs at) are kept in
a second table, keyed the same way by (kind, instance id, algorithm, seed), so that a report rendered from
the store alone reads them instead of measuring again.

One process writes (the experiment's driver, which receives results from its workers); any number may read
while it does, e.g. a report rendered during a run.
"""

from __future__ import annotations

import csv
import hashlib
import json
import platform
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TextIO

from .. import _checks
from ..errors import ValidationError

SCHEMA_VERSION = 2  # 2 added the measurements table; a version-1 file gains it when opened
MAX_SEED = 2**63 - 1  # seeds are stored as SQLite integers (signed 64-bit)
_COLUMNS = ("key", "instance_id", "algorithm", "version", "params", "seed", "budget", "result",
            "benchsuite", "numba", "numpy", "python", "cpu", "finished_at")  # fmt: skip
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS cells (
    key TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    version TEXT NOT NULL,
    params TEXT NOT NULL,
    seed INTEGER NOT NULL,
    budget INTEGER NOT NULL,
    result TEXT NOT NULL,
    benchsuite TEXT NOT NULL,
    numba TEXT NOT NULL,
    numpy TEXT NOT NULL,
    python TEXT NOT NULL,
    cpu TEXT NOT NULL,
    finished_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cells_by_instance ON cells (instance_id, algorithm);
CREATE TABLE IF NOT EXISTS measurements (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    params TEXT NOT NULL,
    result TEXT NOT NULL,
    benchsuite TEXT NOT NULL,
    finished_at TEXT NOT NULL
) WITHOUT ROWID;
PRAGMA user_version = {SCHEMA_VERSION};
"""


def canonical_json(value: Any, field: str) -> str:
    """Compact JSON with sorted keys; NaN, infinity and non-JSON types are refused, naming ``field``."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(field, f"must be strict JSON (no NaN, infinity or non-JSON types): {exc}") from None


@dataclass(frozen=True)
class CellKey:
    """What defines a cell: the instance, the algorithm (name, version, parameters), the seed and the budget."""

    instance_id: str
    algorithm: str
    version: str
    params: dict[str, Any] = field(hash=False)
    seed: int
    budget: int

    def __post_init__(self) -> None:
        for name in ("instance_id", "algorithm", "version"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValidationError(name, f"must be a non-empty string, got {value!r}")
        if not isinstance(self.params, dict):
            raise ValidationError("params", f"must be a dict, got {type(self.params).__name__}")
        canonical_json(self.params, "params")
        _checks.integer("seed", self.seed, low=0, high=MAX_SEED)
        _checks.count("budget", self.budget)

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the canonical JSON of every field."""
        return hashlib.sha256(canonical_json(asdict(self), "key").encode()).hexdigest()


@dataclass(frozen=True)
class MeasurementKey:
    """What defines a measurement that is not a cell (an effective temperature): its kind, the instance it
    was made on, the algorithm (name, version, parameters) and the seed."""

    kind: str
    instance_id: str
    algorithm: str
    version: str
    params: dict[str, Any] = field(hash=False)
    seed: int

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the canonical JSON of every field."""
        return hashlib.sha256(canonical_json(asdict(self), "key").encode()).hexdigest()


@cache
def environment() -> dict[str, str]:
    """Versions and CPU recorded with every cell (read once per process; numba is not imported)."""

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {
        "benchsuite": installed("benchsuite"),
        "numba": installed("numba"),
        "numpy": installed("numpy"),
        "python": platform.python_version(),
        "cpu": _cpu_name(),
    }


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


SQLITE_HEADER = b"SQLite format 3\x00"


def check_store_path(path) -> Path:
    """A path a store can be opened at, checked before any work: an SQLite file, or a new file in a writable
    directory."""
    if not isinstance(path, (str, Path)):
        raise ValidationError("store", f"must be a file path, got {type(path).__name__}")
    path = Path(path)
    if path.is_dir():
        raise ValidationError("store", f"{path} is a directory, not a store file")
    if path.exists():
        try:
            with open(path, "rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise ValidationError("store", f"cannot read {path} ({exc.strerror or exc})") from None
        if header and header != SQLITE_HEADER or not path.is_file():
            raise ValidationError("store", f"{path} is not an SQLite file")
    else:
        _checks.output_directory("store", path.parent if str(path.parent) else ".", create=False)
    return path


class Store:
    """Cells of an experiment in one SQLite file, created when missing; use as a context manager or ``close()``."""

    def __init__(self, path: str | Path):
        self.path = check_store_path(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
            found = self._db.execute("PRAGMA user_version").fetchone()[0]
            if found not in (0, 1, SCHEMA_VERSION):
                raise ValidationError("store", f"{self.path} has schema version {found}; this benchsuite reads "
                                               f"version {SCHEMA_VERSION}")  # fmt: skip
            self._db.executescript(_SCHEMA)
            columns = tuple(row[1] for row in self._db.execute("PRAGMA table_info(cells)"))
        except sqlite3.DatabaseError as exc:
            raise ValidationError("store", f"{self.path} is not a benchsuite store ({exc})") from None
        if columns != _COLUMNS:
            raise ValidationError("store", f"{self.path} has a 'cells' table that is not a benchsuite store's")

    def __enter__(self) -> Store:  # noqa: PYI034 -- Python 3.10 has no typing.Self
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM cells").fetchone()[0]

    def __contains__(self, key: CellKey) -> bool:
        return self._db.execute("SELECT 1 FROM cells WHERE key = ?", (_digest(key),)).fetchone() is not None

    def get(self, key: CellKey) -> dict[str, Any] | None:
        """The stored result of ``key``, or None."""
        row = self._db.execute("SELECT result FROM cells WHERE key = ?", (_digest(key),)).fetchone()
        return None if row is None else json.loads(row[0])

    def read(self, keys: Iterable[CellKey]) -> Snapshot:
        """The stored results of ``keys``, read once (in chunks of ``_READ_CHUNK`` keys per query); LookupError
        naming the first one the store lacks."""
        wanted = list(dict.fromkeys(_digest(key) for key in keys))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), _READ_CHUNK):
            chunk = wanted[start : start + _READ_CHUNK]
            query = f"SELECT key, result FROM cells WHERE key IN ({', '.join('?' * len(chunk))})"
            found.update((digest, json.loads(result)) for digest, result in self._db.execute(query, chunk))
        lacking = next((digest for digest in wanted if digest not in found), None)
        if lacking is not None:
            raise LookupError(f"cell {lacking[:12]} is not in {self.path} ({len(wanted) - len(found)} of "
                              f"{len(wanted)} missing)")  # fmt: skip
        return Snapshot(found)

    def measurement(self, key: MeasurementKey) -> dict[str, Any] | None:
        """The stored result of a measurement, or None."""
        row = self._db.execute("SELECT result FROM measurements WHERE key = ?", (key.digest,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_measurement(self, key: MeasurementKey, result: dict[str, Any]) -> bool:
        """Commit a measurement; False (and nothing written) when the store already holds ``key``."""
        if not isinstance(key, MeasurementKey):
            raise ValidationError("key", f"must be a MeasurementKey, got {type(key).__name__}")
        row = (key.digest, key.kind, key.instance_id, key.algorithm, canonical_json(key.params, "params"),
               canonical_json(result, "result"), environment()["benchsuite"],
               datetime.now(timezone.utc).isoformat(timespec="seconds"))  # fmt: skip
        return self._db.execute("INSERT OR IGNORE INTO measurements VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row).rowcount == 1

    def missing(self, keys: Iterable[CellKey]) -> list[CellKey]:
        """The keys the store does not hold yet, in the order given."""
        return [key for key in keys if key not in self]

    def put(self, key: CellKey, result: dict[str, Any]) -> bool:
        """Commit one finished cell; False (and nothing written) when the store already holds ``key``."""
        if not isinstance(result, dict):
            raise ValidationError("result", f"must be a dict, got {type(result).__name__}")
        env = environment()
        row = (
            _digest(key), key.instance_id, key.algorithm, key.version, canonical_json(key.params, "params"),
            int(key.seed), int(key.budget), canonical_json(result, "result"), env["benchsuite"], env["numba"],
            env["numpy"], env["python"], env["cpu"], datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )  # fmt: skip
        cursor = self._db.execute(f"INSERT OR IGNORE INTO cells VALUES ({', '.join('?' * len(_COLUMNS))})", row)
        return cursor.rowcount == 1

    def cells(self) -> Iterator[dict[str, Any]]:
        """Every stored cell as a dict of its columns, ``params`` and ``result`` decoded, in key order."""
        for row in self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM cells ORDER BY key"):
            cell = dict(zip(_COLUMNS, row))
            cell["params"], cell["result"] = json.loads(cell["params"]), json.loads(cell["result"])
            yield cell

    def to_csv(self, out: str | Path | TextIO) -> None:
        """One row per cell: the key columns, the environment, and each result field (non-scalar fields and
        ``params`` as JSON text)."""
        rows = [_flat(cell) for cell in self.cells()]
        names = list(dict.fromkeys(name for row in rows for name in row)) or list(_COLUMNS)
        if isinstance(out, (str, Path)):
            with open(out, "w", newline="") as fh:
                _write_csv(fh, names, rows)
        else:
            _write_csv(out, names, rows)

    def to_dataframe(self):
        """The rows of :meth:`to_csv` as a pandas DataFrame (needs pandas)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Store.to_dataframe needs pandas: pip install pandas") from None
        return pandas.DataFrame([_flat(cell) for cell in self.cells()])


_READ_CHUNK = 500  # keys per query of Store.read (SQLite allows 999 parameters at the least)


class Snapshot:
    """Results read from a store once (:meth:`Store.read`), looked up by key like the store itself."""

    def __init__(self, results: dict[str, dict[str, Any]]):
        self._results = results

    def get(self, key: CellKey) -> dict[str, Any] | None:
        """The result of ``key``, or None when it was not read."""
        return self._results.get(_digest(key))

    def __len__(self) -> int:
        return len(self._results)


def _digest(key: CellKey) -> str:
    if not isinstance(key, CellKey):
        raise ValidationError("key", f"must be a CellKey, got {type(key).__name__}")
    return key.digest


def _flat(cell: dict[str, Any]) -> dict[str, Any]:
    row = {name: cell[name] for name in _COLUMNS if name not in ("params", "result")}
    row["params"] = canonical_json(cell["params"], "params")
    for name, value in cell["result"].items():
        scalar = value is None or isinstance(value, (str, int, float, bool))
        row[f"result.{name}"] = value if scalar else canonical_json(value, "result")
    return row


def _write_csv(fh: TextIO, names: list[str], rows: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(fh, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
