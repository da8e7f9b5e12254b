"""GET /api/v1/plans/{year}/report as HTML and XLSX, through HTTP, on the loaded 2026 plan."""

import io
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import html5lib
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.goals.enums import GoalKind, Unit
from api.goals.models import Goal
from api.plans.models import Initiative, Track
from tests.helpers import add_measurement, assert_problem, make_goal, plan_2026

URL = "/api/v1/plans/2026/report"
ON = "2026-11-26"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAYLOAD = "=cmd|' /C calc'!A0"
# Written out here, not imported, so a wrong label in the app fails these tests.
LABELS = {
    "achieved": "Nået",
    "on_track": "På sporet",
    "at_risk": "I risiko",
    "off_track": "Bagud",
    "no_data": "Ingen data",
    "no_target": "Intet mål",
    "not_started": "Ikke startet",
    "in_progress": "I gang",
    "done": "Gennemført",
    "dropped": "Opgivet",
}
GOAL_COLUMNS = [
    "Spor",
    "Indsats",
    "Mål",
    "Basislinje",
    "Basisår",
    "Mål for året",
    "Faktisk",
    "Status",
    "Forklaring",
    "Nøgle",
]


# ---------------------------------------------------------------------------------- helpers


def progress(client: TestClient, on: str = ON) -> dict[str, Any]:
    response = client.get("/api/v1/plans/2026/progress", params={"evaluation_date": on})
    assert response.status_code == 200, response.text
    return response.json()


def all_goals(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body["goals"] + [g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]]


