"""TAXII 2.1: pull a collection's STIX objects for `incidex import`, push an export to a collection.

A collection is named by its URL: `taxii://HOST/API-ROOT/collections/ID/` (HTTPS), `taxii+http://...` (plain
HTTP, for a server on the same machine), an `http(s)://` URL of the collection, or an API root URL plus
`--collection ID`. Credentials come from the URL (`https://user:password@host/...`) or from the environment
(INCIDEX_TAXII_USER, INCIDEX_TAXII_PASSWORD); they never reach the stored origin or the terminal.

A pull reads every page of the collection (or those added after --added-after) into memory, bounded by
--max-size, before anything is written: a server that refuses, times out or sends junk half way through is
one `TaxiiError` and the database is untouched. The objects become one STIX bundle that the STIX reader
imports like a file. `taxii2-client` speaks the protocol; requests gets a timeout here, which the client
does not set (a server that accepts and never answers would hang the import).
"""
from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

TIMEOUT = 30.0  # seconds for one HTTP request (connect and each read)
WHOLE_ANSWER = 120.0  # seconds to read one answer whole (a server that sends a byte a second)
PAGE = 500  # objects asked for per request; a server may send fewer (its max_page_size)
POST_BYTES = 8_000_000  # an envelope pushed in one request at most (servers cap it: max_content_length)
SCHEMES = {"taxii": "https", "taxii+https": "https", "taxii+http": "http", "https": "https", "http": "http"}
USER_ENV, PASSWORD_ENV = "INCIDEX_TAXII_USER", "INCIDEX_TAXII_PASSWORD"


class TaxiiError(Exception):
    """One line that says what went wrong with the server (never its credentials)."""


@dataclass
class Endpoint:
    url: str  # the collection's HTTP(S) URL, ending in '/', without credentials
    user: str | None = None
    password: str | None = None

    @property
    def shown(self) -> str:
        """The collection as incidex names it: the origin of what is pulled from it."""
        parts = urlsplit(self.url)
        scheme = "taxii" if parts.scheme == "https" else "taxii+http"
        return urlunsplit((scheme, parts.netloc, parts.path, "", ""))


def is_taxii(arg: str) -> bool:
    """An import argument that names a TAXII collection rather than a file."""
    return arg.lower().startswith(("taxii://", "taxii+http://", "taxii+https://"))


def endpoint(url: str, collection: str | None = None) -> Endpoint:
    """The collection named by `url` (a collection URL, or an API root plus `collection`)."""
    parts = urlsplit(url.strip())
    scheme = SCHEMES.get(parts.scheme.lower())
    if scheme is None or not parts.hostname:
        raise TaxiiError(f"not a TAXII URL: {_hide(url)!r} (use taxii://HOST/API-ROOT/collections/ID/ or https://...)")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    if collection:
        if "/collections/" in path:
            raise TaxiiError("--collection given, but the URL already names a collection")
        path += f"collections/{quote(collection.strip(), safe='')}/"
    elif "/collections/" not in path or path.endswith("/collections/"):
        raise TaxiiError(f"{_hide(url)} names no collection: add /collections/ID/ or --collection ID")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    user = unquote(parts.username) if parts.username else os.environ.get(USER_ENV) or None
    password = unquote(parts.password) if parts.password else os.environ.get(PASSWORD_ENV) or None
    return Endpoint(urlunsplit((scheme, netloc, path, "", "")), user, password)


