"""Synthetic incident databases for benchmarks (search, browser, CLI).

    from benchmarks.gen import ensure_db
    path = ensure_db(1_000_000)                      # cached under $INCIDEX_BENCH_DIR or /tmp/incidex-bench
    path = ensure_db(100_000, workdir="/tmp/x", seed=7, sources=10_000)

or ``python -m benchmarks.gen 100000 --workdir /tmp/x``.

Rows look like what extraction produces from news articles: titles such as "DDoS attack on Lyon city
hall websites claimed by NoName057(16)", typed incidents (db/taxonomy.py), ~300 actors (real group
names with their aliases, plus generated ones), targeted organisations (as actors with role target),
places (French and European cities, regions, countries, including Saint-Nazaire and Île-de-France) and
dates from 2010 to 2026, a few undated. Deterministic for a seed. Built with plain ``sqlite3``
executemany in big transactions (1M incidents: ~50 s), then ``db.search.rebuild`` (1M: 3-5 minutes on
the 2-core machine, busy). The file is built under a temporary name and renamed when complete, so a
cached file is always whole; a cached file whose search index has an older layout
(``db.search.needs_rebuild``) gets its index rebuilt in place instead of being regenerated.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

GEN_VERSION = 1

REAL_GROUPS = [
    # name, kind, country, aliases
    ("Killnet", "hacktivist group", "RU", ["KillNet", "Killnet Collective"]),
    ("NoName057(16)", "hacktivist group", "RU", ["NoName05716", "NoName057", "NN057(16)"]),
    ("Anonymous Sudan", "hacktivist group", "SD", ["Storm-1359", "Anonymous Sudan Team"]),
    ("APT28", "state-linked group", "RU", ["Fancy Bear", "Sofacy", "Sednit", "STRONTIUM", "Forest Blizzard"]),
    ("APT29", "state-linked group", "RU", ["Cozy Bear", "The Dukes", "Midnight Blizzard", "NOBELIUM"]),
    ("Sandworm", "state-linked group", "RU", ["Sandworm Team", "Voodoo Bear", "Seashell Blizzard", "APT44"]),
    ("LockBit", "criminal group", None, ["LockBit 3.0", "LockBit Black", "ABCD ransomware"]),
    ("BlackCat", "criminal group", None, ["ALPHV", "Noberus"]),
    ("Cl0p", "criminal group", None, ["Clop", "TA505", "FIN11"]),
    ("Conti", "criminal group", "RU", ["Wizard Spider"]),
    ("REvil", "criminal group", "RU", ["Sodinokibi", "Gold Southfield"]),
    ("Vice Society", "criminal group", None, ["DEV-0832", "Vanilla Tempest"]),
    ("Medusa", "criminal group", None, ["MedusaLocker"]),
    ("Rhysida", "criminal group", None, []),
    ("Akira", "criminal group", None, []),
    ("Play", "criminal group", None, ["PlayCrypt"]),
    ("Black Basta", "criminal group", None, []),
    ("8Base", "criminal group", None, []),
    ("Anonymous", "hacktivist group", None, ["Anon", "Anonymous Collective"]),
    ("Lazarus Group", "state-linked group", "KP", ["Hidden Cobra", "APT38", "Diamond Sleet"]),
    ("APT41", "state-linked group", "CN", ["Wicked Panda", "Barium", "Double Dragon"]),
    ("APT31", "state-linked group", "CN", ["Zirconium", "Judgment Panda", "Violet Typhoon"]),
    ("Volt Typhoon", "state-linked group", "CN", ["Bronze Silhouette", "Vanguard Panda"]),
    ("Charming Kitten", "state-linked group", "IR", ["APT35", "Phosphorus", "Mint Sandstorm"]),
    ("CyberAv3ngers", "hacktivist group", "IR", ["Cyber Av3ngers", "Cyber Avengers"]),
    ("Cyber Army of Russia Reborn", "hacktivist group", "RU", ["CARR", "CyberArmyofRussia_Reborn"]),
    ("IT Army of Ukraine", "hacktivist group", "UA", ["IT ARMY"]),
    ("Mysterious Team Bangladesh", "hacktivist group", "BD", ["MT Bangladesh"]),
    ("Team Insane PK", "hacktivist group", "PK", []),
    ("GhostSec", "hacktivist group", None, ["Ghost Security"]),
    ("Turla", "state-linked group", "RU", ["Snake", "Venomous Bear", "Secret Blizzard"]),
    ("Gamaredon", "state-linked group", "RU", ["Primitive Bear", "Aqua Blizzard"]),
    ("Scattered Spider", "criminal group", None, ["UNC3944", "Octo Tempest", "0ktapus"]),
    ("ShinyHunters", "criminal group", None, []),
    ("Lapsus$", "criminal group", None, ["DEV-0537", "Strawberry Tempest"]),
    ("RansomHub", "criminal group", None, []),
    ("Hive", "criminal group", None, []),
    ("Ragnar Locker", "criminal group", None, ["RagnarLocker"]),
    ("DragonForce Malaysia", "hacktivist group", "MY", ["DragonForce"]),
    ("UserSec", "hacktivist group", "RU", []),
    ("Holy League", "hacktivist group", None, []),
    ("Server Killers", "hacktivist group", "RU", []),
    ("People's Cyber Army", "hacktivist group", "RU", ["Cyber Army of Russia"]),
    ("Ministry of Interior", "government body", "FR", ["Ministère de l'Intérieur"]),
]
GEN_PREFIX = ["Cyber", "Dark", "Red", "Black", "Shadow", "Ghost", "Iron", "Silent", "Crimson", "Digital", "Phantom",
              "Storm", "Night", "Zero", "Blue", "Golden", "Sky", "Void", "Steel", "Hidden"]
GEN_SUFFIX = ["Legion", "Army", "Team", "Squad", "Brigade", "Hunters", "Spiders", "Wolves", "Bears", "Kittens",
              "Panda", "Falcons", "Front", "Collective", "Syndicate", "Raiders", "Cartel", "Unit", "Crew", "Society"]

CITIES = [
    ("Paris", "FR", "Île-de-France"), ("Lyon", "FR", "Auvergne-Rhône-Alpes"), ("Marseille", "FR", "Provence-Alpes-Côte d'Azur"),
    ("Toulouse", "FR", "Occitanie"), ("Nice", "FR", "Provence-Alpes-Côte d'Azur"), ("Nantes", "FR", "Pays de la Loire"),
    ("Saint-Nazaire", "FR", "Pays de la Loire"), ("Strasbourg", "FR", "Grand Est"), ("Montpellier", "FR", "Occitanie"),
    ("Bordeaux", "FR", "Nouvelle-Aquitaine"), ("Lille", "FR", "Hauts-de-France"), ("Rennes", "FR", "Bretagne"),
    ("Reims", "FR", "Grand Est"), ("Le Havre", "FR", "Normandie"), ("Saint-Étienne", "FR", "Auvergne-Rhône-Alpes"),
    ("Toulon", "FR", "Provence-Alpes-Côte d'Azur"), ("Grenoble", "FR", "Auvergne-Rhône-Alpes"), ("Dijon", "FR", "Bourgogne-Franche-Comté"),
    ("Angers", "FR", "Pays de la Loire"), ("Brest", "FR", "Bretagne"), ("Versailles", "FR", "Île-de-France"),
    ("Saint-Denis", "FR", "Île-de-France"), ("Boulogne-Billancourt", "FR", "Île-de-France"), ("Caen", "FR", "Normandie"),
    ("Rouen", "FR", "Normandie"), ("Orléans", "FR", "Centre-Val de Loire"), ("Besançon", "FR", "Bourgogne-Franche-Comté"),
    ("Berlin", "DE", "Berlin"), ("Munich", "DE", "Bavaria"), ("Hamburg", "DE", "Hamburg"), ("Frankfurt", "DE", "Hesse"),
    ("Köln", "DE", "North Rhine-Westphalia"), ("Düsseldorf", "DE", "North Rhine-Westphalia"),
    ("Madrid", "ES", "Community of Madrid"), ("Barcelona", "ES", "Catalonia"), ("Sevilla", "ES", "Andalusia"),
    ("Rome", "IT", "Lazio"), ("Milan", "IT", "Lombardy"), ("Naples", "IT", "Campania"), ("Torino", "IT", "Piedmont"),
    ("Brussels", "BE", "Brussels-Capital"), ("Antwerp", "BE", "Flanders"), ("Liège", "BE", "Wallonia"),
    ("Amsterdam", "NL", "North Holland"), ("Rotterdam", "NL", "South Holland"), ("The Hague", "NL", "South Holland"),
    ("Warsaw", "PL", "Masovia"), ("Kraków", "PL", "Lesser Poland"), ("Gdańsk", "PL", "Pomerania"),
    ("Prague", "CZ", "Prague"), ("Vienna", "AT", "Vienna"), ("Zürich", "CH", "Zürich"), ("Genève", "CH", "Geneva"),
    ("Lisbon", "PT", "Lisbon"), ("Porto", "PT", "Norte"), ("Copenhagen", "DK", "Capital Region"),
    ("Stockholm", "SE", "Stockholm"), ("Göteborg", "SE", "Västra Götaland"), ("Oslo", "NO", "Oslo"),
    ("Helsinki", "FI", "Uusimaa"), ("Tallinn", "EE", "Harju"), ("Riga", "LV", "Riga"), ("Vilnius", "LT", "Vilnius"),
    ("Bucharest", "RO", "Bucharest"), ("Sofia", "BG", "Sofia"), ("Athens", "GR", "Attica"), ("Dublin", "IE", "Leinster"),
    ("London", "GB", "England"), ("Manchester", "GB", "England"), ("Kyiv", "UA", "Kyiv"), ("Lviv", "UA", "Lviv"),
    ("Bratislava", "SK", "Bratislava"), ("Budapest", "HU", "Central Hungary"), ("Ljubljana", "SI", "Ljubljana"),
    ("Zagreb", "HR", "Zagreb"), ("Luxembourg", "LU", "Luxembourg"),
]
COUNTRY_NAMES = {"FR": "France", "DE": "Germany", "ES": "Spain", "IT": "Italy", "BE": "Belgium", "NL": "Netherlands",
                 "PL": "Poland", "CZ": "Czechia", "AT": "Austria", "CH": "Switzerland", "PT": "Portugal",
                 "DK": "Denmark", "SE": "Sweden", "NO": "Norway", "FI": "Finland", "EE": "Estonia", "LV": "Latvia",
                 "LT": "Lithuania", "RO": "Romania", "BG": "Bulgaria", "GR": "Greece", "IE": "Ireland",
                 "GB": "United Kingdom", "UA": "Ukraine", "SK": "Slovakia", "HU": "Hungary", "SI": "Slovenia",
                 "HR": "Croatia", "LU": "Luxembourg"}
CITY_ORGS = ["city hall", "town hall", "hospital", "university hospital", "airport", "port authority", "metro",
             "tram network", "water utility", "prefecture", "regional council", "university", "court",
             "police", "public library", "school district", "tax office", "chamber of commerce"]
COMPANIES = ["SFR", "Orange", "Bouygues Telecom", "Free", "Airbus", "Thales", "Naval Group", "Safran", "EDF", "Engie",
             "TotalEnergies", "SNCF", "RATP", "La Poste", "Crédit Agricole", "BNP Paribas", "Société Générale",
             "Decathlon", "Carrefour", "Leclerc", "Renault", "Stellantis", "Michelin", "Saint-Gobain", "Deutsche Bahn",
             "Lufthansa", "Siemens", "Telefónica", "Enel", "ING", "KLM", "Ryanair", "Maersk", "Volvo", "Nokia",
             "Ericsson", "Vodafone", "BT", "NHS", "Royal Mail", "Chantiers de l'Atlantique", "France Travail",
             "Pôle emploi", "CNIL", "ANSSI", "Ministère des Armées", "Assemblée nationale", "Sénat", "Élysée",
             "Bundestag", "European Parliament", "European Commission", "NATO"]
TYPES = [
    ("availability/ddos", 30), ("malicious-code/ransomware", 18), ("information-content-security/data-leak", 14),
    ("intrusions/defacement", 7), ("intrusions/system-compromise", 6), ("fraud/phishing", 6),
    ("information-content-security/unauthorised-access", 4), ("availability/sabotage", 3),
    ("information-content-security/data-loss", 2), ("malicious-code/malware", 3),
    ("intrusions/account-compromise", 2), ("other/influence-operation", 2), ("availability/outage", 2),
    ("fraud/financial-theft", 1),
]
TEMPLATES = {
    "ddos": ["DDoS attack on {t} websites claimed by {a}", "{a} claims DDoS against {t}",
             "{t} website down after DDoS by {a}", "Pro-Russian hackers {a} target {c} sites with DDoS",
             "Wave of DDoS attacks disrupts {t} in {c}", "{a} DDoS campaign hits {t} and other {k} targets"],
    "ransomware": ["{a} ransomware attack hits {t}", "{t} in {c} hit by ransomware, {a} claims responsibility",
                   "Ransomware gang {a} lists {t} on leak site", "{t} paralysed by ransomware attack",
                   "{a} demands ransom from {t} after encrypting servers"],
    "data-leak": ["Data breach at {t} exposes {n} records", "{a} leaks data stolen from {t}",
                  "Personal data of {n} customers of {t} leaked online", "Hackers {a} publish {t} documents"],
    "defacement": ["{t} website defaced by {a}", "{a} defaces {t} site with propaganda messages"],
    "system-compromise": ["Cyberattack on {t} in {c}: systems compromised", "{a} breached {t} network",
                          "{t} confirms intrusion attributed to {a}"],
    "phishing": ["Phishing campaign impersonating {t} targets {c} residents",
                 "Fake {t} emails used in phishing wave", "{a} phishing operation against {t} staff"],
    "unauthorised-access": ["Unauthorised access to {t} accounts in {c}", "{a} gained access to {t} database"],
    "sabotage": ["Sabotage of {t} infrastructure near {c}", "{a} claims sabotage of {t} control systems"],
    "data-loss": ["Wiper malware destroys data at {t}", "{a} deploys wiper against {t}"],
    "malware": ["{a} malware found on {t} computers", "Spyware campaign by {a} targets {t}"],
    "account-compromise": ["{t} social media accounts hijacked by {a}", "Compromised accounts at {t} in {c}"],
    "influence-operation": ["{a} influence operation targets {c} voters", "Disinformation campaign by {a} mimics {t}"],
    "outage": ["Outage at {t} in {c} after suspected cyberattack", "{t} services unavailable for two days"],
    "financial-theft": ["{a} steals funds from {t}", "Fraudsters divert payments from {t} in {c}"],
}
UNKNOWN_TEMPLATES = ["Cyberattack disrupts {t} in {c}", "{t} in {c} victim of a cyberattack",
                     "Attaque informatique contre {t} à {c}", "Incident de cybersécurité à {t}"]
ROLES_WEIGHTED = ["claimed"] * 5 + ["attributed"] * 2 + ["suspected"] * 2 + ["perpetrator"] * 2 + ["denied"]


def default_workdir() -> Path:
    return Path(os.environ.get("INCIDEX_BENCH_DIR", "/tmp/incidex-bench"))


def db_name(n: int, seed: int, sources: int) -> str:
    return f"incidents-{n}-s{seed}-src{sources}-v{GEN_VERSION}.db"


def ensure_db(n: int, *, workdir: str | os.PathLike | None = None, seed: int = 42, sources: int = 0,
              log=print) -> Path:
    """Path of a generated database of n incidents, building it (once) if missing."""
    wd = Path(workdir) if workdir else default_workdir()
    wd.mkdir(parents=True, exist_ok=True)
    path = wd / db_name(n, seed, sources)
    if path.exists():
        _refresh_index(path, log)
        return path
    tmp = path.with_suffix(".tmp.db")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        if p.exists():
            p.unlink()
    t0 = time.perf_counter()
    build(tmp, n, seed=seed, sources=sources, log=log)
    os.replace(tmp, path)
    log(f"built {path} in {time.perf_counter() - t0:.0f} s")
    return path


def _refresh_index(path: Path, log=print) -> None:
    """Rebuild the search index of a cached database built with an older index layout."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from db import search
    from db.engine import connect

    conn = connect(path)
    try:
        search.ensure_schema(conn)
        if search.needs_rebuild(conn):
            t0 = time.perf_counter()
            log(f"rebuilding the search index of {path} (layout {search.LAYOUT})")
            conn.execute("PRAGMA cache_size = -200000")
            search.rebuild(conn)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            log(f"  done in {time.perf_counter() - t0:.0f} s")
    finally:
        conn.close()