def get_html(client: TestClient, on: str = ON, **params: str) -> str:
    response = client.get(URL, params={"evaluation_date": on, **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def parse(text: str) -> ET.Element:
    """The document, parsed strictly: any HTML5 parse error raises."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(text)


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def goal_rows(root: ET.Element) -> list[ET.Element]:
    return [tr for tr in root.iter("tr") if tr.get("class") == "goal"]


def row_of(root: ET.Element, key: str) -> ET.Element:
    return next(tr for tr in goal_rows(root) if tr.get("data-key") == key)


def get_xlsx(client: TestClient, on: str = ON) -> Workbook:
    response = client.get(URL, params={"evaluation_date": on, "format": "xlsx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def goal_sheet_rows(workbook: Workbook) -> dict[str, dict[str, Any]]:
    """The "Mål" sheet's cells by goal key and column title."""
    sheet = workbook["Mål"]
    header = [c.value for c in sheet[1]]
    assert header == GOAL_COLUMNS
    rows = {}
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        rows[cells["Nøgle"].value] = cells
    return rows


def initiative(session: Session, track: int, number: int) -> Initiative:
    return session.scalars(
        select(Initiative)
        .join(Track, Track.id == Initiative.track_id)
        .where(
            Initiative.action_plan_id == plan_2026(session).id,
            Track.number == track,
            Initiative.number == number,
        )
    ).one()


def goal_by_key(session: Session, key: str) -> Goal:
    return session.scalars(select(Goal).where(Goal.key == key)).one()


# ------------------------------------------------------------------------------------- HTML


class TestHtml:
    def test_is_a_valid_html5_document(self, client: TestClient) -> None:
        text = get_html(client)
        assert text.startswith("<!DOCTYPE html>")
        root = parse(text)  # raises on any parse error
        assert root.tag == "html" and root.get("lang") == "da"
        head = root.find("head")
        assert head is not None
        assert any(m.get("charset") == "utf-8" for m in head.iter("meta"))
        title = head.find("title")
        assert title is not None and "Handlingsplan for 2026" in text_of(title)

    def test_the_strict_parser_does_catch_errors(self) -> None:
        """The validity test above means something: a broken document fails it."""
        with pytest.raises(html5lib.html5parser.ParseError):
            parse("<!DOCTYPE html><html lang='da'><head><title>x</title></head><body></p>")

    def test_is_dated_at_the_evaluation_date_and_titled(self, client: TestClient) -> None:
        root = parse(get_html(client))
        h1 = root.find(".//h1")
        assert h1 is not None
        assert text_of(h1) == "Status på Handlingsplan for 2026 – Erhverv Lejre"
        assert "Opgjort pr. 26. november 2026" in text_of(root)
        assert root.find(".//time[@datetime='2026-11-26']") is not None
        assert "Erhvervsstrategi 2025-2030" in text_of(root)

    def test_holds_every_goal_in_plan_order(self, client: TestClient) -> None:
        expected = [g["key"] for g in all_goals(progress(client))]
        root = parse(get_html(client))
        assert [tr.get("data-key") for tr in goal_rows(root)] == expected
        assert len(expected) > 25

    def test_groups_goals_by_track_and_initiative_in_order(self, client: TestClient) -> None:
        body = progress(client)
        root = parse(get_html(client))
        sections = [s for s in root.iter("section") if s.get("class") == "track"]
        headings = [text_of(s.find("h2")) for s in sections]  # type: ignore[arg-type]
        assert headings == [f"Spor {t['number']}: {t['title']}" for t in body["tracks"]]
        assert headings[0] == "Spor 1: Klimaomstilling"
        for section, track in zip(sections, body["tracks"], strict=True):
            initiatives = [s for s in section.iter("section") if s.get("class") == "initiative"]
            assert [text_of(s.find("h3")) for s in initiatives] == [  # type: ignore[arg-type]
                f"{i['code']} {i['title']}" for i in track["initiatives"]
            ]
            for element, item in zip(initiatives, track["initiatives"], strict=True):
                keys = [tr.get("data-key") for tr in goal_rows(element)]
                assert keys == [g["key"] for g in item["goals"]]

    def test_each_goal_shows_wording_values_status_label_and_explanation(
        self, client: TestClient
    ) -> None:
        body = progress(client)
        root = parse(get_html(client))
        for goal in all_goals(body):
            cells = [text_of(td) for td in row_of(root, goal["key"]).iter("td")]
            wording, _baseline, _target, _actual, status, explanation = cells
            assert " ".join(goal["text"].split()) in wording
            if goal["label"]:
                assert wording.startswith(" ".join(goal["label"].split()))
            assert status == LABELS[goal["status"]]
            assert explanation == " ".join(goal["explanation"].split())
        # The plan has both kinds: measurable statuses and milestone states, in Danish.
        text = text_of(root)
        assert "Ingen data" in text and "Ikke startet" in text

    def test_status_is_text_with_a_colour(self, client: TestClient) -> None:
        root = parse(get_html(client))
        badges = [s for s in root.iter("span") if (s.get("class") or "").startswith("status ")]
        assert badges and all(text_of(b) in LABELS.values() for b in badges)
        assert all("tone-" in (b.get("class") or "") for b in badges)

    def test_summary_counts_statuses(self, client: TestClient) -> None:
        body = progress(client)
        root = parse(get_html(client))
        summary = next(t for t in root.iter("table") if t.get("class") == "summary")
        counts = {
            text_of(tr.findall("td")[0]): int(text_of(tr.findall("td")[1]))
            for tr in summary.iter("tr")
            if tr.get("data-status")
        }
        expected = {
            LABELS[status]: count
            for status, count in body["summary"].items()
            if status != "total" and count
        }
        assert counts == expected
        foot = summary.find("tfoot/tr")
        assert foot is not None
        assert [text_of(cell) for cell in foot] == ["I alt", str(body["summary"]["total"])]

    def test_values_are_da_dk_with_units(self, client: TestClient, session: Session) -> None:
        goal = make_goal(
            session,
            key="t-amount",
            text="Tilskud i alt",
            unit=Unit.dkk,
            targets={2026: 2_500_000},
            baseline_year=2024,
            baseline_value=1_000_000,
            initiative=initiative(session, 3, 1),
        )
        add_measurement(session, goal, date(2026, 10, 1), 1_234_567.5)
        session.commit()
        root = parse(get_html(client))
        cells = [text_of(td) for td in row_of(root, "t-amount").iter("td")]
        assert cells[1:4] == ["1.000.000 kr. (2024)", "2.500.000 kr.", "1.234.567,5 kr."]
        share = [text_of(td) for td in row_of(root, "s1-i2-kendskab-vaerktoejer").iter("td")]
        assert share[2].endswith(" %")

    def test_plan_figures_as_a_table_by_year(self, client: TestClient) -> None:
        root = parse(get_html(client))
        table = next(t for t in root.iter("table") if t.get("class") == "figures")
        head = table.find("thead")
        assert head is not None
        first, second = head.findall("tr")
        years = [text_of(th) for th in first.findall("th")[1:]]
        assert years == ["2023", "2024", "2025", "2026"]
        assert [text_of(th) for th in second.findall("th")] == ["Mål", "Faktisk"] * 4
        rows = {tr.get("data-key"): tr for tr in table.iter("tr") if tr.get("class") == "figure"}
        assert set(rows) == {"plan-tilskudsmidler", "plan-deltagere"}
        grants = rows["plan-tilskudsmidler"]
        assert text_of(grants.find("th")).startswith("Tilskudsmidler (kr.)")  # type: ignore[arg-type]
        values = [text_of(td) for td in grants.findall("td")]
        #            2023 mål, faktisk      2024              2025            2026
        assert values == ["–", "2.242.000", "–", "562.000", "2.000.000", "–", "3.000.000", "–"]
        participants = [text_of(td) for td in rows["plan-deltagere"].findall("td")]
        assert participants[1] == "294" and participants[6] == "400"

    def test_text_is_escaped(self, client: TestClient, session: Session) -> None:
        make_goal(
            session,
            key="t-script",
            label="<b>fed</b>",
            text='<script>alert("x")</script> & <img src=x onerror=alert(1)>',
            initiative=initiative(session, 1, 1),
        )
        session.commit()
        text = get_html(client)
        assert "<script>" not in text and "<img" not in text and "<b>fed" not in text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img" in text
        root = parse(text)
        assert not list(root.iter("script")) and not list(root.iter("img"))
        assert text_of(row_of(root, "t-script").find("td")).startswith(  # type: ignore[arg-type]
            '<b>fed</b> <script>alert("x")</script> & <img src=x onerror=alert(1)>'
        )

    def test_print_ready_and_self_contained(self, client: TestClient) -> None:
        text = get_html(client)
        assert "@page" in text and "size: A4" in text
        assert "break-inside: avoid" in text and "table-header-group" in text
        root = parse(text)
        for tag in ("script", "link", "img", "iframe", "object"):
            assert not list(root.iter(tag)), tag
        assert "http://" not in text and "https://" not in text
        # Inline styles only, which the app's CSP allows; no inline script, which it forbids.
        assert len(list(root.iter("style"))) == 1


# ------------------------------------------------------------------------------------- XLSX


class TestXlsx:
    def test_is_a_download_named_by_year_and_date(self, client: TestClient) -> None:
        response = client.get(URL, params={"evaluation_date": ON, "format": "xlsx"})
        assert response.status_code == 200
        assert response.headers["content-disposition"] == (
            'attachment; filename="handlingsplan-2026-status-2026-11-26.xlsx"'
        )
        assert response.content.startswith(b"PK")

    def test_sheets_header_and_layout(self, client: TestClient) -> None:
        workbook = get_xlsx(client)
        assert workbook.sheetnames[:2] == ["Mål", "Planens tal"]
        for name in ("Mål", "Planens tal"):
            sheet: Worksheet = workbook[name]
            assert sheet.freeze_panes == "A2"
            assert all(c.font.bold for c in sheet[1])
            assert sheet.column_dimensions["C"].width > 10
        goals = workbook["Mål"]
        assert goals["C2"].alignment.wrap_text and goals["I2"].alignment.wrap_text

    def test_has_every_goal_with_its_status_and_explanation(self, client: TestClient) -> None:
        body = progress(client)
        rows = goal_sheet_rows(get_xlsx(client))
        assert list(rows) == [g["key"] for g in all_goals(body)]
        for track in body["tracks"]:
            for item in track["initiatives"]:
                for goal in item["goals"]:
                    row = rows[goal["key"]]
                    assert row["Spor"].value == f"Spor {track['number']}: {track['title']}"
                    assert row["Indsats"].value == f"{item['code']} {item['title']}"
                    assert goal["text"] in row["Mål"].value
                    assert row["Status"].value == LABELS[goal["status"]]
                    assert row["Forklaring"].value == goal["explanation"]
        assert rows["plan-tilskudsmidler"]["Spor"].value == "Hele planen"

    def test_numbers_are_numeric_cells(self, client: TestClient) -> None:
        rows = goal_sheet_rows(get_xlsx(client))
        grants = rows["plan-tilskudsmidler"]["Mål for året"]
        assert grants.data_type == "n" and grants.value == 3_000_000
        assert "kr." in grants.number_format
        baseline = rows["s1-i1-klimatilskud-virksomheder"]
        assert baseline["Basislinje"].data_type == "n" and baseline["Basislinje"].value == 1
        assert baseline["Basisår"].value == 2023
        assert baseline["Mål for året"].value == 8
        share = rows["s1-i2-kendskab-vaerktoejer"]["Mål for året"]
        assert share.data_type == "n" and "%" in share.number_format

    def test_a_measurement_and_its_explanation_appear(
        self, client: TestClient, session: Session
    ) -> None:
        goal = goal_by_key(session, "plan-deltagere")
        measurement = add_measurement(session, goal, date(2026, 6, 30), 210)
        measurement.comment = "Opgjort fra tilmeldingslisterne"
        session.commit()
        rows = goal_sheet_rows(get_xlsx(client, "2026-07-02"))
        row = rows["plan-deltagere"]
        assert row["Faktisk"].value == 210 and row["Faktisk"].data_type == "n"
        assert row["Status"].value == "På sporet"
        explanation = row["Forklaring"].value
        assert explanation.startswith("210 mod forventet")
        assert explanation.endswith("Kommentar: Opgjort fra tilmeldingslisterne")

    def test_plan_figures_by_year(self, client: TestClient) -> None:
        sheet = get_xlsx(client)["Planens tal"]
        header = [c.value for c in sheet[1]]
        assert header[:4] == ["Tal", "Enhed", "Mål 2023", "Faktisk 2023"]
        assert "Mål 2026" in header and "Faktisk 2026" in header
        rows = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2)}
        grants = rows["Tilskudsmidler"]
        assert grants["Enhed"].value == "kr."
        assert grants["Faktisk 2023"].value == 2_242_000
        assert grants["Faktisk 2023"].data_type == "n"
        assert grants["Mål 2026"].value == 3_000_000
        assert grants["Faktisk 2026"].value is None
        assert rows["Aktiviteter"]["Faktisk 2024"].value == 328

    def test_is_dated(self, client: TestClient) -> None:
        workbook = get_xlsx(client)
        overview = workbook["Overblik"]
        values = [c.value for row in overview.iter_rows() for c in row]
        assert "Opgjort pr." in values
        assert any(getattr(v, "date", lambda: None)() == date(2026, 11, 26) for v in values)
        assert "26. november 2026" in workbook["Mål"].oddHeader.right.text


