#!/usr/bin/env python3
"""Extraction throughput: articles per second of importers.extract.extract (median of 3 runs).

    python benchmarks/extract.py                 # ~2,000 generated 2-4 KB security news articles
    python benchmarks/extract.py --n 500
    python benchmarks/extract.py --corpus DIR    # every *.txt / *.md file of DIR (repeated up to --n)
    python benchmarks/extract.py --no-import     # extraction alone, without the full import
    python benchmarks/extract.py --engine postgresql [--pg URL]   # the full import into PostgreSQL

By default it also measures the full import (read, clean, extract, resolve, store into a fresh SQLite
file, both cores) of the same articles written as Markdown files: that is the issue's target figure.

The articles are generated from a few sentence templates filled with reference names (cities, countries,
threat-actor groups from the MISP galaxies), so no corpus text is needed. The last line printed is the headline:
`extract: N articles/s`.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.drafts import Document  # noqa: E402

ORGS = ["Northwind Utilities", "Acme Health Group", "City of Brookfield", "Harbor Bank", "Meridian University",
        "Bluewater Hospital", "Ministry of Transport", "Orion Airlines", "Civic Daily News", "Apex Logistics Ltd"]
LEAD = [
    "{org} said on {day} that a ransomware attack had encrypted servers at its offices in {city}.",
    "Hackers breached the systems of {org} and stole the personal data of {n:,} customers, the company disclosed on {day}.",
    "A distributed denial of service attack knocked the websites of {org} offline on {day}, officials in {city} said.",
    "Fibre optic cables were cut near {city} on {day}, leaving {n:,} homes without internet access.",
    "Several municipal websites in {city} were defaced on {day} with messages supporting {group}.",
    "Employees of {org} received phishing emails that impersonated the payroll department, the firm said on {day}.",
]
MIDDLE = [
    "{group} claimed responsibility for the attack in a message posted on its channel.",
    "The government of {country} accused {group} of being behind the operation.",
    "Investigators suspected {group}, which has ties to other pro-government hacker crews.",
    "{country} denied any involvement and called the accusations baseless.",
    "The company said it had notified the data protection authority and hired outside experts.",
    "Services were restored after several hours, but some customers still reported problems.",
    "The attack affected about {n:,} users in {city} and the surrounding region.",
    "Security researchers said the malware used in the intrusion had been seen in earlier campaigns.",
    "In {month} of {year}, a similar attack on {org2} disrupted operations for a week.",
    "Last year, {group} took credit for an attack on {org2} that leaked {n:,} records.",
    "Officials warned that further attacks could target hospitals and energy companies.",
    "The incident is the latest in a series of attacks on public institutions in {country}.",
    "Police opened an investigation and asked residents to remain vigilant about suspicious messages.",
    "Analysts noted that the group often uses compromised routers to hide the origin of its traffic.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def generate(n: int, seed: int = 7) -> list[Document]:
    from importers.extract import gazetteer

    gaz = gazetteer.get()
    rnd = random.Random(seed)
    groups = [a.name for a in gaz.actors if a.kind in ("hacktivist group", "state-linked group", "criminal group")][:300]
    cities = sorted({e[1] for v in gaz.entries.values() for e in v if e[0] == "city" and e[3] > 300_000})[:500]
    countries = sorted(set(gaz.country_names.values()))
    docs = []
    for i in range(n):
        fill = lambda t: t.format(org=rnd.choice(ORGS), org2=rnd.choice(ORGS), city=rnd.choice(cities),  # noqa: E731
                                  day=rnd.choice(DAYS), group=rnd.choice(groups), country=rnd.choice(countries),
                                  n=rnd.randint(2, 900) * 1000, month=rnd.choice(MONTHS),
                                  year=rnd.randint(2015, 2023))
        paras = [fill(rnd.choice(LEAD))]
        size = rnd.randint(2000, 4000)
        while sum(len(p) for p in paras) < size:
            paras.append(" ".join(fill(rnd.choice(MIDDLE)) for _ in range(rnd.randint(1, 3))))
        body = "\n\n".join(paras)
        docs.append(Document(text=body, origin=f"gen-{i}.txt", title=f"Generated article {i}", body=body,
                             published=f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"))
    return docs


def from_corpus(folder: Path, n: int) -> list[Document]:
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".md") and p.is_file())
    docs = []
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        docs.append(Document(text=text, origin=str(p), body=text))
    if not docs:
        sys.exit(f"no .txt/.md files under {folder}")
    while len(docs) < n:
        docs.extend(docs[: n - len(docs)])
    return docs


def full_import(docs: list[Document], engine: str = "sqlite", pg: str | None = None) -> float:
    """Median articles/s of `incidex import` (pipeline.run) over the articles written to files, into a fresh
    database of that engine each run (PostgreSQL: `--pg URL`, $INCIDEX_BENCH_PG or a throwaway cluster)."""
    import tempfile

    from db.engine import connect
    from importers import pipeline

    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i, d in enumerate(docs):
            (folder / f"{i:05d}.md").write_text(
                f"---\ntitle: {d.title}\npublished: {d.published or ''}\n---\n{d.body}\n", encoding="utf-8")
        admin = None
        if engine == "postgresql":
            from benchmarks.pg import admin_url

            admin = admin_url(pg)
        for run in range(3):
            if admin is not None:
                from benchmarks.pg import fresh_database

                conn = connect(fresh_database(admin, f"incidex_bench_extract_{run}"))
            else:
                conn = connect(Path(tmp) / f"import{run}.db")
            t0 = time.perf_counter()
            report = pipeline.run(conn, [str(folder)], pipeline.Options())
            dt = time.perf_counter() - t0
            conn.close()
            rates.append(len(docs) / dt)
            print(f"import run {run + 1}: {report.sources} sources, {report.incidents} incidents in {dt:.1f} s")
    return statistics.median(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--no-import", action="store_true", help="skip the full-import measurement")
    ap.add_argument("--engine", default="sqlite", choices=["sqlite", "postgresql"], help="the full import's database")
    ap.add_argument("--pg", default=None, help="a PostgreSQL server URL where databases can be created")
    args = ap.parse_args()
    from importers.extract import extract, load_reference

    t0 = time.perf_counter()
    load_reference()
    print(f"reference data loaded in {time.perf_counter() - t0:.2f} s")
    docs = from_corpus(args.corpus, args.n) if args.corpus else generate(args.n)
    kb = sum(len(d.body) for d in docs) / len(docs) / 1024
    rates = []
    drafts = 0
    for _ in range(3):
        t0 = time.perf_counter()
        drafts = sum(len(extract(d)) for d in docs)
        rates.append(len(docs) / (time.perf_counter() - t0))
    print(f"{len(docs)} articles, {kb:.1f} KB average, {drafts} drafts; runs: "
          + ", ".join(f"{r:.0f}" for r in rates))
    import_rate = None if args.no_import else full_import(docs, args.engine, args.pg)
    print(f"extract: {statistics.median(rates):.0f} articles/s")
    if import_rate is not None:
        print(f"import with extraction ({args.engine}): {import_rate:.0f} articles/s (median of 3, {len(docs)} articles)")


if __name__ == "__main__":
    main()
