"""Import of a sign-up list into an event's registrations, with a dry run per row."""

import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import AuditEntry
from api.contacts.models import Company, Person
from api.events import signup_import
from api.events.models import Registration
from tests.events.helpers import make_company, make_event, register, valid_cvr
from tests.helpers import assert_problem

CSV = "text/csv"


def upload(
    client: TestClient,
    event_id: int,
    content: bytes,
    *,
    filename: str = "tilmeldinger.csv",
    content_type: str = CSV,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
) -> Any:
    data = {"mapping": json.dumps(mapping)} if mapping else None
    return client.post(
        f"/api/v1/events/{event_id}/registrations/import",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (filename, content, content_type)},
        data=data,
    )


def imported(client: TestClient, event_id: int, content: bytes, **kwargs: Any) -> dict[str, Any]:
    response = upload(client, event_id, content, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def semicolons(*lines: str) -> bytes:
    """A Danish Excel CSV: UTF-8 with BOM, semicolons."""
    return "\ufeff".encode() + "\r\n".join(lines).encode() + b"\r\n"


def outcomes(report: dict[str, Any]) -> dict[int, str]:
    return {row["row"]: row["outcome"] for row in report["rows"]}


def registrations(client: TestClient, event_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/events/{event_id}/registrations", params={"limit": 500})
    return response.json()["items"]


def db_counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Person, Company, Registration, AuditEntry)
    )


class TestFormats:
    def test_semicolons_and_bom(self, client: TestClient) -> None:
        event = make_event(client)
        cvr = valid_cvr()
        content = semicolons(
            "Navn;E-mail;Telefon;CVR-nr.;Virksomhed",
            f"Søren Ærø;soren@firma.dk;+45 12 34 56 78;{cvr};Ærø Æbler ApS",
        )
        report = imported(client, event["id"], content)
        assert report["counts"]["register"] == 1 and report["dry_run"] is False
        assert report["columns"]["cvr"] == "CVR-nr."
        [row] = registrations(client, event["id"])
        assert row["person"]["name"] == "Søren Ærø" and row["person"]["phone"] == "+45 12 34 56 78"
        company = client.get(f"/api/v1/companies/{row['person']['company_id']}").json()
        assert company == company | {"cvr": cvr, "name": "Ærø Æbler ApS"}

    def test_commas_in_windows_1252(self, client: TestClient) -> None:
        event = make_event(client)
        content = "Fulde navn,Mail\r\nBjørn Ødegård,bjorn@firma.dk\r\nÅse Æbelø,\r\n"
        report = imported(client, event["id"], content.encode("cp1252"))
        assert report["counts"]["register"] == 2
        names = {r["person"]["name"] for r in registrations(client, event["id"])}
        assert names == {"Bjørn Ødegård", "Åse Æbelø"}

    def test_xlsx(self, client: TestClient) -> None:
        event = make_event(client)
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["Fornavn", "Efternavn", "E-mail", "Mobil"])
        sheet.append(["Ida", "Ørsted", "ida@firma.dk", 45123456])
        buffer = io.BytesIO()
        workbook.save(buffer)
        report = imported(
            client,
            event["id"],
            buffer.getvalue(),
            filename="svar.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        assert report["rows"] == [
            {"row": 2, "outcome": "register", "person_name": "Ida Ørsted", "messages": []}
        ]
        [row] = registrations(client, event["id"])
        assert row["person"]["phone"] == "45123456"

    def test_an_explicit_mapping_names_the_columns(self, client: TestClient) -> None:
        event = make_event(client)
        content = semicolons("Hvem;Hvordan", "Bo Bæk;bo@firma.dk")
        report = imported(
            client, event["id"], content, mapping={"name": "Hvem", "email": "Hvordan"}
        )
        assert report["counts"]["register"] == 1
        assert report["columns"] == {"name": "Hvem", "email": "Hvordan"}


