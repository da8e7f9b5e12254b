"""A caller who is refused (401, 403) never opens a writing transaction: with another writer
holding the database's write lock, the refusal still comes at once, not after the busy timeout
as a 503. Each backend on a fresh database of its own, so real commits leave nothing behind."""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.auth.deps import CSRF_HEADER, SESSION_COOKIE
from api.auth.permissions import Role, Scope
from api.auth.schemas import TokenCreate, UserCreate
from api.auth.service import create_token, create_user, start_session
from api.config import Settings
from api.kit.db import make_engine
from api.kit.migrate import upgrade
from api.main import create_app
from tests.conftest import BACKENDS, fresh_postgres_database
from tests.helpers import assert_problem

BUSY_MS = 2000
PROMPT_S = 1.0  # well under the busy timeout: the refusal waited for no lock
# The tables a request may write about its caller; PostgreSQL holds them against writers.
AUTH_TABLES = "users, user_sessions, api_tokens, login_failures, audit_entries"


@dataclass(frozen=True)
class Service:
    database_url: str
    client: TestClient
    cases_token: str
    viewer_cookie: str
    viewer_csrf: str


@pytest.fixture(scope="module", params=BACKENDS)
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("lock")
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{folder / 'lock.db'}"])
    else:
        urls = fresh_postgres_database()
    database_url = next(urls)
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session:
        viewer, _ = create_user(
            session,
            UserCreate(
                email="laeser@test.lejre.dk", name="Læser", role=Role.viewer, password="x" * 12
            ),
        )
        cookie, csrf = start_session(session, Settings(), viewer)
        _, cases_token = create_token(
            session, TokenCreate(name="Sagssystem", scopes=[Scope.cases_write]), "test"
        )
        session.commit()
    engine.dispose()
    settings = Settings(
        database_url=database_url,
        migrate_on_start=False,
        frontend_dir=folder / "no-frontend",
        sqlite_busy_timeout_ms=BUSY_MS,
    )
    with TestClient(create_app(settings)) as client:
        yield Service(database_url, client, cases_token, cookie, csrf)
    next(urls, None)  # drops the PostgreSQL database


@contextmanager
def writer_holding_the_lock(database_url: str) -> Iterator[None]:
    """Another writer in the middle of its transaction, for as long as the block runs."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        # EXCLUSIVE lets plain reads through and makes any write wait.
        connection.execute(f"LOCK TABLE {AUTH_TABLES} IN EXCLUSIVE MODE")
        yield
        connection.rollback()


def timed(call):  # type: ignore[no-untyped-def]
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


CASES = "/api/v1/cases"
USERS = "/api/v1/users"


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Authorization": "Bearer erh_deadbeef_not-a-real-secret"}, id="wrong-token"),
        pytest.param({"Authorization": "Bearer nonsense"}, id="malformed-token"),
        pytest.param({"Cookie": f"{SESSION_COOKIE}=no-such-session"}, id="unknown-session"),
        pytest.param({}, id="nothing"),
    ],
)
def test_an_unauthenticated_request_is_refused_at_once_while_a_writer_holds_the_lock(
    service: Service, headers: dict[str, str]
) -> None:
    with writer_holding_the_lock(service.database_url):
        response, elapsed = timed(lambda: service.client.get(CASES, headers=headers))
    assert_problem(response, 401)
    assert elapsed < PROMPT_S


def test_a_wrong_secret_for_a_real_token_prefix_is_refused_at_once(service: Service) -> None:
    prefix = service.cases_token.split("_")[1]
    headers = {"Authorization": f"Bearer erh_{prefix}_wrong-secret"}
    with writer_holding_the_lock(service.database_url):
        response, elapsed = timed(lambda: service.client.post(CASES + "/batch", headers=headers))
    assert_problem(response, 401)
    assert elapsed < PROMPT_S


def test_an_unauthorised_request_is_refused_at_once(service: Service) -> None:
    viewer = {"Cookie": f"{SESSION_COOKIE}={service.viewer_cookie}"}
    cases_client = {"Authorization": f"Bearer {service.cases_token}"}
    calls = [
        lambda: service.client.get(USERS, headers=viewer),  # admin only
        lambda: service.client.post(  # a write without the CSRF header
            "/api/v1/organizations", json={"name": "X"}, headers=viewer
        ),
        lambda: service.client.get(USERS, headers=cases_client),  # the token's scope is cases
    ]
    with writer_holding_the_lock(service.database_url):
        answers = [timed(call) for call in calls]
    for response, elapsed in answers:
        assert_problem(response, 403)
        assert elapsed < PROMPT_S


def test_an_allowed_request_still_reads_and_writes(service: Service) -> None:
    """And the refusals above took nothing from it: the lock released, the caller is served."""
    viewer = {
        "Cookie": f"{SESSION_COOKIE}={service.viewer_cookie}",
        CSRF_HEADER: service.viewer_csrf,
    }
    assert service.client.get("/api/v1/auth/me", headers=viewer).status_code == 200
    cases_client = {"Authorization": f"Bearer {service.cases_token}"}
    item = {
        "source": "sbsys",
        "external_id": "L-1",
        "is_business": True,
        "received_on": "2026-02-01",
        "source_updated_at": "2026-02-01T10:00:00+00:00",
    }
    response = service.client.post(CASES + "/batch", json={"items": [item]}, headers=cases_client)
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["created"] == 1


def test_a_refused_request_leaves_its_caller_unrecorded(service: Service) -> None:
    """Nothing about a wrong token is written: no failure row, no audit entry."""
    engine = make_engine(service.database_url)
    try:
        with engine.connect() as connection:
            before = connection.exec_driver_sql("SELECT count(*) FROM audit_entries").scalar()
        service.client.get(CASES, headers={"Authorization": "Bearer erh_x_y"})
        with engine.connect() as connection:
            after = connection.exec_driver_sql("SELECT count(*) FROM audit_entries").scalar()
    finally:
        engine.dispose()
    assert after == before
