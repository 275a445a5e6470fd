"""VERIS incidents (VCDB JSON), one per file, a list of them, or JSON Lines.

- incident → incident: the first sentence of `summary` is the title (else the actions and the victim),
  `action` (malware/hacking/social/misuse/error/physical/environmental and their varieties) → type,
  `timeline.incident` year/month/day → date with precision, `security_incident` → status,
  `attribute.confidentiality.data_total` → a figure, `victim.country` → countries.
- `actor.external/internal/partner` → perpetrators: the `name` when given, else the variety
  ("Organized crime", "Nation-state", "Activist"...), with motive in the description and country;
  `confidence` (High/Medium/Low) → confidence.
- `victim.victim_id` → the target (industry and country kept).
- `reference` (one or several URLs) → sources linked to the incident; the record itself → a structured
  source `veris:<incident_id>`.
"""
from __future__ import annotations

from db.drafts import ActorMention, Document, Figure, IncidentDraft
from importers.readers.decode import ReadError
from importers.readers.jsonutil import (
    confidence_of,
    countries_of,
    date_parts,
    domain_of,
    evidence_for,
    first_sentence,
    guess_type,
    is_nothing,
    line,
    link_documents,
    load_json,
    record_document,
    render,
    split_names,
    stable_uuid,
    text,
    urls_in,
)

_ACTION_TYPES = {
    "malware": "malicious-code/malware", "hacking": "intrusions/system-compromise",
    "social": "information-gathering/social-engineering", "misuse": "information-content-security/unauthorised-access",
    "error": "information-content-security/data-leak", "physical": "other/vandalism",
    "environmental": "other/other",
}
_ACTOR_KINDS = {
    "organized crime": "criminal group", "nation-state": "state", "state-affiliated": "state-linked group",
    "activist": "hacktivist group", "terrorist": "ideological movement", "competitor": "organisation",
    "former employee": "person", "unaffiliated": "person", "customer": "person", "acquaintance": "person",
    "force majeure": "unknown", "auditor": "person", "end-user": "person", "system admin": "person",
    "developer": "person", "manager": "person", "executive": "person", "finance": "person", "cashier": "person",
    "doctor or nurse": "person", "human resources": "person", "call center": "person", "maintenance": "person",
    "guard": "person", "helpdesk": "person",
}


def is_veris(value) -> bool:
    items = value if isinstance(value, list) else [value]
    return any(isinstance(x, dict) and "incident_id" in x and ("action" in x or "timeline" in x or "victim" in x)
               for x in items[:5])


def read_veris(data: bytes, origin: str) -> list[Document]:
    return veris_documents(load_json(data, origin=origin), origin)


def veris_documents(value, origin: str) -> list[Document]:
    items = value if isinstance(value, list) else [value]
    docs: list[Document] = []
    for item in items:
        if isinstance(item, dict) and ("action" in item or "timeline" in item or "incident_id" in item):
            docs.extend(_incident(item, origin))
    if not docs:
        raise ReadError("not a VERIS incident (no incident_id, action or timeline)")
    return docs


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _varieties(section) -> list[str]:
    return [v for v in split_names(_dict(section).get("variety")) if not is_nothing(v)]


def _type(action: dict, attribute: dict) -> str:
    integrity = [v.lower() for v in _varieties(attribute.get("integrity"))]
    if "defacement" in integrity:
        return "intrusions/defacement"
    fallback = None
    for kind in ("malware", "hacking", "social", "misuse", "error", "physical", "environmental"):
        if not isinstance(action.get(kind), dict):
            continue
        varieties = _varieties(action[kind])
        if kind == "error" and not _dict(attribute.get("confidentiality")):
            if any("loss" in v.lower() or "disposal" in v.lower() for v in varieties):
                return "information-content-security/data-loss"
        if kind == "physical":
            return "other/vandalism" if any(v.lower() in ("sabotage", "tampering", "destruction") for v in varieties) \
                else "information-content-security/unauthorised-access"
        for v in varieties:
            g = guess_type(v)
            if g != "other/undetermined" and not (kind == "hacking" and g == "vulnerable/vulnerable-system"):
                return g
        if varieties:
            return _ACTION_TYPES[kind]
        fallback = fallback or _ACTION_TYPES[kind]
    return fallback or "other/undetermined"