class TestDryRunAndApply:
    def test_a_dry_run_reports_each_row_and_writes_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        event = make_event(client)
        content = semicolons(
            "Navn;E-mail;CVR;Virksomhed",
            f"Anna;anna@firma.dk;{valid_cvr()};Nyt Firma ApS",
            "Bo;ikke-en-mail;;",
        )
        before = db_counts(session)
        report = imported(client, event["id"], content, dry_run=True)
        assert report["dry_run"] is True
        assert outcomes(report) == {2: "register", 3: "rejected"}
        assert db_counts(session) == before
        assert registrations(client, event["id"]) == []

    def test_apply_registers_exactly_the_good_rows(self, client: TestClient) -> None:
        event = make_event(client)
        content = semicolons(
            "Navn;E-mail;CVR;Virksomhed",
            "Anna;anna@firma.dk;;",
            ";tom@firma.dk;;",
            "Bo;bo@@firma;;",
            "Carl;carl@firma.dk;12345678;Carl ApS",
            f"Dorte;dorte@firma.dk;{valid_cvr()};",
            "Erik;;;",
        )
        dry = imported(client, event["id"], content, dry_run=True)
        report = imported(client, event["id"], content)
        expected = {2: "register", 3: "rejected", 4: "rejected", 5: "rejected", 6: "rejected"}
        assert outcomes(report) == expected | {7: "register"}
        assert dry["rows"] == report["rows"]
        names = sorted(r["person"]["name"] for r in registrations(client, event["id"]))
        assert names == ["Anna", "Erik"]

    def test_rejections_name_the_field_and_column(self, client: TestClient) -> None:
        event = make_event(client)
        content = semicolons(
            "Navn;E-mail;CVR-nr.;Virksomhed",
            ";x@firma.dk;;",
            "Bo;bo@@firma;;",
            "Carl;;12345678;Carl ApS",
            f"Dorte;;{valid_cvr()};",
        )
        rows = imported(client, event["id"], content)["rows"]
        fields = [[(m["field"], m["column"]) for m in row["messages"]] for row in rows]
        assert fields == [
            [("name", "Navn")],
            [("email", "E-mail")],
            [("cvr", "CVR-nr.")],
            [("company", "Virksomhed")],
        ]
        assert "CVR" in rows[2]["messages"][0]["message"]
        assert "er nyt: skriv også virksomhedens navn" in rows[3]["messages"][0]["message"]

    def test_reimporting_the_same_file_changes_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        event = make_event(client)
        company = make_company(client)
        content = semicolons(
            "Navn;E-mail;CVR;Virksomhed",
            "Anna;anna@firma.dk;;",
            f"Bo uden mail;;{company['cvr']};",
            "Carl Firmaløs;;;Et firma uden CVR",
        )
        first = imported(client, event["id"], content)
        assert first["counts"]["register"] == 3
        before = db_counts(session)
        again = imported(client, event["id"], content)
        assert again["counts"]["already_registered"] == 3
        assert db_counts(session) == before

    def test_someone_who_cancelled_signs_up_again(self, client: TestClient) -> None:
        event = make_event(client)
        first = register(client, event["id"], person={"name": "Anna", "email": "anna@firma.dk"})
        client.patch(
            f"/api/v1/events/{event['id']}/registrations/{first.json()['id']}",
            json={"status": "cancelled"},
        )
        report = imported(client, event["id"], semicolons("Navn;Email", "Anna;ANNA@firma.dk"))
        assert outcomes(report) == {2: "register"}
        [row] = registrations(client, event["id"])
        assert row["id"] == first.json()["id"] and row["status"] == "registered"

    def test_a_company_name_without_cvr_is_a_warning(self, client: TestClient) -> None:
        event = make_event(client)
        report = imported(client, event["id"], semicolons("Navn;Firma", "Bo;Bos Biler"))
        [row] = report["rows"]
        assert row["outcome"] == "register"
        assert row["messages"][0]["field"] == "company"


class TestDuplicatesAndCapacity:
    def test_duplicates_within_the_file(self, client: TestClient) -> None:
        event = make_event(client)
        content = semicolons(
            "Navn;E-mail;Virksomhed",
            "Anna;anna@firma.dk;",
            "Anna A.;ANNA@firma.dk ;",
            "Bo;;Bos Biler",
            "bo ;;bos biler",
            "Bo;;Andet Firma",
        )
        report = imported(client, event["id"], content)
        assert outcomes(report) == {
            2: "register",
            3: "duplicate",
            4: "register",
            5: "duplicate",
            6: "register",
        }
        assert "row 2" in report["rows"][1]["messages"][0]["message"]
        assert report["counts"]["duplicate"] == 2
        assert len(registrations(client, event["id"])) == 3

    def test_a_full_event_puts_imports_on_the_waiting_list(self, client: TestClient) -> None:
        event = make_event(client, capacity=2)
        register(client, event["id"])
        content = semicolons("Navn;Mail", "Anna;anna@firma.dk", "Bo;bo@firma.dk", "Carl;")
        report = imported(client, event["id"], content)
        assert outcomes(report) == {2: "register", 3: "waitlist", 4: "waitlist"}
        counts = client.get(f"/api/v1/events/{event['id']}").json()["counts"]
        assert counts["registered"] == 2 and counts["waitlisted"] == 2

    def test_a_dry_run_on_a_full_event_reports_the_waiting_list(self, client: TestClient) -> None:
        event = make_event(client, capacity=1)
        content = semicolons("Navn", "Anna", "Bo")
        report = imported(client, event["id"], content, dry_run=True)
        assert outcomes(report) == {2: "register", 3: "waitlist"}


