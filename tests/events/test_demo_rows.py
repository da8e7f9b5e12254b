"""Demo data never counts: marked rows, left out of progress, the banner's status, removal."""

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.cli import app as cli
from api.config import DEFAULT_PLAN_FILE
from api.contacts.models import Company, Person
from api.events.demo import DemoReport, load_demo
from api.events.demo_counts import remove_demo
from api.events.enums import RegistrationStatus
from api.events.models import Event, EventSession, Registration, event_initiatives
from api.grants.models import Grant, GrantProgramme
from api.kit.db import make_engine
from api.kit.errors import ConflictError
from tests.events.helpers import make_company, make_event, register, valid_cvr
from tests.helpers import assert_problem

PROGRESS = "/api/v1/plans/2026/progress"
DEMO = "/api/v1/demo"


def _real_data(client: TestClient) -> dict[str, Any]:
    """A held theme meeting with attendees, a company visit with the mayor, and an event that
    ended planned with someone checked in: real rows every event metric counts."""
    company = make_company(client)
    meeting = make_event(client, kind="theme_meeting")
    people = [
        register(client, meeting["id"], company_cvr=company["cvr"]).json()["person_id"]
        for _ in range(16)
    ]
    check_in = {"person_ids": people}
    assert client.post(f"/api/v1/events/{meeting['id']}/check-in", json=check_in).status_code == 200
    assert client.post(f"/api/v1/events/{meeting['id']}/mark-held").status_code == 200
    visit = make_event(client, kind="company_visit", mayor_present=True, status="held")
    ended = make_event(client, kind="workshop", starts_at=datetime(2026, 5, 4, 9, tzinfo=UTC))
    came = register(client, ended["id"]).json()["person_id"]
    check_in = {"person_ids": [came]}
    assert client.post(f"/api/v1/events/{ended['id']}/check-in", json=check_in).status_code == 200
    return {"company": company, "events": [meeting, visit, ended], "people": [*people, came]}


def _progress(client: TestClient) -> dict[str, Any]:
    response = client.get(PROGRESS, params={"evaluation_date": "2026-12-31"})
    assert response.status_code == 200, response.text
    return response.json()


def _computed(body: dict[str, Any], key: str) -> float | None:
    goals = body["goals"] + [
        g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]
    ]
    return next(g for g in goals if g["key"] == key)["computed"]


class TestDemoNeverCounts:
    def test_progress_is_the_same_before_and_after_loading_demo_data(
        self, client: TestClient, session: Session
    ) -> None:
        _real_data(client)
        before = _progress(client)
        assert _computed(before, "s3-i2-temamoeder") == 1  # the real meeting of 16
        assert _computed(before, "plan-deltagere") == 17
        report = load_demo(session, seed=3, events=30)
        assert report.held > 0  # demo events a metric would count, were they not demo
        assert _progress(client) == before

    def test_every_row_load_demo_makes_is_marked(
        self, session: Session, client: TestClient
    ) -> None:
        real = _real_data(client)
        report = load_demo(session, seed=4, events=30)
        demo_events = session.scalars(select(Event).where(Event.is_demo.is_(True))).all()
        assert len(demo_events) == report.events
        assert all(e.title.startswith("[Demo] ") for e in demo_events)
        assert session.scalar(_count(Company, demo=True)) == report.companies
        assert session.scalar(_count(Person, demo=True)) == report.people
        assert session.scalar(_count(Person, demo=False)) == len(real["people"])

    def test_events_say_whether_they_are_demo(self, session: Session, client: TestClient) -> None:
        real = make_event(client)
        assert real["is_demo"] is False
        load_demo(session, seed=5, events=30)
        demo_id = session.scalars(select(Event.id).where(Event.is_demo.is_(True))).first()
        assert client.get(f"/api/v1/events/{demo_id}").json()["is_demo"] is True
        wheel = client.get("/api/v1/plans/2026/calendar").json()
        shown = [
            e for m in wheel["months"] for group in m["groups"].values() for e in group
        ]  # the wheel still shows demo events, marked
        assert {e["is_demo"] for e in shown} == {True, False}


def _count(model: type[Any], *, demo: bool) -> Any:
    return select(func.count()).select_from(model).where(model.is_demo.is_(demo))


class TestDemoStatus:
    def test_no_demo_data(self, viewer_client: TestClient) -> None:
        response = viewer_client.get(DEMO)
        assert response.status_code == 200, response.text
        assert response.json() == {"present": False, "events": 0, "companies": 0, "people": 0}

    def test_loaded_demo_data_is_counted_for_the_banner(
        self, session: Session, viewer_client: TestClient
    ) -> None:
        report = load_demo(session, seed=6, events=30)
        assert viewer_client.get(DEMO).json() == {
            "present": True,
            "events": report.events,
            "companies": report.companies,
            "people": report.people,
        }

    def test_anonymous_is_refused(self, anon_client: TestClient) -> None:
        assert_problem(anon_client.get(DEMO), 401)


