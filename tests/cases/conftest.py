"""The case system as a client: a token with the cases:write scope only, in process or against
a live server."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.auth.permissions import Scope
from tests.live_server import LiveServer, live_server


@pytest.fixture
def machine(admin_client: TestClient, anon_client: TestClient) -> TestClient:
    """The case system: a token with the cases:write scope only."""
    response = admin_client.post(
        "/api/v1/tokens", json={"name": "Sagssystem", "scopes": ["cases:write"]}
    )
    assert response.status_code == 201, response.text
    anon_client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return anon_client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving create_app() on a fresh SQLite file, once for the module."""
    with live_server(
        tmp_path_factory.mktemp("live-cases"), "Sagssystem", Scope.cases_write
    ) as running:
        yield running