def timestamp(value: str) -> str:
    """A time as TAXII filters want it (UTC, `2026-01-31T12:00:00.000Z`); a date alone is its midnight UTC."""
    from datetime import datetime, timezone

    text = value.strip()
    try:
        when = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" and text else text)
    except ValueError:
        raise TaxiiError(f"not a timestamp: {value!r} (e.g. 2026-01-31T12:00:00Z)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    text = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return (text[:-3] if text.endswith("000") else text) + "Z"  # microseconds kept: servers stamp them


def _hide(url: str) -> str:
    """A URL without its user and password, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, ""))


@dataclass
class Pulled:
    data: bytes  # one STIX bundle of every object pulled
    objects: int
    added_last: str | None  # the server's X-TAXII-Date-Added-Last: --added-after for the next pull


def pull(ep: Endpoint, added_after: str | None = None, max_bytes: int = 20_000_000) -> Pulled:
    """Every object of the collection (added after `added_after`), as one bundle; all pages or nothing."""
    from taxii2client.v21 import as_pages

    seen: list[str] = []
    with _errors(ep) as guard:
        collection = _collection(ep, guard, seen, max_bytes + 1_000_000)  # (+ the envelope around the objects)
        if not collection.can_read:
            raise TaxiiError(f"{ep.shown}: the server does not let this user read the collection")
        objects: list[dict] = []
        size = 0
        filters = {"added_after": added_after} if added_after else {}
        for envelope in as_pages(collection.get_objects, per_request=PAGE, **filters):
            if not isinstance(envelope, dict):
                raise TaxiiError(f"{ep.shown}: the server sent something that is not a TAXII envelope")
            page = envelope.get("objects", [])
            if not isinstance(page, list) or not all(isinstance(o, dict) and "type" in o and "id" in o for o in page):
                raise TaxiiError(f"{ep.shown}: the server sent objects that are not STIX objects")
            if envelope.get("more") and not page:
                raise TaxiiError(f"{ep.shown}: the server says there is more but sends nothing")
            objects.extend(page)
            size += len(json.dumps(page))
            if size > max_bytes:
                raise TaxiiError(f"{ep.shown}: the collection is over the {max_bytes:,} bytes limit (--max-size); "
                                 "pull it in parts with --added-after")
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid5(uuid.NAMESPACE_URL, ep.url)}", "objects": objects}
    return Pulled(json.dumps(bundle).encode("utf-8"), len(objects), seen[-1] if seen else None)


@dataclass
class Pushed:
    total: int
    succeeded: int
    failed: int
    pending: int


def push(ep: Endpoint, bundle: dict) -> Pushed:
    """Add the bundle's objects to the collection, in envelopes the server accepts, and wait for its verdict."""
    objects = [o for o in bundle.get("objects", []) if isinstance(o, dict)]
    done = Pushed(0, 0, 0, 0)
    with _errors(ep) as guard:
        collection = _collection(ep, guard, [])
        if not collection.can_write:
            raise TaxiiError(f"{ep.shown}: the server does not let this user add to the collection")
        for envelope in _envelopes(objects, POST_BYTES):
            status = collection.add_objects(envelope, wait_for_completion=True, poll_interval=0.2, timeout=TIMEOUT)
            done.total += int(status.total_count or 0)
            done.succeeded += int(status.success_count or 0)
            done.failed += int(status.failure_count or 0)
            done.pending += int(status.pending_count or 0)
    return done


def _envelopes(objects: list[dict], limit: int):
    batch: list[dict] = []
    size = 0
    for obj in objects:
        n = len(json.dumps(obj)) + 2
        if batch and size + n > limit:
            yield {"objects": batch}
            batch, size = [], 0
        batch.append(obj)
        size += n
    if batch:
        yield {"objects": batch}


def _collection(ep: Endpoint, guard: _errors, seen: list[str], limit: int = 20_000_000):
    """The collection's client with a timeout on every request; `seen` collects X-TAXII-Date-Added-Last."""
    import requests
    from taxii2client.common import _HTTPConnection
    from taxii2client.v21 import Collection

    class _Bounded(requests.adapters.HTTPAdapter):
        """Every request with a timeout, every answer read up to `limit` bytes within WHOLE_ANSWER seconds:
        requests would otherwise wait forever and hold whatever a server sends in memory."""

        def send(self, request, **kwargs):
            kwargs["timeout"] = kwargs.get("timeout") or TIMEOUT
            kwargs["stream"] = True
            resp = super().send(request, **kwargs)
            start, parts, size = time.monotonic(), [], 0
            for chunk in resp.iter_content(65536):
                parts.append(chunk)
                size += len(chunk)
                if size > limit:
                    resp.close()
                    raise TaxiiError(f"{ep.shown}: an answer of the server is over {limit:,} bytes")
                if time.monotonic() - start > WHOLE_ANSWER:
                    resp.close()
                    raise requests.exceptions.Timeout()
            resp._content = b"".join(parts)  # what requests keeps of a read answer (no stream left)
            return resp

    def _added_last(resp, *args, **kwargs):
        value = resp.headers.get("X-TAXII-Date-Added-Last")
        if value:
            seen.append(value)

    # A server's page smaller than asked is normal (its max_page_size); the client logs a warning for it
    logging.getLogger("taxii2client").setLevel(logging.ERROR)
    conn = _HTTPConnection(ep.user, ep.password, version="2.1")
    conn.session.mount("http://", _Bounded())
    conn.session.mount("https://", _Bounded())
    conn.session.hooks["response"].append(_added_last)
    guard.conns.append(conn)
    return Collection(ep.url, conn=conn)


class _errors:
    """Every failure of the client, requests or the server's answer as one TaxiiError line."""

    def __init__(self, ep: Endpoint):
        self.ep = ep
        self.conns: list = []  # closed on the way out

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        for conn in self.conns:
            conn.close()
        if exc is None or isinstance(exc, TaxiiError):
            return False
        raise TaxiiError(f"{self.ep.shown}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    import requests
    from taxii2client.exceptions import AccessError, InvalidJSONError, TAXIIServiceException

    if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
        code = exc.response.status_code
        if code in (401, 403):
            return f"the server refused the credentials (HTTP {code}; set {USER_ENV} and {PASSWORD_ENV})"
        if code == 404:
            return "no such API root or collection on the server (HTTP 404)"
        return f"the server answered HTTP {code}"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"the server did not answer within {TIMEOUT:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "the TLS connection failed (certificate?)"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "cannot connect to the server"
    if isinstance(exc, (InvalidJSONError, ValueError)):
        return "the server's answer is not TAXII JSON"
    if isinstance(exc, AccessError):
        return "the server does not give this user access to the collection"
    if isinstance(exc, TAXIIServiceException):
        return "the server's answer is not TAXII 2.1 (wrong content type)"
    if isinstance(exc, (KeyError, TypeError, AttributeError)):
        return "the server's answer is not a TAXII 2.1 resource"
    if isinstance(exc, requests.exceptions.RequestException):
        return f"request failed ({type(exc).__name__})"
    raise exc
