"""Events the plan itself dates: loaded from the plan file, found again by key, exported."""

from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import DEFAULT_PLAN_FILE
from api.events.models import Event
from api.plan_data.loader import load_plan
from api.plan_data.plan_file import PlanFileError, parse_plan_file

SHIPPED = yaml.safe_load(DEFAULT_PLAN_FILE.read_text(encoding="utf-8"))
CONFERENCE = {
    "key": "test-konference",
    "title": "Testkonference",
    "kind": "conference",
    "initiative": "3.5",
    "month": "2026-05",
}
WEEK = {
    "key": "test-uge",
    "title": "Testuge",
    "kind": "entrepreneur_event",
    "series": "testuge-46",
    "initiative": "2.4",
    "starts_on": "2026-11-09",
    "ends_on": "2026-11-15",
}


def _file(*events: dict[str, Any]) -> str:
    data = yaml.safe_load(yaml.safe_dump(SHIPPED))
    data["plan"]["events"] = list(events)
    data["plan"]["series"].append({"key": "testuge-46", "name": "Testuge 46"})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _event(session: Session, key: str) -> Event:
    return session.scalars(select(Event).where(Event.plan_key == key)).one()


class TestLoadPlanEvents:
    def test_a_month_only_event_is_tentative_and_spans_the_month(self, session: Session) -> None:
        load_plan(session, parse_plan_file(_file(CONFERENCE, WEEK)))
        conference = _event(session, "test-konference")
        assert conference.tentative and conference.status.value == "planned"
        assert conference.starts_at.isoformat() == "2026-04-30T22:00:00+00:00"  # 1 May, Lejre
        assert conference.ends_at.isoformat() == "2026-05-31T22:00:00+00:00"
        assert [i.code for i in conference.initiatives] == ["3.5"]
        week = _event(session, "test-uge")
        assert not week.tentative and week.series is not None
        assert week.series.name == "Testuge 46"
        assert week.ends_at.isoformat() == "2026-11-15T23:00:00+00:00"  # end of 15 Nov, local

    def test_loading_twice_changes_nothing(self, session: Session) -> None:
        load_plan(session, parse_plan_file(_file(CONFERENCE)))
        report = load_plan(session, parse_plan_file(_file(CONFERENCE)))
        assert report.counts["event"] == {"unchanged": 1}

    def test_a_date_fixed_by_staff_survives_a_reload(
        self, session: Session, client: TestClient
    ) -> None:
        load_plan(session, parse_plan_file(_file(CONFERENCE)))
        session.commit()
        event = _event(session, "test-konference")
        etag = client.get(f"/api/v1/events/{event.id}").headers["etag"]
        response = client.patch(
            f"/api/v1/events/{event.id}",
            json={
                "starts_at": "2026-05-20T07:00:00Z",
                "ends_at": "2026-05-20T14:00:00Z",
                "tentative": False,
            },
            headers={"If-Match": etag},
        )
        assert response.status_code == 200, response.text
        session.expire_all()  # the API changed it in its own session
        load_plan(session, parse_plan_file(_file(CONFERENCE | {"title": "Ny titel"})))
        session.expire_all()
        event = _event(session, "test-konference")
        assert event.title == "Ny titel"
        assert event.starts_at.isoformat() == "2026-05-20T07:00:00+00:00"

    def test_export_gives_the_events_back(self, session: Session, client: TestClient) -> None:
        load_plan(session, parse_plan_file(_file(CONFERENCE, WEEK)))
        session.commit()
        exported = parse_plan_file(client.get("/api/v1/plans/2026/export").text).plan.events
        by_key = {e.key: e for e in exported}
        assert by_key["test-konference"].month == "2026-05"
        assert str(by_key["test-uge"].starts_on) == "2026-11-09"
        assert str(by_key["test-uge"].ends_on) == "2026-11-15"
        assert by_key["test-uge"].initiative == "2.4"


class TestBadPlanEvents:
    @pytest.mark.parametrize(
        ("event", "field"),
        [
            (CONFERENCE | {"initiative": "9.9"}, "plan.events[0].initiative"),
            (CONFERENCE | {"month": "2026-13"}, "plan.events[0].month"),
            ({**CONFERENCE, "starts_on": "2026-05-01"}, "plan.events[0]"),
            (WEEK | {"ends_on": "2026-11-01"}, "plan.events[0]"),
            (CONFERENCE | {"kind": "party"}, "plan.events[0].kind"),
        ],
    )
    def test_refused_with_field_and_line(self, event: dict[str, Any], field: str) -> None:
        with pytest.raises(PlanFileError) as caught:
            parse_plan_file(_file(event))
        assert any(e.field.startswith(field) and e.line for e in caught.value.errors), (
            caught.value.errors
        )
