"""Soak test: two importers and a searcher on one database at once.

    python benchmarks/soak.py [--articles 20000] [--batches 40] [--quick] [--no-extract] [--keep DIR]

Generates N articles (benchmarks/import_bulk.py's generator, fixed seed) into `--batches` folders, then
runs two importer processes, each taking every other folder and running `incidex import --db X folder`
subprocesses one after the other (exactly as a user would), while a third process searches the same
database continuously through `db.search` on its own connection. Prints what each importer imported,
the errors (target 0), duplicate sources (count(*) - count(DISTINCT uid); target 0), search latency
p50/p95/max during the load, and the database's integrity and foreign-key checks.

`--quick` is 2,000 articles in 8 batches, for a check in about a minute. The default import extracts
incidents (as `incidex import` does); `--no-extract` measures reading and storing alone.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_bulk import article  # noqa: E402  (the shared generator)

QUERIES = [
    ("incidents", "ddos"), ("incidents", "ransomware hospital"), ("incidents", "killnet"),
    ("incidents", "actor:killnet"), ("incidents", "lyon | paris"), ("incidents", "'city hall"),
    ("incidents", "type:ddos year:2020..2024"), ("incidents", "^ransomware"), ("incidents", "country:FR"),
    ("incidents", "kilnet"), ("incidents", "nn57"), ("incidents", "!ddos port"), ("incidents", ""),
    ("sources", "bench wire"), ("sources", "body:investigators"), ("sources", "report 12"),
    ("actors", "lock"), ("actors", "apt"), ("actors", ""),
]


def generate(folder: Path, articles: int, batches: int) -> list[Path]:
    rng = random.Random(42)
    per = -(-articles // batches)
    dirs = []
    for b in range(batches):
        d = folder / f"batch_{b:03d}"
        d.mkdir(parents=True)
        for i in range(b * per, min(articles, (b + 1) * per)):
            (d / f"{i:06d}.md").write_text(article(rng, i), encoding="utf-8")
        dirs.append(d)
    return dirs


def importer(name: str, db: str, folders: list[str], extra: list[str], out: mp.Queue) -> None:
    """Import each folder with its own `incidex import` process, in sequence."""
    res = {"name": name, "batches": 0, "files": 0, "imported": 0, "sources": 0, "unchanged": 0, "failed": 0,
           "errors": [], "seconds": 0.0}
    t0 = time.perf_counter()
    for folder in folders:
        proc = subprocess.run([sys.executable, "-m", "importers.cli", "import", "--json", "--db", db, *extra, folder],
                              capture_output=True, text=True, cwd=ROOT)
        res["batches"] += 1
        try:
            rep = json.loads(proc.stdout)
        except json.JSONDecodeError:
            res["errors"].append(f"{Path(folder).name}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
            continue
        res["files"] += rep["files"]
        res["imported"] += rep["imported"]
        res["sources"] += rep["sources_added"]
        res["unchanged"] += rep["unchanged"]
        res["failed"] += rep["failed"]
        for o in rep["outcomes"]:
            if o["status"] == "failed":
                res["errors"].append(f"{o['origin']}: {o['reason']}")
        if proc.returncode != 0 and not rep["failed"]:
            res["errors"].append(f"{Path(folder).name}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
        if "locked" in proc.stderr:
            res["errors"].append(f"{Path(folder).name}: 'locked' on stderr")
    res["seconds"] = time.perf_counter() - t0
    out.put(res)


def searcher(db: str, stop, out: mp.Queue) -> None:
    """Search continuously through db.search on its own connection until told to stop."""
    from db import search
    from db.engine import connect

    conn = connect(db)
    lat: list[float] = []
    errors: list[str] = []
    rows = 0
    i = 0
    while not stop.is_set():
        view, q = QUERIES[i % len(QUERIES)]
        i += 1
        t = time.perf_counter()
        try:
            res = search.search(conn, view, q, limit=50)
            rows += len(res.rows)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the soak goes on
            errors.append(f"{view} {q!r}: {type(exc).__name__}: {exc}")
        lat.append((time.perf_counter() - t) * 1000)
    conn.close()
    out.put({"name": "searcher", "latencies": lat, "errors": errors, "rows": rows})


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def check(db: str) -> dict:
    conn = sqlite3.connect(db)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    out = {
        "sources": one("SELECT count(*) FROM source"),
        "duplicates": one("SELECT count(*) - count(DISTINCT uid) FROM source"),
        "incidents": one("SELECT count(*) FROM incident WHERE merged_into IS NULL"),
        "orphan_incidents": one("SELECT count(*) FROM incident i WHERE merged_into IS NULL AND NOT EXISTS "
                                "(SELECT 1 FROM incident_source s WHERE s.incident_id = i.id)"),
        "integrity": one("PRAGMA integrity_check"),
        "foreign_key_violations": len(conn.execute("PRAGMA foreign_key_check").fetchall()),
    }
    conn.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--batches", type=int, default=40)
    ap.add_argument("--quick", action="store_true", help="2,000 articles in 8 batches")
    ap.add_argument("--no-extract", action="store_true", help="import without extraction")
    ap.add_argument("--workers", type=int, default=None, help="--workers for each import (default: incidex's)")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep the database and articles")
    args = ap.parse_args()
    if args.quick:
        args.articles, args.batches = 2_000, 8
    extra = (["--no-extract"] if args.no_extract else []) + (["--workers", str(args.workers)] if args.workers else [])

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="incidex-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        dirs = generate(work / "articles", args.articles, args.batches)
        print(f"generated {args.articles:,} articles in {len(dirs)} folders in {time.perf_counter() - t:.1f} s "
              f"({'no extraction' if args.no_extract else 'with extraction'}; {os.cpu_count()} CPUs)", flush=True)
        db = str(work / "soak.db")
        from db.engine import connect

        connect(db).close()  # the schema exists before anyone searches it

        q: mp.Queue = mp.Queue()
        stop = mp.Event()
        s = mp.Process(target=searcher, args=(db, stop, q))
        a = mp.Process(target=importer, args=("importer A", db, [str(d) for d in dirs[0::2]], extra, q))
        b = mp.Process(target=importer, args=("importer B", db, [str(d) for d in dirs[1::2]], extra, q))
        t0 = time.perf_counter()
        s.start()
        a.start()
        b.start()
        results = [q.get(), q.get()]  # the importers
        wall = time.perf_counter() - t0
        stop.set()
        results.append(q.get())
        for p in (a, b, s):
            p.join()

        imp = [r for r in results if r["name"] != "searcher"]
        srch = next(r for r in results if r["name"] == "searcher")
        for r in sorted(imp, key=lambda r: r["name"]):
            print(f"{r['name']}: {r['batches']} batches, {r['files']:,} files, {r['imported']:,} imported, "
                  f"{r['sources']:,} new sources, {r['unchanged']} unchanged, {r['failed']} failed, "
                  f"{len(r['errors'])} errors, {r['seconds']:.1f} s")
        errors = [e for r in imp for e in r["errors"]] + srch["errors"]
        lat = srch["latencies"]
        print(f"imported {sum(r['sources'] for r in imp):,} of {args.articles:,} articles in {wall:.1f} s "
              f"({sum(r['sources'] for r in imp) / wall:,.0f} articles/s with a searcher running)")
        print(f"searches during the load: {len(lat):,} ({srch['rows']:,} rows returned), latency ms "
              f"p50 {pct(lat, 50):.1f}, p95 {pct(lat, 95):.1f}, p99 {pct(lat, 99):.1f}, max {max(lat, default=0):.1f}"
              f", mean {statistics.fmean(lat) if lat else float('nan'):.1f}")
        c = check(db)
        print(f"database: {c['sources']:,} sources, {c['incidents']:,} incidents; duplicates {c['duplicates']}; "
              f"orphan incidents {c['orphan_incidents']}; integrity_check {c['integrity']}; "
              f"foreign_key violations {c['foreign_key_violations']}")
        print(f"errors: {len(errors)}")
        for e in errors[:20]:
            print(f"  {e}")
        ok = (not errors and c["duplicates"] == 0 and c["integrity"] == "ok" and c["foreign_key_violations"] == 0
              and c["sources"] == args.articles)
        print("RESULT:", "PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
