"""An event's participant list as CSV and XLSX, neutralised against formula injection."""

import csv
import io
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import AuditEntry
from api.contacts.models import Person
from api.events.participant_export import neutralise, slug
from api.kit.db import utcnow
from tests.events.helpers import make_event, register, valid_cvr
from tests.helpers import assert_problem

HEADERS = [
    "Navn",
    "E-mail",
    "Telefon",
    "Virksomhed",
    "CVR",
    "Status",
    "Tjekket ind",
    "Deltagertype",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signed_up(
    client: TestClient, event_id: int, name: str, *, waitlist: bool = False, **person: Any
) -> dict[str, Any]:
    response = register(client, event_id, person={"name": name, **person}, waitlist=waitlist)
    assert response.status_code == 201, response.text
    return response.json()


def set_status(client: TestClient, event_id: int, registration_id: int, status: str) -> None:
    url = f"/api/v1/events/{event_id}/registrations/{registration_id}"
    assert client.patch(url, json={"status": status}).status_code == 200


def csv_rows(response: Any) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def xlsx_sheet(response: Any) -> Any:
    return load_workbook(io.BytesIO(response.content))["Deltagere"]


@pytest.fixture
def event(client: TestClient) -> dict[str, Any]:
    """Åse (with a company, attended), Bo (registered), Cecilie (cancelled), Dan (no-show)."""
    event = make_event(client, title="Temamøde: Grøn omstilling", capacity=3)
    cvr = valid_cvr()
    aase = register(
        client,
        event["id"],
        person={"name": "Åse Ærø", "email": "aase@firma.dk", "phone": "+45 12 34 56 78"},
        company_cvr=cvr,
        company_name="Ærø Æbler ApS",
    ).json()
    client.post(f"/api/v1/events/{event['id']}/check-in", json={"person_ids": [aase["person_id"]]})
    signed_up(client, event["id"], "Bo Bæk")
    cecilie = signed_up(client, event["id"], "Cecilie")
    set_status(client, event["id"], cecilie["id"], "cancelled")
    dan = signed_up(client, event["id"], "Dan")
    set_status(client, event["id"], dan["id"], "no_show")
    return event | {"cvr": cvr}


class TestCsvExport:
    def test_danish_headers_statuses_and_order(
        self, client: TestClient, event: dict[str, Any]
    ) -> None:
        response = client.get(f"/api/v1/events/{event['id']}/participants.csv")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = csv_rows(response)
        assert rows[0] == HEADERS
        assert [(r[0], r[5]) for r in rows[1:]] == [
            ("Bo Bæk", "tilmeldt"),
            ("Dan", "udeblev"),
            ("Åse Ærø", "deltog"),
        ]
        aase = rows[3]
        assert aase[1:5] == ["aase@firma.dk", "'+45 12 34 56 78", "Ærø Æbler ApS", event["cvr"]]
        assert len(aase[6]) == len("2026-03-10 16:05")
        assert aase[7] == "Virksomhedsrepræsentant"  # the default type

    def test_cancelled_only_on_request(self, client: TestClient, event: dict[str, Any]) -> None:
        url = f"/api/v1/events/{event['id']}/participants.csv"
        assert "Cecilie" not in client.get(url).content.decode("utf-8-sig")
        rows = csv_rows(client.get(url, params={"include_cancelled": "true"}))
        assert ("Cecilie", "afmeldt") in [(r[0], r[5]) for r in rows]

    def test_the_file_name_holds_id_and_slug(
        self, client: TestClient, event: dict[str, Any]
    ) -> None:
        response = client.get(f"/api/v1/events/{event['id']}/participants.csv")
        expected = f'attachment; filename="deltagere-{event["id"]}-temamoede-groen-omstilling.csv"'
        assert response.headers["content-disposition"] == expected
        assert response.headers["cache-control"] == "no-store"

    def test_the_waiting_list_is_listed(self, client: TestClient) -> None:
        event = make_event(client, capacity=1)
        signed_up(client, event["id"], "Først")
        signed_up(client, event["id"], "Venter", waitlist=True)
        rows = csv_rows(client.get(f"/api/v1/events/{event['id']}/participants.csv"))
        assert [(r[0], r[5]) for r in rows[1:]] == [("Først", "tilmeldt"), ("Venter", "venteliste")]

    def test_an_erased_person_is_listed_without_their_data(
        self, client: TestClient, session: Session
    ) -> None:
        event = make_event(client)
        registration = signed_up(client, event["id"], "Hemmelig", email="h@firma.dk")
        person = session.get(Person, registration["person_id"])
        assert person is not None
        person.name, person.email, person.anonymised_at = None, None, utcnow()
        session.flush()
        rows = csv_rows(client.get(f"/api/v1/events/{event['id']}/participants.csv"))
        assert rows[1][:3] == ["(slettet)", "", ""]


class TestXlsxExport:
    def test_contents_bold_frozen_header(self, client: TestClient, event: dict[str, Any]) -> None:
        response = client.get(f"/api/v1/events/{event['id']}/participants.xlsx")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == XLSX
        assert response.headers["content-disposition"].endswith('-groen-omstilling.xlsx"')
        sheet = xlsx_sheet(response)
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == HEADERS
        assert [(r[0], r[5]) for r in rows[1:]] == [
            ("Bo Bæk", "tilmeldt"),
            ("Dan", "udeblev"),
            ("Åse Ærø", "deltog"),
        ]
        assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
        assert sheet["C4"].value == "'+45 12 34 56 78" and sheet["E4"].value == event["cvr"]
        assert sheet["G4"].is_date and sheet["G2"].value is None


class TestFormulaInjection:
    NAMES: ClassVar[list[str]] = [
        '=HYPERLINK("http://evil.example","klik")',
        "+45 1234",
        "-1+1",
        "@SUM(A1)",
    ]

    def test_csv_cells_are_neutralised(self, client: TestClient) -> None:
        event = make_event(client)
        for name in self.NAMES:
            signed_up(client, event["id"], name, phone="=1+1")
        rows = csv_rows(client.get(f"/api/v1/events/{event['id']}/participants.csv"))
        assert sorted(r[0] for r in rows[1:]) == sorted("'" + name for name in self.NAMES)
        assert {r[2] for r in rows[1:]} == {"'=1+1"}

    def test_xlsx_cells_are_text_never_formulas(self, client: TestClient) -> None:
        event = make_event(client)
        for name in self.NAMES:
            signed_up(client, event["id"], name)
        sheet = xlsx_sheet(client.get(f"/api/v1/events/{event['id']}/participants.xlsx"))
        cells = [row[0] for row in sheet.iter_rows(min_row=2)]
        assert sorted(c.value for c in cells) == sorted("'" + name for name in self.NAMES)
        assert {c.data_type for c in cells} == {"s"}

    @pytest.mark.parametrize("value", ["=1", "+1", "-1", "@x", "\tx", "\rx"])
    def test_every_dangerous_start_is_prefixed(self, value: str) -> None:
        assert neutralise(value) == "'" + value

    def test_ordinary_text_is_left_alone(self) -> None:
        assert neutralise("Anna 'A' = B") == "Anna 'A' = B"


class TestAudit:
    def test_an_export_is_audited_without_personal_data(
        self, client: TestClient, session: Session, event: dict[str, Any]
    ) -> None:
        client.get(f"/api/v1/events/{event['id']}/participants.xlsx")
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "export", AuditEntry.entity == "events")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.entity_id == str(event["id"])
        assert entry.actor_name == "Test Redaktør"
        assert entry.changes == {
            "list": "participants",
            "format": "xlsx",
            "rows": 3,
            "include_cancelled": False,
        }


class TestAccess:
    @pytest.mark.parametrize("extension", ["csv", "xlsx"])
    def test_viewers_get_403(
        self, client: TestClient, viewer_client: TestClient, extension: str
    ) -> None:
        event = make_event(client)
        url = f"/api/v1/events/{event['id']}/participants.{extension}"
        assert_problem(viewer_client.get(url), 403)

    def test_an_unknown_event_is_404(self, client: TestClient) -> None:
        assert_problem(client.get("/api/v1/events/999999/participants.xlsx"), 404)

    def test_an_empty_event_gives_just_the_header(self, client: TestClient) -> None:
        event = make_event(client, title="!!!")
        response = client.get(f"/api/v1/events/{event['id']}/participants.csv")
        assert csv_rows(response) == [HEADERS]
        assert f"deltagere-{event['id']}-arrangement.csv" in response.headers["content-disposition"]


def test_slug() -> None:
    assert (
        slug("Klimaugen 2026: Åbent hus på Lejre Rådhus")
        == "klimaugen-2026-aabent-hus-paa-lejre-raadhus"
    )
