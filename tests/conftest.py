"""Test database per backend (SQLite always, PostgreSQL when ERHVERV_TEST_POSTGRES_URL is set).

Each database is built by `alembic upgrade head` and holds the shipped 2026 plan; every test
runs inside a transaction that is rolled back, and each request gets its own session on a
SAVEPOINT of it, so the request's commit is real but the test leaves nothing behind.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from api.auth.deps import CSRF_HEADER, SESSION_COOKIE
from api.auth.models import User
from api.auth.permissions import Role
from api.auth.schemas import UserCreate
from api.auth.service import create_user, start_session
from api.config import DEFAULT_PLAN_FILE, Settings
from api.kit.db import make_engine
from api.kit.migrate import upgrade
from api.main import create_app
from api.plan_data.bootstrap import load_plan_path

POSTGRES_URL = os.environ.get("ERHVERV_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def fresh_postgres_database() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    assert POSTGRES_URL
    base = make_url(POSTGRES_URL)
    if base.drivername in ("postgresql", "postgres"):
        base = base.set(drivername="postgresql+psycopg")
    name = f"erhverv_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        yield from fresh_postgres_database()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", BACKENDS, indirect=True, scope="session")


# One user per role, created once per database; tests log in as them.
USERS = {
    Role.viewer: ("viewer@test.lejre.dk", "Test Læser"),
    Role.editor: ("editor@test.lejre.dk", "Test Redaktør"),
    Role.admin: ("admin@test.lejre.dk", "Test Administrator"),
}
PASSWORD = "korrekt-hest-batteri"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        load_plan_path(session, DEFAULT_PLAN_FILE)
        for role, (email, name) in USERS.items():
            create_user(session, UserCreate(email=email, name=name, role=role, password=PASSWORD))
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url, migrate_on_start=False, frontend_dir=tmp_path / "no-frontend"
    )


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    app = create_app(settings)
    app.state.session_factory = session_factory
    return app


LoginAs = Callable[[Role | None], TestClient]


@pytest.fixture
def login_as(
    app: FastAPI, settings: Settings, session_factory: sessionmaker[Session]
) -> Iterator[LoginAs]:
    """A client logged in with a real session cookie and its CSRF token (None: anonymous)."""
    clients: list[TestClient] = []

    def make(role: Role | None) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        if role is None:
            return client
        with session_factory() as session:
            user = session.scalars(select(User).where(User.email == USERS[role][0])).one()
            token, csrf = start_session(session, settings, user)
            session.commit()
        client.cookies.set(SESSION_COOKIE, token)
        client.headers[CSRF_HEADER] = csrf
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(login_as: LoginAs) -> TestClient:
    """An editor: writes plan data and measurements, reads personal data."""
    return login_as(Role.editor)


@pytest.fixture
def viewer_client(login_as: LoginAs) -> TestClient:
    return login_as(Role.viewer)


@pytest.fixture
def admin_client(login_as: LoginAs) -> TestClient:
    return login_as(Role.admin)


@pytest.fixture
def anon_client(login_as: LoginAs) -> TestClient:
    return login_as(None)
