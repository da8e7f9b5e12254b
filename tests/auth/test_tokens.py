"""API tokens for machine clients: shown once, hashed, scoped, expiring, revocable."""

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.auth.models import ApiToken
from api.cli import app as cli
from api.config import Settings
from api.kit.db import utcnow
from tests.helpers import assert_problem

TOKENS = "/api/v1/tokens"


def _token(admin: TestClient, *scopes: str, name: str = "Sagssystem") -> dict:  # type: ignore[type-arg]
    response = admin.post(TOKENS, json={"name": name, "scopes": list(scopes)})
    assert response.status_code == 201, response.text
    return response.json()


def _bearer(anon: TestClient, token: str) -> TestClient:
    anon.headers["Authorization"] = f"Bearer {token}"
    return anon


class TestCreate:
    def test_token_is_shown_once_and_stored_hashed(
        self, admin_client: TestClient, session: Session
    ) -> None:
        created = _token(admin_client, "cases:write")
        assert created["token"].startswith(f"erh_{created['prefix']}_")
        listed = admin_client.get(TOKENS).json()["items"][0]
        assert "token" not in listed and listed["prefix"] == created["prefix"]
        stored = session.scalars(select(ApiToken)).one()
        assert created["token"] not in (stored.token_hash, stored.prefix)
        assert listed["expires_at"] is not None

    def test_admin_scope_cannot_be_given_to_a_token(self, admin_client: TestClient) -> None:
        response = admin_client.post(TOKENS, json={"name": "x", "scopes": ["admin"]})
        assert assert_problem(response, 422)["errors"][0]["field"] == "scopes"

    def test_unknown_scope_is_422(self, admin_client: TestClient) -> None:
        assert_problem(admin_client.post(TOKENS, json={"name": "x", "scopes": ["all"]}), 422)


class TestUse:
    def test_a_read_token_reads_and_records_its_use(
        self, admin_client: TestClient, anon_client: TestClient
    ) -> None:
        created = _token(admin_client, "read")
        client = _bearer(anon_client, created["token"])
        assert client.get("/api/v1/plans/2026").status_code == 200
        token = admin_client.get(f"{TOKENS}/{created['id']}").json()
        assert token["last_used_at"] is not None

    def test_a_token_needs_no_csrf_header(
        self, admin_client: TestClient, anon_client: TestClient
    ) -> None:
        client = _bearer(anon_client, _token(admin_client, "write", "read")["token"])
        assert client.post("/api/v1/organizations", json={"name": "Ny"}).status_code == 201

    def test_a_cases_token_cannot_read_plans_or_write(
        self, admin_client: TestClient, anon_client: TestClient
    ) -> None:
        client = _bearer(anon_client, _token(admin_client, "cases:write")["token"])
        body = assert_problem(client.get("/api/v1/plans/2026"), 403)
        assert "read" in body["detail"]
        assert_problem(client.post("/api/v1/organizations", json={"name": "Ny"}), 403)
        assert_problem(client.get("/api/v1/users"), 403)

    def test_a_revoked_token_gets_401(
        self, admin_client: TestClient, anon_client: TestClient
    ) -> None:
        created = _token(admin_client, "read")
        assert admin_client.delete(f"{TOKENS}/{created['id']}").status_code == 204
        assert_problem(_bearer(anon_client, created["token"]).get("/api/v1/plans/2026"), 401)

    def test_an_expired_token_gets_401(
        self, admin_client: TestClient, anon_client: TestClient, session: Session
    ) -> None:
        created = _token(admin_client, "read")
        session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
        assert_problem(_bearer(anon_client, created["token"]).get("/api/v1/plans/2026"), 401)

    @pytest.mark.parametrize("token", ["nonsense", "erh_abc", "erh_abcdefgh_wrong"])
    def test_a_made_up_token_gets_401(self, anon_client: TestClient, token: str) -> None:
        assert_problem(_bearer(anon_client, token).get("/api/v1/plans/2026"), 401)

    def test_a_tampered_secret_gets_401(
        self, admin_client: TestClient, anon_client: TestClient
    ) -> None:
        raw = _token(admin_client, "read")["token"]
        assert_problem(_bearer(anon_client, raw[:-2] + "xx").get("/api/v1/plans/2026"), 401)


