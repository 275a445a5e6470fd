"""Who an actor is: the record a mention names (by galaxy reference, name or alias, or a group's name with or
without an organisational word), its aliases, and the decisions between two records an analyst settles.

A name that is only near a known group's (one letter or the spacing apart: "Kilnet", "Kill Net") is never folded:
the new actor gets a pending decision "maybe the same as" that the review queue shows (issue 29).
"""
from __future__ import annotations

import re
import sqlite3

from rapidfuzz.distance import Levenshtein

from db.drafts import ActorMention
from db.identity import new_uuid, utcnow
from db.normalise import normalise
from db.normalise import normalise_cached as _norm
from db.records import follow


def live_actor(conn: sqlite3.Connection, actor_id: int) -> int:
    """The surviving actor of a chain of merges (the id itself when the chain is broken)."""
    return follow(conn, "actor", actor_id) or actor_id


def find_actors(conn: sqlite3.Connection, name: str) -> list[int]:
    """Live actors whose name or an alias normalises like `name` (several when an alias is shared)."""
    key = normalise(name)
    if not key:
        return []
    rows = conn.execute(
        "SELECT id FROM actor WHERE normalised = ? AND merged_into IS NULL"
        " UNION SELECT a.id FROM actor_alias al JOIN actor a ON a.id = al.actor_id"
        " WHERE al.normalised = ? AND a.merged_into IS NULL ORDER BY 1",
        (key, key),
    ).fetchall()
    return [r[0] for r in rows]


_ORG_SUFFIX = ("collective", "team", "group", "crew", "gang", "squad", "hacking group", "hacker group",
               "hackers group", "hacking team", "ransomware group", "ransomware gang")
"""Words a group's name is written with or without ("KillNet Collective", "Killnet"): the same group when
exactly one known actor is the name with the word added or taken away (measured cases: the issue's
KillNet / KillNet Collective; a person's name is never folded, nor a target's)."""


_NOT_GROUPS = "('person', 'organisation', 'government body')"  # (constant SQL: the kinds a victim is stored as)


def _group_names(conn: sqlite3.Connection, test: str, params: tuple[object, ...]) -> list[tuple[int, str, str | None]]:
    """(actor id, normalised name or alias, galaxy reference) of the live groups (not the kinds a victim is
    stored as) whose name or an alias passes `test`: constant SQL about `{name}`, its values in `params`."""
    return conn.execute(
        f"SELECT id, normalised, reference FROM actor WHERE merged_into IS NULL AND kind NOT IN {_NOT_GROUPS}"
        f" AND {test.format(name='normalised')} UNION SELECT a.id, al.normalised, a.reference FROM actor_alias al"
        f" JOIN actor a ON a.id = al.actor_id WHERE a.merged_into IS NULL AND a.kind NOT IN {_NOT_GROUPS}"
        f" AND {test.format(name='al.normalised')}", (*params, *params)).fetchall()


def _suffix_kin(conn: sqlite3.Connection, name: str) -> list[int]:
    """Live actors whose name or alias is `name` with one organisational suffix added or removed."""
    key = normalise(name)
    base = next((key[:-len(w) - 1] for w in sorted(_ORG_SUFFIX, key=len, reverse=True)
                 if key.endswith(" " + w) and len(key) > len(w) + 3), None)
    keys = [base] if base else [f"{key} {w}" for w in _ORG_SUFFIX]
    if not key or len(key.replace(" ", "")) < 4:
        return []
    marks = ",".join("?" * len(keys))
    return sorted({r[0] for r in _group_names(conn, f"{{name}} IN ({marks})", tuple(keys))})


# "Islamist hacker groups", "Islamic hackers": a generic actor is its qualifiers and a noun for attackers
_GENERIC_HEAD = re.compile(r"\s(?P<noun>hackers?(?:\s(?:groups?|crews?|teams?))?|hacking\s(?:groups?|crews?|teams?)|"
                           r"hacktivists?(?:\s(?:groups?|collectives?))?|militants?|extremists?|activists?|"
                           r"attackers?|cyber\s?criminals?)$")
