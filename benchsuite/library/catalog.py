"""The real instances shipped with the package, byte for byte as their sources distribute them, with the
reference value each source gives and where it comes from.

A catalog name (``G1``, ``uf20-01``, ``myciel3``, ``t2g10_5555``) is a problem spec of its own:
``make_problem("G1")``, ``benchsuite run --problem G1``.  References are ground-state energies in this
package's convention (Max-Cut: minus the cut weight; SAT: violated clauses; colouring with q = chi:
monochromatic edges), each with its method and source:

- Gset (Helmberg & Ye; rudy random graphs): best known cuts from Benlic & Hao, "Breakout local search for the
  max-cut problem", Eng. Appl. Artif. Intell. 26 (2013) 1162-1173, the same values in later record tables.
  Not proven optimal: a bound that may still move.
- SATLIB uniform random 3-SAT (Hoos & Stutzle, SATLIB, 2000): ``uf`` files satisfiable and ``uuf`` files
  unsatisfiable, as separated by the source's complete solver.
- DIMACS colouring graphs: chromatic numbers from M. Trick's COLOR instance table; read with q = chi.
- Biq Mac toroidal spin glasses (F. Liers; A. Wiegele, "Biq Mac Library", 2007, Table 10): proven optimal cuts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ..problems.base import Problem, Reference
from ..problems.formats import read_instance

GSET_SOURCE = ("best known cut {cut}: Benlic & Hao, Eng. Appl. Artif. Intell. 26 (2013) 1162-1173 (2013; same value "
               "in later record tables); not proven optimal")  # fmt: skip
SATLIB_SAT = "satisfiable: SATLIB uniform random 3-SAT (Hoos & Stutzle, 2000), separated by a complete solver"
SATLIB_UNSAT = ("unsatisfiable: SATLIB uniform random 3-SAT (Hoos & Stutzle, 2000), separated by a complete solver; "
                "at least one clause is violated, the minimum is not given")  # fmt: skip
CHI_SOURCE = "chromatic number {chi} (M. Trick's COLOR instance table): a proper {chi}-colouring exists"
BIQMAC_SOURCE = "proven optimal cut {cut}: A. Wiegele, Biq Mac Library (2007), Table 10; instance by F. Liers"


@dataclass(frozen=True)
class CatalogEntry:
    """A shipped instance file: its catalog ``name``, ``collection`` (gset, satlib, dimacs-col, biqmac), path
    inside the package data, SHA-256 of its bytes, reader ``options`` and reference."""

    name: str
    collection: str
    path: str
    sha256: str
    reference: Reference
    options: dict[str, Any] = field(default_factory=dict)

    def file(self) -> Path:
        """The file on disk, after checking its bytes are the ones catalogued."""
        path = Path(str(resources.files(__package__).joinpath("data", self.path)))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != self.sha256:
            raise ValidationError("instance", f"{self.name}: {path} has changed (sha256 {digest[:12]}..., "
                                              f"catalogued {self.sha256[:12]}...)")  # fmt: skip
        return path

    def build(self) -> Problem:
        """The instance, read from its file (once per process)."""
        return _read(self.name)


def _gset(name: str, sha: str, cut: int) -> CatalogEntry:
    ref = Reference(-float(cut), "best known", GSET_SOURCE.format(cut=cut))
    return CatalogEntry(name, "gset", f"gset/{name}.txt", sha, ref)


def _satlib(name: str, sha: str) -> CatalogEntry:
    if name.startswith("uuf"):
        ref = Reference(1.0, "lower bound", SATLIB_UNSAT)
    else:
        ref = Reference(0.0, "exact", SATLIB_SAT)
    return CatalogEntry(name, "satlib", f"satlib/{name}.cnf", sha, ref)


def _col(name: str, sha: str, chi: int) -> CatalogEntry:
    ref = Reference(0.0, "exact", CHI_SOURCE.format(chi=chi))
    return CatalogEntry(name, "dimacs-col", f"dimacs_col/{name}.col", sha, ref, {"q": chi})


def _biqmac(name: str, sha: str, cut: int) -> CatalogEntry:
    ref = Reference(-float(cut), "exact", BIQMAC_SOURCE.format(cut=cut))
    return CatalogEntry(name, "biqmac", f"biqmac/{name}", sha, ref)


CATALOG: dict[str, CatalogEntry] = {
    e.name: e
    for e in (
        _gset("G1", "73bf704d8ffc55ba42260ab4cb659e3dcb6e729be70404d2cf476ba4e46d1665", 11624),
        _gset("G14", "dc769b978a40d458f693d5bd2cf8b8cceabd430b8e976204746696179c3d5945", 3064),
        _gset("G22", "9baeee06eb147b1c9ca42b43be86592d4e6fc60784a85af9be5b63d1362ef28e", 13359),
        _gset("G43", "9af5445b4b066cbf1eabe218d4e0d907cb6f211651cae557c761ec344dc37be8", 6660),
        _satlib("uf20-01", "bbb43578ee4f0634de44a7632b6df4ee6b9204f1c82e77660616b0891b00eb24"),
        _satlib("uf20-02", "2b3686b6fed207b5223a0d20b2c6f646d70107660b6c1844f63e1905f6ad4984"),
        _satlib("uf20-03", "23bbf1dba20738f0b09cd18199d261e0cdf23e904e808264c7d61a16d3234f62"),
        _satlib("uf50-01", "cf33c163b99d2a10e25dff937fdc76db79e45079116c0890d130219666fd3ba5"),
        _satlib("uf50-02", "6df53d8a737a2619a39bb0481d0bf0754ac6d6621cc85bfaf9f90288a29c4a90"),
        _satlib("uf50-03", "8812469b2e9f1ca74580ab7f65a82ad0c4e6f784ceb8d0d0f399b98507344d02"),
        _satlib("uuf50-01", "d95207c572bc997a7f83240c0cd39e9ec82cc2c8fb20bf95e551bc9870484966"),
        _satlib("uuf50-02", "398a0973fd40530e3034f4f873525fe0e0c6c973535b2957289a0bbeb34f0a6b"),
        _satlib("uuf50-03", "9eaf81958dbbf68ef3e12fecdc089fcbf51c4943e8a467154ef5225117ad69a4"),
        _col("myciel3", "45aa999c3142028995869f383e0c1936fb133bdf3b1589ad5633289a3228b2e4", 4),
        _col("myciel4", "7eb84027ef3ba0a8337c871b4342a06d97ea4a8e31121c9e2cee946f6a49afb3", 5),
        _col("myciel5", "ed37347e72cac98bef064bf5a39ff2881f47cb2121e3fb8bad3ac68bc175a530", 6),
        _col("queen5_5", "d3b770332eb3897d35a7332baece51ea7bce99150bb900f49b27eff234d8cfac", 5),
        _col("anna", "94907497db819e1375db6f20273cc582f2b6601bfa21e9bdf72b47d3533cf22a", 11),
        _col("le450_15a", "8536ae4db665d8129b347f187cbfb3ad2927fdca57bf776aa161da12b5f83b63", 15),
        _biqmac("t2g10_5555", "c742b78ebdebb47ad7146bffd657d42fab814a7fa82c4a17942b37f2f7fa96cb", 6049461),
        _biqmac("t3g5_5555", "51b11db80419fb1fabd32b07d9f9e6107b93fe7cb349c491070ad894c3ca3756", 10933215),
    )
}


@lru_cache(maxsize=64)
def _read(name: str) -> Problem:
    entry = CATALOG[name]
    return read_instance(entry.file(), **entry.options)


def catalog_entry(name: str) -> CatalogEntry:
    """The entry called ``name``; ValidationError listing the names otherwise."""
    if name not in CATALOG:
        raise ValidationError("instance", f"unknown instance {name!r}; shipped: {', '.join(CATALOG)}")
    return CATALOG[name]


def catalog_reference(problem: Problem) -> Reference | None:
    """The source's reference of a shipped instance (matched by instance id, whatever file it was read from),
    or None."""
    entry = _by_instance_id().get(problem.instance_id)
    return None if entry is None else entry.reference


@lru_cache(maxsize=1)
def _by_instance_id() -> dict[str, CatalogEntry]:
    return {_read(name).instance_id: entry for name, entry in CATALOG.items()}
