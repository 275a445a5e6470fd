"""Article text → incident drafts (rules plus reference data; docs/ARCHITECTURE.md, Packages).

    from importers.extract import extract, load_reference
    load_reference()             # optional: warm the reference data (e.g. once per worker process)
    drafts = extract(doc)        # doc: db.drafts.Document with body set (title and published optional)

Importing this package is cheap: the reference data (MISP threat-actor and Tidal groups galaxies, countries,
regions, cities) is loaded on the first call of :func:`extract` or :func:`load_reference`, from a derived cache
under ``platformdirs.user_cache_dir("incidex")`` keyed by the package versions (built once, ~5 s; then ~0.3 s
per process). Everything else is module-level compiled regexes; there is no mutable global state besides the
lock-protected reference cache, so :func:`extract` is thread-safe and works in process pools.

Modules:
    sentences   split(body) -> [Sentence(text, start, end, index, paragraph)]
    dates       find(text, pub, anchor) -> [DateHit(value, precision, end_value, kind, ...)]
    gazetteer   get() -> Gazetteer (token dictionary of actors, countries, regions, cities; scan(text))
    places      resolve(sentence, hits, article_countries) -> [Place]
    types       triggers(text), hypothetical(text), generic(text); PRIORITY, LABELS
    actors      perpetrators(sentence, hits, gaz) -> [Party]: the perpetrator side of a sentence
    roles       role_for(...), qualified(sentence, party): the role its wording gives a party (negation, hedging)
    nounphrases noun_phrases(sentence), ordinary_words(sentences): the candidate names of a sentence
    phrases     targets(sentence, has_trigger, exclude): target candidates
    figures     find(text) -> [FigureHit(value, unit, text, start, end)]
    cues        the named cue regexes and word lists of grouping and drafting, each with its why
    analysis    analyse(doc) -> sentences with their hits, attack words and classification; pick_date
    grouping    group(infos, pub) -> [Group]: the lead incident and each other incident the article recounts
    titles      title(...), summary(...): the short texts of a draft
    targets     targets(group, ...), headline_targets(doc, ...): the parties a draft presents as hit
    drafting    build_drafts(doc): each group becomes an IncidentDraft, every fact with its evidence
    tools       attach(doc, drafts): the malware and tools each draft names (MISP galaxies), with evidence
    explain     recording() -> Trace: every candidate kept (with its cue) or dropped (with why), for --explain
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from db.drafts import Document, IncidentDraft

__all__ = ["extract", "load_reference"]


def load_reference() -> None:
    """Load (or build and cache) the reference data now, e.g. in each worker of a process pool."""
    from . import gazetteer

    gazetteer.get()


def extract(doc: Document) -> list[IncidentDraft]:
    """The incidents an article reports: the lead one and each other incident it recounts.

    Every Evidence has start/end offsets into ``doc.body`` with ``doc.body[start:end] == evidence.text``.
    Returns an empty list for empty bodies and for articles that report no incident; an article that only
    reports a vulnerability or a patch yields at most one draft typed ``vulnerable/vulnerable-system``.
    """
    from .drafting import build_drafts
    from .tools import attach

    drafts = build_drafts(doc)
    attach(doc, drafts)
    return drafts
