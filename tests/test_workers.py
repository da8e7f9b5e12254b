"""`erhverv serve --workers 2` on one PostgreSQL: two processes behind one port share what must
be shared through the database, so a client cannot tell which one answered: a login made on
one is valid on the other, the CSRF rule holds on both, failed logins count across both, and
neither serves a figure or an ETag older than the last write made through the other."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.auth.permissions import Role
from api.auth.schemas import UserCreate
from api.auth.service import create_user
from api.kit.db import make_engine
from api.kit.migrate import upgrade
from tests.conftest import POSTGRES_URL, fresh_postgres_database
from tests.live_server import served

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="several workers serve PostgreSQL: set ERHVERV_TEST_POSTGRES_URL"
)

EDITOR = "redaktoer@test.lejre.dk"
PASSWORD = "korrekt-hest-batteri-stald"
PROGRESS = "/api/v1/plans/2026/progress"
AT = {"evaluation_date": "2026-12-31"}
ROUNDS = 24  # requests per check: both processes answer some, whichever the kernel picks


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    for database_url in fresh_postgres_database():
        engine = make_engine(database_url)
        upgrade(engine)
        with Session(engine) as session:
            create_user(
                session,
                UserCreate(email=EDITOR, name="Redaktør", role=Role.editor, password=PASSWORD),
            )
            session.commit()
        engine.dispose()
        yield database_url


@pytest.fixture(scope="module")
def url(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("workers")
    env = {"ERHVERV_LOGIN_SLOWDOWN_SECONDS": "0"}
    with served(folder, database, workers=2, env=env) as base:
        yield base


@contextmanager
def logged_in(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        login = {"email": EDITOR, "password": PASSWORD}
        response = client.post("/api/v1/auth/login", json=login)
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        yield client


def goal_id(client: httpx.Client, key: str) -> int:
    items = client.get("/api/v1/plans/2026/goals", params={"limit": 500}).json()["items"]
    return next(g["id"] for g in items if g["key"] == key)


def recorded(body: Any, goal: int) -> Any:
    for track in body.get("tracks", []) if isinstance(body, dict) else []:
        for initiative in track.get("initiatives", []):
            for item in initiative.get("goals", []):
                if item["goal_id"] == goal:
                    return (item.get("recorded") or {}).get("value")
    for item in body.get("goals", []) if isinstance(body, dict) else []:
        if item["goal_id"] == goal:
            return (item.get("recorded") or {}).get("value")
    raise AssertionError(f"goal {goal} not in progress")


def test_two_worker_processes_serve(url: str) -> None:
    assert {httpx.get(f"{url}/health").status_code for _ in range(ROUNDS)} == {200}


def test_a_login_holds_on_every_worker_and_so_does_csrf(url: str) -> None:
    with logged_in(url) as client:
        assert {client.get("/api/v1/auth/me").status_code for _ in range(ROUNDS)} == {200}
        csrf = client.headers.pop("X-CSRF-Token")
        body = {"name": "Serie uden CSRF"}
        refused = {client.post("/api/v1/event-series", json=body).status_code for _ in range(8)}
        assert refused == {403}
        client.headers["X-CSRF-Token"] = csrf
        response = client.post("/api/v1/event-series", json={"name": "Serie med CSRF"})
        assert response.status_code == 201, response.text


def test_failed_logins_count_across_the_workers(url: str) -> None:
    wrong = {"email": "ukendt@test.lejre.dk", "password": "forkert-forkert"}
    codes = [httpx.post(f"{url}/api/v1/auth/login", json=wrong).status_code for _ in range(8)]
    assert codes == [401] * 5 + [429] * 3


def test_no_worker_serves_a_figure_or_an_etag_older_than_the_last_write(url: str) -> None:
    with logged_in(url) as client:
        goal = goal_id(client, "plan-deltagere")
        etags = {client.get(PROGRESS, params=AT).headers["etag"] for _ in range(ROUNDS)}
        assert len(etags) == 1  # both workers: the same version, the same ETag
        old = etags.pop()
        for value in (111, 222, 333):
            response = client.post(
                f"/api/v1/goals/{goal}/measurements",
                json={"measured_on": "2026-06-30", "value": value},
            )
            assert response.status_code == 201, response.text
            answers = [
                client.get(PROGRESS, params=AT, headers={"If-None-Match": old})
                for _ in range(ROUNDS)
            ]
            assert {a.status_code for a in answers} == {200}
            assert {recorded(a.json(), goal) for a in answers} == {value}
            new = {a.headers["etag"] for a in answers}
            assert len(new) == 1 and old not in new
            old = new.pop()
            replays = {
                client.get(PROGRESS, params=AT, headers={"If-None-Match": old}).status_code
                for _ in range(ROUNDS)
            }
            assert replays == {304}


def test_the_workers_outlive_their_database_connections(url: str, database: str) -> None:
    """Every connection of the service ended, as a restart of PostgreSQL ends them: the next
    requests are answered on new ones, none with an error (the pool pings its connections
    before use; the event loop's own connection is replaced when found gone)."""
    with logged_in(url) as client:
        assert {client.get(PROGRESS, params=AT).status_code for _ in range(ROUNDS)} == {200}
        engine = make_engine(database)
        with engine.connect() as connection:
            ended = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
        engine.dispose()
        assert ended and ended >= 2  # at least each worker's own connection
        answers = [client.get(PROGRESS, params=AT) for _ in range(ROUNDS)]
        assert {a.status_code for a in answers} == {200}, [a.text for a in answers][:2]
        assert client.get("/api/v1/plans/2026/goals").status_code == 200