# ---------------------------------------------------------------------- formula injection


class TestFormulaInjection:
    @pytest.fixture
    def dangerous(self, client: TestClient, session: Session) -> None:
        """A goal text, a label and a milestone note (which becomes the explanation), each
        starting like a formula; and a measurement comment that reaches the explanation."""
        make_goal(session, key="t-text", text=PAYLOAD, initiative=initiative(session, 1, 1))
        make_goal(
            session,
            key="t-label",
            label="@SUM(A1)",
            text="-1+1",
            initiative=initiative(session, 2, 1),
        )
        milestone = make_goal(
            session,
            key="t-note",
            text="+45 12 34 56 78",
            kind=GoalKind.milestone,
            metric=None,
            unit=None,
            direction=None,
            pace=None,
            targets={},
            initiative=initiative(session, 3, 1),
        )
        measured = make_goal(session, key="t-comment", initiative=initiative(session, 3, 1))
        measurement = add_measurement(session, measured, date(2026, 5, 1), 7)
        measurement.comment = PAYLOAD
        session.commit()
        response = client.post(
            f"/api/v1/goals/{milestone.id}/milestone-notes",
            json={"noted_on": "2026-05-01", "state": "in_progress", "text": PAYLOAD},
        )
        assert response.status_code == 201, response.text

    @pytest.mark.usefixtures("dangerous")
    def test_xlsx_cells_are_neutralised_text(self, client: TestClient) -> None:
        rows = goal_sheet_rows(get_xlsx(client))
        assert rows["t-text"]["Mål"].value == "'" + PAYLOAD
        assert rows["t-label"]["Mål"].value == "'@SUM(A1)\n-1+1"
        note = rows["t-note"]["Forklaring"].value
        assert note == f"'{PAYLOAD} (2026-05-01)"
        assert rows["t-note"]["Status"].value == "I gang"
        assert rows["t-comment"]["Forklaring"].value.endswith(f"Kommentar: {PAYLOAD}")
        for key in ("t-text", "t-label", "t-note", "t-comment"):
            assert all(c.data_type != "f" for c in rows[key].values())

    @pytest.mark.usefixtures("dangerous")
    def test_no_cell_anywhere_is_a_formula(self, client: TestClient) -> None:
        workbook = get_xlsx(client)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (
                            sheet.title,
                            cell.coordinate,
                            cell.value,
                        )

    @pytest.mark.usefixtures("dangerous")
    def test_html_shows_it_as_plain_escaped_text(self, client: TestClient) -> None:
        text = get_html(client)
        assert "=cmd|&#39; /C calc&#39;!A0" in text
        root = parse(text)
        assert text_of(row_of(root, "t-text").find("td")) == PAYLOAD  # type: ignore[arg-type]
        explanation = [text_of(td) for td in row_of(root, "t-note").iter("td")][-1]
        assert explanation == f"{PAYLOAD} (2026-05-01)"


