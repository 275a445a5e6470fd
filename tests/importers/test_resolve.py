"""Cross-source resolution: the same event from two outlets is one incident; different waves stay apart."""
from __future__ import annotations

from db.drafts import ActorMention, Document, Figure, IncidentDraft, PlaceMention
from db.engine import connect
from db.store import store_document
from importers.resolve import compatible_types, resolve


def _doc(n: int, draft: IncidentDraft) -> Document:
    return Document(text="", origin=f"outlet{n}.txt", title=f"report {n}", body=f"body of report number {n} " * 3,
                    drafts=[draft])


def _ddos(title, date, target, actor="NoName057(16)", figure=None):
    return IncidentDraft(title=title, type="availability/ddos", date_start=date,
                         date_precision="day" if len(date) == 10 else "month",
                         actors=[ActorMention(actor, "claimed"), ActorMention(target, "target")],
                         places=[PlaceMention("Bern", "CH")],
                         figures=[Figure(figure, "websites", "x")] if figure else [])


def test_two_reports_of_one_event_become_one_incident(db_path):
    conn = connect(db_path)
    a = store_document(conn, _doc(1, _ddos("DDoS on Swiss federal websites", "2023-06-12", "Federal Administration", figure=12)), resolve)
    b = store_document(conn, _doc(2, _ddos("Pro-Russian hackers knock Swiss government sites offline", "2023-06-13",
                                           "Federal Administration")), resolve)
    assert b.joined == a.incidents
    reason = conn.execute("SELECT join_reason FROM incident WHERE id = ?", (a.incidents[0],)).fetchone()[0]
    assert "targets" in reason and "actors" in reason


def test_same_actor_and_type_in_another_week_stays_apart(db_path):
    conn = connect(db_path)
    a = store_document(conn, _doc(1, _ddos("DDoS on Swiss federal websites", "2023-06-12", "Federal Administration")), resolve)
    b = store_document(conn, _doc(2, _ddos("DDoS on Swiss federal websites", "2023-09-02", "Federal Administration")), resolve)
    assert b.joined == [] and b.incidents != a.incidents


def test_same_week_and_actor_but_another_target_stays_apart(db_path):
    conn = connect(db_path)
    store_document(conn, _doc(1, _ddos("DDoS on a bank", "2023-06-12", "Cantonal Bank of Zurich")), resolve)
    b = store_document(conn, _doc(2, _ddos("DDoS on an airport", "2023-06-12", "Geneva Airport")), resolve)
    assert b.joined == []


def test_two_incidents_of_one_article_are_never_joined(db_path):
    conn = connect(db_path)
    doc = _doc(1, _ddos("Wave one", "2023-06-12", "Federal Administration"))
    doc.drafts.append(_ddos("Wave one again", "2023-06-12", "Federal Administration"))
    res = store_document(conn, doc, resolve)
    assert len(set(res.incidents)) == 2


def test_type_families():
    assert compatible_types("availability/ddos", "intrusions/defacement")
    assert compatible_types("malicious-code/ransomware", "information-content-security/data-leak")
    assert not compatible_types("availability/ddos", "fraud/phishing")
    assert compatible_types("other/undetermined", "fraud/phishing")


def test_an_undated_report_joins_when_names_actors_places_and_figures_agree(db_path):
    from db.drafts import Evidence

    conn = connect(db_path)
    text_a = "Digital minister Ilse Vandermeer said Hollowmere Systems saw the attack, which Grenlow Bank felt most."
    text_b = "Speaking for the ministry, Ilse Vandermeer said Hollowmere Systems logged it first; Grenlow Bank agreed."
    a = IncidentDraft(title="Defacement wave hits bank sites", type="intrusions/defacement",
                      actors=[ActorMention("Cyber Wolves of the North", "claimed")], places=[PlaceMention("Antwerp", "BE")],
                      figures=[Figure(1200, "websites", "x")], evidence=[Evidence(text_a, 0, len(text_a))])
    b = IncidentDraft(title="Denial of service against banks", type="availability/ddos", date_start="2024-02",
                      date_precision="month", actors=[ActorMention("Cyber Wolves of the Nord", "claimed")],
                      places=[PlaceMention("Antwerp", "BE")], figures=[Figure(1150, "websites", "x")],
                      evidence=[Evidence(text_b, 0, len(text_b))])
    first = store_document(conn, _doc(1, a), resolve)
    second = store_document(conn, _doc(2, b), resolve)
    assert second.joined == first.incidents


