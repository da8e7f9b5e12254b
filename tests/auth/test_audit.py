"""The audit log: who changed what, before and after, in the same transaction as the change."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.audit import set_actor
from api.auth.models import AuditEntry
from api.auth.permissions import Actor, ActorKind
from api.plans.models import Organization
from tests.helpers import assert_problem

AUDIT = "/api/v1/audit"


def _entries(admin: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = admin.get(AUDIT, params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _goal_id(client: TestClient) -> int:
    goals = client.get("/api/v1/plans/2026/goals", params={"limit": 1}).json()["items"]
    return goals[0]["id"]


class TestAuditEntries:
    def test_create_records_actor_and_values(
        self, client: TestClient, admin_client: TestClient
    ) -> None:
        created = client.post("/api/v1/organizations", json={"name": "Lejre Bibliotek"}).json()
        [entry] = _entries(admin_client, entity="organizations", entity_id=str(created["id"]))
        assert entry["action"] == "create"
        assert entry["actor_kind"] == "user" and entry["actor_name"] == "Test Redaktør"
        assert entry["changes"]["name"] == [None, "Lejre Bibliotek"]

    def test_update_records_only_changed_fields_before_and_after(
        self, client: TestClient, admin_client: TestClient
    ) -> None:
        goal_id = _goal_id(client)
        etag = client.get(f"/api/v1/goals/{goal_id}").headers["etag"]
        client.patch(
            f"/api/v1/goals/{goal_id}", json={"note": "Ny note"}, headers={"If-Match": etag}
        )
        entries = _entries(admin_client, entity="goals", entity_id=str(goal_id), actor_kind="user")
        assert entries[0]["action"] == "update"
        assert entries[0]["changes"] == {"note": [None, "Ny note"]}

    def test_delete_records_the_values_that_went(
        self, client: TestClient, admin_client: TestClient
    ) -> None:
        goal_id = _goal_id(client)
        measurement = client.post(
            f"/api/v1/goals/{goal_id}/measurements", json={"measured_on": "2026-03-01", "value": 7}
        ).json()
        client.delete(f"/api/v1/measurements/{measurement['id']}")
        entries = _entries(admin_client, entity="measurements", entity_id=str(measurement["id"]))
        assert [e["action"] for e in entries] == ["delete", "create"]
        assert entries[0]["changes"]["value"] == [7, None]

    def test_partners_are_recorded_as_ids(
        self, client: TestClient, admin_client: TestClient
    ) -> None:
        initiative = client.get("/api/v1/plans/2026/initiatives").json()["items"][1]
        organization = client.post("/api/v1/organizations", json={"name": "Ny partner"}).json()
        etag = client.get(f"/api/v1/initiatives/{initiative['id']}").headers["etag"]
        client.patch(
            f"/api/v1/initiatives/{initiative['id']}",
            json={"partner_ids": [organization["id"]]},
            headers={"If-Match": etag},
        )
        [entry] = _entries(
            admin_client, entity="initiatives", entity_id=str(initiative["id"]), actor_kind="user"
        )
        assert entry["changes"]["partners"] == [[], [str(organization["id"])]]

    def test_token_writes_name_the_token(
        self, admin_client: TestClient, anon_client: TestClient
    ) -> None:
        token = admin_client.post(
            "/api/v1/tokens", json={"name": "Importscript", "scopes": ["write"]}
        ).json()
        anon_client.headers["Authorization"] = f"Bearer {token['token']}"
        anon_client.post("/api/v1/organizations", json={"name": "Via token"})
        [entry] = _entries(admin_client, entity="organizations", actor_kind="token")
        assert entry["actor_name"] == "Importscript" and entry["actor_id"] == token["id"]

    def test_secrets_are_never_written(self, admin_client: TestClient) -> None:
        admin_client.post(
            "/api/v1/users", json={"email": "ny@test.lejre.dk", "name": "Ny", "role": "viewer"}
        )
        token = admin_client.post("/api/v1/tokens", json={"name": "x", "scopes": ["read"]})
        [user_entry] = _entries(admin_client, entity="users", actor_kind="user")
        assert user_entry["changes"]["password_hash"] == [None, "***"]
        [token_entry] = _entries(admin_client, entity="api_tokens")
        assert token_entry["changes"]["token_hash"] == [None, "***"]
        assert token.json()["token"] not in str(token_entry)

    def test_filters_by_time(self, client: TestClient, admin_client: TestClient) -> None:
        client.post("/api/v1/organizations", json={"name": "Tidstest"})
        assert _entries(admin_client, since="2100-01-01T00:00:00Z") == []
        assert _entries(admin_client, entity="organizations", until="2100-01-01T00:00:00")


class TestNoAuditWithoutChange:
    def test_a_rolled_back_change_leaves_no_entry(self, session: Session) -> None:
        before = session.scalar(select(func.count(AuditEntry.id)))
        set_actor(session, Actor(ActorKind.system, None, "test", frozenset()))
        nested = session.begin_nested()
        session.add(Organization(name="Fortrudt"))
        session.flush()  # the audit row is written in this flush …
        nested.rollback()  # … and goes with the change
        assert session.scalar(select(func.count(AuditEntry.id))) == before

    def test_a_refused_request_leaves_no_entry(
        self, client: TestClient, admin_client: TestClient
    ) -> None:
        before = len(_entries(admin_client))
        assert_problem(client.post("/api/v1/plans", json={"year": 2026, "title": "x"}), 409)
        assert len(_entries(admin_client)) == before

    def test_reads_leave_no_entry(self, client: TestClient, admin_client: TestClient) -> None:
        before = len(_entries(admin_client))
        client.get("/api/v1/plans/2026/progress")
        client.get("/api/v1/plans/2026")
        assert len(_entries(admin_client)) == before

    def test_only_admins_read_the_log(self, client: TestClient) -> None:
        assert_problem(client.get(AUDIT), 403)
