"""Readers beside a writer on the embedded SQLite database: a read never takes the write lock,
so it neither waits for a long import nor fails because of one; the token's last use it would
record is skipped then, not waited for, and recorded by a later request."""

import io
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from api.auth.models import ApiToken
from api.auth.permissions import Scope
from api.config import Settings
from api.grants import importer
from api.grants.models import Grant
from api.kit.db import begin_for_writing, make_engine, reading_beside
from api.kit.migrate import upgrade
from api.main import create_app
from tests.grants.helpers import CSV, CVR_A, CVR_B, CVR_C, HEADER, IMPORTS, semicolons
from tests.live_server import new_token


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path / 'parallel.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    yield database_url


@pytest.fixture
def client(database: str, tmp_path: Path) -> Iterator[TestClient]:
    # A writer that waited would be refused after 100 ms: a read that waited would fail too.
    settings = Settings(
        database_url=database,
        migrate_on_start=False,
        frontend_dir=tmp_path / "no-frontend",
        sqlite_busy_timeout_ms=100,
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def read_token(database: str) -> str:
    return new_token(database, "Læser", Scope.read)


@pytest.fixture
def case_token(database: str) -> str:
    return new_token(database, "Sagssystem", Scope.cases_write)


@pytest.fixture
def holder(database: str) -> Iterator[sqlite3.Connection]:
    """Another writer, in the middle of a long import: it holds the write lock and has
    written rows it has not committed."""
    connection = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("CREATE TABLE import_in_progress (row INTEGER)")
    connection.execute("INSERT INTO import_in_progress VALUES (1)")
    yield connection
    connection.execute("ROLLBACK")
    connection.close()


def last_used(database_url: str, token: str) -> object:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            prefix = token.split("_")[1]
            return session.scalar(select(ApiToken.last_used_at).where(ApiToken.prefix == prefix))
    finally:
        engine.dispose()


def test_a_read_while_another_writer_holds_the_lock_is_answered(
    database: str, client: TestClient, read_token: str, holder: sqlite3.Connection
) -> None:
    token = read_token
    headers = {"Authorization": f"Bearer {token}"}
    for path in ["/api/v1/plans", "/api/v1/cases", "/api/v1/events"]:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)


def test_the_last_use_is_skipped_under_a_held_lock_and_recorded_after(
    database: str, client: TestClient, read_token: str, holder: sqlite3.Connection
) -> None:
    token = read_token
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/plans", headers=headers).status_code == 200
    assert last_used(database, token) is None  # skipped: the lock was held
    holder.execute("ROLLBACK")
    holder.execute("BEGIN")  # the fixture's ROLLBACK ends this one
    assert client.get("/api/v1/plans", headers=headers).status_code == 200
    assert last_used(database, token) is not None


