"""The list as terminal people expect it (issue 30): columns chosen by width, a key that gives the list the
whole width, the sort mode always in the status line, `y` copies a Markdown citation with its URLs, `Y` the
id, and the headline question answered through summaries and evidence sentences."""
from __future__ import annotations

from tests.tui.conftest import make_app, screen_text, settle, type_query
from tui.data import Row
from tui.widgets.detail import DetailPane
from tui.widgets.results import ResultList, incident_columns, list_title

SIZE = (120, 36)


def list_lines(app) -> list[str]:
    """The list's rows as the screen shows them."""
    return [line for line in screen_text(app).splitlines() if line.startswith("│ 20")]


async def test_wide_key_gives_the_list_the_whole_width_and_more_columns(fixture_db):
    app = make_app(fixture_db, query="killnet ministries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.browse().detail
        before = app.browse().results.size.width
        row = list_lines(app)[0]
        assert "Ministry of Jus" not in row  # split: no room for the target column
        await pilot.press("z")
        await settle(pilot)
        assert not pane.display or pane.size.width == 0
        assert app.browse().results.size.width > before + 30
        row = list_lines(app)[0]
        # date, short type, the whole title, main actor, country, main target, sources
        assert row.split()[1:3] == ["2023-03-13", "ddos"]
        for text in ("DDoS attack on French ministries claimed by", "Killnet", "FR", "Ministry of Jus"):
            assert text in row, row
        assert row.rstrip(" │").endswith("1")  # one source
        await pilot.press("z")
        await settle(pilot)
        assert pane.display and pane.size.width > 0


async def test_opening_a_record_in_the_whole_width_list_shows_the_detail(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pane = app.browse().detail
        assert pane.display and pane.size.width > 0 and isinstance(app.focused, DetailPane)


async def test_status_line_always_shows_the_sort_mode(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "sort: relevance" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert "sort: newest" in screen_text(app)


async def test_y_copies_a_markdown_citation_and_Y_the_id(fixture_db):
    app = make_app(fixture_db, query="killnet ministries")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        lines = app.clipboard.splitlines()
        assert lines[0] == "**DDoS attack on French ministries claimed by Killnet** (availability/ddos, 2023-03-13; " \
                           "incidex #2)"
        assert "claimed: Killnet" in lines[1] and "target: Ministry of Justice" in lines[1]
        # the source's title is hostile (an escape sequence): it arrives inert, as a link to its URL
        assert lines[2].startswith("1. [Killnet claims DDoS on French ministries") and "\x1b" not in app.clipboard
        assert "](https://example.org/ddos) — The Record, 2023-03-13" in lines[2]
        await pilot.press("Y")
        assert app.clipboard == "2"


async def test_a_source_without_url_is_cited_by_its_file_name_not_its_path(fixture_db):
    app = make_app(fixture_db, query="ransomware paris")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert "1. Paris hospital hit by ransomware — Le Parisien, 2023-10-20, file breach-hospital.md" \
            in app.clipboard.splitlines()
        assert "articles/" not in app.clipboard


async def test_headline_question_finds_the_incident_through_its_evidence(fixture_db):
    app = make_app(fixture_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, "type:ddos country:FR pro-russian")
        # "Pro-Russian" is only in the evidence sentence of the ministries incident
        assert [r.title for r in app.browse().results.rows] == ["DDoS attack on French ministries claimed by Killnet"]


def test_columns_are_chosen_by_width():
    assert incident_columns(70) == ()  # 120 columns with the detail pane: the title first
    assert incident_columns(77) == ("actor", "country")
    assert incident_columns(117) == ("actor", "country", "target", "sources")


def test_a_record_label_before_every_title_is_dropped_in_the_list():
    assert list_title("Campaign: DDoS attacks against a ministry") == ("DDoS attacks against a ministry", 10)
    assert list_title("Killnet: the group claims") == ("Killnet: the group claims", 0)
    assert list_title("Campaign: ") == ("Campaign: ", 0)
    lst = ResultList("incidents")
    row = Row(1, "Campaign: DDoS attacks against a ministry", [10, 11, 12, 13], "2024-01-02",
              {"type": "availability/ddos", "actors": ["Example Crew"], "countries": ["FR"]})
    parts = lst.row_parts(row)
    assert "".join(t for t, _ in parts).startswith(" 2024-01-02 ddos       DDoS attacks")
    assert ("DDoS", "match") in parts  # the highlight follows the shorter title
