"""Issue 15: a grant import sent again is applied once; a lost answer can be asked for; a write
that loses a race is told to try again (409 with Retry-After)."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from api.auth.permissions import Scope
from api.clients.grants import idempotency_key, upload
from api.clients.http import ImportFailed
from api.kit.idempotency import IdempotentAnswer
from api.main import create_app
from tests.events.helpers import valid_cvr
from tests.grants.helpers import HEADER, IMPORTS, semicolons
from tests.live_server import LiveServer, live_server

KEY = "grants-" + "a" * 64


def _file(prefix: str, first_cvr: int) -> bytes:
    return semicolons(
        HEADER,
        f"{prefix}-1;{valid_cvr(first_cvr)};Firma A ApS;SMV:Grøn;100.000;15-03-2026",
        f"{prefix}-2;{valid_cvr(first_cvr + 1)};Firma B ApS;SMV:Grøn;200.000;16-03-2026",
    )


def _send(client: TestClient, content: bytes, key: str | None, dry_run: bool = False) -> Any:
    return client.post(
        IMPORTS,
        params={"dry_run": str(dry_run).lower()},
        files={"file": ("tilskud.csv", content, "text/csv")},
        headers={"Idempotency-Key": key} if key else {},
    )


def _imports(client: TestClient) -> int:
    return client.get(IMPORTS).json()["total"]


class TestIdempotencyKey:
    def test_a_repeat_gets_the_first_answer_and_applies_nothing(self, client: TestClient) -> None:
        content = _file("IDEM", 7001)
        before = _imports(client)
        first = _send(client, content, KEY)
        assert first.status_code == 200, first.text
        again = _send(client, content, KEY)
        assert again.status_code == 200
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert _imports(client) == before + 1

    def test_the_same_key_with_another_file_is_refused(self, client: TestClient) -> None:
        assert _send(client, _file("IDEM-ONE", 7051), KEY).status_code == 200
        before = _imports(client)
        response = _send(client, _file("IDEM-TWO", 7061), KEY)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["type"].endswith("/idempotency-key-reused")
        assert problem["errors"][0]["field"] == "header.Idempotency-Key"
        assert "ny nøgle" in problem["detail"]
        assert _imports(client) == before

    def test_the_service_says_whether_a_key_was_applied(self, client: TestClient) -> None:
        assert client.get(f"{IMPORTS}/by-key/{KEY}").status_code == 404
        first = _send(client, _file("IDEM-ASK", 7011), KEY)
        answer = client.get(f"{IMPORTS}/by-key/{KEY}")
        assert answer.status_code == 200
        assert answer.json()["import_id"] == first.json()["import_id"]

    def test_a_dry_run_is_not_remembered(self, client: TestClient) -> None:
        assert _send(client, _file("IDEM-DRY", 7021), KEY, dry_run=True).status_code == 200
        assert client.get(f"{IMPORTS}/by-key/{KEY}").status_code == 404

    @pytest.mark.parametrize("key", ["short", "grants/" + "a" * 64, "x" * 201])
    def test_a_malformed_key_is_a_422(self, client: TestClient, key: str) -> None:
        response = _send(client, _file("IDEM-BAD", 7031), key)
        assert response.status_code == 422, response.text

    def test_the_key_is_stored_in_its_own_table(self, client: TestClient, session: Session) -> None:
        _send(client, _file("IDEM-ROW", 7041), KEY)
        stored = session.query(IdempotentAnswer).filter_by(key=KEY).one()
        assert stored.endpoint == "POST /grants/imports" and stored.status_code == 200


BATCH = "/api/v1/cases/batch"


def _cases(decided: bool) -> dict[str, Any]:
    case = {
        "source": "sbsys",
        "external_id": "IDEM-1",
        "is_business": True,
        "received_on": "2026-02-01",
        "complete_on": "2026-02-10",
        "source_updated_at": "2026-02-10T10:00:00+00:00",
    }
    if decided:
        case |= {"decided_on": "2026-03-01", "decision": "granted"}
        case["source_updated_at"] = "2026-03-01T10:00:00+00:00"
    return {"items": [case]}


class TestCaseBatchIdempotency:
    def test_a_repeat_gets_the_first_answer_and_applies_nothing_twice(
        self, client: TestClient, admin_client: TestClient
    ) -> None:
        headers = {"Idempotency-Key": "cases-" + "b" * 40}
        first = client.post(BATCH, json=_cases(False), headers=headers)
        assert first.status_code == 200, first.text
        assert first.json()["counts"]["created"] == 1
        again = client.post(BATCH, json=_cases(False), headers=headers)
        assert again.status_code == 200
        assert again.json() == first.json()  # "created", as first answered: not "unchanged"
        assert again.headers["idempotent-replayed"] == "true"
        params = {"entity": "case", "entity_id": "sbsys/IDEM-1"}
        audited = admin_client.get("/api/v1/audit", params=params)
        assert audited.json()["total"] == 1  # ingested once

    def test_the_same_key_with_another_batch_is_refused_and_applies_nothing(
        self, client: TestClient
    ) -> None:
        headers = {"Idempotency-Key": "cases-" + "c" * 40}
        assert client.post(BATCH, json=_cases(False), headers=headers).status_code == 200
        response = client.post(BATCH, json=_cases(True), headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/idempotency-key-reused")
        case = client.get("/api/v1/cases/sbsys/IDEM-1").json()
        assert case["decided_on"] is None

    def test_without_a_key_a_batch_is_applied_as_before(self, client: TestClient) -> None:
        assert client.post(BATCH, json=_cases(False)).json()["counts"]["created"] == 1
        assert client.post(BATCH, json=_cases(False)).json()["counts"]["unchanged"] == 1


class TestConflictsSayWhenToRetry:
    def test_a_lost_race_on_a_unique_key_is_409_with_retry_after(
        self, session: Session, settings: Any
    ) -> None:
        # A real unique violation from the database, as a racing request would meet it.
        row = {"endpoint": "test", "key": KEY, "status_code": 200, "body": "{}"}
        session.add(IdempotentAnswer(**row))
        session.flush()
        with pytest.raises(IntegrityError) as raised:
            session.add(IdempotentAnswer(**row))
            session.flush()
        session.rollback()

        app = create_app(settings)

        @app.post("/race")
        def race() -> None:
            raise raised.value

        response = TestClient(app).post("/race")
        assert response.status_code == 409
        assert response.headers["retry-after"] == "1"
        assert response.headers["content-type"].startswith("application/problem+json")

    def test_a_postgresql_write_conflict_is_409_with_retry_after(
        self, engine: Engine, settings: Any
    ) -> None:
        if engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time: it answers 503 database-busy")
        # A real lock conflict from PostgreSQL, as a transaction meets a concurrent writer's.
        lock = "SELECT id FROM users ORDER BY id LIMIT 1 FOR UPDATE"
        with engine.connect() as holder, engine.connect() as waiter:
            holder.execute(text(lock))
            with pytest.raises(OperationalError) as raised:
                waiter.execute(text(lock + " NOWAIT"))
            holder.rollback()
            waiter.rollback()

        app = create_app(settings)

        @app.post("/conflict")
        def conflict() -> None:
            raise raised.value

        response = TestClient(app).post("/conflict")
        assert response.status_code == 409, response.text
        assert response.headers["retry-after"] == "1"


# ------------------------------------------------------------------- the command's client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(
        tmp_path_factory.mktemp("idem"), "Erhvervshus-import", Scope.grants_write
    ) as running:
        yield running


class DropsTheAnswer(httpx.BaseTransport):
    """The network between client and server: the import's answer is lost on the way back
    (`before=True`: the request is lost on the way there)."""

    def __init__(self, before: bool = False, everything: bool = False) -> None:
        self.inner = httpx.HTTPTransport()
        self.before, self.everything = before, everything

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        lost = httpx.RemoteProtocolError("Server disconnected", request=request)
        if self.everything or (self.before and request.method == "POST"):
            raise lost
        response = self.inner.handle_request(request)
        if request.method == "POST":
            response.read()
            response.close()
            raise lost
        return response


def _write(tmp_path: Path, prefix: str, first_cvr: int) -> Path:
    path = tmp_path / f"{prefix}.csv"
    path.write_bytes(_file(prefix, first_cvr))
    return path


def _upload(server: LiveServer, path: Path, transport: httpx.BaseTransport | None) -> Any:
    console = Console(file=io.StringIO(), width=250)
    report = upload(
        path,
        url=server.url,
        token=server.token,
        dry_run=False,
        console=console,
        transport=transport,
    )
    return report, console.file.getvalue()  # type: ignore[attr-defined]


class TestImportGrantsAfterADroppedConnection:
    def test_the_key_is_derived_from_the_file(self, tmp_path: Path) -> None:
        a, b = _write(tmp_path, "K-A", 7101), _write(tmp_path, "K-B", 7111)
        assert idempotency_key(a, None) == idempotency_key(a, None)
        assert idempotency_key(a, None) != idempotency_key(b, None)
        assert idempotency_key(a, None) != idempotency_key(a, '{"amount": "Beløb"}')

    def test_an_applied_import_is_reported_as_applied(
        self, server: LiveServer, tmp_path: Path
    ) -> None:
        path = _write(tmp_path, "DROP-AFTER", 7201)
        report, said = _upload(server, path, DropsTheAnswer())
        assert report.import_id is not None and report.counts.created == 2
        assert "importen blev gemt" in said and f"import nr. {report.import_id}" in said
        assert "Kunne ikke forbinde" not in said
        again, _ = _upload(server, path, None)  # run again: the stored answer, applied once
        assert again.import_id == report.import_id

    def test_an_import_that_never_arrived_is_reported_as_not_applied(
        self, server: LiveServer, tmp_path: Path
    ) -> None:
        path = _write(tmp_path, "DROP-BEFORE", 7301)
        with pytest.raises(ImportFailed) as failed:
            _upload(server, path, DropsTheAnswer(before=True))
        assert "importen blev ikke gemt" in failed.value.message
        assert any("sikkert at køre kommandoen igen" in line for line in failed.value.details)
        report, _ = _upload(server, path, None)
        assert report.counts.created == 2

    def test_when_the_service_cannot_be_asked_it_says_a_rerun_is_safe(
        self, server: LiveServer, tmp_path: Path
    ) -> None:
        path = _write(tmp_path, "DROP-ALL", 7401)
        with pytest.raises(ImportFailed) as failed:
            _upload(server, path, DropsTheAnswer(everything=True))
        assert "kunne ikke afgøres" in failed.value.message
        assert any("sikkert" in line for line in failed.value.details)