def _claimed_leak(group: str, n: int) -> IncidentDraft:
    return IncidentDraft(title="Data leak at Harbor Bank", summary=f"{group} took credit for leaking {n:,} records"
                         " of Harbor Bank.", type="information-content-security/data-leak", date_start="2023",
                         date_precision="year", actors=[ActorMention(group, "claimed"), ActorMention("Harbor Bank", "target")],
                         figures=[Figure(n, "records", "x")])


def test_reports_of_claims_by_different_groups_do_not_snowball_into_one_incident(db_path):
    # Background lines such as "last year, GROUP took credit for a leak at BANK" recur across articles with a
    # different group each time: same year, type, target and wording, nearby figures. Each claimant is
    # its own incident; without the rule, an incident that took one such report takes them all.
    conn = connect(db_path)
    groups = ["Crimson Ladder", "Basalt Owls", "Quiet Harrier", "Umber Falcon", "Slate Mantis", "Talc Viper"]
    results = [store_document(conn, _doc(i, _claimed_leak(g, 400_000 + 1_000 * i)), resolve) for i, g in enumerate(groups)]
    assert len({r.incidents[0] for r in results}) == len(groups)
    again = store_document(conn, _doc(99, _claimed_leak("Basalt Owls", 401_000)), resolve)
    assert again.joined == results[1].incidents  # the same claim reported again does join


def _leak(title: str, actors: list[ActorMention], figures: list[int]) -> IncidentDraft:
    return IncidentDraft(title=title, type="information-content-security/data-leak", date_start="2023",
                         date_precision="year", actors=actors, figures=[Figure(n, "records", "x") for n in figures])


def test_a_draft_must_agree_with_one_earlier_report_not_with_pieces_of_several(db_path):
    # One report gives the victim and the count, another the victim and the claimant. A later line naming
    # that claimant and that count, with no victim and only a year, agrees with each report on one
    # thing: with the pieces of a story added together it looked like a match, and such matches chain
    # one story into the next.
    conn = connect(db_path)
    a = store_document(conn, _doc(1, _leak("Data leak at Harbor Bank", [ActorMention("Harbor Bank", "target")],
                                           [400_000])), resolve)
    b = store_document(conn, _doc(2, _leak("Data leak at Harbor Bank", [ActorMention("Harbor Bank", "target"),
                                                                          ActorMention("Crimson Ladder", "claimed")], [])),
                       resolve)
    assert b.joined == a.incidents
    c = store_document(conn, _doc(3, _leak("Crimson Ladder leaks records", [ActorMention("Crimson Ladder", "claimed")],
                                           [400_000])), resolve)
    assert c.joined == []
    # the same line naming the victim as well agrees with one report on two facts, and joins
    d = store_document(conn, _doc(4, _leak("Crimson Ladder leaks Harbor Bank records",
                                           [ActorMention("Crimson Ladder", "claimed"), ActorMention("Harbor Bank", "target")],
                                           [400_000])), resolve)
    assert d.joined == a.incidents


