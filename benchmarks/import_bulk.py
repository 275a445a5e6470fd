"""Import rate of generated text articles through the real CLI code path.

    python benchmarks/import_bulk.py [--articles 10000] [--runs 3] [--extract] [--workers N]

Generates N short articles (fixed seed) into a temporary folder, imports them into a fresh database
`--runs` times and prints the median articles per second. By default extraction is off, to measure
reading, cleaning and storing alone; `--extract` measures the full import.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GROUPS = ["Killnet", "NoName057(16)", "Anonymous Sudan", "LockBit", "Cl0p", "Sandworm", "APT28", "an unknown group"]
TARGETS = ["city hall", "regional hospital", "port authority", "national railway", "energy supplier",
           "ministry of finance", "university", "water utility", "broadcaster", "airport"]
CITIES = ["Paris", "Lyon", "Berlin", "Milan", "Warsaw", "Tallinn", "Lisbon", "Ghent", "Porto", "Brno"]
VERBS = [("flooded the websites of", "DDoS"), ("encrypted the servers of", "ransomware"),
         ("stole records from", "data breach"), ("defaced the homepage of", "defacement")]


def article(rng: random.Random, i: int) -> str:
    g, t, c = rng.choice(GROUPS), rng.choice(TARGETS), rng.choice(CITIES)
    verb, kind = rng.choice(VERBS)
    y, m, d = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
    n = rng.randint(2, 900) * 100
    return (f"---\ntitle: \"{kind.capitalize()} hits {t} in {c} ({i})\"\npublished: {y}-{m:02d}-{d:02d}\n"
            f"publisher: Bench Wire\n---\n"
            f"Attackers {verb} the {t} in {c} on Tuesday, officials said, in the latest incident of its kind "
            f"this year (report {i}).\n\n{g} claimed responsibility on its channel, and said it had hit {n:,} "
            f"accounts. Investigators have not confirmed the claim.\n\n"
            f"The {t} said services were restored within hours and that it had informed the national cyber "
            f"agency. Earlier this month a similar attack hit another {rng.choice(TARGETS)} in {rng.choice(CITIES)}.\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--extract", action="store_true", help="run extraction too (the default import)")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()

    from db.engine import connect
    from importers import pipeline

    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i in range(args.articles):
            (folder / f"{i:06d}.md").write_text(article(rng, i), encoding="utf-8")
        rates = []
        for run in range(args.runs):
            db = Path(tmp) / f"bench{run}.db"
            conn = connect(db)
            t0 = time.perf_counter()
            report = pipeline.run(conn, [str(folder)], pipeline.Options(extract=args.extract, workers=args.workers))
            dt = time.perf_counter() - t0
            conn.close()
            assert report.sources == args.articles, (report.sources, report.failed[:3])
            rates.append(args.articles / dt)
            print(f"run {run + 1}: {args.articles} articles in {dt:.2f} s = {args.articles / dt:,.0f} articles/s"
                  f" ({report.incidents} incidents)")
    mode = "with extraction" if args.extract else "without extraction"
    print(f"median import rate {mode}: {statistics.median(rates):,.0f} articles/s "
          f"({args.articles} articles, {args.runs} runs)")


if __name__ == "__main__":
    main()
