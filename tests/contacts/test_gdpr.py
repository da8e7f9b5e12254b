"""GDPR: a person's data exported, erased by anonymising (counts kept), the inactive purged."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.auth.audit import set_actor
from api.auth.models import AuditEntry
from api.auth.permissions import Actor, ActorKind
from api.cli import app as cli
from api.contacts.gdpr import months_before, purge_inactive
from api.contacts.models import Person
from api.events.enums import EventKind, RegistrationStatus
from api.events.models import Event, Registration
from api.kit.db import make_engine
from api.kit.errors import InvalidInputError
from tests.events.helpers import make_company, make_event, register
from tests.helpers import assert_problem

EMAIL = "karen.gdpr@firma.dk"
PHONE = "+45 12 34 56 78"


def _person_with_history(client: TestClient) -> tuple[dict[str, Any], dict[str, Any], int]:
    """A person with a company, a phone number, a changed e-mail and an attended event."""
    company = make_company(client, name="Persondata ApS")
    event = make_event(client, title="GDPR-temamøde")
    body = {
        "person": {"name": "Karen Persondata", "email": "karen.gammel@firma.dk", "phone": PHONE},
        "company_cvr": company["cvr"],
    }
    registration = client.post(f"/api/v1/events/{event['id']}/registrations", json=body).json()
    person_id = registration["person_id"]
    etag = client.get(f"/api/v1/people/{person_id}").headers["etag"]
    changed = client.patch(
        f"/api/v1/people/{person_id}", json={"email": EMAIL}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    client.post(f"/api/v1/events/{event['id']}/check-in", json={"person_ids": [person_id]})
    return company, event, person_id


def _audit_text(admin: TestClient, **params: Any) -> str:
    response = admin.get("/api/v1/audit", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return response.text


class TestExport:
    def test_holds_the_person_company_registrations_and_audit(self, client: TestClient) -> None:
        company, event, person_id = _person_with_history(client)
        response = client.get(f"/api/v1/people/{person_id}/export")
        assert response.status_code == 200, response.text
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="person-{person_id}.json"'
        body = response.json()
        assert body["generated_at"]
        assert body["person"]["email"] == EMAIL and body["person"]["phone"] == PHONE
        assert body["company"] == {
            "id": company["id"],
            "cvr": company["cvr"],
            "name": company["name"],
        }
        [registration] = body["registrations"]
        assert registration["status"] == "attended" and registration["checked_in_at"]
        assert registration["event"]["id"] == event["id"]
        assert registration["event"]["title"] == "GDPR-temamøde"
        assert [e["action"] for e in body["audit"]] == ["create", "update"]
        assert body["audit"][1]["changes"]["email"] == ["karen.gammel@firma.dk", EMAIL]

    def test_the_export_is_audited(self, client: TestClient, admin_client: TestClient) -> None:
        _, _, person_id = _person_with_history(client)
        client.get(f"/api/v1/people/{person_id}/export")
        entries = admin_client.get(
            "/api/v1/audit", params={"entity": "people", "entity_id": str(person_id)}
        ).json()["items"]
        assert entries[0]["action"] == "export"
        assert entries[0]["actor_name"] == "Test Redaktør"
        assert EMAIL not in json.dumps(entries[0])

    def test_an_unknown_person_is_404(self, client: TestClient) -> None:
        assert_problem(client.get("/api/v1/people/999999/export"), 404)


class TestPermissions:
    def test_a_viewer_may_neither_export_nor_erase(
        self, client: TestClient, viewer_client: TestClient
    ) -> None:
        person_id = register(client, make_event(client)["id"]).json()["person_id"]
        assert_problem(viewer_client.get(f"/api/v1/people/{person_id}/export"), 403)
        assert_problem(viewer_client.post(f"/api/v1/people/{person_id}/erase"), 403)
        assert client.get(f"/api/v1/people/{person_id}").json()["name"]


class TestErase:
    def test_erasure_keeps_the_counts_and_removes_the_person(self, client: TestClient) -> None:
        _, event, person_id = _person_with_history(client)
        register(client, event["id"])
        counts = client.get(f"/api/v1/events/{event['id']}").json()["counts"]
        response = client.post(f"/api/v1/people/{person_id}/erase")
        assert response.status_code == 200, response.text
        erased = response.json()
        assert erased["name"] is None and erased["email"] is None and erased["phone"] is None
        assert erased["anonymised_at"] and erased["company_id"] is not None
        assert client.get(f"/api/v1/events/{event['id']}").json()["counts"] == counts
        assert counts["attended"] == 1 and counts["registered"] == 1
        listed = client.get("/api/v1/people", params={"limit": 500}).json()["items"]
        assert person_id not in [p["id"] for p in listed]
        assert not client.get("/api/v1/people", params={"search": "Karen"}).json()["items"]

    def test_no_audit_entry_keeps_the_personal_data(
        self, client: TestClient, admin_client: TestClient, session: Session
    ) -> None:
        _, _, person_id = _person_with_history(client)
        client.post(f"/api/v1/people/{person_id}/erase")
        texts = [_audit_text(admin_client), _audit_text(admin_client, entity="people")]
        stored = [json.dumps(e.changes) for e in session.scalars(select(AuditEntry))]
        for secret in (EMAIL, "karen.gammel@firma.dk", "Karen Persondata", PHONE):
            assert all(secret not in text for text in texts), secret
            assert all(secret not in text for text in stored), secret
        entries = admin_client.get(
            "/api/v1/audit", params={"entity": "people", "entity_id": str(person_id)}
        ).json()["items"]
        assert [e["action"] for e in entries] == ["erase", "update", "update", "create"]
        assert entries[0]["changes"] == {"reason": "request"}
        assert entries[1]["changes"]["email"] == ["***", None]
        assert entries[1]["changes"]["anonymised_at"][0] is None

    def test_erasing_twice_is_409(self, client: TestClient) -> None:
        person_id = register(client, make_event(client)["id"]).json()["person_id"]
        assert client.post(f"/api/v1/people/{person_id}/erase").status_code == 200
        body = assert_problem(client.post(f"/api/v1/people/{person_id}/erase"), 409)
        assert "already erased" in body["detail"]

    def test_an_erased_person_cannot_be_registered_or_changed(self, client: TestClient) -> None:
        person_id = register(client, make_event(client)["id"]).json()["person_id"]
        client.post(f"/api/v1/people/{person_id}/erase")
        again = client.post(
            f"/api/v1/events/{make_event(client)['id']}/registrations",
            json={"person_id": person_id},
        )
        assert_problem(again, 409)
        etag = client.get(f"/api/v1/people/{person_id}").headers["etag"]
        patch = client.patch(
            f"/api/v1/people/{person_id}", json={"name": "Tilbage"}, headers={"If-Match": etag}
        )
        assert_problem(patch, 409)

    def test_the_export_of_an_erased_person_holds_nothing_personal(
        self, client: TestClient
    ) -> None:
        _, _, person_id = _person_with_history(client)
        client.post(f"/api/v1/people/{person_id}/erase")
        response = client.get(f"/api/v1/people/{person_id}/export")
        assert EMAIL not in response.text and "Karen" not in response.text
        assert PHONE not in response.text
        assert response.json()["registrations"]  # what they took part in stays, unnamed


OLD = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
TODAY = date(2026, 6, 15)  # with 12 months the cut is 15 June 2025


def _person(session: Session, name: str, *, changed: datetime = OLD) -> Person:
    person = Person(name=name, email=f"{name.lower()}@firma.dk", created_at=OLD, updated_at=changed)
    session.add(person)
    session.flush()
    return person


def _attend(session: Session, person: Person, starts_at: datetime) -> None:
    event = Event(
        kind=EventKind.theme_meeting,
        title="Gammelt møde",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    session.add(event)
    session.flush()
    session.add(
        Registration(
            event_id=event.id,
            person_id=person.id,
            status=RegistrationStatus.attended,
            registered_at=OLD,
        )
    )
    session.flush()


@pytest.fixture
def people(session: Session) -> dict[str, Person]:
    """Two inactive people and two kept active: by a later event, by a recent change."""
    made = {
        "stale": _person(session, "Forældet"),
        "silent": _person(session, "Tavs"),
        "coming": _person(session, "Kommende"),
        "changed": _person(session, "Ændret", changed=datetime(2025, 12, 1, tzinfo=UTC)),
    }
    _attend(session, made["stale"], datetime(2024, 2, 1, 16, tzinfo=UTC))
    _attend(session, made["coming"], datetime(2025, 9, 1, 16, tzinfo=UTC))
    session.commit()
    return made


class TestPurge:
    def test_only_people_inactive_for_the_months_are_anonymised(
        self, session: Session, people: dict[str, Person]
    ) -> None:
        set_actor(session, Actor(ActorKind.system, None, "cli: purge", frozenset()))
        ids = purge_inactive(session, 12, TODAY)
        assert people["stale"].id in ids and people["silent"].id in ids
        assert people["coming"].id not in ids and people["changed"].id not in ids
        assert people["stale"].name is None and people["stale"].anonymised_at
        assert people["coming"].name == "Kommende" and people["changed"].email
        [entry] = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_id == str(people["stale"].id), AuditEntry.action == "erase"
            )
        )
        assert entry.actor_name == "cli: purge" and "12 months" in entry.changes["reason"]

    def test_the_registrations_stay(self, session: Session, people: dict[str, Person]) -> None:
        purge_inactive(session, 12, TODAY)
        stale = people["stale"].id
        assert session.scalars(select(Registration).where(Registration.person_id == stale)).one()

    def test_a_dry_run_changes_nothing(self, session: Session, people: dict[str, Person]) -> None:
        before = len(session.scalars(select(AuditEntry.id)).all())
        ids = purge_inactive(session, 12, TODAY, dry_run=True)
        assert people["stale"].id in ids
        session.expire_all()
        assert session.get(Person, people["stale"].id).name == "Forældet"  # type: ignore[union-attr]
        assert len(session.scalars(select(AuditEntry.id)).all()) == before

    def test_a_longer_period_keeps_more(self, session: Session, people: dict[str, Person]) -> None:
        ids = purge_inactive(session, 36, TODAY)
        assert people["stale"].id not in ids and people["silent"].id not in ids

    def test_months_must_be_at_least_one(self, session: Session) -> None:
        with pytest.raises(InvalidInputError):
            purge_inactive(session, 0, TODAY)

    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2026, 6, 15), 12, date(2025, 6, 15)),
            (date(2026, 5, 31), 3, date(2026, 2, 28)),
            (date(2024, 3, 31), 1, date(2024, 2, 29)),
            (date(2026, 1, 15), 13, date(2024, 12, 15)),
        ],
    )
    def test_months_before_clamps_to_the_month_end(
        self, day: date, months: int, expected: date
    ) -> None:
        assert months_before(day, months) == expected


class TestPurgeCommand:
    def test_purges_the_inactive_and_a_dry_run_changes_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from api.config import get_settings

        url = f"sqlite:///{tmp_path / 'cli.db'}"
        monkeypatch.setenv("ERHVERV_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            assert CliRunner().invoke(cli, ["migrate"]).exit_code == 0
            engine = make_engine(url)
            with Session(engine) as session:
                stale_id = _person(session, "Forældet").id
                fresh = Person(name="Ny", email="ny@firma.dk")
                session.add(fresh)
                session.commit()
                fresh_id = fresh.id
            dry = CliRunner().invoke(cli, ["purge", "--inactive-months", "12", "--dry-run"])
            real = CliRunner().invoke(cli, ["purge", "--inactive-months", "12"])
            bad = CliRunner().invoke(cli, ["purge", "--inactive-months", "0"])
            with Session(engine) as session:
                stale, kept = session.get(Person, stale_id), session.get(Person, fresh_id)
                actors = session.scalars(
                    select(AuditEntry.actor_name).where(AuditEntry.action == "erase")
                ).all()
            engine.dispose()
        finally:
            get_settings.cache_clear()
        assert dry.exit_code == 0, dry.output
        assert f"would anonymise 1 person with no activity for 12 months: ids {stale_id}" in (
            dry.output
        )
        assert "dry run: nothing was changed" in dry.output
        assert real.exit_code == 0 and "anonymised 1 person" in real.output, real.output
        assert stale is not None and stale.name is None and stale.anonymised_at
        assert kept is not None and kept.name == "Ny"
        assert actors == ["cli: purge"]
        assert bad.exit_code == 1 and "--inactive-months must be at least 1" in bad.output
