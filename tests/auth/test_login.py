"""Login, logout, session expiry, CSRF and login throttling."""

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.auth.deps import CSRF_HEADER, SESSION_COOKIE
from api.auth.models import UserSession
from api.db import utcnow
from tests.conftest import PASSWORD
from tests.helpers import assert_problem

LOGIN = "/api/v1/auth/login"
EDITOR = "editor@test.lejre.dk"


def _login(client: TestClient, email: str = EDITOR, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, json={"email": email, "password": password})


class TestLogin:
    def test_login_sets_an_httponly_samesite_cookie(self, anon_client: TestClient) -> None:
        response = _login(anon_client)
        assert response.status_code == 200, response.text
        cookie = next(
            h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)
        )
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        body = response.json()
        assert body["role"] == "editor" and body["csrf_token"]
        assert anon_client.get("/api/v1/auth/me").json()["email"] == EDITOR

    def test_email_is_case_insensitive(self, anon_client: TestClient) -> None:
        assert _login(anon_client, EDITOR.upper()).status_code == 200

    def test_wrong_password_and_unknown_email_get_the_same_answer(
        self, anon_client: TestClient
    ) -> None:
        wrong = assert_problem(_login(anon_client, password="forkert"), 401)
        unknown = assert_problem(_login(anon_client, "ingen@test.lejre.dk"), 401)
        assert wrong["detail"] == unknown["detail"]
        assert "e-mail eller adgangskode" in wrong["detail"]

    def test_inactive_user_cannot_log_in(
        self, admin_client: TestClient, anon_client: TestClient
    ) -> None:
        users = admin_client.get("/api/v1/users").json()["items"]
        editor = next(u for u in users if u["email"] == EDITOR)
        etag = admin_client.get(f"/api/v1/users/{editor['id']}").headers["etag"]
        admin_client.patch(
            f"/api/v1/users/{editor['id']}", json={"is_active": False}, headers={"If-Match": etag}
        )
        assert_problem(_login(anon_client), 401)

    def test_missing_fields_are_422(self, anon_client: TestClient) -> None:
        assert_problem(anon_client.post(LOGIN, json={"email": EDITOR}), 422)


class TestThrottling:
    def test_too_many_failures_for_an_account_get_429(self, anon_client: TestClient) -> None:
        for _ in range(5):
            assert _login(anon_client, password="forkert").status_code == 401
        response = _login(anon_client)  # even the right password waits now
        assert_problem(response, 429)
        assert int(response.headers["retry-after"]) > 0

    def test_too_many_failures_from_an_address_get_429(self, anon_client: TestClient) -> None:
        for i in range(5):
            _login(anon_client, f"nummer{i}@test.lejre.dk", "forkert")
        assert_problem(_login(anon_client, "viewer@test.lejre.dk"), 429)

    def test_success_before_the_limit_resets_the_account_count(
        self, anon_client: TestClient
    ) -> None:
        for _ in range(3):
            _login(anon_client, password="forkert")
        assert _login(anon_client).status_code == 200
        for _ in range(3):
            _login(anon_client, password="forkert")
        # 6 failures from this address in all, but only 3 since the success for the account.
        assert_problem(_login(anon_client), 429)  # the address limit still holds


class TestLogout:
    def test_logout_ends_the_session(self, client: TestClient) -> None:
        assert client.get("/api/v1/auth/me").status_code == 200
        assert client.post("/api/v1/auth/logout").status_code == 204
        assert_problem(client.get("/api/v1/auth/me"), 401)


class TestExpiry:
    def test_an_idle_session_expires(self, client: TestClient, session: Session) -> None:
        session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=61)))
        session.commit()
        assert_problem(client.get("/api/v1/plans/2026"), 401)

    def test_a_session_expires_at_its_end_even_when_used(
        self, client: TestClient, session: Session
    ) -> None:
        session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
        assert_problem(client.get("/api/v1/plans/2026"), 401)

    def test_use_keeps_a_session_alive(self, client: TestClient, session: Session) -> None:
        session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=59)))
        session.commit()
        assert client.get("/api/v1/plans/2026").status_code == 200
        assert client.get("/api/v1/plans/2026").status_code == 200


class TestCsrf:
    def test_cookie_write_without_the_csrf_header_is_refused(self, client: TestClient) -> None:
        del client.headers[CSRF_HEADER]
        body = assert_problem(client.post("/api/v1/organizations", json={"name": "X"}), 403)
        assert CSRF_HEADER in body["detail"]

    def test_cookie_write_with_a_wrong_csrf_header_is_refused(self, client: TestClient) -> None:
        client.headers[CSRF_HEADER] = "forkert-token"
        assert_problem(client.post("/api/v1/organizations", json={"name": "X"}), 403)

    def test_reads_need_no_csrf_header(self, client: TestClient) -> None:
        del client.headers[CSRF_HEADER]
        assert client.get("/api/v1/plans/2026").status_code == 200


class TestPasswordChange:
    def test_change_then_log_in_with_the_new_password(
        self, client: TestClient, app: FastAPI
    ) -> None:
        response = client.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": "en-helt-ny-adgangskode"},
        )
        assert response.status_code == 204, response.text
        assert_problem(client.get("/api/v1/auth/me"), 401)  # sessions ended
        fresh = TestClient(app)
        assert _login(fresh, password="en-helt-ny-adgangskode").status_code == 200

    def test_wrong_current_password(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/auth/password",
            json={"current_password": "forkert", "new_password": "en-helt-ny-adgangskode"},
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "current_password"

    def test_short_new_password(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "kort"}
        )
        assert_problem(response, 422)
