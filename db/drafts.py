"""Plain records that flow from the importers into the store.

A reader yields :class:`Document` objects; cleaning fills ``body``; extraction (or a structured reader)
fills ``drafts``. The store writes a document and its drafts all-or-nothing. These classes import
nothing heavy so that every layer can share them without pulling in the ORM.

All offsets (``start``/``end``) are character offsets into ``Document.body``, the cleaned text that is
stored as ``source.body``; ``body[start:end]`` is the evidence text.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Evidence:
    """A span of the source body that supports a fact (usually one sentence)."""

    text: str
    start: int
    end: int


@dataclass
class ActorMention:
    """A party named in a document, with the role the wording gives it for one incident.

    role: perpetrator, claimed, attributed, suspected, denied, target.
    kind: state, state-linked group, hacktivist group, criminal group, ideological movement, organisation,
    government body, person, unknown.
    """

    name: str
    role: str
    kind: str = "unknown"
    country: str | None = None
    confidence: int = 50
    attributed_by: str | None = None
    evidence: Evidence | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    reference: str | None = None  # e.g. MISP galaxy cluster uuid
    alias_origin: str = "source"  # galaxy, source, analyst


@dataclass
class PlaceMention:
    name: str
    country: str | None = None  # ISO 3166 alpha-2
    level: str = "city"  # country, region, city, site
    evidence: Evidence | None = None


@dataclass
class ToolMention:
    """A malware family or tool the document names for one incident (GandCrab, Emotet, Mimikatz).

    kind: ransomware, banker, stealer, rat, backdoor, botnet, exploit-kit, malware, tool.
    reference: the MISP galaxy cluster uuid it was matched to; galaxy: that galaxy's type ("ransomware").
    """

    name: str
    kind: str = "malware"
    reference: str | None = None
    galaxy: str | None = None
    evidence: Evidence | None = None


@dataclass
class Figure:
    value: float
    unit: str
    text: str  # the phrase or sentence it came from
    start: int | None = None
    end: int | None = None


@dataclass
class IncidentDraft:
    """One incident as a document tells it, before resolution against the database."""

    title: str
    type: str = "other/undetermined"  # class/subtype, db/taxonomy.py
    summary: str = ""
    domain: str = "cyber"  # cyber, physical, hybrid
    status: str = "undetermined"  # confirmed, claimed, suspected, disputed, undetermined
    date_start: str | None = None  # partial ISO: 2024, 2024-03, 2024-03-11
    date_end: str | None = None
    date_precision: str = "unknown"  # day, month, year, unknown
    date_basis: str = "occurred"  # occurred, disclosed, reported
    countries: list[str] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)  # sentences of the source about this incident
    relation: str = "report"  # report, claim, attribution, update, analysis
    uuid: str | None = None  # a stable id given by a structured input (STIX, MISP); else generated
    facts: dict[str, Evidence] = field(default_factory=dict)  # evidence per field: "type", "date", ...
    tools: list[ToolMention] = field(default_factory=list)  # malware and tools named, each with its sentence


@dataclass
class Document:
    """One article, report, feed entry or structured record, as read from an input."""

    text: str  # the text as read (before cleaning)
    origin: str  # the path or URL it was read from
    format: str = "text"
    title: str | None = None
    published: str | None = None  # partial ISO date
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    language: str | None = None
    kind: str = "news"  # news, report, advisory, feed-entry, structured
    tags: list[str] = field(default_factory=list)
    body: str | None = None  # cleaned text; set by importers.clean
    uid: str | None = None  # stable identity given by a structured input; else the body hash
    drafts: list[IncidentDraft] | None = None  # set by extraction or by a structured reader
    extract: bool = True  # structured records that bring their own drafts set this to False