class TestRefusals:
    def test_missing_name_column_is_422_naming_it(self, client: TestClient) -> None:
        event = make_event(client)
        body = assert_problem(upload(client, event["id"], semicolons("E-mail", "a@b.dk")), 422)
        assert body["errors"][0]["field"] == "file"
        assert body["errors"][0]["column"] == "name"
        assert "'name' is missing" in body["detail"]

    @pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n;;\r\n"])
    def test_an_empty_file_is_422(self, client: TestClient, content: bytes) -> None:
        event = make_event(client)
        assert "empty" in assert_problem(upload(client, event["id"], content), 422)["detail"]

    def test_a_header_without_rows_is_422(self, client: TestClient) -> None:
        event = make_event(client)
        body = assert_problem(upload(client, event["id"], semicolons("Navn;Mail")), 422)
        assert body["errors"][0]["row"] == 2

    @pytest.mark.parametrize(
        ("content", "kind"),
        [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"), (b"%PDF-1.7\n%\xe2\xe3", "PDF")],
    )
    def test_not_csv_or_xlsx_is_422(self, client: TestClient, content: bytes, kind: str) -> None:
        event = make_event(client)
        response = upload(client, event["id"], content, filename="scan.bin")
        body = assert_problem(response, 422)
        assert "neither CSV nor XLSX" in body["detail"] and kind in body["detail"]

    def test_too_large_is_413(self, client: TestClient) -> None:
        event = make_event(client)
        content = b"Navn\n" + b"x" * (10 * 1024 * 1024)
        body = assert_problem(upload(client, event["id"], content), 413)
        assert body["type"].endswith("/payload-too-large")

    def test_too_many_rows_is_422(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(signup_import, "MAX_ROWS", 2)
        event = make_event(client)
        response = upload(client, event["id"], semicolons("Navn", "A", "B", "C"))
        body = assert_problem(response, 422)
        assert "more than 2 rows" in body["detail"] and body["errors"][0]["row"] == 4

    def test_a_bad_mapping_is_422_naming_it(self, client: TestClient) -> None:
        event = make_event(client)
        content = semicolons("Navn", "Bo")
        missing = upload(client, event["id"], content, mapping={"name": "Deltager"})
        assert assert_problem(missing, 422)["errors"][0]["field"] == "mapping"
        unknown = upload(client, event["id"], content, mapping={"alder": "Navn"})
        assert "alder" in assert_problem(unknown, 422)["detail"]

    def test_a_cancelled_event_is_409(self, client: TestClient, session: Session) -> None:
        event = make_event(client, status="cancelled")
        before = db_counts(session)
        response = upload(client, event["id"], semicolons("Navn", "Bo"), dry_run=True)
        assert "cancelled" in assert_problem(response, 409)["detail"]
        assert db_counts(session) == before

    def test_an_unknown_event_is_404(self, client: TestClient) -> None:
        assert_problem(upload(client, 999_999, semicolons("Navn", "Bo")), 404)

    def test_viewers_may_not_import(self, client: TestClient, viewer_client: TestClient) -> None:
        event = make_event(client)
        assert_problem(upload(viewer_client, event["id"], semicolons("Navn", "Bo")), 403)

    def test_anonymous_callers_may_not_import(
        self, client: TestClient, anon_client: TestClient
    ) -> None:
        event = make_event(client)
        assert_problem(upload(anon_client, event["id"], semicolons("Navn", "Bo")), 401)

    def test_admins_may_import(self, client: TestClient, admin_client: TestClient) -> None:
        event = make_event(client)
        report = imported(admin_client, event["id"], semicolons("Navn", "Bo"))
        assert report["counts"]["register"] == 1
