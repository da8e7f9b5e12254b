"""The demonstration data set: generated, clearly marked, never mixed into the plan's data."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from stdnum.dk import cvr as cvr_rules
from typer.testing import CliRunner

from api.auth.models import AuditEntry
from api.cli import app as cli
from api.config import DEFAULT_PLAN_FILE
from api.contacts.models import Company, Person
from api.events.demo import DEMO_DESCRIPTION, DEMO_PREFIX, LOCAL, DemoReport, load_demo
from api.events.enums import EventKind, EventStatus, RegistrationStatus
from api.events.models import Event, Registration
from api.kit.db import make_engine
from api.kit.errors import ConflictError, InvalidInputError

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _demo_events(session: Session) -> list[Event]:
    query = (
        select(Event)
        .where(Event.description == DEMO_DESCRIPTION)
        .options(selectinload(Event.initiatives))
        .order_by(Event.starts_at, Event.id)
    )
    return list(session.scalars(query))


@pytest.fixture
def report(session: Session) -> DemoReport:
    return load_demo(session, seed=7, events=40, now=NOW)


class TestLoadDemo:
    def test_every_demo_event_is_marked_and_serves_an_initiative(
        self, session: Session, report: DemoReport
    ) -> None:
        events = _demo_events(session)
        assert len(events) == report.events == 40
        assert all(e.title.startswith(DEMO_PREFIX) for e in events)
        assert all(e.plan_key is None and e.initiatives for e in events)
        assert {e.kind for e in events} == set(EventKind)
        assert {e.starts_at.year for e in events} == {2026}

    def test_the_series_fall_in_their_weeks(self, session: Session, report: DemoReport) -> None:
        events = _demo_events(session)
        days: dict[str | None, list[date]] = {}
        for event in events:
            name = event.series.name if event.series else None
            days.setdefault(name, []).append(event.starts_at.astimezone(LOCAL).date())
        assert len(days["Iværksætteruge 46"]) == 5
        assert all(date(2026, 11, 9) <= d <= date(2026, 11, 15) for d in days["Iværksætteruge 46"])
        assert len(days["Klimaugen 2026"]) == 5
        assert all(date(2026, 9, 28) <= d <= date(2026, 10, 4) for d in days["Klimaugen 2026"])

    def test_past_events_are_held_with_attendance_and_later_ones_planned(
        self, session: Session, report: DemoReport
    ) -> None:
        events = _demo_events(session)
        held = [e for e in events if e.starts_at < NOW]
        assert held and all(e.status is EventStatus.held for e in held)
        assert all(e.status is EventStatus.planned for e in events if e.starts_at >= NOW)
        assert any(e.headcount for e in held)
        statuses = {
            (starts_at < NOW, status)
            for starts_at, status in session.execute(
                select(Event.starts_at, Registration.status).join(Registration.event)
            )
        }
        assert (True, RegistrationStatus.attended) in statuses
        assert (False, RegistrationStatus.registered) in statuses
        assert (False, RegistrationStatus.attended) not in statuses
        assert report.registrations == len(session.scalars(select(Registration.id)).all())

    def test_companies_people_and_visits_are_plainly_demo(
        self, session: Session, report: DemoReport
    ) -> None:
        companies = session.scalars(select(Company).where(Company.name.startswith("Demo "))).all()
        assert len(companies) == report.companies
        assert all(cvr_rules.is_valid(c.cvr) for c in companies)
        people = session.scalars(select(Person)).all()
        assert len(people) == report.people
        assert all(p.email and p.email.endswith("@demo.example") and not p.phone for p in people)
        visits = [e for e in _demo_events(session) if e.kind is EventKind.company_visit]
        assert any(v.mayor_present for v in visits) and all(v.visited_company_id for v in visits)

    def test_loading_twice_refuses(self, session: Session, report: DemoReport) -> None:
        with pytest.raises(ConflictError, match="already"):
            load_demo(session, seed=8, events=40, now=NOW)
        assert len(_demo_events(session)) == 40

    def test_the_number_of_events_is_bounded(self, session: Session) -> None:
        with pytest.raises(InvalidInputError, match="between"):
            load_demo(session, events=5)


class TestDeterminism:
    def _titles(self, session: Session, seed: int) -> list[tuple[str, datetime, int]]:
        savepoint = session.begin_nested()
        load_demo(session, seed=seed, events=30, now=NOW)
        events = _demo_events(session)
        seen = [(e.title, e.starts_at, len(e.initiatives)) for e in events]
        savepoint.rollback()
        return seen

    def test_the_same_seed_gives_the_same_data(self, session: Session) -> None:
        first = self._titles(session, 11)
        assert first == self._titles(session, 11)
        assert first != self._titles(session, 12)


class TestLoadDemoCommand:
    def test_needs_the_plan_loads_once_and_stays_apart(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from api.config import get_settings

        url = f"sqlite:///{tmp_path / 'demo.db'}"
        monkeypatch.setenv("ERHVERV_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            no_plan = CliRunner().invoke(cli, ["load-demo"])
            plan = CliRunner().invoke(cli, ["load-plan", str(DEFAULT_PLAN_FILE)])
            loaded = CliRunner().invoke(cli, ["load-demo", "--seed", "5", "--events", "30"])
            again = CliRunner().invoke(cli, ["load-demo"])
            engine = make_engine(url)
            with Session(engine) as session:
                events = session.scalars(select(Event)).all()
                actors = set(
                    session.scalars(
                        select(AuditEntry.actor_name).where(AuditEntry.entity == "events")
                    )
                )
            engine.dispose()
        finally:
            get_settings.cache_clear()
        assert no_plan.exit_code == 1 and "load-plan" in no_plan.output, no_plan.output
        assert plan.exit_code == 0, plan.output
        assert loaded.exit_code == 0 and "30 events" in loaded.output, loaded.output
        assert again.exit_code == 1 and "already" in again.output, again.output
        demo = [e for e in events if e.description == DEMO_DESCRIPTION]
        assert len(demo) == 30 and all(e.title.startswith(DEMO_PREFIX) for e in demo)
        # Anything else is an event the plan itself states, found again by its key.
        assert all(e.plan_key for e in events if e.description != DEMO_DESCRIPTION)
        assert "cli: load-demo" in actors