def _incident(rec: dict, origin: str) -> list[Document]:
    iid = line(rec.get("incident_id"), 80)
    summary = text(rec.get("summary"), 20_000)
    action = _dict(rec.get("action"))
    attribute = _dict(rec.get("attribute"))
    victim = _dict(rec.get("victim"))
    timeline = _dict(_dict(rec.get("timeline")).get("incident"))
    date, precision = date_parts(timeline.get("year"), timeline.get("month"), timeline.get("day"))
    type_ = _type(action, attribute)
    if not iid:
        iid = stable_uuid(f"veris:{summary}:{date}")
    victim_names = [v for v in split_names(victim.get("victim_id")) if not is_nothing(v)]
    countries = countries_of(victim.get("country"))
    conf = confidence_of(rec.get("confidence"), 50)

    actors: list[ActorMention] = []
    for side in ("external", "internal", "partner"):
        a = _dict(_dict(rec.get("actor")).get(side))
        if not a:
            continue
        motives = [m for m in split_names(a.get("motive")) if not is_nothing(m)]
        names = [n for n in split_names(a.get("name")) if not is_nothing(n)]
        varieties = _varieties(a)
        acountry = (countries_of(a.get("country")) or [None])[0]
        desc = f"VERIS {side} actor" + (f", motive: {', '.join(motives)}" if motives else "")
        if names:
            for n in names:
                actors.append(ActorMention(name=n, role="perpetrator", kind=_kind(varieties, side), country=acountry,
                                           confidence=conf, description=desc))
        else:
            for v in varieties:
                label = v if side == "external" else f"{v} ({side})"
                actors.append(ActorMention(name=label, role="perpetrator", kind=_kind([v], side), country=acountry,
                                           confidence=conf, description=desc))
    for name in victim_names:
        gov = [g for g in split_names(victim.get("government")) if not is_nothing(g)]
        actors.append(ActorMention(name=name, role="target", kind="government body" if gov else "organisation",
                                   country=countries[0] if countries else None, confidence=conf,
                                   description=f"industry (NAICS) {line(victim.get('industry'), 20)}" if line(victim.get("industry"), 20) else None))

    actions = [f"{k}: {', '.join(_varieties(action[k])) or 'unknown'}" for k in action if isinstance(action.get(k), dict)]
    title = first_sentence(summary) if summary else ""
    if not title:
        title = f"{type_.split('/')[-1].replace('-', ' ').capitalize()}" + (f" at {victim_names[0]}" if victim_names else "")
    figures = []
    total = _dict(attribute.get("confidentiality")).get("data_total")
    if isinstance(total, (int, float)) and not isinstance(total, bool) and 0 < total < 1e15:  # not inf, not absurd
        figures.append(Figure(value=float(total), unit="records", text=f"{int(total):,} records (VERIS data_total)"))
    security = line(rec.get("security_incident"), 20).lower()
    status = {"confirmed": "confirmed", "suspected": "suspected", "false positive": "disputed"}.get(security, "undetermined")
    refs = urls_in(rec.get("reference"))
    body, spans = render(title, [
        ("VERIS incident", iid), ("Date", date), ("Actions", actions),
        ("Actors", [f"{a.name} ({a.role})" for a in actors]), ("Victim country", countries),
        ("Industry", victim.get("industry")), ("References", refs),
    ], [summary])
    draft = IncidentDraft(title=title, type=type_, summary=summary, domain=domain_of(type_), status=status,
                          date_start=date, date_precision=precision, date_basis="occurred", countries=countries,
                          actors=actors, figures=figures, uuid=stable_uuid(iid), relation="report",
                          evidence=evidence_for(body, spans, summary))
    main = record_document(origin, "veris", f"veris:{iid}", title, body, [draft],
                           publisher=line(rec.get("source_id"), 100) or None)
    links = [{"url": u, "title": None} for u in refs]
    return [main, *link_documents(origin, "veris", links, draft, f"VERIS incident {iid}")]


def _kind(varieties: list[str], side: str) -> str:
    for v in varieties:
        k = _ACTOR_KINDS.get(v.lower())
        if k:
            return k
    return "person" if side == "internal" else "unknown"
