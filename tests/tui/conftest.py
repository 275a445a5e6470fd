"""A fixed, deterministic database for the browser tests: hand-written documents and drafts stored with
db.store (no extraction, so the screens do not change when the extractor improves), plus helpers to
let the app's workers settle."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from db.drafts import ActorMention, Document, Evidence, Figure, IncidentDraft, PlaceMention

BODY_CUTS = (
    "Fibre optic cables were cut in Lyon and Paris on Wednesday, disrupting internet access for thousands "
    "of homes.\n"
    "Operator Netalis said 9,156 breakdowns were reported after the night of sabotage.\n"
    "Investigators suspect far-left anarchists, who have claimed similar attacks before.\n"
    "The French government said the attacks were coordinated."
)
BODY_DDOS = (
    "Pro-Russian hackers Killnet claimed a wave of DDoS attacks on French ministry websites on Monday.\n"
    "The sites of the Ministry of Justice were unreachable for several hours.\n"
    "Anssi, the national cyber agency, attributed the attacks to Killnet.\n"
    "Injected text \x1b]52;c;ZXZpbA==\x07 and [bold red]markup[/] must stay inert."
)
BODY_RANSOM = (
    "A ransomware attack on the Paris hospital group encrypted patient records in October 2023.\n"
    "LockBit claimed the attack and demanded a ransom of 10 million dollars.\n"
    "The hospital denied that 43 million records had been stolen."
)


def _ev(body: str, sentence: str) -> Evidence:
    start = body.index(sentence)
    return Evidence(sentence, start, start + len(sentence))


def documents() -> list[Document]:
    cuts_ev = [_ev(BODY_CUTS, "Fibre optic cables were cut in Lyon and Paris on Wednesday, disrupting internet access "
                              "for thousands of homes."),
               _ev(BODY_CUTS, "Operator Netalis said 9,156 breakdowns were reported after the night of sabotage.")]
    cuts = Document(
        text=BODY_CUTS, body=BODY_CUTS, origin="articles/fibre-cuts.txt", title="Fibre cables cut in Lyon and Paris",
        published="2022-04-28", publisher="Le Monde", author="A. Reporter", url="https://example.org/cuts",
        language="en",
        drafts=[IncidentDraft(
            title="Fibre optic cables cut in Lyon", type="availability/sabotage", domain="physical",
            status="suspected", summary="Night-time cuts of fibre cables around Lyon and Paris.",
            date_start="2022-04-27", date_precision="day", countries=["FR"],
            places=[PlaceMention("Lyon", "FR", "city", cuts_ev[0]), PlaceMention("Paris", "FR", "city", cuts_ev[0])],
            actors=[ActorMention("Far-left anarchists", "suspected", "ideological movement", "FR", 40,
                                 "investigators", _ev(BODY_CUTS, "Investigators suspect far-left anarchists, who "
                                                                 "have claimed similar attacks before.")),
                    ActorMention("Netalis", "target", "organisation", "FR", 90, None,
                                 _ev(BODY_CUTS, "Operator Netalis said 9,156 breakdowns were reported after the "
                                                "night of sabotage."))],
            figures=[Figure(9156, "breakdowns", "9,156 breakdowns", BODY_CUTS.index("9,156"),
                            BODY_CUTS.index("9,156") + len("9,156 breakdowns"))],
            evidence=cuts_ev)])
    ddos_ev = [_ev(BODY_DDOS, "Pro-Russian hackers Killnet claimed a wave of DDoS attacks on French ministry websites "
                              "on Monday.")]
    ddos = Document(
        text=BODY_DDOS, body=BODY_DDOS, origin="articles/ddos-ministries.md",
        title="Killnet claims DDoS on French ministries \x1b[31m(red)\x1b[0m", published="2023-03-13",
        publisher="The Record", url="https://example.org/ddos", language="en",
        drafts=[IncidentDraft(
            title="DDoS attack on French ministries claimed by Killnet", type="availability/ddos", status="claimed",
            summary="Ministry websites unreachable for hours.", date_start="2023-03-13", date_precision="day",
            countries=["FR"], places=[PlaceMention("France", "FR", "country")],
            actors=[ActorMention("Killnet", "claimed", "hacktivist group", "RU", 80, None, ddos_ev[0],
                                 aliases=["KillNet", "Killnet Collective"],
                                 description="Pro-Russian hacktivist group known for DDoS campaigns."),
                    ActorMention("Killnet", "attributed", "hacktivist group", "RU", 70, "Anssi",
                                 _ev(BODY_DDOS, "Anssi, the national cyber agency, attributed the attacks to "
                                                "Killnet.")),
                    ActorMention("Ministry of Justice", "target", "government body", "FR", 90, None,
                                 _ev(BODY_DDOS, "The sites of the Ministry of Justice were unreachable for several "
                                                "hours."))],
            evidence=ddos_ev)])
    ransom_ev = [_ev(BODY_RANSOM, "A ransomware attack on the Paris hospital group encrypted patient records in "
                                  "October 2023.")]
    ransom = Document(
        text=BODY_RANSOM, body=BODY_RANSOM, origin="articles/breach-hospital.md",
        title="Paris hospital hit by ransomware", published="2023-10-20", publisher="Le Parisien", language="en",
        drafts=[IncidentDraft(
            title="Ransomware attack on Paris hospital group", type="malicious-code/ransomware", status="claimed",
            date_start="2023-10", date_precision="month", countries=["FR"],
            places=[PlaceMention("Paris", "FR", "city", ransom_ev[0])],
            actors=[ActorMention("LockBit", "claimed", "criminal group", None, 80, None,
                                 _ev(BODY_RANSOM, "LockBit claimed the attack and demanded a ransom of 10 million "
                                                  "dollars.")),
                    ActorMention("Paris hospital group", "target", "organisation", "FR", 90)],
            figures=[Figure(43_000_000, "records", "43 million records")],
            evidence=ransom_ev),
            IncidentDraft(
            title="Killnet DDoS on the hospital website", type="availability/ddos", status="claimed",
            date_start="2023-11", date_precision="month", countries=["FR"],
            actors=[ActorMention("Killnet", "claimed", "hacktivist group", "RU", 60)],
            evidence=[_ev(BODY_RANSOM, "LockBit claimed the attack and demanded a ransom of 10 million dollars.")])])
    return [cuts, ddos, ransom]


def build_db(path: Path) -> Path:
    from db import store
    from db.engine import connect

    conn = connect(path)
    try:
        for doc in documents():
            store.store_document(conn, doc)
    finally:
        conn.close()
    return path


@pytest.fixture
def fixture_db(tmp_path, monkeypatch) -> str:
    """The fixed database, as a path relative to the test's working folder (the top bar shows it)."""
    monkeypatch.chdir(tmp_path)
    build_db(tmp_path / "fixture.db")
    return "fixture.db"


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> str:
    from db.engine import connect

    monkeypatch.chdir(tmp_path)
    connect(tmp_path / "empty.db").close()
    return "empty.db"