def _actors(rng: random.Random) -> list[tuple[str, str, str | None, list[str]]]:
    out = list(REAL_GROUPS)
    seen = {a[0] for a in out}
    kinds = ["hacktivist group"] * 3 + ["criminal group"] * 3 + ["state-linked group"]
    countries = [None, None, "RU", "CN", "IR", "KP", "BY", "TR", "IN", "PK", "BR"]
    while len(out) < 300:
        name = f"{rng.choice(GEN_PREFIX)} {rng.choice(GEN_SUFFIX)}"
        if rng.random() < 0.25:
            name += f" {rng.randint(1, 99)}"
        if name in seen:
            continue
        seen.add(name)
        aliases = []
        if rng.random() < 0.5:
            aliases.append(name.replace(" ", ""))
        if rng.random() < 0.3:
            aliases.append(f"UNC{rng.randint(1000, 5999)}")
        out.append((name, rng.choice(kinds), rng.choice(countries), aliases))
    return out


def _targets(rng: random.Random) -> list[tuple[str, str | None, str | None]]:
    """(name, country, city) of targeted organisations."""
    out = []
    for city, cc, _region in CITIES:
        for org in rng.sample(CITY_ORGS, 6):
            out.append((f"{city} {org}", cc, city))
    for comp in COMPANIES:
        out.append((comp, None, None))
    return out


