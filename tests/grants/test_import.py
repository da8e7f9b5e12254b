"""The grant import: formats, bad input, dry run against apply, re-import, the import record."""

import io
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import AuditEntry
from api.contacts.models import Company
from api.grants import importer
from api.grants.models import Grant, GrantImport
from api.kit.tabular import XLSX_CONTENT_TYPE
from tests.grants.helpers import (
    CVR_A,
    CVR_B,
    CVR_C,
    HEADER,
    IMPORTS,
    grants,
    imported,
    messages,
    outcomes,
    semicolons,
    upload,
)
from tests.helpers import assert_problem, xlsx

GOOD = semicolons(
    HEADER,
    f"ESH-1;{CVR_A};Skovgaard ApS;SMV:Grøn;2.242.000;15-03-2026",
    f"ESH-2;{CVR_B};Lejre Maskinfabrik A/S;SMV:Digital;2.242.000,50;15.03.2026",
    f"ESH-3;{CVR_C};Hvalsø Bageri;SMV:Pro;1.500 kr.;2026-01-02",
)


def db_counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Grant, Company, GrantImport, AuditEntry)
    )


def by_reference(client: TestClient) -> dict[str | None, dict[str, Any]]:
    return {grant["reference"]: grant for grant in grants(client)}


class TestFormats:
    def test_a_danish_excel_csv(self, client: TestClient) -> None:
        report = imported(client, GOOD)
        assert report["counts"] == {
            "rows": 3,
            "created": 3,
            "updated": 0,
            "unchanged": 0,
            "duplicate": 0,
            "rejected": 0,
        }
        assert report["columns"]["amount"] == "Beløb"
        stored = by_reference(client)
        assert stored["ESH-1"]["amount"] == 2242000
        assert stored["ESH-2"]["amount"] == 2242000.5
        assert stored["ESH-3"]["amount"] == 1500
        assert stored["ESH-1"]["granted_on"] == stored["ESH-2"]["granted_on"] == "2026-03-15"
        assert stored["ESH-3"]["granted_on"] == "2026-01-02"
        assert stored["ESH-2"]["programme"]["name"] == "SMV:Digital"
        assert stored["ESH-2"]["company"] == {
            "id": stored["ESH-2"]["company"]["id"],
            "cvr": CVR_B,
            "name": "Lejre Maskinfabrik A/S",
        }

    def test_english_headers_commas_no_bom_any_case(self, client: TestClient) -> None:
        content = (
            "GRANT ID,cvr number,Company Name,PROGRAMME,Amount (DKK),Date Granted\n"
            f'X-1,{CVR_A},Skovgaard ApS,smv: grøn,"2,242,000.50",2026-03-15\n'
        ).encode()
        report = imported(client, content)
        assert report["counts"]["created"] == 1
        grant = by_reference(client)["X-1"]
        assert grant["amount"] == 2242000.5
        assert grant["programme"]["name"] == "SMV:Grøn"

    def test_windows_1252(self, client: TestClient) -> None:
        content = semicolons(
            HEADER,
            f"W-1;{CVR_A};Ærø Smørrebrød & Søn;SMV:Vækstpilot;10.000;01-02-2026",
            encoding="cp1252",
        )
        imported(client, content)
        assert by_reference(client)["W-1"]["company"]["name"] == "Ærø Smørrebrød & Søn"

    def test_excels_separator_line(self, client: TestClient) -> None:
        content = semicolons("sep=;", HEADER, f"S-1;{CVR_A};Skovgaard ApS;SMV:Pro;5;01-02-2026")
        report = imported(client, content)
        assert report["counts"]["created"] == 1
        assert outcomes(report) == {2: "created"}  # Excel hides the sep line: no row

    def test_xlsx_with_date_and_number_cells(self, client: TestClient) -> None:
        from datetime import date, datetime

        content = xlsx(
            ["Reference", "CVR", "Virksomhed", "Program", "Beløb", "Bevillingsdato"],
            ["XL-1", int(CVR_A), "Skovgaard ApS", "SMV:Grøn", 125000, datetime(2026, 3, 15)],
            ["XL-2", CVR_B, "Lejre Maskinfabrik A/S", "SMV:Pro", 1500.5, date(2026, 4, 1)],
            ["XL-3", CVR_C, "Hvalsø Bageri", "SMV:Digital", "2.000,50", "15-05-2026"],
        )
        report = imported(client, content, filename="tilskud.xlsx", content_type=XLSX_CONTENT_TYPE)
        assert report["counts"]["created"] == 3, report
        stored = by_reference(client)
        assert stored["XL-1"]["amount"] == 125000 and stored["XL-1"]["granted_on"] == "2026-03-15"
        assert stored["XL-2"]["amount"] == 1500.5 and stored["XL-2"]["granted_on"] == "2026-04-01"
        assert stored["XL-3"]["amount"] == 2000.5

    def test_a_column_mapping_where_headers_differ(self, client: TestClient) -> None:
        content = semicolons(
            "Sag;Virks. CVR;Firma;Ordning;Tilsagn i kr.;Tilsagn dato",
            f"M-1;{CVR_A};Skovgaard ApS;SMV:Pro;7.000;02-02-2026",
        )
        mapping = {"reference": "Sag", "cvr": "Virks. CVR", "amount": "Tilsagn i kr.",
                   "granted_on": "Tilsagn dato"}  # fmt: skip
        report = imported(client, content, mapping=mapping)
        assert report["counts"]["created"] == 1
        assert report["columns"]["granted_on"] == "Tilsagn dato"
        assert by_reference(client)["M-1"]["amount"] == 7000

    def test_unused_columns_are_named_and_blank_rows_skipped(self, client: TestClient) -> None:
        content = semicolons(
            HEADER + ";Bemærkning", "", f"B-1;{CVR_A};Skovgaard ApS;SMV:Pro;5;01-02-2026;hej", ""
        )
        report = imported(client, content)
        assert report["ignored_columns"] == ["Bemærkning"]
        assert outcomes(report) == {3: "created"}

    def test_a_row_without_reference_is_known_by_cvr_programme_and_date(
        self, client: TestClient
    ) -> None:
        first = semicolons(HEADER, f";{CVR_A};Skovgaard ApS;SMV:Pro;5.000;01-02-2026")
        imported(client, first)
        again = semicolons(HEADER, f";{CVR_A};Skovgaard ApS;SMV: Pro;6.000;01.02.2026")
        report = imported(client, again)
        assert outcomes(report) == {2: "updated"}
        assert messages(report, 2)[0]["message"] == "changed: amount"
        assert [g["amount"] for g in grants(client)] == [6000]