def test_the_ceiling_that_lets_resolution_skip_candidates_is_never_under_their_score(db_path):
    # Resolution scores a block best ceiling first and stops under the best score: a ceiling below a
    # score would silently change which incident a report joins. Seeded mixes of shared and different
    # victims, claimants (one misspelt), places, countries, figures (some 5% apart), dates and types.
    import random

    from db.candidates import load_candidates as _load
    from db.drafts import Evidence
    from importers.resolve import THRESHOLD, Probe, ceiling, reach, score, similarity

    rnd = random.Random(5)
    victims = ["Harbor Bank", "Orion Airlines", "City of Brookfield", "Meridian University"]
    groups = ["Crimson Ladder", "Crimson Ladderr", "Basalt Owls", "hackers", "Quiet Harrier"]
    places = [("Bern", "CH"), ("Geneva", "CH"), ("Lyon", "FR")]
    types = ["availability/ddos", "intrusions/defacement", "information-content-security/data-leak"]
    conn = connect(db_path)
    drafts = []
    for i in range(60):
        date = rnd.choice(["2023", "2023-06", "2023-06-12", "2023-06-14", "2023-06-30", None])
        text = rnd.choice(["Minister Ilse Vandermeer spoke to Grenlow Radio about Hollowmere Systems.",
                           "The operator restored service after some hours."])
        draft = IncidentDraft(
            title=rnd.choice(["Websites of the bank knocked offline", "Airline data leaked", "Bank sites down"]),
            type=rnd.choice(types), date_start=date, date_precision={4: "year", 7: "month", 10: "day"}.get(len(date or ""), "unknown"),
            actors=[ActorMention(rnd.choice(victims), "target")] * rnd.randint(0, 1)
            + [ActorMention(g, rnd.choice(["claimed", "suspected"])) for g in rnd.sample(groups, rnd.randint(0, 2))],
            places=[PlaceMention(*pl) for pl in rnd.sample(places, rnd.randint(0, 2))],
            countries=rnd.sample(["CH", "FR"], rnd.randint(0, 1)),
            figures=[Figure(rnd.choice([400_000, 420_000, 12, 3]), "records", "x")] * rnd.randint(0, 1),
            evidence=[Evidence(text, 0, len(text))])
        drafts.append(draft)
        store_document(conn, _doc(i, draft), resolve)
    ids = [r[0] for r in conn.execute("SELECT id FROM incident")]
    assert 10 < len(ids) < 60  # some reports joined, some did not: both sides are exercised
    checked = cut_short = 0
    for draft in drafts:
        p = Probe.of(draft).read(conn)
        for c in _load(conn, ids):
            sim = similarity(draft, c)
            top = ceiling(p, c, sim)
            assert score(p, c, sim)[0] <= top, (draft.title, c.id)
            # `reach` (what resolution calls) skips the wording of candidates that cannot reach the
            # threshold: it must keep exactly the candidates the ceiling keeps, with the same ceiling
            bound, wording = reach(p, c)
            assert (bound >= THRESHOLD) == (top >= THRESHOLD), (draft.title, c.id, bound, top)
            if top >= THRESHOLD:
                assert (bound, wording) == (top, sim)
            cut_short += wording == 0.0 and sim > 0
            checked += 1
    assert checked == len(drafts) * len(ids)
    assert cut_short > checked // 4  # (the shortcut is taken: the test would pass without it otherwise)


def test_who_named_what_is_the_same_whether_read_before_or_after_the_links_arrive():
    # A candidate's index of which report named which victim, group and figure is built on first use;
    # links that arrive later (an import's cache keeps candidates between drafts) go straight into it.
    from db.candidates import Candidate

    links = [("target", 7, "harbor bank", 1), ("claimed", 9, "crimson ladder", 2), ("suspected", 9, "crimson ladder", 3),
             ("target", 7, "harbor bank", 3)]
    figures = [(400_000.0, 1), (12.0, 2)]

    def fresh() -> Candidate:
        return Candidate(1, "t", "", "availability/ddos", None, set(), set(), set(), set(), set())

    late, early = fresh(), fresh()
    assert early.index == {}  # built while empty: everything after lands in it directly
    for c in (late, early):
        for link in links:
            c.add_actor(*link)
        for value, source in figures:
            c.add_figure(value, source)
    assert late.index == early.index
    assert late.reporting(("t", "harbor bank")) == {1, 3}
    assert late.reporting(("C", 9)) == {2}  # only the report that has it claiming, not suspecting
    assert late.reporting(("A", 9), ("f", 12.0)) == {2, 3}
    for c in (late, early):
        c.drop_figures()
        c.add_figure(5.0, 4)
    assert late.reporting(("f", 400_000.0)) == frozenset() and late.reporting(("f", 5.0)) == {4}
    assert late.index == early.index


