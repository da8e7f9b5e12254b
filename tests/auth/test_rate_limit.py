"""Limits for machine clients: a token sends at most its limit of requests a minute (its own,
or the service's default); the next is 429 with Retry-After. Staff logins are not limited."""

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.main import create_app

PLANS = "/api/v1/plans"


def token(admin: TestClient, limit: int | None) -> dict[str, str]:
    body: dict[str, object] = {"name": "Maskine", "scopes": ["read"]}
    if limit is not None:
        body["requests_per_minute"] = limit
    response = admin.post("/api/v1/tokens", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["requests_per_minute"] == limit
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def limited_app(
    settings: Settings, session_factory: sessionmaker[Session]
) -> Callable[[int], FastAPI]:
    def make(default: int) -> FastAPI:
        app = create_app(settings.model_copy(update={"token_requests_per_minute": default}))
        app.state.session_factory = session_factory
        return app

    return make


def test_a_token_over_its_own_limit_gets_429_with_retry_after(
    admin_client: TestClient, anon_client: TestClient
) -> None:
    headers = token(admin_client, 3)
    assert [anon_client.get(PLANS, headers=headers).status_code for _ in range(3)] == [200] * 3
    refused = anon_client.get(PLANS, headers=headers)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    problem = refused.json()
    assert problem["type"].endswith("/too-many-requests")
    assert "3 forespørgsler i minuttet" in problem["detail"]
    # Another token is counted on its own.
    assert anon_client.get(PLANS, headers=token(admin_client, 3)).status_code == 200


def test_the_default_limit_applies_to_tokens_and_not_to_staff(
    admin_client: TestClient, limited_app: Callable[[int], FastAPI]
) -> None:
    headers = token(admin_client, None)
    app = limited_app(2)
    with TestClient(app) as machine:
        codes = [machine.get(PLANS, headers=headers).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # The administrator's login session, on the same app.
    with TestClient(app, cookies=dict(admin_client.cookies)) as logged_in:
        assert [logged_in.get(PLANS).status_code for _ in range(5)] == [200] * 5


def test_a_limit_out_of_range_is_refused(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/api/v1/tokens", json={"name": "x", "scopes": ["read"], "requests_per_minute": 0}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.requests_per_minute"