class TestBadFiles:
    def test_a_missing_required_column_is_named(self, client: TestClient) -> None:
        content = semicolons(
            "CVR;Virksomhed;Program;Bevillingsdato", f"{CVR_A};A;SMV:Pro;01-02-2026"
        )
        body = assert_problem(upload(client, content), 422)
        assert body["errors"][0]["column"] == "amount"
        assert "'amount' is missing" in body["detail"] and "'beløb'" in body["detail"]

    def test_an_empty_file(self, client: TestClient) -> None:
        body = assert_problem(upload(client, b""), 422)
        assert "empty" in body["detail"]
        body = assert_problem(upload(client, b"\r\n  \r\n"), 422)
        assert "empty" in body["detail"]

    def test_a_header_without_rows(self, client: TestClient, session: Session) -> None:
        before = db_counts(session)
        body = assert_problem(upload(client, semicolons(HEADER)), 422)
        assert body["errors"][0]["row"] == 2 and "no rows" in body["detail"]
        assert db_counts(session) == before

    def test_a_file_over_the_limit_is_413(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch, session: Session
    ) -> None:
        monkeypatch.setattr(importer, "MAX_UPLOAD_BYTES", 100)
        before = db_counts(session)
        body = assert_problem(upload(client, GOOD), 413)
        assert body["errors"][0]["field"] == "file"
        assert db_counts(session) == before

    def test_a_workbook_unpacking_beyond_the_limit_is_413(self, client: TestClient) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
        body = assert_problem(upload(client, buffer.getvalue(), filename="bombe.xlsx"), 413)
        assert "unpacks to 60.0 MB" in body["detail"]

    @pytest.mark.parametrize(
        ("content", "filename", "says"),
        [
            (b"%PDF-1.4 stuff", "tilskud.pdf", "a PDF document"),
            (b"\x89PNG\r\n\x1a\n", "tilskud.csv", "a PNG image"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "tilskud.xls", "old Excel"),
            (b"CVR;Program\n", "tilskud.xlsx", "not one (not a zip)"),
            (b"PK\x03\x04 broken", "tilskud.xlsx", "not a valid XLSX"),
        ],
    )
    def test_a_file_that_is_not_csv_or_xlsx(
        self, client: TestClient, content: bytes, filename: str, says: str
    ) -> None:
        body = assert_problem(upload(client, content, filename=filename), 422)
        assert says in body["detail"]

    def test_a_bad_mapping(self, client: TestClient) -> None:
        body = assert_problem(
            client.post(
                IMPORTS, files={"file": ("a.csv", GOOD, "text/csv")}, data={"mapping": "{"}
            ),
            422,
        )
        assert body["errors"][0]["field"] == "mapping"
        body = assert_problem(upload(client, GOOD, mapping={"amount": "Tilsagn"}), 422)
        assert "'Tilsagn'" in body["detail"] and body["errors"][0]["field"] == "mapping"
        body = assert_problem(upload(client, GOOD, mapping={"colour": "Beløb"}), 422)
        assert "colour" in body["detail"]

    @pytest.mark.parametrize("mapping", ["1" * 5000, "[" * 100_000])
    def test_json_no_parser_reads_is_a_bad_mapping(self, client: TestClient, mapping: str) -> None:
        """A number past Python's 4,300 digits or lists nested past its recursion: 422."""
        response = client.post(
            IMPORTS, files={"file": ("a.csv", GOOD, "text/csv")}, data={"mapping": mapping}
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "mapping"


class TestBadRows:
    def test_each_bad_value_is_named_with_its_column(self, client: TestClient) -> None:
        content = semicolons(
            HEADER,
            f"R-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;01-02-2026",
            "R-2;12345678;Firma;SMV:Grøn;1.000;01-02-2026",
            f"R-3;{CVR_A};Skovgaard ApS;SMV:Ukendt;1.000;01-02-2026",
            f"R-4;{CVR_A};Skovgaard ApS;SMV:Grøn;mange penge;01-02-2026",
            f"R-5;{CVR_A};Skovgaard ApS;SMV:Grøn;-5;01-02-2026",
            f"R-6;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;31-02-2026",
            f"R-7;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;01-01-2099",
            f"R-8;{CVR_B};;SMV:Grøn;1.000;01-02-2026",
            "R-9;;Firma;;;",
        )
        report = imported(client, content)
        assert outcomes(report) == {2: "created"} | {n: "rejected" for n in range(3, 11)}

        def first(row: int) -> tuple[str, str, str]:
            message = messages(report, row)[0]
            return message["field"], message["column"], message["message"]

        assert first(3)[:2] == ("cvr", "CVR-nr.") and "ikke et gyldigt CVR-nummer" in first(3)[2]
        assert first(4)[:2] == ("programme", "Program") and "'SMV:Ukendt'" in first(4)[2]
        assert first(5)[:2] == ("amount", "Beløb") and "'mange penge'" in first(5)[2]
        assert first(6)[:2] == ("amount", "Beløb") and "negative" in first(6)[2]
        assert first(7)[:2] == ("granted_on", "Bevillingsdato") and "31-02-2026" in first(7)[2]
        assert first(8)[0] == "granted_on" and "in the future" in first(8)[2]
        assert (
            first(9)[:2] == ("company", "Virksomhed")
            and f"CVR {CVR_B} is not a known" in first(9)[2]
        )
        assert {m["field"] for m in messages(report, 10)} == {
            "cvr",
            "programme",
            "amount",
            "granted_on",
        }

    def test_a_partly_bad_file_applies_exactly_its_good_rows(
        self, client: TestClient, session: Session
    ) -> None:
        content = semicolons(
            HEADER,
            f"P-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;01-02-2026",
            f"P-2;{CVR_A};Skovgaard ApS;SMV:Grøn;ikke et tal;01-02-2026",
            f"P-3;{CVR_B};Lejre Maskinfabrik A/S;SMV:Pro;2.000;01-03-2026",
            "P-4;1234;Firma;SMV:Pro;2.000;01-03-2026",
        )
        report = imported(client, content)
        assert outcomes(report) == {2: "created", 3: "rejected", 4: "created", 5: "rejected"}
        assert sorted(by_reference(client)) == ["P-1", "P-3"]
        companies = session.scalars(select(Company.cvr)).all()
        assert "1234" not in companies and {CVR_A, CVR_B} <= set(companies)

    def test_duplicates_inside_one_file(self, client: TestClient) -> None:
        content = semicolons(
            HEADER,
            f"D-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;01-02-2026",
            f"D-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;01-02-2026",
            f";{CVR_B};Lejre Maskinfabrik A/S;SMV:Pro;2.000;01-03-2026",
            f";{CVR_B};Lejre Maskinfabrik A/S;SMV:Pro;3.000;01-03-2026",
            # Another reference: a second grant of the same company, programme and day.
            f"D-2;{CVR_A};Skovgaard ApS;SMV:Grøn;500;01-02-2026",
            # Without reference but the same company, programme and day as D-1: a repeat.
            f";{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;01-02-2026",
        )
        report = imported(client, content)
        assert outcomes(report) == {
            2: "created",
            3: "duplicate",
            4: "created",
            5: "duplicate",
            6: "created",
            7: "duplicate",
        }
        assert messages(report, 3)[0]["message"].startswith("the same grant as row 2")
        assert messages(report, 5)[0]["message"].startswith("the same grant as row 4")
        assert len(grants(client)) == 3

    def test_duplicates_and_new_companies_across_chunks(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
        content = semicolons(
            HEADER,
            f"C-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1;01-02-2026",
            f"C-2;{CVR_B};Lejre Maskinfabrik A/S;SMV:Grøn;2;01-02-2026",
            f"C-3;{CVR_A};;SMV:Pro;3;01-02-2026",  # the company of row 2, no name needed
            f"C-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1;01-02-2026",
            f";{CVR_B};;SMV:Grøn;2;01-02-2026",  # C-2 by its natural key
        )
        report = imported(client, content)
        assert outcomes(report) == {
            2: "created",
            3: "created",
            4: "created",
            5: "duplicate",
            6: "duplicate",
        }
        assert list(outcomes(report)) == [2, 3, 4, 5, 6]  # the report is in row order
        assert messages(report, 5)[0]["message"].startswith("the same grant as row 2")
        assert messages(report, 6)[0]["message"].startswith("the same grant as row 3")
        # Again: the repeats of grants now found unchanged are still repeats, of the same rows.
        again = imported(client, content)
        assert outcomes(again) == {
            2: "unchanged",
            3: "unchanged",
            4: "unchanged",
            5: "duplicate",
            6: "duplicate",
        }
        assert messages(again, 5)[0]["message"].startswith("the same grant as row 2")
        assert messages(again, 6)[0]["message"].startswith("the same grant as row 3")


class TestDryRunAndApply:
    def test_a_dry_run_writes_nothing_and_predicts_the_import(
        self, client: TestClient, session: Session
    ) -> None:
        before = db_counts(session)
        dry = imported(client, GOOD, dry_run=True)
        assert dry["dry_run"] is True and dry["import_id"] is None
        assert db_counts(session) == before
        assert client.get(IMPORTS).json()["total"] == 0
        real = imported(client, GOOD)
        assert real["dry_run"] is False and isinstance(real["import_id"], int)
        assert real["rows"] == dry["rows"] and real["counts"] == dry["counts"]

    def test_importing_the_same_file_again_changes_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        imported(client, GOOD)
        stored = by_reference(client)
        audit = session.scalar(select(func.count()).select_from(AuditEntry))
        again = imported(client, GOOD)
        assert again["counts"]["unchanged"] == 3 and again["counts"]["created"] == 0
        assert by_reference(client) == stored  # updated_at and import_id included
        # Only the second import's own record and its audit entry are new.
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == (audit or 0) + 1

    def test_a_changed_row_updates_the_grant(self, client: TestClient) -> None:
        first = imported(client, GOOD)
        changed = semicolons(
            HEADER,
            f"ESH-1;{CVR_A};Skovgaard ApS;SMV:Grønne Kompetencer;2.500.000;16-03-2026",
        )
        report = imported(client, changed)
        assert outcomes(report) == {2: "updated"}
        assert messages(report, 2)[0]["message"] == "changed: programme, amount, date"
        grant = by_reference(client)["ESH-1"]
        assert grant["amount"] == 2500000 and grant["granted_on"] == "2026-03-16"
        assert grant["import_id"] == report["import_id"] != first["import_id"]

    def test_a_reference_given_later_attaches_to_the_grant(self, client: TestClient) -> None:
        imported(client, semicolons(HEADER, f";{CVR_A};Skovgaard ApS;SMV:Pro;5.000;01-02-2026"))
        report = imported(
            client, semicolons(HEADER, f"LATE-1;{CVR_A};Skovgaard ApS;SMV:Pro;5.000;01-02-2026")
        )
        assert outcomes(report) == {2: "updated"}
        assert messages(report, 2)[0]["message"] == "changed: reference"
        assert list(by_reference(client)) == ["LATE-1"]

    def test_an_ambiguous_row_without_reference_is_rejected(self, client: TestClient) -> None:
        imported(
            client,
            semicolons(
                HEADER,
                f"A-1;{CVR_A};Skovgaard ApS;SMV:Pro;5.000;01-02-2026",
                f"A-2;{CVR_A};Skovgaard ApS;SMV:Pro;6.000;01-02-2026",
            ),
        )
        report = imported(
            client, semicolons(HEADER, f";{CVR_A};Skovgaard ApS;SMV:Pro;7.000;01-02-2026")
        )
        assert outcomes(report) == {2: "rejected"}
        assert "matches 2 stored grants" in messages(report, 2)[0]["message"]

    def test_rows_problems_lists_only_what_needs_attention(self, client: TestClient) -> None:
        imported(client, GOOD)
        content = semicolons(
            HEADER,
            f"ESH-1;{CVR_A};Skovgaard ApS;SMV:Grøn;2.242.000;15-03-2026",
            f"ESH-2;{CVR_B};Lejre Maskinfabrik A/S;SMV:Digital;1;15.03.2026",
            f"NEW-1;{CVR_B};Lejre Maskinfabrik A/S;SMV:Digital;1;15.03.2026",
            "BAD;1;x;SMV:Pro;1;01-01-2026",
        )
        report = imported(client, content, rows="problems")
        assert report["rows_listed"] == "problems"
        assert outcomes(report) == {3: "updated", 5: "rejected"}
        assert report["counts"]["rows"] == 4 and report["counts"]["created"] == 1


class TestRecord:
    def test_the_import_is_recorded_with_who_counts_and_row_errors(
        self, client: TestClient, session: Session
    ) -> None:
        content = semicolons(
            HEADER,
            f"E-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;01-02-2026",
            f"E-2;{CVR_A};Skovgaard ApS;SMV:Ukendt;1.000;01-02-2026",
            f"E-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000;01-02-2026",
        )
        report = imported(client, content, filename="ESH marts 2026.csv")
        listed = client.get(IMPORTS).json()
        assert listed["total"] == 1
        summary = listed["items"][0]
        assert summary["id"] == report["import_id"]
        assert summary["filename"] == "ESH marts 2026.csv"
        assert summary["imported_by"] == "Editor" or summary["actor_kind"] == "user"
        assert (summary["rows"], summary["created"], summary["rejected"], summary["duplicate"]) == (
            3,
            1,
            1,
            1,
        )
        assert len(summary["sha256"]) == 64
        detail = client.get(f"{IMPORTS}/{report['import_id']}").json()
        assert detail["errors"] == [
            {
                "row": 3,
                "field": "programme",
                "column": "Program",
                "message": "unknown programme 'SMV:Ukendt'; add it as a grant programme",
            },
            {
                "row": 4,
                "field": None,
                "column": None,
                "message": "the same grant as row 2; this row is not imported",
            },
        ]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "grant_import")).one()
        assert entry.action == "import" and entry.changes["created"] == 1
        assert entry.actor_kind == "user"
        assert grants(client, import_id=report["import_id"])[0]["reference"] == "E-1"

    def test_an_unknown_import_is_404(self, client: TestClient) -> None:
        assert_problem(client.get(f"{IMPORTS}/999999"), 404)


