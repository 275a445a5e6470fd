"""Curation verbs, for scripting: merge, split, edit, link, unlink, merge-actors, tag, note, review, decide,
undo, redo, changes. Each takes --json and --db; refusals exit 1 with one line."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from importers.cli.common import (
    DbOption,
    DecisionEntity,
    Entity,
    JsonOption,
    Role,
    Verdict,
    fail,
    open_db,
    print_json,
    safe,
)


def _run(db: str | None, as_json: bool, action: Callable, describe: Callable[[dict], str]) -> None:
    from db.curation import CurationError

    conn = open_db(db)
    try:
        result = action(conn)
    except CurationError as exc:
        raise fail(str(exc), 1) from None
    finally:
        conn.close()
    if as_json:
        print_json(result)
    else:
        typer.echo(safe(describe(result)))


def merge_cmd(
    incidents: Annotated[list[int], typer.Argument(help="Two or more incident ids; the smallest survives.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Merge incidents that describe the same event. The others become tombstones pointing at the survivor."""
    from db.curation import merge_incidents

    _run(db, as_json, lambda c: merge_incidents(c, incidents),
         lambda r: f"merged {', '.join(map(str, r['merged']))} into incident {r['survivor']} (change {r['change']})")


def split_cmd(
    incident: Annotated[int, typer.Argument(help="The incident to split.")],
    source: Annotated[int, typer.Option("--source", "-s", help="The source to move to a new incident.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Move one source (with the actors, places and figures it brought) out of an incident into a new one."""
    from db.curation import split_source

    _run(db, as_json, lambda c: split_source(c, incident, source),
         lambda r: f"source {r['source']} now forms incident {r['new_incident']} (change {r['change']})")




def edit_incident_cmd(
    incident: Annotated[int, typer.Argument(help="The incident to edit.")],
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="New type, class/subtype or a unique subtype (see `incidex types`).")] = None,
    date: Annotated[str | None, typer.Option(help="Start date: YYYY, YYYY-MM or YYYY-MM-DD (precision follows).")] = None,
    date_end: Annotated[str | None, typer.Option(help="End date, same forms.")] = None,
    summary: Annotated[str | None, typer.Option(help="New summary.")] = None,
    status: Annotated[str | None, typer.Option(help="confirmed, claimed, suspected, disputed or undetermined.")] = None,
    domain: Annotated[str | None, typer.Option(help="cyber, physical or hybrid.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Edit an incident's title, type, dates, summary, status or domain."""
    from db.curation import edit_incident

    fields = {"title": title, "type": type_, "date_start": date, "date_end": date_end, "summary": summary,
              "status": status, "domain": domain}
    _run(db, as_json, lambda c: edit_incident(c, incident, **fields),
         lambda r: f"incident {r['incident']}: " + "; ".join(f"{k} = {v}" for k, v in r["changed"].items()))


def link_cmd(
    incident: Annotated[int, typer.Argument(help="The incident.")],
    actor: Annotated[str | None, typer.Option(help="Actor id or name (an unknown name creates the actor).")] = None,
    role: Annotated[Role, typer.Option(help="The actor's role.")] = Role.suspected,
    confidence: Annotated[int, typer.Option(help="Confidence 0-100.")] = 80,
    attributed_by: Annotated[str | None, typer.Option(help="Who made the attribution.")] = None,
    source: Annotated[int | None, typer.Option(help="Source id to add to the incident.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Link an actor (with a role) or a source to an incident."""
    from db.curation import link_actor, link_source

    if (actor is None) == (source is None):
        raise fail("give either --actor or --source")
    if actor is not None:
        _run(db, as_json, lambda c: link_actor(c, incident, actor, role.value, confidence, attributed_by),
             lambda r: f"actor {r['actor']} linked to incident {r['incident']} as {r['role']}")
    else:
        _run(db, as_json, lambda c: link_source(c, incident, source),
             lambda r: f"source {r['source']} linked to incident {r['incident']}")


def unlink_cmd(
    incident: Annotated[int, typer.Argument(help="The incident.")],
    actor: Annotated[str | None, typer.Option(help="Actor id or name to unlink.")] = None,
    role: Annotated[Role | None, typer.Option(help="Only this role of the actor.")] = None,
    source: Annotated[int | None, typer.Option(help="Source id to remove from the incident.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Remove an actor link or a source from an incident."""
    from db.curation import unlink_actor, unlink_source

    if (actor is None) == (source is None):
        raise fail("give either --actor or --source")
    if actor is not None:
        _run(db, as_json, lambda c: unlink_actor(c, incident, actor, role.value if role else None),
             lambda r: f"actor {r['actor']} unlinked from incident {r['incident']}")
    else:
        _run(db, as_json, lambda c: unlink_source(c, incident, source),
             lambda r: f"source {r['source']} removed from incident {r['incident']}")


def merge_actors_cmd(
    actors: Annotated[list[int], typer.Argument(help="Two or more actor ids; the smallest survives, the others' names become aliases.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Merge actors that are the same party."""
    from db.curation import merge_actors

    _run(db, as_json, lambda c: merge_actors(c, actors),
         lambda r: f"merged actors {', '.join(map(str, r['merged']))} into {r['survivor']}")


def tag_cmd(
    entity: Annotated[Entity, typer.Argument(help="incident, actor or source.")],
    ident: Annotated[int, typer.Argument(metavar="ID", help="The record's id.")],
    tags: Annotated[list[str], typer.Argument(help="Tags to add (or remove with --remove).")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove these tags instead.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add or remove tags on an incident, actor or source."""
    from db.curation import tag

    _run(db, as_json, lambda c: tag(c, entity.value, ident, tags, remove),
         lambda r: f"{entity.value} {ident} tags: {', '.join(r['tags']) or '(none)'}")


def note_cmd(
    entity: Annotated[Entity, typer.Argument(help="incident, actor or source.")],
    ident: Annotated[int, typer.Argument(metavar="ID", help="The record's id.")],
    text: Annotated[str, typer.Argument(help="The note.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Attach a note to an incident, actor or source."""
    from db.curation import note

    _run(db, as_json, lambda c: note(c, entity.value, ident, text), lambda r: f"note {r['note']} added")


def review_cmd(
    incidents: Annotated[list[int] | None, typer.Argument(help="Incident ids to mark reviewed.")] = None,
    undo_review: Annotated[bool, typer.Option("--auto", help="Mark as not reviewed (auto) instead.")] = False,
    pending: Annotated[bool, typer.Option("--pending", help="List the review queue: pending same-event and"
                                                        " same-actor decisions, with their reasons.")] = False,
    accept: Annotated[int | None, typer.Option("--accept", metavar="DECISION",
                                               help="Accept a pending decision: the two incidents (or actors) merge.")] = None,
    reject: Annotated[int | None, typer.Option("--reject", metavar="DECISION",
                                               help="Reject a pending decision: recorded as not the same.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Mark incidents reviewed, or work through the review queue of pending decisions.

    Reviewed incidents are found with review:reviewed. --pending lists what imports were not sure of, with
    the reasons; --accept merges the two incidents (or actors) of a decision, --reject records that they
    are not the same."""
    from db.curation import pending_decisions, review, settle

    if sum((bool(incidents), pending, accept is not None, reject is not None)) != 1:
        raise fail("give incident ids, --pending, --accept DECISION or --reject DECISION (one of them)")
    if pending:
        conn = open_db(db)
        try:
            rows = pending_decisions(conn)
        finally:
            conn.close()
        if as_json:
            print_json(rows)
            return
        for r in rows:
            typer.echo(safe(f"decision {r['id']}: {r['entity']} #{r['left']} {r['left_name'] or ''} and"
                            f" {r['entity']} #{r['right']} {r['right_name'] or ''}: {r['reason'] or ''}"))
        typer.echo(f"{len(rows)} pending decision{'s' if len(rows) != 1 else ''}"
                   + ("; settle one with --accept ID (merge) or --reject ID (not the same)" if rows else ""), err=True)
        return
    if accept is not None or reject is not None:
        decision = accept if accept is not None else reject
        _run(db, as_json, lambda c: settle(c, decision, accept is not None),
             lambda r: f"decision {r['decision']}: " + (
                 f"merged {', '.join(map(str, r['merged']))} into {r['entity']} {r['survivor']}" if "survivor" in r
                 else f"{r['entity']}s {r['left']} and {r['right']}: {r['verdict']}"))
        return
    _run(db, as_json, lambda c: [review(c, i, not undo_review) for i in incidents],
         lambda rs: "; ".join(f"incident {r['incident']}: {r['review']}" for r in rs))


def decide_cmd(
    entity: Annotated[DecisionEntity, typer.Argument(help="incident or actor.")],
    left: Annotated[int, typer.Argument(help="First id.")],
    right: Annotated[int, typer.Argument(help="Second id.")],
    verdict: Annotated[Verdict, typer.Argument(help="same or not_same.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Record that two incidents (or actors) are or are not the same; imports respect it."""
    from db.curation import decide

    _run(db, as_json, lambda c: decide(c, entity.value, left, right, verdict.value),
         lambda r: f"{r['entity']}s {r['left']} and {r['right']}: {r['verdict']}")


def undo_cmd(
    change: Annotated[int | None, typer.Argument(help="The change to undo (default: the latest).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Undo the latest curation change (or a given one, if nothing came after it)."""
    from db.curation import undo

    _run(db, as_json, lambda c: undo(c, change), lambda r: f"undone: {r['undone']}")


def redo_cmd(
    change: Annotated[int | None, typer.Argument(help="The change to redo (default: the one undone last).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Redo the change undone last. A change made after the undo clears what can be redone."""
    from db.curation import redo

    _run(db, as_json, lambda c: redo(c, change), lambda r: f"redone: {r['redone']}")


def changes_cmd(
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many, newest first.")] = 20,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List the latest curation changes."""
    from db.curation import changes

    conn = open_db(db)
    rows = changes(conn, limit)
    conn.close()
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(safe(f"{r['id']:>5} {r['created_at']} {r['author'] or '-'} {'(undone) ' if r['undone'] else ''}"
                        f"{r['summary']}"))