# the ending that makes a word an adjective or a people: Islamist/Islamic, Iranian/Iran, Iraqi/Iraq, Russian/Russia
_ADJECTIVE_ENDS = ("ists", "ist", "ics", "ic", "ians", "ian", "ans", "an", "i", "a")  # longest first


def generic_key(name: str) -> str | None:
    """The key two generic actors share when they are one: each qualifier without its adjectival ending, and the
    noun's family ("Islamist hacker groups" and "Islamic hackers": "islam hackers"); None for a name that is
    not a qualified generic noun."""
    key = normalise(name)
    m = _GENERIC_HEAD.search(key)
    qual = [w for w in key[:m.start()].split() if w not in ("the", "a", "an")] if m else []
    if not m or not qual:
        return None
    noun = m.group("noun")
    family = "hacktivists" if noun.startswith("hacktiv") else "hackers" if "hack" in noun else \
        "criminals" if "criminal" in noun else noun.rstrip("s")
    return " ".join(_stem(w) for w in qual) + " " + family


def _stem(word: str) -> str:
    """The word without its adjectival endings, keeping four letters: Russian and Russia give "russ"."""
    cut = True
    while cut:
        cut = False
        for end in _ADJECTIVE_ENDS:
            if word.endswith(end) and len(word) - len(end) >= 4:
                word, cut = word[:-len(end)], True
                break
    return word


def _generic_kin(conn: sqlite3.Connection, m: ActorMention) -> list[int]:
    """Live generic actors (no galaxy reference) whose name or an alias has the mention's `generic_key`."""
    want = generic_key(m.name)
    if want is None or m.reference:
        return []
    noun = want.rsplit(" ", 1)[1][:4]  # (a cheap filter first: the noun's first letters)
    return sorted({actor_id for actor_id, name, reference in _group_names(conn, "instr({name}, ?) > 0", (noun,))
                   if reference is None and generic_key(name) == want})


_NEAR_MIN = 6
"""Letters (spaces aside) a name needs before one letter more, less or changed reads as a near spelling: below
that, one letter makes another word ("Sandy" / "Candy")."""


def _near_spellings(conn: sqlite3.Connection, m: ActorMention) -> list[int]:
    """Live groups whose name or an alias is one letter from the mention's, or the same letters spaced another
    way ("Kill Net" / "Killnet"). Names whose digits differ are a series, never near ("APT28" / "APT29"), and two
    groups with different galaxy references are known to be two."""
    key = normalise(m.name)
    flat = key.replace(" ", "")
    if len(flat) < _NEAR_MIN:
        return []
    digits = "".join(ch for ch in flat if ch.isdigit())
    span = (len(key) - 2, len(key) + 2)  # one letter, and a space on either side of it
    out: set[int] = set()
    for actor_id, name, reference in _group_names(conn, "length({name}) BETWEEN ? AND ?", span):
        other = name.replace(" ", "")
        if m.reference and reference and reference != m.reference or \
                "".join(ch for ch in other if ch.isdigit()) != digits:
            continue
        if other == flat or Levenshtein.distance(flat, other, score_cutoff=1) <= 1:
            out.add(actor_id)
    return sorted(out)


