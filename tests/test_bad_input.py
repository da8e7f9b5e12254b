"""Bad input anywhere gets a 4xx problem+json, never a 500."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app

GARBAGE_BODIES = [b"not json", b"[]", b'{"year": "abc", "title": 5}', b"null", b'{"\\ud800": 1}']


def _api_routes() -> list[tuple[str, str]]:
    app = create_app()
    schema = app.openapi()
    routes = []
    for path, operations in schema["paths"].items():
        for method in operations:
            if path.startswith("/api/"):
                routes.append((method.upper(), path))
    assert len(routes) > 20, "the route walk found too few API routes"
    return routes


def _fill(path: str) -> str:
    return (
        path.replace("{year}", "2026")
        .replace("{goal_id}", "1")
        .replace("{initiative_id}", "1")
        .replace("{measurement_id}", "1")
        .replace("{strategy_id}", "1")
    )


@pytest.mark.parametrize(("method", "path"), _api_routes())
def test_garbage_never_gives_a_500(client: TestClient, method: str, path: str) -> None:
    url = _fill(path)
    for body in GARBAGE_BODIES:
        response = client.request(
            method,
            url,
            content=body,
            params={"limit": "x"},
            headers={"content-type": "application/json", "If-Match": "zz"},
        )
        assert response.status_code < 500, (method, url, body, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("path", ["/api/v1/plans/abc", "/api/v1/goals/abc", "/api/v1/plans/99999"])
def test_malformed_ids_are_4xx(client: TestClient, path: str) -> None:
    assert 400 <= client.get(path).status_code < 500
