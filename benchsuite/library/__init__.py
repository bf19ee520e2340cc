"""The instance library: real instance files shipped with the package and their cited references
(:mod:`.catalog`)."""

from .catalog import CATALOG, CatalogEntry, catalog_entry, catalog_reference

__all__ = ["CATALOG", "CatalogEntry", "catalog_entry", "catalog_reference"]
