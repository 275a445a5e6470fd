"""The data model (docs/ARCHITECTURE.md, Data model) as SQLModel tables.

These classes are the single definition of the schema: `db.engine` creates a new database from their
metadata, and the Python API can use them with a SQLModel ``Session``. Hot paths (bulk import, lists,
search) work on plain tuples through ``sqlite3`` instead, because materialising ORM objects costs
~2 KB and ~56 µs per row.

JSON-valued columns (countries, figures, edited_fields, evidence lists) are stored as JSON text.
"""
from __future__ import annotations

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.identity import utcnow


class Source(SQLModel, table=True):
    __tablename__ = "source"
    __table_args__ = (
        Index("ix_source_published", "published"),
        Index("ix_source_url", "url", unique=True, sqlite_where=Column("url").isnot(None)),
    )
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, description="sha256 of the normalised body, or a structured input's id")
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = Field(default=None, description="partial ISO date")
    language: str | None = None
    kind: str = "news"
    origin: str | None = None
    format: str | None = None
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reliability: str | None = None
    tags: str = "[]"
    imported_at: str = Field(default_factory=utcnow)


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (
        # (resolution finds incidents by who and where through `db.blocking`'s table, not by date alone)
        Index("ix_incident_type", "type", "date_start"),
        Index("ix_incident_merged", "merged_into"),
        {"sqlite_autoincrement": True},  # ids are permanent: never reused after a delete
    )
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    title: str = ""
    summary: str = ""
    type: str = "other/undetermined"
    domain: str = "cyber"
    status: str = "undetermined"
    date_start: str | None = None
    date_end: str | None = None
    date_precision: str = "unknown"
    date_basis: str = "occurred"
    countries: str = "[]"
    figures: str = "[]"
    review: str = "auto"
    edited_fields: str = "[]"
    merged_into: int | None = Field(default=None, foreign_key="incident.id")
    join_reason: str | None = Field(default=None, description="JSON: why drafts were joined to this incident")
    created_at: str = Field(default_factory=utcnow)
    updated_at: str = Field(default_factory=utcnow)


class Actor(SQLModel, table=True):
    __tablename__ = "actor"
    __table_args__ = (
        Index("ix_actor_normalised", "normalised"),
        # the actors merged into these: the search index asks it for every actor it refreshes (a scan of
        # every actor before: 0.03 ms per new actor at 10k actors, growing with them); few actors are merged
        Index("ix_actor_merged", "merged_into", sqlite_where=Column("merged_into").isnot(None)),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True)
    name: str
    normalised: str = ""
    kind: str = "unknown"
    country: str | None = None
    description: str | None = None
    reference: str | None = Field(default=None, index=True)
    merged_into: int | None = Field(default=None, foreign_key="actor.id")
    created_at: str = Field(default_factory=utcnow)


class ActorAlias(SQLModel, table=True):
    __tablename__ = "actor_alias"
    __table_args__ = (
        UniqueConstraint("actor_id", "normalised"),
        Index("ix_actor_alias_normalised", "normalised"),
    )
    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", ondelete="CASCADE")
    alias: str
    normalised: str
    origin: str = "source"


class IncidentActor(SQLModel, table=True):
    __tablename__ = "incident_actor"
    __table_args__ = (
        # covers "which of these incidents has actor X" and the (actor, role, source) of an incident's links
        # that resolution and the search index read, without a table row per link
        Index("ix_incident_actor_cover", "incident_id", "actor_id", "role", "source_id"),
        Index("ix_incident_actor_actor", "actor_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    actor_id: int = Field(foreign_key="actor.id", ondelete="CASCADE")
    role: str
    attributed_by: str | None = None
    confidence: int = 50
    source_id: int | None = Field(default=None, foreign_key="source.id", ondelete="CASCADE")
    evidence: str | None = None
    start: int | None = None
    end: int | None = None
    origin: str = "auto"  # auto or analyst


class IncidentSource(SQLModel, table=True):
    __tablename__ = "incident_source"
    __table_args__ = (
        UniqueConstraint("incident_id", "source_id"),
        Index("ix_incident_source_source", "source_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    relation: str = "report"
    evidence: str = Field(default="[]", description="JSON list of {text, start, end}")
    facts: str = Field(default="{}", description="JSON: evidence per field for this source")
    origin: str = "auto"


class IncidentPlace(SQLModel, table=True):
    __tablename__ = "incident_place"
    __table_args__ = (Index("ix_incident_place_link", "incident_id", "name"), Index("ix_incident_place_name", "name"))
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    name: str
    country: str | None = None
    level: str = "city"
    source_id: int | None = Field(default=None, foreign_key="source.id", ondelete="CASCADE")
    evidence: str | None = None
    start: int | None = None
    end: int | None = None


class IncidentTool(SQLModel, table=True):
    """A malware family or tool an incident was carried out with, as one source names it (schema 10)."""

    __tablename__ = "incident_tool"
    __table_args__ = (Index("ix_incident_tool_link", "incident_id", "name"), Index("ix_incident_tool_name", "name"))
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    name: str
    kind: str = "malware"  # ransomware, banker, stealer, rat, backdoor, botnet, exploit-kit, malware, tool
    reference: str | None = Field(default=None, description="MISP galaxy cluster uuid")
    galaxy: str | None = Field(default=None, description="the galaxy's type: misp-galaxy:GALAXY=\"NAME\"")
    source_id: int | None = Field(default=None, foreign_key="source.id", ondelete="CASCADE")
    evidence: str | None = None
    start: int | None = None
    end: int | None = None
    origin: str = "auto"  # auto or analyst


class Tag(SQLModel, table=True):
    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("entity", "entity_id", "name"), Index("ix_tag_name", "name"))
    id: int | None = Field(default=None, primary_key=True)
    entity: str  # incident, actor, source
    entity_id: int
    name: str
    created_at: str = Field(default_factory=utcnow)


class Note(SQLModel, table=True):
    __tablename__ = "note"
    __table_args__ = (Index("ix_note_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    entity: str
    entity_id: int
    text: str
    created_at: str = Field(default_factory=utcnow)


class Decision(SQLModel, table=True):
    """An analyst's (or a pending) decision about a pair: same event, same actor, or not."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("entity", "left_id", "right_id"),)
    id: int | None = Field(default=None, primary_key=True)
    entity: str  # incident, actor
    left_id: int
    right_id: int
    verdict: str  # same, not_same, pending
    reason: str | None = None
    created_at: str = Field(default_factory=utcnow)


class Change(SQLModel, table=True):
    """A curation change, with what is needed to undo it (row images before, rows inserted)."""

    __tablename__ = "change"
    id: int | None = Field(default=None, primary_key=True)
    action: str
    summary: str = ""
    undo: str = Field(default="{}", description="JSON: {'before': {table: [row...]}, 'inserted': {table: [id...]}}")
    undone: int = 0
    created_at: str = Field(default_factory=utcnow)
    author: str | None = Field(default=None, description="who: the database user (PostgreSQL), the login (SQLite)")


TABLES = [Source, Incident, Actor, ActorAlias, IncidentActor, IncidentSource, IncidentPlace, IncidentTool, Tag, Note,
          Decision, Change]
