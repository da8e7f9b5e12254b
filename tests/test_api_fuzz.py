"""Schemathesis over the committed openapi.yaml against the real app, served by uvicorn on a
fresh database of its own: every check (server errors, response schemas, status codes, content
types, headers, negative data refused, positive data accepted, missing required headers,
undeclared methods, Allow) in the coverage, fuzzing and stateful phases, as an editor's API
token and as an administrator's login. It must find nothing. An anonymous caller gets 401 or
403 from every operation that is not public.

The schema states the rules the server enforces; tests/fuzz_hooks.py holds only what JSON
Schema cannot state (the CVR check digit, rules between fields and against today) and forgives
only refusals the data decides, as the server types them (unknown_reference, required_by_data).

The examples per operation are bounded (`FUZZ_EXAMPLES`, default 5) and the seed fixed, so a
run takes about a minute per identity and database and finds the same things every time;
`ERHVERV_FUZZ_EXAMPLES=100` runs it as long as an outside tester would.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.auth.deps import CSRF_HEADER
from api.auth.models import User
from api.auth.permissions import Role, Scope
from api.auth.schemas import UserCreate
from api.auth.service import create_user, start_session
from api.config import Settings
from tests.conftest import POSTGRES_URL, fresh_postgres_database
from tests.live_server import new_token, served

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "openapi.yaml"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
EXAMPLES = int(os.environ.get("ERHVERV_FUZZ_EXAMPLES", "5"))
SEED = 2026

# Operations anyone may call.
PUBLIC = {("POST", "/api/v1/auth/login"), ("GET", "/health"), ("GET", "/ready")}
# An administrator's own login is the identity under test: the run must not end it or change
# its password (both are tested in tests/auth).
KEEP_THE_LOGIN = ["/api/v1/auth/logout", "/api/v1/auth/password"]

BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
HOOKS = "tests.fuzz_hooks"
# The run's secrets, handed to schemathesis in its environment (never on its command line).
secrets: dict[str, str] = {}


@dataclass(frozen=True)
class Served:
    url: str
    database_url: str


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    """`erhverv serve` on a database no other test shares (the run commits what it
    generates), in a process of its own as deployed."""
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'fuzz.db'}"
        with served(tmp_path, database_url) as url:
            yield Served(url, database_url)
    else:
        for database_url in fresh_postgres_database():
            with served(tmp_path, database_url) as url:
                yield Served(url, database_url)


def editor_token(server: Served) -> str:
    scopes = [Scope.read, Scope.personal_read, Scope.write, Scope.grants_write, Scope.cases_write]
    # A fuzzing run sends thousands of requests a minute: not what the token limit is for.
    return new_token(server.database_url, "Fuzz-redaktør", scopes, requests_per_minute=100_000)


def admin_login(server: Served) -> tuple[str, str]:
    """A real administrator's session cookie and CSRF token."""
    engine = create_engine(server.database_url)
    try:
        with Session(engine) as session:
            email = "fuzz-admin@test.lejre.dk"
            user = session.scalar(select(User).where(User.email == email))
            if user is None:
                user, _ = create_user(
                    session,
                    UserCreate(
                        email=email,
                        name="Fuzz Administrator",
                        role=Role.admin,
                        password="korrekt-hest-batteri",
                    ),
                )
            token, csrf = start_session(session, Settings(database_url=server.database_url), user)
            session.commit()
    finally:
        engine.dispose()
    return token, csrf


def run_schemathesis(
    server: Served, tmp_path: Path, auth: str, *headers: str, exclude: list[str]
) -> None:
    """Run it with the repository's settings and `auth`, a config section naming the secret
    by an environment variable (schemathesis then knows it as the operation's security scheme
    and checks that a request without it is refused)."""
    assert shutil.which(str(SCHEMATHESIS)), "schemathesis is a dev dependency: make install"
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        (ROOT / "schemathesis.toml").read_text(encoding="utf-8") + "\n" + auth, encoding="utf-8"
    )
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        str(OPENAPI),
        "--url",
        server.url,
        # Every check runs by default; naming them (--checks all) would also override the
        # per-operation settings of schemathesis.toml.
        "--phases",
        "coverage,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--no-color",
        # A hang still fails; a slow answer on a busy shared machine is not what this tests.
        "--request-timeout",
        "60",
    ]
    for header in headers:
        command += ["--header", header]
    for path in exclude:
        command += ["--exclude-path", path]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        env=os.environ | secrets | {"SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)},
    )
    summary = result.stdout[result.stdout.find("=== SUMMARY") :] if result.stdout else ""
    assert result.returncode == 0, (
        f"schemathesis found failures (exit {result.returncode}):\n{result.stdout[-20000:]}"
        f"\n{result.stderr[-4000:]}\n{summary}"
    )


def test_an_editors_token_finds_nothing(server: Served, tmp_path: Path) -> None:
    secrets["FUZZ_TOKEN"] = editor_token(server)
    auth = '[auth.openapi.HTTPBearer]\nbearer = "${FUZZ_TOKEN}"\n'
    run_schemathesis(server, tmp_path, auth, exclude=[])


def test_an_administrators_login_finds_nothing(server: Served, tmp_path: Path) -> None:
    token, csrf = admin_login(server)
    secrets["FUZZ_SESSION"] = token
    auth = '[auth.openapi.APIKeyCookie]\napi_key = "${FUZZ_SESSION}"\n'
    run_schemathesis(server, tmp_path, auth, f"{CSRF_HEADER}: {csrf}", exclude=KEEP_THE_LOGIN)


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]


def _filled(path: str) -> str:
    """The path with 1 for every parameter: the caller is refused before it is looked up."""
    parts = [("1" if part.startswith("{") else part) for part in path.split("/")]
    return "/".join(parts)


def test_an_anonymous_caller_gets_only_401_or_403(server: Served) -> None:
    answers: dict[str, int] = {}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for method, path, _ in _operations():
            if (method, path) in PUBLIC:
                continue
            response = client.request(method, _filled(path), json={} if method != "GET" else None)
            answers[f"{method} {path}"] = response.status_code
    wrong = {operation: status for operation, status in answers.items() if status not in (401, 403)}
    assert answers and not wrong, wrong