def get_or_create_actor(conn: sqlite3.Connection, m: ActorMention, changed: set[int] | None = None) -> int:
    """The actor a mention names, created if new. Ids whose name, aliases or facts changed are added to
    `changed` (their search documents, and their incidents', need refreshing)."""
    changed = changed if changed is not None else set()
    actor_id: int | None = None
    if m.reference:
        row = conn.execute("SELECT id FROM actor WHERE reference = ? ORDER BY id LIMIT 1", (m.reference,)).fetchone()
        if row:
            actor_id = live_actor(conn, row[0])
    if actor_id is None:
        candidates = find_actors(conn, m.name)
        if m.reference and candidates:
            # Prefer a candidate without a conflicting galaxy reference.
            free = [c for c in candidates if conn.execute(
                "SELECT reference IS NULL OR reference = ? FROM actor WHERE id = ?", (m.reference, c)).fetchone()[0]]
            candidates = free
        if candidates:
            actor_id = candidates[0]
            if len(candidates) > 1:
                for other in candidates[1:]:
                    record_decision(conn, "actor", actor_id, other, "pending",
                                    f"the name {m.name!r} is shared by several actors", overwrite=False)
    near: list[int] = []
    why = ""
    if actor_id is None and m.kind != "person" and m.role != "target":
        near = _suffix_kin(conn, m.name)
        if len(near) == 1 and not (m.reference and conn.execute(
                "SELECT reference IS NOT NULL AND reference <> ? FROM actor WHERE id = ?",
                (m.reference, near[0])).fetchone()[0]):
            actor_id = near[0]  # "KillNet Collective" is the known Killnet: its name becomes an alias
            near = []
        why = f"{m.name!r} differs from a known actor's name by an organisational word only"
        if actor_id is None and not near:
            near = _generic_kin(conn, m)
            if len(near) == 1:
                actor_id, near = near[0], []  # "Islamic hackers" are the known "Islamist hacker groups"
            why = f"{m.name!r} names the same kind of attackers as a known generic actor"
        if actor_id is None and not near:
            near = _near_spellings(conn, m)
            why = f"{m.name!r} is spelled like a known group's name, one letter or the spacing apart"
    if actor_id is None:
        cur = conn.execute(
            "INSERT INTO actor (uuid, name, normalised, kind, country, description, reference, created_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (new_uuid(), m.name, normalise(m.name), m.kind or "unknown", m.country, m.description,
             m.reference, utcnow()),
        )
        assert cur.lastrowid is not None  # (typed int | None: after an INSERT it is an int)
        actor_id = cur.lastrowid
        changed.add(actor_id)
        for other in near:  # several known actors it may be: the analyst decides (review queue)
            record_decision(conn, "actor", other, actor_id, "pending", why, overwrite=False)
    else:
        # Fill what the existing record lacks; never overwrite an analyst's values.
        kind = m.kind or "unknown"
        changed.update([actor_id] if conn.execute(
            "UPDATE actor SET kind = CASE WHEN kind = 'unknown' THEN ? ELSE kind END,"
            " country = coalesce(country, ?), description = coalesce(description, ?),"
            " reference = coalesce(reference, ?) WHERE id = ? AND ((kind = 'unknown' AND ? != 'unknown')"
            " OR (country IS NULL AND ? IS NOT NULL) OR (description IS NULL AND ? IS NOT NULL)"
            " OR (reference IS NULL AND ? IS NOT NULL))",
            (kind, m.country, m.description, m.reference, actor_id, kind, m.country, m.description, m.reference),
        ).rowcount else [])
    names = [m.name, *m.aliases]
    if len(names) > 2:  # a galaxy actor's dozens of synonyms: insert only those it does not have yet
        known = {r[0] for r in conn.execute("SELECT normalised FROM actor_alias WHERE actor_id = ?", (actor_id,))}
        names = [a for a in names if _norm(a) not in known]
    for alias in names:
        if add_alias(conn, actor_id, alias, m.alias_origin if alias != m.name else "source"):
            changed.add(actor_id)
    return actor_id


def add_alias(conn: sqlite3.Connection, actor_id: int, alias: str, origin: str = "source") -> bool:
    """Add an alias; True when it is new for this actor."""
    key = normalise(alias)
    if not key:
        return False
    return conn.execute(
        "INSERT INTO actor_alias (actor_id, alias, normalised, origin) VALUES (?,?,?,?)"
        " ON CONFLICT (actor_id, normalised) DO NOTHING",
        (actor_id, alias.strip(), key, origin),
    ).rowcount > 0


def record_decision(conn: sqlite3.Connection, entity: str, left: int, right: int, verdict: str,
                    reason: str | None = None, overwrite: bool = True) -> None:
    left, right = sorted((left, right))
    conflict = "DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason" if overwrite else "DO NOTHING"
    conn.execute(
        "INSERT INTO decision (entity, left_id, right_id, verdict, reason, created_at) VALUES (?,?,?,?,?,?)"
        f" ON CONFLICT (entity, left_id, right_id) {conflict}",
        (entity, left, right, verdict, reason, utcnow()),
    )