async def settle(pilot, rounds: int = 3) -> None:
    """Wait until the app's workers are done and their messages handled.

    It awaits the workers themselves, however long a loaded machine makes them (a cap of 2 s made the
    facets snapshot fail while other test runs shared the two cores), bounded only by a minute."""
    app = pilot.app
    for _ in range(rounds):
        running = [w for w in app.workers if w.is_running]
        if running:
            await asyncio.wait_for(asyncio.gather(*(w.wait() for w in running), return_exceptions=True), 60)
        await pilot.pause()
        await pilot.pause()


async def type_query(pilot, text: str) -> None:
    """`/` and the query, a key at a time as a person types it, then wait for the answer."""
    await pilot.press("slash")
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await settle(pilot)


def make_app(db: str, **kw):
    from tui.app import IncidexApp

    kw.setdefault("poll", False)
    return IncidexApp(db, **kw)


def screen_text(app) -> str:
    """What the screen shows, as plain text lines (from the compositor, like a terminal would)."""
    import io

    from rich.console import Console

    strips = app.screen._compositor.render_update(full=True)
    out = io.StringIO()
    console = Console(file=out, width=app.size.width, legacy_windows=False, color_system=None, force_terminal=False)
    console.print(strips, end="")
    return out.getvalue()


os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests in a fresh event loop (no pytest-asyncio in the dependencies)."""
    import inspect

    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None
