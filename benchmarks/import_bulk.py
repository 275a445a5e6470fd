"""Import rate of generated text articles through the real CLI code path.

    python benchmarks/import_bulk.py [--articles 10000] [--runs 3] [--extract] [--workers N]
    python benchmarks/import_bulk.py --engine sqlite,postgresql [--pg URL] [--importers 2]

Generates N short articles (fixed seed) into a temporary folder, imports them into a fresh database
`--runs` times and prints the median articles per second. By default extraction is off, to measure
reading, cleaning and storing alone; `--extract` measures the full import.

`--engine` takes sqlite, postgresql or both (each run imports into a fresh database of each engine in turn,
the PostgreSQL server being `--pg URL`, $INCIDEX_BENCH_PG or a throwaway cluster). `--importers 2` runs
two `incidex import` processes at once, each on half of the articles, into the same database: the rate is
the aggregate (issue 32: it must beat one importer).
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
    ap.add_argument("--engine", default="sqlite", help="sqlite, postgresql, or both: sqlite,postgresql")
    ap.add_argument("--pg", default=None, help="a PostgreSQL server URL where databases can be created")
    ap.add_argument("--importers", type=int, default=1, help="import processes at once (each on its share)")
    args = ap.parse_args()
    engines = [e.strip() for e in args.engine.split(",") if e.strip()]
    admin = None
    if "postgresql" in engines:
        from benchmarks.pg import admin_url

        admin = admin_url(args.pg)

    from db.engine import connect
    from importers import pipeline

    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i in range(args.articles):
            (folder / f"{i:06d}.md").write_text(article(rng, i), encoding="utf-8")
        if args.importers > 1:
            shares = [Path(tmp) / f"share{k}" for k in range(args.importers)]
            files = sorted(folder.iterdir())
            for k, share in enumerate(shares):
                share.mkdir()
                for f in files[k::args.importers]:
                    f.rename(share / f.name)
        rates: dict[str, list[float]] = {e: [] for e in engines}
        for run in range(args.runs):
            for engine in engines:  # interleaved: each engine's run next to the other's
                if engine == "sqlite":
                    db = str(Path(tmp) / f"bench{run}.db")
                else:
                    from benchmarks.pg import fresh_database

                    db = fresh_database(admin, f"incidex_bench_import_{run}")
                conn = connect(db)  # the schema, outside the timing
                t0 = time.perf_counter()
                if args.importers > 1:
                    conn.close()
                    sources, incidents = _at_once(db, shares, args)
                else:
                    report = pipeline.run(conn, [str(folder)], pipeline.Options(extract=args.extract,
                                                                               workers=args.workers))
                    conn.close()
                    sources, incidents = report.sources, report.incidents
                dt = time.perf_counter() - t0
                assert sources == args.articles, (engine, sources)
                rates[engine].append(args.articles / dt)
                print(f"run {run + 1} {engine}: {args.articles} articles in {dt:.2f} s = {args.articles / dt:,.0f}"
                      f" articles/s ({incidents} incidents, {args.importers} importer(s))")
    mode = "with extraction" if args.extract else "without extraction"
    for engine in engines:
        print(f"median import rate {mode}, {engine}, {args.importers} importer(s): "
              f"{statistics.median(rates[engine]):,.0f} articles/s ({args.articles} articles, {args.runs} runs)")


def _at_once(db: str, shares: list[Path], args) -> tuple[int, int]:
    """Run one `incidex import` process per share at once; (sources, incidents) in the database after."""
    import json
    import subprocess

    cmd = [sys.executable, "-m", "importers.cli", "import", "--db", db]
    if not args.extract:
        cmd.append("--no-extract")
    procs = [subprocess.Popen([*cmd, str(share)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for share in shares]
    for p in procs:
        _, err = p.communicate()
        assert p.returncode == 0, err
    stats = subprocess.run([sys.executable, "-m", "importers.cli", "stats", "--json", "--db", db],
                           capture_output=True, text=True, check=True)
    got = json.loads(stats.stdout)
    return got["sources"], got["incidents"]


if __name__ == "__main__":
    main()
