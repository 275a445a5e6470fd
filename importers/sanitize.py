"""Terminal safety for text from articles and the database: escape sequences and invisible or
direction-changing characters removed. The definition lives in `db.text` (the lower layer: curation and
the exports use it too); this module re-exports it for the importers, without the cleaning rules of
`importers.clean`."""
from __future__ import annotations

from db.text import UNSAFE, escape_json, safe_line, strip_unsafe

__all__ = ["UNSAFE", "escape_json", "safe_line", "strip_unsafe"]