def build(path: str | os.PathLike, n: int, *, seed: int = 42, sources: int = 0, log=print) -> None:
    """Create `path` with n incidents (and `sources` sources) and build the search index."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from db import search
    from db.engine import connect

    rng = random.Random(seed)
    conn = connect(path)
    conn.execute("PRAGMA cache_size = -200000")
    conn.execute("PRAGMA synchronous = OFF")
    actors = _actors(rng)
    targets = _targets(rng)
    uid = lambda: f"{rng.getrandbits(128):032x}"  # noqa: E731
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    actor_rows, alias_rows = [], []
    for i, (name, kind, cc, aliases) in enumerate(actors, 1):
        actor_rows.append((i, uid(), name, name.lower(), kind, cc, "2025-01-01T00:00:00"))
        for al in aliases:
            alias_rows.append((i, al, al.lower(), "galaxy"))
    n_perp = len(actor_rows)
    for j, (name, cc, _city) in enumerate(targets, n_perp + 1):
        actor_rows.append((j, uid(), name, name.lower(), "organisation", cc, "2025-01-01T00:00:00"))
    conn.executemany("INSERT INTO actor(id, uuid, name, normalised, kind, country, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", actor_rows)
    conn.executemany("INSERT INTO actor_alias(actor_id, alias, normalised, origin) VALUES (?, ?, ?, ?)", alias_rows)
    conn.execute("COMMIT")
    # Popularity: a few groups dominate, as in the news.
    perp_weights = [max(1.0, 400.0 / (k + 1) ** 1.1) for k in range(n_perp)]
    type_names = [t for t, _ in TYPES]
    type_weights = [w for _, w in TYPES]
    city_by_name = {c[0]: c for c in CITIES}
    org_targets = list(range(n_perp + 1, len(actor_rows) + 1))
    batch = 50_000
    next_id = 1
    link_id = place_id = 1
    while next_id <= n:
        inc, links, places = [], [], []
        end = min(n, next_id + batch - 1)
        for iid in range(next_id, end + 1):
            type_ = rng.choices(type_names, type_weights)[0]
            sub = type_.split("/")[1]
            tgt_id = rng.choice(org_targets)
            tname, tcc, tcity = targets[tgt_id - n_perp - 1]
            city = city_by_name[tcity] if tcity else rng.choice(CITIES)
            known = rng.random() < 0.8
            aid = rng.choices(range(1, n_perp + 1), perp_weights)[0] if known else None
            aname = actors[aid - 1][0] if aid else ""
            if aid and rng.random() < 0.15 and actors[aid - 1][3]:
                aname = rng.choice(actors[aid - 1][3])  # articles use aliases too
            tmpl = rng.choice(TEMPLATES[sub]) if known else rng.choice(UNKNOWN_TEMPLATES)
            title = tmpl.format(t=tname, a=aname, c=city[0], n=f"{rng.randint(2, 900) * 1000:,}",
                                k=COUNTRY_NAMES.get(city[1], city[1]))
            r = rng.random()
            if r < 0.01:
                date = None
            else:
                y = rng.choices(range(2010, 2027), [1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 10, 14, 16, 14, 12, 4])[0]
                m = rng.randint(1, 12)
                date = f"{y}" if r < 0.04 else f"{y}-{m:02d}" if r < 0.15 else f"{y}-{m:02d}-{rng.randint(1, 28):02d}"
            ccs = [city[1]]
            if rng.random() < 0.05:
                ccs.append(rng.choice(list(COUNTRY_NAMES)))
            inc.append((iid, uid(), title, type_, date, "day" if date and len(date) == 10 else "unknown",
                        json.dumps(sorted(set(ccs))), "reviewed" if rng.random() < 0.1 else "auto",
                        "2025-01-01T00:00:00", "2025-01-01T00:00:00"))
            if aid:
                links.append((link_id, iid, aid, rng.choice(ROLES_WEIGHTED)))
                link_id += 1
                if rng.random() < 0.05:
                    links.append((link_id, iid, rng.randint(1, n_perp), "suspected"))
                    link_id += 1
            links.append((link_id, iid, tgt_id, "target"))
            link_id += 1
            places.append((place_id, iid, city[0], city[1], "city"))
            place_id += 1
            if rng.random() < 0.3:
                places.append((place_id, iid, city[2], city[1], "region"))
                place_id += 1
            if rng.random() < 0.2:
                places.append((place_id, iid, COUNTRY_NAMES.get(city[1], city[1]), city[1], "country"))
                place_id += 1
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO incident(id, uuid, title, type, date_start, date_precision, countries, review, "
            "created_at, updated_at, summary, domain, status, date_basis, figures, edited_fields) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 'cyber', 'undetermined', 'occurred', '[]', '[]')", inc)
        conn.executemany("INSERT INTO incident_actor(id, incident_id, actor_id, role, confidence, origin) "
                         "VALUES (?, ?, ?, ?, 50, 'auto')", links)
        conn.executemany("INSERT INTO incident_place(id, incident_id, name, country, level) VALUES (?, ?, ?, ?, ?)",
                         places)
        conn.execute("COMMIT")
        next_id = end + 1
        log(f"  {end:,} incidents inserted ({time.perf_counter() - t0:.0f} s)")
    if sources:
        conn.execute("BEGIN")
        rows, links = [], []
        publishers = ["Le Monde", "The Record", "BleepingComputer", "Le Parisien", "Ouest-France", "Reuters",
                      "Heise", "El País", "ZDNet", "LeMagIT"]
        for sid in range(1, sources + 1):
            iid = rng.randint(1, n)
            pub = rng.choice(publishers)
            title = f"{pub}: report on incident {iid}"
            body = " ".join(rng.choice(["attack", "hackers", "servers", "ransom", "police", "investigation",
                                        "data", "citizens", "mayor", "websites", "network", "claimed"])
                            for _ in range(60))
            rows.append((sid, uid(), f"https://www.example.org/{pub.lower().replace(' ', '-')}/{sid}", title, pub,
                         f"{rng.randint(2010, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", body))
            links.append((iid, sid))
        conn.executemany("INSERT INTO source(id, uid, url, title, publisher, published, body, kind, tags, "
                         "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'news', '[]', '2025-01-01T00:00:00')", rows)
        conn.executemany("INSERT OR IGNORE INTO incident_source(incident_id, source_id, relation, evidence, facts, "
                         "origin) VALUES (?, ?, 'report', '[]', '{}', 'auto')", links)
        conn.execute("COMMIT")
    t1 = time.perf_counter()
    search.rebuild(conn, progress=lambda what, k: k % 200_000 == 0 and log(f"  indexed {k:,} {what}"))
    log(f"  search index built in {time.perf_counter() - t1:.0f} s")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    conn.close()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--sources", type=int, default=0)
    a = ap.parse_args(argv)
    print(ensure_db(a.n, workdir=a.workdir, seed=a.seed, sources=a.sources))


if __name__ == "__main__":
    main()
