"""The `incidex` command line: `importers.cli.app` builds it from the modules of this package."""
from __future__ import annotations

from importers.cli.app import app, main
from importers.cli.ingest import samples_dir

__all__ = ["app", "main", "samples_dir"]
