"""Security headers: on every answer; HSTS from ERHVERV_PUBLIC_URL; personal data never stored
by a cache; the API docs from our own files; no server banner from `erhverv serve`."""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import HttpUrl
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.main import create_app
from tests.events.helpers import make_event, register


@pytest.mark.parametrize("path", ["/health", "/api/v1/plans/2026", "/api/v1/nope", "/"])
def test_every_response_has_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "strict-transport-security" not in headers  # no https public URL set


def https_app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    public = settings.model_copy(update={"public_url": HttpUrl("https://erhverv.lejre.dk")})
    app = create_app(public)
    app.state.session_factory = session_factory
    return app


def test_an_https_public_url_adds_hsts_whatever_the_proxy_says(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    client = TestClient(https_app(settings, session_factory))  # plain http, as from a proxy
    for path in ("/health", "/api/v1/plans/2026", "/docs"):
        headers = client.get(path, headers={"X-Forwarded-Proto": "http"}).headers
        assert headers["strict-transport-security"] == "max-age=31536000"


class TestNoStore:
    @pytest.fixture
    def person_and_event(self, client: TestClient) -> tuple[int, int]:
        event = make_event(client)
        registration = register(client, event["id"])
        assert registration.status_code == 201, registration.text
        return registration.json()["person_id"], event["id"]

    def test_personal_data_is_never_stored(
        self, client: TestClient, person_and_event: tuple[int, int]
    ) -> None:
        person, event = person_and_event
        for path in (
            "/api/v1/people",
            f"/api/v1/people/{person}",
            f"/api/v1/people/{person}/export",
            f"/api/v1/events/{event}/registrations",
            "/api/v1/auth/me",
            "/api/v1/people/999999",  # an error answer of such a route too
        ):
            response = client.get(path)
            assert response.headers.get_list("cache-control") == ["no-store"], path

    def test_the_admins_lists_are_never_stored(self, admin_client: TestClient) -> None:
        for path in ("/api/v1/users", "/api/v1/tokens", "/api/v1/audit"):
            assert admin_client.get(path).headers["cache-control"] == "no-store", path

    def test_the_login_answer_is_never_stored(self, anon_client: TestClient) -> None:
        body = {"email": "viewer@test.lejre.dk", "password": "korrekt-hest-batteri"}
        assert anon_client.post("/api/v1/auth/login", json=body).headers["cache-control"] == (
            "no-store"
        )

    def test_plan_data_may_be_cached(self, client: TestClient) -> None:
        assert "no-store" not in client.get("/api/v1/plans/2026").headers.get("cache-control", "")


class TestDocs:
    @pytest.mark.parametrize("page", ["/docs", "/redoc"])
    def test_the_docs_load_no_third_party_script(self, client: TestClient, page: str) -> None:
        response = client.get(page)
        assert response.status_code == 200
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', response.text)
        assert sources and all(s.startswith("/docs/assets/") for s in sources), sources
        for source in sources:
            asset = client.get(source)
            assert asset.status_code == 200 and len(asset.content) > 1000, source
        csp = response.headers["content-security-policy"]
        assert "http" not in csp and "script-src 'self' 'unsafe-inline'" in csp

    def test_the_docs_read_the_openapi_document(self, client: TestClient) -> None:
        assert "/openapi.json" in client.get("/docs").text
        assert client.get("/openapi.json").status_code == 200


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`erhverv serve` in a subprocess on a fresh SQLite database, as `make run` serves it."""
    folder = tmp_path_factory.mktemp("serve")
    env = {
        **os.environ,
        "ERHVERV_DATABASE_URL": f"sqlite:///{folder / 'serve.db'}",
        "ERHVERV_FRONTEND_DIR": str(folder / "none"),
    }
    env.pop("ERHVERV_TRUSTED_PROXIES", None)
    port = free_port()
    erhverv = Path(sys.executable).with_name("erhverv")
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [str(erhverv), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_serve_sends_no_server_banner(served: str) -> None:
    response = httpx.get(f"{served}/health")
    assert response.status_code == 200
    assert "server" not in response.headers


def test_serve_ignores_x_forwarded_for_from_loopback(served: str) -> None:
    """Without ERHVERV_TRUSTED_PROXIES, a header cannot make each failed login come from a
    new address: five from here lock this address out for the account, whatever it says."""
    with httpx.Client(base_url=served) as client:
        for n in range(5):
            response = client.post(
                "/api/v1/auth/login",
                json={"email": "admin@erhverv.lejre.dk", "password": "forkert"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
            assert response.status_code == 401
        response = client.post(
            "/api/v1/auth/login",
            json={"email": "admin@erhverv.lejre.dk", "password": "forkert"},
            headers={"X-Forwarded-For": "198.51.100.1"},
        )
        assert response.status_code == 429