# ------------------------------------------------------------------- negotiation and errors


class TestNegotiationAndErrors:
    def test_html_is_the_default_and_inline(self, client: TestClient) -> None:
        response = client.get(URL, params={"evaluation_date": ON})
        assert response.headers["content-type"].startswith("text/html")
        disposition = response.headers["content-disposition"]
        assert disposition == 'inline; filename="handlingsplan-2026-status-2026-11-26.html"'
        assert response.headers["vary"] == "Accept"

    def test_accept_header_asks_for_xlsx(self, client: TestClient) -> None:
        response = client.get(URL, params={"evaluation_date": ON}, headers={"Accept": XLSX})
        assert response.status_code == 200
        assert response.headers["content-type"] == XLSX
        assert response.headers["content-disposition"].startswith("attachment;")

    @pytest.mark.parametrize(
        ("accept", "expected"),
        [
            ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
            ("*/*", "text/html"),
            (f"text/html;q=0.5, {XLSX}", XLSX),
            (f"{XLSX};q=0.2, text/html", "text/html"),
            (f"{XLSX};q=0", "text/html"),
        ],
    )
    def test_accept_weights(self, client: TestClient, accept: str, expected: str) -> None:
        response = client.get(URL, params={"evaluation_date": ON}, headers={"Accept": accept})
        assert response.headers["content-type"].startswith(expected)

    def test_format_parameter_wins_over_accept(self, client: TestClient) -> None:
        response = client.get(
            URL, params={"evaluation_date": ON, "format": "html"}, headers={"Accept": XLSX}
        )
        assert response.headers["content-type"].startswith("text/html")

    def test_evaluation_date_defaults_to_today(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("api.reports.router.today", lambda: date(2026, 3, 1))
        response = client.get(URL, params={"format": "xlsx"})
        disposition = response.headers["content-disposition"]
        assert disposition.endswith('filename="handlingsplan-2026-status-2026-03-01.xlsx"')
        assert "Opgjort pr. 1. marts 2026" in client.get(URL).text

    def test_the_evaluation_date_changes_the_figures(
        self, client: TestClient, session: Session
    ) -> None:
        goal = make_goal(session, key="t-late", targets={2026: 10})
        add_measurement(session, goal, date(2026, 9, 1), 10)
        session.commit()
        before = goal_sheet_rows(get_xlsx(client, "2026-08-31"))["t-late"]
        after = goal_sheet_rows(get_xlsx(client, "2026-09-01"))["t-late"]
        assert before["Faktisk"].value is None and before["Status"].value == "Ingen data"
        assert after["Faktisk"].value == 10 and after["Status"].value == "Nået"

    def test_unknown_plan_year_is_404(self, client: TestClient) -> None:
        assert_problem(client.get("/api/v1/plans/2031/report"), 404)
        assert_problem(client.get("/api/v1/plans/2031/report", params={"format": "xlsx"}), 404)

    def test_bad_format_is_422(self, client: TestClient) -> None:
        body = assert_problem(client.get(URL, params={"format": "pdf"}), 422)
        assert body["errors"][0]["field"] == "query.format"

    def test_bad_date_is_422(self, client: TestClient) -> None:
        assert_problem(client.get(URL, params={"evaluation_date": "26-11-2026"}), 422)

    def test_a_viewer_may_read_both(self, viewer_client: TestClient) -> None:
        assert parse(get_html(viewer_client)).tag == "html"
        assert "Mål" in get_xlsx(viewer_client).sheetnames

    def test_anonymous_gets_401(self, anon_client: TestClient) -> None:
        assert_problem(anon_client.get(URL), 401)
