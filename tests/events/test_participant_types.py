"""Participant types: set on registrations and in sign-up lists, and counted by type."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from api.events.metrics import ParticipantFilter
from api.goals.registry import MetricRequest, get_metric
from tests.events.helpers import make_event, register, valid_cvr
from tests.events.test_signup_import import imported, registrations, semicolons
from tests.helpers import assert_problem

PROGRESS = "/api/v1/plans/2026/progress"


def _goal(client: TestClient, key: str) -> dict[str, Any]:
    body = client.get(PROGRESS, params={"evaluation_date": "2026-12-31"}).json()
    goals = body["goals"] + [
        g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]
    ]
    return next(g for g in goals if g["key"] == key)


def _custom_goal(client: TestClient, key: str, metric: str, params: dict[str, Any]) -> int:
    body = {
        "key": key,
        "text": "Testmål",
        "kind": "measurable",
        "unit": "count",
        "metric": metric,
        "metric_params": params,
        "targets": {"2026": 10},
    }
    response = client.post("/api/v1/plans/2026/goals", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _come(client: TestClient, event_id: int, kind: str, count: int, **extra: Any) -> None:
    """`count` people of type `kind` register and are checked in at the door."""
    people = []
    for _ in range(count):
        response = register(client, event_id, participant_type=kind, **extra)
        assert response.status_code == 201, response.text
        people.append(response.json()["person_id"])
    response = client.post(f"/api/v1/events/{event_id}/check-in", json={"person_ids": people})
    assert response.status_code == 200, response.text


def _set(client: TestClient, event_id: int, **changes: Any) -> Any:
    etag = client.get(f"/api/v1/events/{event_id}").headers["etag"]
    return client.patch(f"/api/v1/events/{event_id}", json=changes, headers={"If-Match": etag})


class TestRegistrationTypes:
    def test_company_representative_unless_said(self, client: TestClient) -> None:
        event = make_event(client)
        first = register(client, event["id"])
        assert first.json()["participant_type"] == "company_representative"
        pupil = register(client, event["id"], participant_type="pupil")
        assert pupil.status_code == 201 and pupil.json()["participant_type"] == "pupil"
        listed = client.get(f"/api/v1/events/{event['id']}/registrations").json()["items"]
        assert [r["participant_type"] for r in listed] == ["company_representative", "pupil"]

    def test_the_type_is_changed_on_its_own_or_with_the_status(self, client: TestClient) -> None:
        event = make_event(client)
        registration = register(client, event["id"]).json()
        url = f"/api/v1/events/{event['id']}/registrations/{registration['id']}"
        changed = client.patch(url, json={"participant_type": "citizen"})
        assert changed.status_code == 200, changed.text
        assert (changed.json()["participant_type"], changed.json()["status"]) == (
            "citizen",
            "registered",
        )
        both = client.patch(url, json={"participant_type": "other", "status": "attended"})
        assert (both.json()["participant_type"], both.json()["status"]) == ("other", "attended")
        assert_problem(client.patch(url, json={}), 422)

    def test_an_unknown_type_is_422_naming_the_field(self, client: TestClient) -> None:
        event = make_event(client)
        problem = assert_problem(register(client, event["id"], participant_type="teacher"), 422)
        assert problem["errors"][0]["field"] == "body.participant_type"

    def test_the_person_export_shows_the_type(self, client: TestClient) -> None:
        event = make_event(client)
        registration = register(client, event["id"], participant_type="citizen").json()
        export = client.get(f"/api/v1/people/{registration['person_id']}/export").json()
        assert export["registrations"][0]["participant_type"] == "citizen"


class TestSignupImportTypes:
    def test_danish_types_under_a_deltagertype_header(self, client: TestClient) -> None:
        event = make_event(client)
        report = imported(
            client,
            event["id"],
            semicolons(
                "Navn;E-mail;Deltagertype",
                "Anna Elev;anna@skole.dk;Elev",
                "Bent Borger;bent@mail.dk;borger",
                "Carl Firma;carl@firma.dk;",
                "Dorte Anden;dorte@mail.dk;ANDET",
            ),
        )
        assert report["columns"]["participant_type"] == "Deltagertype"
        types = {
            r["person"]["name"]: r["participant_type"] for r in registrations(client, event["id"])
        }
        assert types == {
            "Anna Elev": "pupil",
            "Bent Borger": "citizen",
            "Carl Firma": "company_representative",
            "Dorte Anden": "other",
        }

    def test_an_unknown_type_rejects_the_row_naming_the_column(self, client: TestClient) -> None:
        event = make_event(client)
        report = imported(
            client,
            event["id"],
            semicolons("Navn;Type", "Lise Lærer;Lærer", "Ole Elev;Elever"),
            dry_run=True,
        )
        rows = {r["row"]: r for r in report["rows"]}
        assert rows[2]["outcome"] == "rejected"
        message = rows[2]["messages"][0]
        assert (message["field"], message["column"]) == ("participant_type", "Type")
        assert "Lærer" in message["message"] and "Elev" in message["message"]
        assert rows[3]["outcome"] == "register"


class TestDoorCountOfPupils:
    def test_pupils_are_part_of_the_door_count(self, client: TestClient) -> None:
        event = make_event(client, kind="fair")
        problem = assert_problem(_set(client, event["id"], headcount=10, headcount_pupils=11), 422)
        assert "headcount_pupils" in problem["detail"]
        assert_problem(_set(client, event["id"], headcount_pupils=5), 422)
        response = _set(client, event["id"], headcount=400, headcount_pupils=380)
        assert response.status_code == 200, response.text
        assert response.json()["headcount_pupils"] == 380


class TestCountingByType:
    @pytest.fixture
    def fair(self, client: TestClient) -> int:
        """The career fair: 400 at the door of whom 380 pupils, 5 company people and 3 pupils
        registered and checked in; and a theme meeting with 2 citizens and 4 company people."""
        fair = make_event(client, kind="fair")
        _come(client, fair["id"], "company_representative", 5)
        _come(client, fair["id"], "pupil", 3)
        assert _set(client, fair["id"], status="held", headcount=400, headcount_pupils=380)
        meeting = make_event(client, kind="theme_meeting")
        _come(client, meeting["id"], "citizen", 2)
        _come(client, meeting["id"], "company_representative", 4)
        assert _set(client, meeting["id"], status="held").status_code == 200
        return int(fair["id"])

    def test_without_types_every_participant_counts_as_before(
        self, client: TestClient, fair: int
    ) -> None:
        assert _goal(client, "plan-deltagere")["computed"] == 400 + 6

    def test_pupils_left_out(self, client: TestClient, fair: int) -> None:
        adults = ["company_representative", "citizen", "other"]
        _custom_goal(client, "t-voksne", "event_participants", {"participant_types": adults})
        # The fair: max(5 checked in, 400 - 380 at the door); the meeting: its 6.
        assert _goal(client, "t-voksne")["computed"] == 20 + 6

    def test_pupils_only(self, client: TestClient, fair: int) -> None:
        _custom_goal(client, "t-elever", "event_participants", {"participant_types": ["pupil"]})
        assert _goal(client, "t-elever")["computed"] == 380

    def test_a_type_the_door_count_cannot_tell_counts_the_registered(
        self, client: TestClient, fair: int
    ) -> None:
        params = {"participant_types": ["citizen"]}
        _custom_goal(client, "t-borgere", "event_participants", params)
        assert _goal(client, "t-borgere")["computed"] == 2
        params = {"participant_types": ["company_representative"], "kind": "fair"}
        _custom_goal(client, "t-messe-virksomheder", "event_participants", params)
        assert _goal(client, "t-messe-virksomheder")["computed"] == 5

    def test_every_type_listed_is_the_same_as_none(self, client: TestClient, fair: int) -> None:
        every = ["pupil", "other", "citizen", "company_representative"]
        _custom_goal(client, "t-alle", "event_participants", {"participant_types": every})
        assert _goal(client, "t-alle")["computed"] == 406

    def test_contributions_explain_the_types(self, client: TestClient, fair: int) -> None:
        goal_id = _custom_goal(
            client, "t-voksne-forklaret", "event_participants", {"participant_types": ["citizen",
            "company_representative", "other"]}
        )  # fmt: skip
        response = client.get(
            f"/api/v1/goals/{goal_id}/contributions", params={"evaluation_date": "2026-12-31"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["value"] == 26 == sum(i["value"] for i in body["items"] if i["counted"])
        fair_item = next(i for i in body["items"] if i["record_id"] == fair)
        assert fair_item["value"] == 20
        assert "virksomhedsrepræsentant, borger og andet" in fair_item["reason"]
        assert "heraf 380 elever" in fair_item["reason"]

    def test_companies_reached_through_the_types_counted(self, client: TestClient) -> None:
        fair = make_event(client, kind="fair")
        _come(client, fair["id"], "company_representative", 1, company_cvr=valid_cvr(),
              company_name="A ApS")  # fmt: skip
        _come(client, fair["id"], "citizen", 1, company_cvr=valid_cvr(), company_name="B ApS")
        assert _set(client, fair["id"], status="held").status_code == 200
        params = {"kind": "fair", "participant_types": ["company_representative"]}
        _custom_goal(client, "t-virksomheder-repr", "companies_reached", params)
        assert _goal(client, "t-virksomheder-repr")["computed"] == 1
        assert _goal(client, "s3-i4-deltagende-virksomheder")["computed"] == 2


class TestParams:
    @pytest.mark.parametrize(
        ("metric", "params"),
        [
            ("event_participants", {"participant_types": []}),
            ("event_participants", {"participant_types": ["teacher"]}),
            ("events_held", {"participant_types": ["pupil"]}),
        ],
    )
    def test_bad_types_are_refused_naming_the_field(
        self, client: TestClient, metric: str, params: dict[str, Any]
    ) -> None:
        body = {
            "text": "Testmål",
            "kind": "measurable",
            "unit": "count",
            "metric": metric,
            "metric_params": params,
        }
        problem = assert_problem(client.post("/api/v1/plans/2026/goals", json=body), 422)
        assert "participant_types" in problem["detail"]

    def test_types_cost_no_extra_statement(self, session: Session, engine: Engine) -> None:
        metric = get_metric("event_participants")
        years = [(date(y, 1, 1), date(y, 12, 31)) for y in (2025, 2026)]
        plain = [MetricRequest(0, ParticipantFilter(), *year) for year in years]
        typed = [
            MetricRequest(0, ParticipantFilter(participant_types=["pupil"]), *year)
            for year in years
        ]
        seen: list[str] = []

        def _count(*args: Any) -> None:
            if args[2].lstrip().upper().startswith("SELECT"):  # not the session's SAVEPOINT
                seen.append(args[2])

        event.listen(engine, "before_cursor_execute", _count)
        try:
            metric.compute(session, plain)
            alone = len(seen)
            metric.compute(session, [*plain, *typed])
        finally:
            event.remove(engine, "before_cursor_execute", _count)
        assert len(seen) - alone == alone == 1