def test_a_write_still_waits_its_turn_and_is_refused_503(
    database: str, client: TestClient, case_token: str, holder: sqlite3.Connection
) -> None:
    token = case_token
    case = {
        "source": "sbsys",
        "external_id": "C-1",
        "is_business": True,
        "received_on": "2026-02-01",
        "source_updated_at": "2026-02-01T10:00:00+00:00",
    }
    response = client.post(
        "/api/v1/cases/batch",
        json={"items": [case]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"


def test_a_grant_file_is_read_and_checked_before_the_import_takes_the_lock(
    database: str, client: TestClient
) -> None:
    """A long import keeps the other writers waiting only while it writes: its file is read
    and checked, and a send already answered is answered again, without the write lock."""
    headers = {"Authorization": f"Bearer {new_token(database, 'Hub', Scope.grants_write)}"}
    rows = semicolons(HEADER, f"ESH-1;{CVR_A};Skovgaard ApS;SMV:Grøn;2.242.000;15-03-2026")
    files = {"file": ("tilskud.csv", rows, CSV)}
    keyed = headers | {"Idempotency-Key": "tilskud-" + "a" * 40}
    first = client.post(IMPORTS, files=files, headers=keyed)
    assert first.status_code == 200, first.text

    holder = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE import_in_progress (row INTEGER)")
    try:
        again = client.post(IMPORTS, files=files, headers=keyed)
        assert (again.status_code, again.json()) == (200, first.json())
        empty = client.post(IMPORTS, files={"file": ("tom.csv", semicolons(HEADER), CSV)},
                            headers=headers)  # fmt: skip
        assert empty.status_code == 422, empty.text
        waiting = client.post(IMPORTS, files=files, headers=headers)
        assert waiting.status_code == 503, waiting.text  # writing still waits its turn
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_dry_run_takes_no_write_lock(database: str, client: TestClient) -> None:
    """A dry run matches the file without writing, so it is answered beside a held lock."""
    headers = {"Authorization": f"Bearer {new_token(database, 'Hub', Scope.grants_write)}"}
    rows = semicolons(HEADER, f"ESH-1;{CVR_A};Skovgaard ApS;SMV:Grøn;2.242.000;15-03-2026")
    holder = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE import_in_progress (row INTEGER)")
    try:
        answer = client.post(
            IMPORTS,
            params={"dry_run": "true"},
            files={"file": ("tilskud.csv", rows, CSV)},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["counts"]["created"] == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# Two chunks of two rows: the second chunk matches against the first one's staged rows.
GRANTS = semicolons(
    HEADER,
    f"ESH-1;{CVR_A};Skovgaard ApS;SMV:Grøn;2.242.000;15-03-2026",
    f"ESH-2;{CVR_B};Lejre Maskinfabrik A/S;SMV:Digital;100.000;15-03-2026",
    f"ESH-1;{CVR_A};Skovgaard ApS;SMV:Grøn;2.242.000;15-03-2026",
    f"ESH-3;{CVR_C};Hvalsø Bageri;SMV:Pro;1.500;02-01-2026",
    f";{CVR_C};Hvalsø Bageri;SMV:Pro;1.500;02-01-2026",
)


@pytest.fixture
def engine(database: str) -> Iterator[Engine]:
    engine = make_engine(database, busy_timeout_ms=100)
    yield engine
    engine.dispose()


def staged_import(
    engine: Engine, content: bytes, *, between: Any = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Stage the file on a reading session, call `between`, then apply it under the lock."""
    file = io.BytesIO(content)
    upload = importer.read_grants_table(file, filename="t.csv", content_type=CSV, mapping=None)
    with Session(engine) as session, reading_beside(session) as reading:
        checked = importer.check_rows(reading, upload, keep_rows=True, today=date(2026, 6, 1))
        staged = importer.stage_rows(reading, checked)
        assert staged is not None
        if between is not None:
            between()
        begin_for_writing(session)
        report, rows = importer.import_grants(session, checked, dry_run=False, staged=staged)
        session.commit()
    return report.counts.model_dump(), [row.as_dict({}) for row in rows]


def stored_grants(engine: Engine) -> list[tuple[Any, ...]]:
    with Session(engine) as session:
        query = select(Grant.reference, Grant.amount, Grant.granted_on, Grant.import_row)
        return [tuple(row) for row in session.execute(query.order_by(Grant.id))]


def test_an_import_is_matched_beside_a_held_lock_and_takes_it_only_to_apply(
    database: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    holder = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE import_in_progress (row INTEGER)")

    def apply_waits_for_the_lock_then_gets_it() -> None:
        with Session(engine) as other, pytest.raises(OperationalError, match="locked"):
            begin_for_writing(other)
        holder.execute("ROLLBACK")
        holder.close()

    counts, rows = staged_import(engine, GRANTS, between=apply_waits_for_the_lock_then_gets_it)
    assert counts == {"rows": 5, "created": 3, "updated": 0, "unchanged": 0, "duplicate": 2,
                      "rejected": 0}  # fmt: skip
    assert [(row["row"], row["outcome"]) for row in rows] == [
        (2, "created"), (3, "created"), (4, "duplicate"), (5, "created"), (6, "duplicate")
    ]  # fmt: skip
    assert rows[2]["messages"][0]["message"].startswith("the same grant as row 2")
    assert rows[4]["messages"][0]["message"].startswith("the same grant as row 5")
    assert stored_grants(engine) == [
        ("ESH-1", 2242000, date(2026, 3, 15), 2),
        ("ESH-2", 100000, date(2026, 3, 15), 3),
        ("ESH-3", 1500, date(2026, 1, 2), 5),
    ]


def test_a_grant_changed_while_staging_is_matched_again_under_the_lock(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    staged_import(engine, GRANTS)
    changed = GRANTS.replace(b"100.000", b"200.000")  # ESH-2 changed in the file

    def change_grants() -> None:  # ESH-1 changed and ESH-3 removed meanwhile
        with Session(engine) as other:
            for grant in other.scalars(select(Grant)):
                if grant.reference == "ESH-1":
                    grant.amount = 5
                elif grant.reference == "ESH-3":
                    other.delete(grant)
            other.commit()

    counts, rows = staged_import(engine, changed, between=change_grants)
    after = stored_grants(engine)

    # The same file imported afresh into the same changed grants.
    staged_import(engine, GRANTS)  # back as they were
    change_grants()
    fresh_counts, fresh_rows = staged_import(engine, changed)
    assert (counts, rows) == (fresh_counts, fresh_rows)
    assert counts == {"rows": 5, "created": 1, "updated": 2, "unchanged": 0, "duplicate": 2,
                      "rejected": 0}  # fmt: skip
    assert after == stored_grants(engine)
    assert [(reference, amount) for reference, amount, _, _ in after] == [
        ("ESH-1", 2242000), ("ESH-2", 200000), ("ESH-3", 1500)
    ]  # fmt: skip
