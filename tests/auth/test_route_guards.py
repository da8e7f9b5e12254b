"""Every route is guarded: a new route without a permission fails this suite.

The routes come from the app's own OpenAPI schema, so nothing is listed by hand except the few
routes that are meant to be open or open to every role.
"""

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app

PUBLIC = {("POST", "/api/v1/auth/login")}
ANY_LOGGED_IN = {
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/password"),
}
ADMIN_PREFIXES = ("/api/v1/users", "/api/v1/tokens", "/api/v1/audit")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _routes() -> list[tuple[str, str]]:
    paths = create_app().openapi()["paths"]
    routes = [(m.upper(), p) for p, ops in paths.items() for m in ops if p.startswith("/api/")]
    assert len(routes) > 30
    return routes


ROUTES = _routes()


def _url(path: str) -> str:
    return re.sub(r"\{year\}", "2026", re.sub(r"\{\w+_id\}", "1", path))


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r not in PUBLIC])
def test_without_credentials_gets_401(anon_client: TestClient, method: str, path: str) -> None:
    response = anon_client.request(method, _url(path), json={})
    assert response.status_code == 401, (method, path, response.text)


@pytest.mark.parametrize(
    ("method", "path"),
    [r for r in ROUTES if r[0] in UNSAFE and r not in PUBLIC | ANY_LOGGED_IN],
)
def test_a_viewer_may_change_nothing(viewer_client: TestClient, method: str, path: str) -> None:
    response = viewer_client.request(method, _url(path), json={})
    assert response.status_code == 403, (method, path, response.text)


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[1].startswith(ADMIN_PREFIXES)])
def test_an_editor_cannot_administer(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, _url(path), json={})
    assert response.status_code == 403, (method, path, response.text)


def test_a_viewer_never_sees_an_email_address(viewer_client: TestClient) -> None:
    checked = 0
    for method, path in ROUTES:
        if method != "GET" or path == "/api/v1/auth/me":
            continue
        response = viewer_client.get(_url(path), params={"limit": 500})
        if response.status_code == 200:
            checked += 1
            assert not EMAIL.search(response.text), (path, EMAIL.search(response.text))
    assert checked > 10
