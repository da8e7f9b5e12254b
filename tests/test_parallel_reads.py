"""Readers beside a writer on the embedded SQLite database: a read never takes the write lock,
so it neither waits for a long import nor fails because of one; the token's last use it would
record is skipped then, not waited for, and recorded by a later request."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import ApiToken
from api.auth.permissions import Scope
from api.config import Settings
from api.db import make_engine
from api.main import create_app
from api.migrate import upgrade
from tests.grants.helpers import CSV, CVR_A, HEADER, IMPORTS, semicolons
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
