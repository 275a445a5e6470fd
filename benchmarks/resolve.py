"""Cross-source resolution on generated reports of known events.

    python benchmarks/resolve.py [--sizes 10000,100000] [--seed 7] [--rounds 3] [--as-import] [--span-years Y]

Generates events (fixed seed), then 1-5 reports of each with reworded titles, partial dates (month only,
or a day off), overlapping and aliased actors, and hard negatives (the same actor and type in another
week, or the same week against another target). Every report is stored through the real store with the
resolver, in a fresh database, committed in groups as `incidex import` commits (with `--as-import`, also
the way it resolves and indexes: a Resolver kept between documents, the search index refreshed in
batches). Prints pairwise precision and recall (pairs of reports put in one incident vs. pairs of reports
of one event) and seconds per 1,000 drafts, and the cost ratio of the largest run to the smallest.

Every time is a median. The host moves a run by up to 10% from one run to the next (the same 100k
drafts: 76-90 s in one afternoon), so a ratio of single runs says as much about the host as about the
code: each size above 20k drafts is timed `--rounds` times (default 3, ~4.5 min at 100k), each
round between two runs of each smaller size, and the ratio is the one of the medians. Each round's
own ratio is printed too, so the spread is in plain sight.

The events come as a steady stream: a run of n drafts covers n/100,000 of eight years (10k drafts: 292
days; 100k: eight years, 16 events a day), so both sizes see as many events per group, city and week,
and the ratio measures what a larger database costs. With `--span-years Y` every size covers Y years:
ten times the drafts in the same years is then also ten times the events per group and week (in eight
years, a draft of the 100k run has three candidates to compare where one of the 10k run has one).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.drafts import ActorMention, Document, Figure, IncidentDraft, PlaceMention  # noqa: E402

ACTORS = [("Killnet", "KillNet"), ("NoName057(16)", "NoName05716"), ("Anonymous Sudan", "Storm-1359"),
          ("LockBit", "LockBit 3.0"), ("Cl0p", "Clop"), ("ALPHV", "BlackCat"), ("Sandworm", "Voodoo Bear"),
          ("APT28", "Fancy Bear"), ("Rhysida", "Rhysida gang"), ("Play", "PlayCrypt")] + \
         [(f"Group {w}", f"{w} Team") for w in ("Cobalt", "Amber", "Onyx", "Basalt", "Cinder", "Quartz", "Slate",
                                                "Umber", "Flint", "Garnet", "Jade", "Pyrite", "Talc", "Zircon")]
TYPES = [("availability/ddos", "{a} DDoS takes down {t} websites", "Junk traffic floods {t}", "{t} offline after denial of service"),
         ("malicious-code/ransomware", "Ransomware hits {t}", "{t} systems encrypted by {a}", "{t} struggles after ransomware attack"),
         ("information-content-security/data-leak", "Data of {t} leaked", "{a} publishes files stolen from {t}", "Breach at {t} exposes records"),
         ("intrusions/defacement", "{t} homepage defaced", "Hackers deface {t} site", "{a} vandalises {t} website")]
KINDS = ["City of", "Port of", "University of", "Hospital of", "Bank of", "Water board of", "Railways of", "Museum of"]
WORDS = ("Aldor Brenn Calis Dorne Evia Farrow Galen Hest Ilva Jorn Kessel Lorn Mara Nessa Orin Pell Quin Rask Sova "
         "Tarn Ulm Vesk Wyre Yarrow Zell Abra Bexley Corvin Dunmore Elst Fenwick Gorse Holm Iver Jessop Kett").split()
CITIES = ["Lyon", "Ghent", "Bern", "Tallinn", "Porto", "Brno", "Turku", "Graz", "Split", "Cork", "Lille", "Bonn"]


DAYS_PER_1K = 8 * 365 / 100  # the stream's pace: 100k drafts (~46k events) in eight years


def span_days(n_drafts: int, years: float | None = None) -> int:
    """Days the events of a run fall in: as many as the stream takes for `n_drafts`, or `years`."""
    return max(1, round(years * 365 if years is not None else DAYS_PER_1K * n_drafts / 1000))


def make_reports(n_drafts: int, seed: int, days: int | None = None) -> list[tuple[int, IncidentDraft]]:
    days = days or span_days(n_drafts)
    rng = random.Random(seed)
    reports: list[tuple[int, IncidentDraft]] = []
    event = 0
    start = dt.date(2018, 1, 1)
    while len(reports) < n_drafts:
        event += 1
        type_, *titles = rng.choice(TYPES)
        actor = rng.choice(ACTORS)
        target = f"{rng.choice(KINDS)} {rng.choice(WORDS)}{rng.choice(WORDS).lower()}"
        city = rng.choice(CITIES)
        day = start + dt.timedelta(days=rng.randrange(0, days))
        figure = rng.randint(2, 500) * 1000
        for r in range(rng.choice((1, 2, 2, 3, 3, 4, 5))):
            d = day + dt.timedelta(days=rng.choice((0, 0, 0, 1, -1))) if r else day
            date, precision = (d.isoformat(), "day") if rng.random() > 0.2 else (d.isoformat()[:7], "month")
            actors = [ActorMention(target, "target")]
            if rng.random() > 0.25:
                actors.append(ActorMention(rng.choice(actor), rng.choice(("claimed", "suspected"))))
            title = rng.choice(titles).format(a=actor[0], t=target)
            draft = IncidentDraft(title=title, type=type_, date_start=date, date_precision=precision,
                                  actors=actors, places=[PlaceMention(city)] if rng.random() > 0.3 else [],
                                  figures=[Figure(figure, "records", "x")] if rng.random() > 0.6 else [])
            reports.append((event, draft))
        # hard negatives: same actor and type, another week or another target
        if rng.random() < 0.3:
            event += 1
            other = day + dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(21, 60))
            reports.append((event, IncidentDraft(title=titles[0].format(a=actor[0], t=target), type=type_,
                                                 date_start=other.isoformat(), date_precision="day",
                                                 actors=[ActorMention(target, "target"), ActorMention(actor[0], "claimed")])))
        if rng.random() < 0.3:
            event += 1
            t2 = f"{rng.choice(KINDS)} {rng.choice(WORDS)}{rng.choice(WORDS).lower()}"
            reports.append((event, IncidentDraft(title=titles[0].format(a=actor[0], t=t2), type=type_,
                                                 date_start=day.isoformat(), date_precision="day",
                                                 actors=[ActorMention(t2, "target"), ActorMention(actor[0], "claimed")],
                                                 places=[PlaceMention(city)])))
    rng.shuffle(reports)
    return reports[:n_drafts]


def run(n: int, seed: int, as_import: bool = False, years: float | None = None) -> dict:
    from db.bulk import BatchedIndex, GroupCommit
    from db.engine import connect, for_import
    from db.store import store_document
    from importers.pipeline import fewer_collections
    from importers.resolve import Resolver, resolve

    days = span_days(n, years)
    reports = make_reports(n, seed, days)
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "resolve.db")
        for_import(conn)  # tuned as `incidex import` tunes its connection
        # Documents are committed in groups and Python's collector runs at the pace `incidex import` sets.
        # --as-import: also as the import stores documents, one Resolver keeping candidates between
        # documents and the search index refreshed in batches (bulk.BatchedIndex); by default each draft is
        # resolved from scratch and indexed at once (resolution's own cost)
        group = GroupCommit(conn)
        index = BatchedIndex(conn, before_flush=group.commit, group=group) if as_import else None
        resolver = Resolver() if as_import else resolve
        incident_of: list[int] = []
        with fewer_collections():
            t0 = time.perf_counter()
            for i, (_event, draft) in enumerate(reports):
                doc = Document(text="", origin=f"r{i}", title=draft.title, body=f"report {i}: {draft.title}",
                               drafts=[draft])
                group.open()
                res = store_document(conn, doc, resolver, defer_index=as_import)
                incident_of.append(res.incidents[0])
                if group.add(1):
                    group.commit()
                if index is not None:
                    index.stored(1)
            if index is not None:
                index.flush()  # (commits the group first)
            group.close()  # commits, and waits for the last copy of the WAL (`incidex import` waits as well)
            elapsed = time.perf_counter() - t0
        conn.close()
    by_event, by_incident = defaultdict(list), defaultdict(list)
    for i, (event, _d) in enumerate(reports):
        by_event[event].append(i)
        by_incident[incident_of[i]].append(i)
    pairs = lambda groups: {(a, b) for g in groups.values() for x, a in enumerate(g) for b in g[x + 1:]}  # noqa: E731
    true_pairs = {tuple(sorted(p)) for p in pairs(by_event)}
    found_pairs = {tuple(sorted(p)) for p in pairs(by_incident)}
    tp = len(true_pairs & found_pairs)
    precision = tp / len(found_pairs) if found_pairs else 1.0
    recall = tp / len(true_pairs) if true_pairs else 1.0
    return {"drafts": n, "days": days, "events": len(by_event), "incidents": len(by_incident), "precision": precision,
            "recall": recall, "seconds": elapsed, "per_1k": elapsed / n * 1000}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--as-import", action="store_true", help="store as `incidex import` does (Resolver, batched index)")
    ap.add_argument("--span-years", type=float, default=None,
                    help="spread every size over this many years (default: the stream's pace, 100k drafts in eight)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="times each size above 20k drafts is timed (median), each time between runs of the smaller sizes")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    # Short runs are repeated around each long one (median): on a shared machine one slow spell moves a
    # short run by 20%, and the host's speed drifts by as much within the few minutes of a long run (the
    # same code at 10k: 7.1 s, then 9.9 s an hour later). Timing the short size on both sides of each
    # long run lets a drift move both sides of the ratio.
    short = [n for n in sizes if n <= 20_000]
    long = [n for n in sizes if n not in short]
    runs: dict[int, list[dict]] = defaultdict(list)

    def timed(n: int) -> None:
        r = run(n, args.seed, args.as_import, args.span_years)
        runs[n].append(r)
        print(f"  ({r['drafts']:,} drafts: {r['seconds']:.1f} s)", file=sys.stderr, flush=True)

    for _round in range(max(1, args.rounds) if long else 1):
        for n in short:
            for _ in range(2):
                timed(n)
        for n in long:
            timed(n)
    for n in short:
        for _ in range(2):
            timed(n)
    results = []
    for n in sizes:
        r = dict(runs[n][0], seconds=statistics.median(x["seconds"] for x in runs[n]))
        r["per_1k"] = r["seconds"] / n * 1000
        results.append(r)
        times = " (median of " + ", ".join(f"{x['seconds']:.1f}" for x in runs[n]) + ")" if len(runs[n]) > 1 else ""
        print(f"{r['drafts']:>7,} drafts over {r['days']:,} days ({r['events']:,} events -> {r['incidents']:,} incidents): "
              f"pairwise precision {r['precision']:.3f}, recall {r['recall']:.3f}; "
              f"{r['seconds']:.1f} s{times} = {r['per_1k']:.2f} s per 1k drafts", flush=True)
    if len(results) > 1:
        ratio = results[-1]["seconds"] / results[0]["seconds"]
        size = results[-1]["drafts"] / results[0]["drafts"]
        # a round's own ratio: its long run against the four short runs around it
        small, big = (runs[r["drafts"]] for r in (results[0], results[-1]))
        rounds = [x["seconds"] / statistics.median(y["seconds"] for y in small[2 * i:2 * i + 4])
                  for i, x in enumerate(big)] if len(small) == 2 * len(big) + 2 else []
        each = f"; each round: {', '.join(f'{x:.1f}x' for x in rounds)}" if len(rounds) > 1 else ""
        print(f"cost of {results[-1]['drafts']:,} vs {results[0]['drafts']:,} drafts: {ratio:.1f}x for {size:.0f}x the drafts"
              f" ({'target <= 12x; ' if size == 10 else ''}medians{each})")


if __name__ == "__main__":
    main()
