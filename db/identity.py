"""Identity of records: canonical article URLs, source uids, stable uuids and timestamps.

Imports nothing heavier than the standard library: the CLI, the browser and the curation code take these
helpers without loading SQLModel and SQLAlchemy (`import db.models` costs ~0.5 s), see
docs/ARCHITECTURE.md "Import contracts".
"""
from __future__ import annotations

import hashlib
import re
import uuid as _uuid
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from db.normalise import normalise

NAMESPACE = _uuid.UUID("5b0e1c1e-6c1d-4c55-9d8e-1f7a3c2b9e10")
"""incidex's uuid5 namespace: stable uuids from input ids (readers) and for exported objects (exports).
Changing it changes every exported id: never do."""

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref|ref_src|cmpid|"
                       r"ocid|smid|_ga|__twitter_impression|amp|outputtype|_hsenc|_hsmi|__hs\w+|hsCtaTracking)$",
                       re.IGNORECASE)
# courlan's pattern searches anywhere in a name: where its hit is only the start of a longer word ("ga" in
# "gallery", "ref" in "reference") or a bare cid/uid (article ids in many sites), the parameter is kept:
# two articles must not share a canonical URL.
_COURLAN_KEEP = frozenset(["cid", "uid"])


def utcnow() -> str:
    """Now, in UTC, to the second, as ISO 8601 text (how every timestamp column is written)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def uuid_of(key: str) -> str:
    """The same uuid for the same key, in every process and every release."""
    return str(_uuid.uuid5(NAMESPACE, key))


def new_uuid() -> str:
    return str(_uuid.uuid4())


def source_uid(body: str) -> str:
    """Identity of an article: sha256 of its text with case, white space and punctuation folded."""
    return hashlib.sha256(normalise(body).encode("utf-8")).hexdigest()


def _tracking(name: str) -> bool:
    """Ours, or courlan's tracking parameters (at_medium, at_campaign, mkt_tok, xtor ...). courlan is imported
    here, on the first URL with a query, not with this module (it costs ~90 ms)."""
    if _TRACKING.match(name):
        return True
    try:
        from courlan.clean import TRACKERS_RE
    except ImportError:  # courlan comes with trafilatura; without it, our list alone
        return False
    low = name.lower()
    hit = TRACKERS_RE.search(low)
    if hit is None or low in _COURLAN_KEEP:
        return False
    return hit.group(0).endswith("_") or hit.end() == len(low) or not low[hit.end()].isalnum()


def canonical_url(url: str | None) -> str | None:
    """Canonical form of an article URL: https, no www./amp., no tracking parameters, no fragment."""
    if not url:
        return None
    url = url.strip().rstrip(":")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    for prefix in ("www.", "amp.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/(amp|amp\.html)/?$", "/", parts.path) or "/"
    if path != "/" and path.endswith("/"):
        path = path[:-1]
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _tracking(k)))
    return urlunsplit(("https", host, path, query, ""))