class TestRemoveDemo:
    def test_removes_exactly_the_demo_rows(self, session: Session, client: TestClient) -> None:
        real = _real_data(client)
        report = load_demo(session, seed=8, events=30)
        demo_event = session.scalars(select(Event.id).where(Event.is_demo.is_(True))).first()
        guest = register(client, demo_event).json()  # a real person at a demo event
        kept = _real_ids(session)

        removed = remove_demo(session)

        assert (removed.events, removed.companies, removed.people) == (
            report.events,
            report.companies,
            report.people,
        )
        assert removed.registrations == report.registrations + 1  # the guest's too
        assert _all_ids(session) == kept
        assert _orphans(session) == (0, 0)  # the events' sessions and initiative links went too
        assert guest["person_id"] in kept["people"]
        assert real["company"]["id"] in kept["companies"]
        assert len(kept["registrations"]) == len(real["people"])
        assert remove_demo(session).present is False  # nothing left

    def test_a_grant_at_a_demo_company_stops_it_whole(self, session: Session) -> None:
        report: DemoReport = load_demo(session, seed=9, events=30)
        company = session.scalars(select(Company).where(Company.is_demo.is_(True))).first()
        programme = session.scalars(select(GrantProgramme)).first()
        assert company is not None and programme is not None
        grant = Grant(
            company=company, programme=programme, amount=1000, granted_on=date(2026, 3, 1)
        )
        session.add(grant)
        session.flush()
        with pytest.raises(ConflictError, match="Intet blev slettet"):
            remove_demo(session)
        assert session.scalar(_count(Event, demo=True)) == report.events
        assert session.scalar(_count(Company, demo=True)) == report.companies


TABLES = {"events": Event, "companies": Company, "people": Person}


def _real_ids(session: Session) -> dict[str, set[int]]:
    """The ids of every row that is not demo and belongs to nothing demo."""
    ids = {
        name: set(session.scalars(select(model.id).where(model.is_demo.is_(False))))
        for name, model in TABLES.items()
    }
    registrations = select(Registration.id).where(
        Registration.event.has(Event.is_demo.is_(False)),
        Registration.person.has(Person.is_demo.is_(False)),
    )
    return ids | {"registrations": set(session.scalars(registrations))}


def _all_ids(session: Session) -> dict[str, set[int]]:
    ids = {name: set(session.scalars(select(model.id))) for name, model in TABLES.items()}
    return ids | {"registrations": set(session.scalars(select(Registration.id)))}


def _orphans(session: Session) -> tuple[int, int]:
    """Sessions and initiative links of events that are gone."""
    gone = ~EventSession.event_id.in_(select(Event.id))
    links = ~event_initiatives.c.event_id.in_(select(Event.id))
    return (
        session.scalar(select(func.count()).select_from(EventSession).where(gone)) or 0,
        session.scalar(select(func.count()).select_from(event_initiatives).where(links)) or 0,
    )


class TestRemoveDemoCommand:
    def test_removes_the_demo_rows_and_says_how_many(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from api.config import get_settings

        url = f"sqlite:///{tmp_path / 'demo.db'}"
        monkeypatch.setenv("ERHVERV_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            nothing = CliRunner().invoke(cli, ["remove-demo"])
            assert CliRunner().invoke(cli, ["load-plan", str(DEFAULT_PLAN_FILE)]).exit_code == 0
            engine = make_engine(url)
            _add_real_rows(engine)
            loaded = CliRunner().invoke(cli, ["load-demo", "--seed", "5", "--events", "30"])
            assert loaded.exit_code == 0, loaded.output
            with Session(engine) as session:
                demo = {n: session.scalar(_count(m, demo=True)) for n, m in TABLES.items()}
                demo_registrations = session.scalar(
                    select(func.count(Registration.id)).where(Registration.event.has(is_demo=True))
                )
                kept = _real_ids(session)
            removed = CliRunner().invoke(cli, ["remove-demo"])
            again = CliRunner().invoke(cli, ["remove-demo"])
            with Session(engine) as session:
                left = _all_ids(session)
            engine.dispose()
        finally:
            get_settings.cache_clear()
        assert nothing.exit_code == 0 and "ingen demodata" in nothing.output, nothing.output
        assert removed.exit_code == 0, removed.output
        assert demo["events"] == 30
        assert _numbers(removed.output) == {
            "arrangementer": demo["events"],
            "tilmeldinger": demo_registrations,
            "virksomheder": demo["companies"],
            "personer": demo["people"],
        }
        assert left == kept and len(kept["registrations"]) == 1
        assert again.exit_code == 0 and "ingen demodata" in again.output, again.output


def _add_real_rows(engine: Any) -> None:
    """A company, a person of it and a held event they attended, made by staff."""
    with Session(engine) as session:
        company = Company(cvr=valid_cvr(), name="Lejre Bryghus ApS")
        person = Person(name="Rigtig Deltager", email="deltager@bryghus.dk", company=company)
        starts = datetime(2026, 3, 10, 16, tzinfo=UTC)
        event = Event(
            kind="theme_meeting", title="Temamøde", starts_at=starts, ends_at=starts, status="held"
        )
        registration = Registration(event=event, person=person, status=RegistrationStatus.attended)
        session.add_all([company, person, event, registration])
        session.commit()


def _numbers(output: str) -> dict[str, int]:
    """'Demodata fjernet: 30 arrangementer, 412 tilmeldinger, …' as a word → number dict."""
    return {word: int(number) for number, word in re.findall(r"(\d+) (\w+)", output)}
