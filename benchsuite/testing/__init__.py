"""Test helpers for people who write dynamics: hypothesis strategies (:mod:`.strategies`, needs hypothesis) and a
pytest plugin (:mod:`.plugin`, loaded through the ``pytest11`` entry point) with fixtures for the kit's small
instances."""