def test_a_victim_of_many_incidents_is_still_matched_by_its_group_and_date(db_path, monkeypatch):
    """A target with BUSY_LINKS incidents or more is looked for like a group (the incidents nearest the
    draft's date), not by reading all of them: the right one is still found, and a wave of the same group
    against it in another month stays apart."""
    from db import candidates as R

    monkeypatch.setattr(R, "BUSY_LINKS", 4)
    conn = connect(db_path)
    for month in range(1, 7):  # six earlier waves against the same ministry, each by another group
        store_document(conn, _doc(month, _ddos(f"Wave {month} on the ministry", f"2023-0{month}-03",
                                               "Federal Department of Finance", actor=f"Crew {month}")), resolve)
    first = store_document(conn, _doc(10, _ddos("NoName hits the finance department", "2023-08-21",
                                                "Federal Department of Finance")), resolve)
    ministry = conn.execute("SELECT actor_id FROM incident_actor WHERE incident_id = ? AND role = 'target'",
                            first.incidents).fetchone()[0]
    lo, hi, coarse = R._date_window(R.DateRange.parse("2023-08-22"))
    assert R._by_target(conn, {ministry}, lo, hi, coarse) == ([], {ministry})  # busy: none of its rows read
    again = store_document(conn, _doc(11, _ddos("Finance department websites down after NoName attack",
                                                "2023-08-22", "Federal Department of Finance")), resolve)
    later = store_document(conn, _doc(12, _ddos("NoName hits the finance department", "2023-11-20",
                                                "Federal Department of Finance")), resolve)
    assert again.joined == first.incidents
    assert later.joined == [] and later.incidents != first.incidents


def test_a_report_dated_to_the_day_joins_the_incident_its_target_has_by_month(db_path):
    """The incident of the target is dated by its month only: found by that coarse value, not the range."""
    conn = connect(db_path)
    a = store_document(conn, _doc(1, _ddos("Swiss federal sites hit in June", "2023-06", "Federal Administration",
                                           actor="NoName05716")), resolve)
    b = store_document(conn, _doc(2, _ddos("DDoS on Swiss federal websites", "2023-06-12", "Federal Administration")),
                       resolve)
    assert b.joined == a.incidents


def test_a_loaded_candidate_reads_who_named_what_only_when_scored_and_misses_no_report(db_path):
    # `_load` reads each actor once per role; which report named it is read on first use. The result
    # must be what reading every link gives, including a link that arrived in between (an import's
    # cache passes new links on as they are stored).
    from db.candidates import Candidate
    from db.candidates import load_candidates as _load

    conn = connect(db_path)
    for n, (actor, role) in enumerate([("NoName057(16)", "claimed"), ("NoName057(16)", "claimed"),
                                       ("Killnet", "suspected")]):
        draft = _ddos("Junk traffic knocks the Harbor Bank site offline", "2024-03-04", "Harbor Bank", actor, 50_000)
        draft.actors[0] = ActorMention(actor, role)
        store_document(conn, _doc(n, draft), resolve)
    (iid,) = [r[0] for r in conn.execute("SELECT id FROM incident")]  # one incident, three reports
    (c,) = _load(conn, [iid])
    assert c.claimed and c.targets == {"harbor bank"} and len(c.actors) == 2
    late = _ddos("Harbor Bank site offline for hours after junk traffic", "2024-03-04", "Harbor Bank", "Killnet", 50_000)
    (extra,) = [store_document(conn, _doc(9, late), resolve).source_id]
    killnet = conn.execute("SELECT actor_id FROM incident_actor WHERE role = 'suspected'").fetchone()[0]
    for row in conn.execute("SELECT ia.role, ia.actor_id, a.normalised, ia.source_id FROM incident_actor ia"
                            " JOIN actor a ON a.id = ia.actor_id WHERE ia.source_id = ?", (extra,)):
        c.add_actor(*row)  # as `Resolver` passes on the links stored since
    assert conn.execute("SELECT count(*) FROM incident").fetchone()[0] == 1  # the late report joined as well

    eager = Candidate(iid, "", "", "availability/ddos", None, set(), set(), set(), set(), set())
    for row in conn.execute("SELECT ia.role, ia.actor_id, a.normalised, ia.source_id FROM incident_actor ia"
                            " JOIN actor a ON a.id = ia.actor_id WHERE ia.incident_id = ?", (iid,)):
        eager.add_actor(*row)
    for value, source in conn.execute("SELECT json_extract(f.value, '$.value'), json_extract(f.value, '$.source_id')"
                                      " FROM incident i, json_each(i.figures) f WHERE i.id = ?", (iid,)):
        eager.add_figure(float(value), source)
    assert c.index == eager.index
    sources = sorted(r[0] for r in conn.execute("SELECT source_id FROM incident_source WHERE incident_id = ?", (iid,)))
    assert c.claiming == {sources[0], sources[1], extra}  # the two claims, and the late one
    assert c.reporting(("A", killnet)) == {sources[2], extra}
