"""Event metrics through the progress endpoint: the plan's goals counted from recorded events."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.events.helpers import event_series, make_event, register, valid_cvr
from tests.helpers import assert_problem

PROGRESS = "/api/v1/plans/2026/progress"
MARCH = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 6, 16, 0, tzinfo=UTC)


def _goal(client: TestClient, key: str, on: str = "2026-12-31") -> dict[str, Any]:
    response = client.get(PROGRESS, params={"evaluation_date": on})
    assert response.status_code == 200, response.text
    body = response.json()
    goals = body["goals"] + [
        g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]
    ]
    return next(g for g in goals if g["key"] == key)


def _computed(client: TestClient, key: str, on: str = "2026-12-31") -> float | None:
    return _goal(client, key, on)["computed"]


def _initiative_id(client: TestClient, code: str) -> int:
    plan = client.get("/api/v1/plans/2026").json()
    return next(i["id"] for t in plan["tracks"] for i in t["initiatives"] if i["code"] == code)


def _attend(client: TestClient, event_id: int, count: int, **registration: Any) -> list[int]:
    """Register `count` people and check them in at the door; their person ids."""
    people = []
    for _ in range(count):
        response = register(client, event_id, **registration)
        assert response.status_code in (200, 201), response.text
        people.append(response.json()["person_id"])
    if people:
        response = client.post(f"/api/v1/events/{event_id}/check-in", json={"person_ids": people})
        assert response.status_code == 200, response.text
    return people


def _set(client: TestClient, event_id: int, **changes: Any) -> dict[str, Any]:
    etag = client.get(f"/api/v1/events/{event_id}").headers["etag"]
    response = client.patch(f"/api/v1/events/{event_id}", json=changes, headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    return response.json()


def _held(
    client: TestClient, attended: int = 0, headcount: int | None = None, **fields: Any
) -> int:
    """An event held with `attended` checked-in registrations and a door count."""
    event = make_event(client, **fields)
    _attend(client, event["id"], attended)
    _set(client, event["id"], status="held", headcount=headcount)
    return event["id"]


def _custom_goal(client: TestClient, metric: str, params: dict[str, Any]) -> str:
    key = f"t-{metric.replace('_', '-')}-{len(params)}"
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
    return key


class TestEventsHeld:
    def test_an_event_with_14_participants_is_not_one_of_at_least_15(
        self, client: TestClient
    ) -> None:
        _held(client, attended=15, kind="theme_meeting")
        _held(client, headcount=14, kind="theme_meeting")
        _held(client, attended=14, headcount=13, kind="theme_meeting")
        assert _computed(client, "s3-i2-temamoeder") == 1

    def test_the_larger_of_attended_and_door_count_decides(self, client: TestClient) -> None:
        _held(client, attended=14, headcount=15, kind="theme_meeting")
        _held(client, attended=3, headcount=40, kind="theme_meeting")
        assert _computed(client, "s3-i2-temamoeder") == 2

    def test_min_and_max_participants_bound_the_course_size(self, client: TestClient) -> None:
        course = {"kind": "development_course", "initiative_ids": [_initiative_id(client, "2.1")]}
        for size in (9, 10, 15, 16):
            _held(client, headcount=size, **course)
        goal = _goal(client, "s2-i1-oneday-raketvaekst")
        assert goal["computed"] == 2
        assert goal["actual_source"] == "metric"
        assert goal["status"] == "achieved"  # the target is two courses

    def test_kind_and_initiative_must_both_match(self, client: TestClient) -> None:
        in_2_1 = [_initiative_id(client, "2.1")]
        _held(client, headcount=12, kind="development_course", initiative_ids=in_2_1)
        _held(client, headcount=12, kind="workshop", initiative_ids=in_2_1)
        other = [_initiative_id(client, "2.6")]
        _held(client, headcount=12, kind="development_course", initiative_ids=other)
        _held(client, headcount=12, kind="development_course")
        assert _computed(client, "s2-i1-oneday-raketvaekst") == 1
        assert _computed(client, "s2-i6-forloeb-ivaerksaetterdanmark") == 1

    def test_an_event_of_two_initiatives_counts_for_each(self, client: TestClient) -> None:
        both = [_initiative_id(client, "2.6"), _initiative_id(client, "3.2")]
        _held(client, headcount=8, kind="development_course", initiative_ids=both)
        assert _computed(client, "s2-i6-forloeb-ivaerksaetterdanmark") == 1
        assert _computed(client, "s3-i2-udviklingsforloeb") == 1

    def test_planned_and_cancelled_events_do_not_count(self, client: TestClient) -> None:
        make_event(client, kind="theme_meeting", headcount=30)
        cancelled = make_event(client, kind="theme_meeting")
        _set(client, cancelled["id"], status="cancelled", headcount=30)
        _held(client, headcount=30, kind="theme_meeting")
        assert _computed(client, "s3-i2-temamoeder") == 1

    def test_series_filter(self, client: TestClient) -> None:
        klimaugen = event_series(client, "Klimaugen 2026")["id"]
        _held(client, headcount=20, kind="workshop", series_id=klimaugen)
        _held(client, headcount=20, kind="theme_meeting", series_id=klimaugen)
        last_year = event_series(client, "Klimaugen 2025")["id"]
        _held(client, headcount=20, kind="workshop", series_id=last_year)
        _held(client, headcount=20, kind="workshop")
        assert _computed(client, "s1-i3-klimaugen-aktiviteter") == 2

    def test_network_meetings_of_initiative_2_3(self, client: TestClient) -> None:
        in_2_3 = [_initiative_id(client, "2.3")]
        for month in (1, 2, 3):
            starts = datetime(2026, month, 12, 9, 0, tzinfo=UTC)
            _held(client, kind="network_meeting", initiative_ids=in_2_3, starts_at=starts)
        _held(client, kind="network_meeting")
        assert _computed(client, "s2-i3-tilstedevaer-maanedlig") == 3


class TestNoDataOrZero:
    def test_a_year_without_held_events_has_no_data(self, client: TestClient) -> None:
        make_event(client, kind="theme_meeting", headcount=20)  # planned only
        goal = _goal(client, "s3-i2-temamoeder")
        assert goal["computed"] is None
        assert goal["status"] == "no_data"

    def test_held_events_of_which_none_match_give_zero(self, client: TestClient) -> None:
        _held(client, headcount=20, kind="workshop")
        goal = _goal(client, "s3-i2-temamoeder")
        assert goal["computed"] == 0
        assert goal["status"] == "off_track"

    def test_history_stands_where_the_year_has_no_events(self, client: TestClient) -> None:
        _held(client, headcount=25, kind="workshop")
        goal = _goal(client, "plan-deltagere")
        assert goal["computed"] == 25 and goal["actual_source"] == "metric"
        series = {point["year"]: point for point in goal["series"]}
        assert series[2023]["actual"] == 294
        assert series[2023]["actual_source"] == "measurement"


class TestPeriod:
    def test_the_evaluation_date_ends_the_period(self, client: TestClient) -> None:
        _held(client, headcount=20, kind="theme_meeting", starts_at=MARCH)
        _held(client, headcount=20, kind="theme_meeting", starts_at=OCTOBER)
        assert _computed(client, "s3-i2-temamoeder", on="2026-06-30") == 1
        assert _computed(client, "s3-i2-temamoeder", on="2026-12-31") == 2

    def test_an_event_belongs_to_the_local_day_it_starts(self, client: TestClient) -> None:
        # 23:30 UTC on New Year's Eve is already 00:30 on 1 January in Lejre.
        new_year = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
        _held(client, headcount=20, kind="theme_meeting", starts_at=new_year)
        next_new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
        _held(client, headcount=20, kind="theme_meeting", starts_at=next_new_year)
        assert _computed(client, "s3-i2-temamoeder") == 1


class TestEventParticipants:
    def test_door_count_and_attendees_are_never_added(self, client: TestClient) -> None:
        _held(client, attended=5, headcount=8)  # the door count includes the 5
        _held(client, attended=6)
        _held(client, attended=3, headcount=2)  # a low door count does not lose anyone
        event = _held(client, attended=1)
        assert register(client, event).status_code == 201  # registered, never came
        assert _computed(client, "plan-deltagere") == 8 + 6 + 3 + 1

    def test_kind_filter(self, client: TestClient) -> None:
        _held(client, headcount=120, kind="conference")
        _held(client, headcount=30, kind="theme_meeting")
        assert _computed(client, "s3-i5-konference-deltagere") == 120
        assert _computed(client, "plan-deltagere") == 150

    def test_series_filter(self, client: TestClient) -> None:
        klimaugen = event_series(client, "Klimaugen 2026")["id"]
        _held(client, headcount=30, kind="workshop", series_id=klimaugen)
        _held(client, attended=2, headcount=25, series_id=klimaugen)
        week_46 = event_series(client, "Iværksætteruge 46")["id"]
        _held(client, headcount=40, kind="workshop", series_id=week_46)
        assert _computed(client, "s1-i3-klimaugen-deltagere") == 55

    def test_initiative_filter(self, client: TestClient) -> None:
        key = _custom_goal(client, "event_participants", {"initiative": "3.2"})
        _held(client, headcount=18, initiative_ids=[_initiative_id(client, "3.2")])
        _held(client, headcount=50, initiative_ids=[_initiative_id(client, "3.1")])
        assert _computed(client, key) == 18


class TestCompaniesReached:
    def test_a_company_is_counted_once_across_events(self, client: TestClient) -> None:
        a, b, c = valid_cvr(), valid_cvr(), valid_cvr()
        first = make_event(client, kind="fair")
        _attend(client, first["id"], 2, company_cvr=a, company_name="A ApS")
        _attend(client, first["id"], 1, company_cvr=b, company_name="B ApS")
        _attend(client, first["id"], 1)  # no company
        _set(client, first["id"], status="held")
        second = make_event(client, kind="fair")
        _attend(client, second["id"], 1, company_cvr=a)
        _attend(client, second["id"], 1, company_cvr=c, company_name="C ApS")
        absent = register(client, second["id"], company_cvr=valid_cvr(), company_name="D ApS")
        assert absent.status_code == 201
        _set(client, second["id"], status="held")
        assert _computed(client, "s3-i4-deltagende-virksomheder") == 3

    def test_door_count_adds_only_companies_beyond_the_named(self, client: TestClient) -> None:
        fair = make_event(client, kind="fair")
        _attend(client, fair["id"], 1, company_cvr=valid_cvr(), company_name="A ApS")
        _attend(client, fair["id"], 1, company_cvr=valid_cvr(), company_name="B ApS")
        _set(client, fair["id"], status="held", headcount_companies=5)
        small = make_event(client, kind="fair")
        _attend(client, small["id"], 1, company_cvr=valid_cvr(), company_name="C ApS")
        _set(client, small["id"], status="held", headcount_companies=0)
        # A, B and C by name, and three more counted at the first fair's door.
        assert _computed(client, "s3-i4-deltagende-virksomheder") == 6

    def test_other_kinds_do_not_count(self, client: TestClient) -> None:
        meeting = make_event(client, kind="theme_meeting")
        _attend(client, meeting["id"], 1, company_cvr=valid_cvr(), company_name="A ApS")
        _set(client, meeting["id"], status="held", headcount_companies=10)
        assert _computed(client, "s3-i4-deltagende-virksomheder") == 0


class TestCompanyVisits:
    def _visit(self, client: TestClient, mayor: bool, held: bool = True) -> None:
        visit = make_event(client, kind="company_visit", mayor_present=mayor)
        if held:
            _set(client, visit["id"], status="held")

    def test_only_visits_with_the_mayor_count(self, client: TestClient) -> None:
        self._visit(client, mayor=True)
        self._visit(client, mayor=True)
        self._visit(client, mayor=False)
        self._visit(client, mayor=True, held=False)
        _held(client, headcount=10, kind="theme_meeting")
        assert _computed(client, "s3-i6-borgmesterbesoeg") == 2

    def test_every_visit_counts_without_the_mayor_condition(self, client: TestClient) -> None:
        key = _custom_goal(client, "company_visits", {"with_mayor": False})
        self._visit(client, mayor=True)
        self._visit(client, mayor=False)
        assert _computed(client, key) == 2


class TestParams:
    @pytest.mark.parametrize(
        ("metric", "params", "field"),
        [
            ("events_held", {"colour": "red"}, "colour"),
            ("events_held", {"min_participants": 16, "max_participants": 15}, "min_participants"),
            ("events_held", {"initiative": "3"}, "initiative"),
            ("event_participants", {"kind": "party"}, "kind"),
            ("event_participants", {"min_participants": 15}, "min_participants"),
            ("company_visits", {"kind": "fair"}, "kind"),
        ],
    )
    def test_bad_params_are_refused_naming_the_field(
        self, client: TestClient, metric: str, params: dict[str, Any], field: str
    ) -> None:
        body = {
            "text": "Testmål",
            "kind": "measurable",
            "unit": "count",
            "metric": metric,
            "metric_params": params,
        }
        problem = assert_problem(client.post("/api/v1/plans/2026/goals", json=body), 422)
        assert field in problem["detail"]

    def test_the_metrics_are_listed_with_their_params(self, viewer_client: TestClient) -> None:
        metrics = {m["key"]: m for m in viewer_client.get("/api/v1/metrics").json()}
        held = metrics["events_held"]["params_schema"]["properties"]
        assert {"kind", "series", "initiative", "min_participants", "max_participants"} <= set(held)
        assert metrics["company_visits"]["units"] == ["count"]