class TestLifetime:
    def _days(self, created: dict) -> float:  # type: ignore[type-arg]
        expires = datetime.fromisoformat(created["expires_at"])
        return (expires - utcnow()).total_seconds() / 86400

    def test_a_token_without_a_lifetime_gets_the_longest(self, admin_client: TestClient) -> None:
        assert 364.9 < self._days(_token(admin_client, "read")) <= 365
        response = admin_client.post(
            TOKENS, json={"name": "x", "scopes": ["read"], "expires_in_days": None}
        )
        assert 364.9 < self._days(response.json()) <= 365

    def test_the_longest_lifetime_is_a_setting(
        self, admin_client: TestClient, settings: Settings
    ) -> None:
        settings.token_max_days = 30
        assert 29.9 < self._days(_token(admin_client, "read")) <= 30

    def test_a_lifetime_past_the_longest_is_422_in_danish(self, admin_client: TestClient) -> None:
        response = admin_client.post(
            TOKENS, json={"name": "x", "scopes": ["read"], "expires_in_days": 366}
        )
        body = assert_problem(response, 422)
        assert body["errors"][0]["field"] == "expires_in_days"
        assert "højst 365 dage" in body["detail"]

    def test_the_schema_states_the_longest_lifetime_and_the_scopes(
        self, admin_client: TestClient
    ) -> None:
        schema = admin_client.get("/openapi.json").json()["components"]["schemas"]["TokenCreate"]
        lifetime = schema["properties"]["expires_in_days"]["anyOf"][0]
        assert (lifetime["minimum"], lifetime["maximum"]) == (1, 365)
        assert "admin" not in schema["properties"]["scopes"]["items"]["enum"]

    def test_a_token_made_without_expiry_stops_after_the_longest_lifetime(
        self, admin_client: TestClient, anon_client: TestClient, session: Session
    ) -> None:
        """Tokens made before every token expired: their age counts from their creation."""
        created = _token(admin_client, "read")
        client = _bearer(anon_client, created["token"])
        session.execute(update(ApiToken).values(expires_at=None))
        session.commit()
        assert client.get("/api/v1/plans/2026").status_code == 200
        session.execute(update(ApiToken).values(created_at=utcnow() - timedelta(days=366)))
        session.commit()
        assert_problem(client.get("/api/v1/plans/2026"), 401)


class TestScopeWords:
    def test_a_missing_permission_is_named_in_danish(self, client: TestClient) -> None:
        body = assert_problem(client.get("/api/v1/users"), 403)
        assert body["detail"] == (
            "Dette kræver tilladelsen »administrere brugere, API-nøgler og auditloggen« "
            "(admin), som en redaktør ikke har."
        )

    def test_a_scope_refused_for_tokens_is_named_in_words(self, admin_client: TestClient) -> None:
        response = admin_client.post(TOKENS, json={"name": "x", "scopes": ["admin", "read"]})
        body = assert_problem(response, 422)
        assert "<Scope" not in response.text
        assert "»administrere brugere, API-nøgler og auditloggen« (admin)" in body["detail"]
        assert "API-nøgle" in body["errors"][0]["message"]


class TestCli:
    def test_create_token_prints_it_once(self, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        from api.config import get_settings

        monkeypatch.setenv("ERHVERV_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(
                cli, ["create-token", "--name", "Sagssystem", "--scopes", "cases:write"]
            )
            bad = CliRunner().invoke(cli, ["create-token", "--name", "x", "--scopes", "admin"])
            user = CliRunner().invoke(
                cli, ["create-user", "--email", "ny@lejre.dk", "--name", "Ny", "--role", "viewer"]
            )
            bad_user = CliRunner().invoke(
                cli, ["create-user", "--email", "ikke-en-mail", "--name", "Ny"]
            )
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        assert "token (shown once): erh_" in result.output
        assert bad.exit_code == 1 and "admin" in bad.output
        assert user.exit_code == 0 and "password (shown once):" in user.output
        assert bad_user.exit_code == 1 and "--email" in bad_user.output
