"""The import's store path: search rows refreshed in batches, candidates kept between drafts."""
from __future__ import annotations

import random

import pytest

from db import search
from db.drafts import ActorMention, Document, Figure, IncidentDraft, PlaceMention
from db.engine import connect
from db.store import store_document
from importers import inputs, pipeline
from importers.resolve import Resolver, resolve


@pytest.fixture
def db_path(engine_db):
    """Every test here runs on both engines: an SQLite file, then a PostgreSQL database (issue 32)."""
    return engine_db



def _doc(n: int, draft: IncidentDraft) -> Document:
    return Document(text="", origin=f"outlet{n}.txt", title=f"report {n}", body=f"body of report number {n} " * 3,
                    drafts=[draft])


def _leak(n: int, rnd: random.Random) -> IncidentDraft:
    """Reports of a few long stories: each report brings another city, figure and claimant."""
    target = rnd.choice(["Harbor Bank", "Orion Airlines", "Meridian University"])
    return IncidentDraft(title=f"Data of {target} leaked", type="information-content-security/data-leak",
                         date_start=rnd.choice(["2023", "2023-05", "2023-05-0" + str(rnd.randint(1, 9))]),
                         date_precision="year",
                         actors=[ActorMention(target, "target"), ActorMention(f"Group {rnd.randint(1, 40)}", "claimed")],
                         places=[PlaceMention(f"City {rnd.randint(1, 60)}")],
                         figures=[Figure(rnd.randint(1, 50) * 1000, rnd.choice(["records", "customers"]), "x")])


def test_deferred_index_is_written_by_the_flush(db_path):
    conn = connect(db_path)
    draft = IncidentDraft(title="Ransomware at Bluewater Hospital", type="malicious-code/ransomware",
                          date_start="2024-03-11", date_precision="day",
                          actors=[ActorMention("Bluewater Hospital", "target")])
    res = store_document(conn, _doc(1, draft), resolve, defer_index=True)
    assert list(search.matching_ids(conn, "incidents", "bluewater")) == []
    assert search.flush_pending(conn) == 3  # the incident, the new actor and the source
    assert list(search.matching_ids(conn, "incidents", "bluewater")) == res.incidents
    assert list(search.matching_ids(conn, "sources", "report")) == [res.source_id]
    assert search.flush_pending(conn) == 0


def test_an_import_flushes_what_a_killed_one_left(db_path, tmp_path):
    conn = connect(db_path)
    draft = IncidentDraft(title="Phishing at Apex Logistics", type="fraud/phishing", date_start="2024-05-02",
                          date_precision="day", actors=[ActorMention("Apex Logistics", "target")])
    store_document(conn, _doc(1, draft), resolve, defer_index=True)  # committed, not yet indexed
    (tmp_path / "a.md").write_text("---\ntitle: Outage at Orion Airlines\npublished: 2024-06-01\n---\n"
                                   "A DDoS attack knocked Orion Airlines offline on Monday.\n", encoding="utf-8")
    report = pipeline.run(conn, [str(tmp_path / "a.md")], pipeline.Options())
    assert report.count("imported") == 1
    assert len(list(search.matching_ids(conn, "incidents", "apex"))) == 1
    assert conn.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0


@pytest.mark.parametrize("kept", [20_000, 8], ids=["all kept", "most evicted"])
def test_kept_candidates_join_exactly_as_fresh_ones(tmp_path, monkeypatch, kept):
    from importers import resolve as resolve_mod

    monkeypatch.setattr(resolve_mod, "CACHE_ENTRIES", kept)  # a small cache forgets and reloads candidates
    rnd = random.Random(3)
    drafts = [_leak(i, rnd) for i in range(150)]
    joined = []
    for name, resolver in (("plain", resolve), ("kept", Resolver())):
        conn = connect(tmp_path / f"{name}.db")
        joined.append([store_document(conn, _doc(i, d), resolver).incidents for i, d in enumerate(drafts)])
        conn.close()
    assert joined[0] == joined[1]
    assert len({i for ids in joined[0] for i in ids}) < 100  # the stories did grow


def test_a_large_batch_is_prepared_in_order_and_never_far_ahead_of_the_writer(tmp_path):
    # The pool must not hold a whole 100k-file batch of prepared documents in memory while the one
    # writer falls behind: it stays at most AHEAD tasks ahead, and the writer gets the files in order.
    from concurrent.futures import ProcessPoolExecutor

    class CountingPool(ProcessPoolExecutor):
        submitted = 0

        def submit(self, *args, **kwargs):
            self.submitted += 1
            return super().submit(*args, **kwargs)

    n = pipeline.CHUNK * pipeline.AHEAD * 2
    items = []
    for i in range(n):
        path = tmp_path / f"{i:04d}.txt"
        path.write_text(f"Water utility outage\n\nReport number {i}: the regional water utility said on Monday that its billing"
                        f" systems had been offline for two days after an intrusion.\n", encoding="utf-8")
        items.append(inputs.Input(str(path), path=path))
    with CountingPool(max_workers=2, initializer=pipeline._init_worker) as pool:
        prepared = pipeline._prepared(pool, items, pipeline.Options(extract=False))
        first = next(prepared)
        assert pool.submitted <= pipeline.AHEAD + 1
        rest = list(prepared)
    assert [x[0].origin for x in [first, *rest]] == [it.origin for it in items]
    assert all(docs and f"Report number {i}:" in docs[0].body for i, (_, docs, _, _) in enumerate([first, *rest]))


def test_the_collector_pace_of_an_import_ends_with_the_last_import_of_the_process(tmp_path):
    # The browser imports on a worker thread: its own collector settings must come back afterwards,
    # also when two imports overlap and the first one ends first.
    import gc

    before = gc.get_threshold()
    first, second = pipeline.fewer_collections(), pipeline.fewer_collections()
    first.__enter__()
    second.__enter__()
    assert gc.get_threshold()[0] == pipeline.BULK_GC_GEN0
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == pipeline.BULK_GC_GEN0  # the second import still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
    (tmp_path / "a.txt").write_text("Outage at a port\n\nA DDoS attack hit the Port of Elmsworth on Monday.\n",
                                    encoding="utf-8")
    pipeline.run(connect(tmp_path / "x.db"), [str(tmp_path / "a.txt")], pipeline.Options(workers=1))
    assert gc.get_threshold() == before