class TestPermissions:
    def test_a_grants_write_token_imports_and_a_read_token_cannot(
        self, admin_client: TestClient, anon_client: TestClient
    ) -> None:
        def token(*scopes: str) -> str:
            response = admin_client.post(
                "/api/v1/tokens", json={"name": "ESH-import", "scopes": list(scopes)}
            )
            assert response.status_code == 201, response.text
            return response.json()["token"]

        anon_client.headers["Authorization"] = f"Bearer {token('read')}"
        assert_problem(upload(anon_client, GOOD), 403)
        anon_client.headers["Authorization"] = f"Bearer {token('grants:write')}"
        report = imported(anon_client, GOOD)
        assert report["counts"]["created"] == 3
        recorded = admin_client.get(f"{IMPORTS}/{report['import_id']}").json()
        assert (recorded["actor_kind"], recorded["imported_by"]) == ("token", "ESH-import")

    def test_a_viewer_cannot_import(self, viewer_client: TestClient) -> None:
        assert_problem(upload(viewer_client, GOOD), 403)


def test_a_body_over_the_limit_is_refused_while_it_arrives(client: TestClient) -> None:
    content = b"x" * (importer.MAX_UPLOAD_BYTES + 100 * 1024)
    body = assert_problem(upload(client, content), 413)
    assert body["type"].endswith("/payload-too-large")


def test_two_new_references_claim_one_unreferenced_grant_once(client: TestClient) -> None:
    imported(client, semicolons(HEADER, f";{CVR_A};Skovgaard ApS;SMV:Pro;5.000;01-02-2026"))
    report = imported(
        client,
        semicolons(
            HEADER,
            f"T-1;{CVR_A};Skovgaard ApS;SMV:Pro;5.000;01-02-2026",
            f"T-2;{CVR_A};Skovgaard ApS;SMV:Pro;5.000;01-02-2026",
        ),
    )
    assert outcomes(report) == {2: "updated", 3: "created"}
    assert sorted(by_reference(client)) == ["T-1", "T-2"]
