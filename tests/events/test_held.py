"""When an event counts as held, and marking it held in one click."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.events.metric_rows import span_bounds
from api.events.metrics import EventsHeldParams
from api.goals.registry import MetricRequest, get_metric
from tests.events.helpers import event_series, make_event, register
from tests.helpers import assert_problem

PROGRESS = "/api/v1/plans/2026/progress"
SERIES = "Testserie afholdt"
SERIES_KEY = "testserie-afholdt"  # the key its name gives
JUNE = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)


def _goal(client: TestClient) -> str:
    """A goal counting this test's events (its series) held in 2026."""
    body = {
        "key": "t-held-rule",
        "text": "Testmål",
        "kind": "measurable",
        "unit": "count",
        "metric": "events_held",
        "metric_params": {"series": event_series(client, SERIES)["key"]},
        "targets": {"2026": 10},
    }
    response = client.post("/api/v1/plans/2026/goals", json=body)
    assert response.status_code == 201, response.text
    return body["key"]


def _held_count(client: TestClient, on: str = "2026-12-31") -> float | None:
    response = client.get(PROGRESS, params={"evaluation_date": on})
    assert response.status_code == 200, response.text
    body = response.json()
    goals = body["goals"] + [
        g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]
    ]
    return next(g for g in goals if g["key"] == "t-held-rule")["computed"]


def _event(client: TestClient, hours: int = 2, **fields: Any) -> dict[str, Any]:
    starts = fields.pop("starts_at", JUNE)
    ends = (starts + timedelta(hours=hours)).isoformat()
    series_id = event_series(client, SERIES)["id"]
    return make_event(client, series_id=series_id, starts_at=starts, ends_at=ends, **fields)


def _people(client: TestClient, event_id: int, registered: int, attended: int) -> list[int]:
    """Register people and check the first `attended` of them in; their registration ids."""
    made = [register(client, event_id).json() for _ in range(registered + attended)]
    came = [r["person_id"] for r in made[:attended]]
    if came:
        response = client.post(f"/api/v1/events/{event_id}/check-in", json={"person_ids": came})
        assert response.status_code == 200, response.text
    return [r["id"] for r in made]


def _status(client: TestClient, event_id: int, etag: str, status: str) -> None:
    response = client.patch(
        f"/api/v1/events/{event_id}", json={"status": status}, headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.text


class TestHeldRule:
    def test_an_ended_planned_event_with_someone_checked_in_counts(
        self, client: TestClient
    ) -> None:
        _goal(client)
        _people(client, _event(client)["id"], registered=2, attended=1)
        assert _held_count(client) == 1

    def test_an_ended_planned_event_nobody_came_to_does_not(self, client: TestClient) -> None:
        _goal(client)
        _people(client, _event(client)["id"], registered=3, attended=0)
        _event(client, headcount=25)  # a door count alone is no proof it took place
        assert _held_count(client) is None  # not a single held event: no data

    def test_a_cancelled_event_never_counts(self, client: TestClient) -> None:
        _goal(client)
        event = _event(client)
        _people(client, event["id"], registered=0, attended=2)
        etag = client.get(f"/api/v1/events/{event['id']}").headers["etag"]
        _status(client, event["id"], etag, "cancelled")
        assert _held_count(client) is None

    def test_an_event_ending_after_the_evaluation_date_does_not_count_yet(
        self, client: TestClient
    ) -> None:
        _goal(client)
        course = _event(client, hours=24 * 14, kind="development_course")  # two weeks long
        _people(client, course["id"], registered=0, attended=3)
        assert _held_count(client, on="2026-06-15") is None
        assert _held_count(client, on="2026-06-24") == 1

    def test_a_planned_event_counts_with_those_marked_held(self, client: TestClient) -> None:
        _goal(client)
        _people(client, _event(client)["id"], registered=0, attended=1)
        marked = _event(client)
        assert client.post(f"/api/v1/events/{marked['id']}/mark-held").status_code == 200
        assert _held_count(client) == 2

    def test_a_value_does_not_depend_on_the_other_periods_of_its_batch(
        self, client: TestClient, session: Session
    ) -> None:
        # Starts on New Year's Eve (local), ends after midnight: not held by the end of 2025.
        event = _event(client, starts_at=datetime(2025, 12, 31, 21, 0, tzinfo=UTC), hours=3)
        _people(client, event["id"], registered=0, attended=1)
        metric = get_metric("events_held")
        params = EventsHeldParams(series=SERIES_KEY)
        year_2025 = MetricRequest(0, params, date(2025, 1, 1), date(2025, 12, 31))
        year_2026 = MetricRequest(0, params, date(2026, 1, 1), date(2026, 12, 31))
        assert metric.compute(session, [year_2025]) == [None]
        assert metric.compute(session, [year_2025, year_2026]) == [None, None]


def _utc(*moment: int) -> datetime:
    return datetime(*moment, tzinfo=UTC)


class TestYearsInOneStatement:
    """A batch of calendar years is read with one expression for an event's year (its local
    New Year, cut to what SQLite's date functions can tell apart), other periods with a CASE
    over their bounds: the same values either way, whatever the order of the years."""

    # Each year's requests (the last cut short, as progress asks for the plan's year).
    Y2023 = (date(2023, 1, 1), date(2023, 12, 31))
    Y2024 = (date(2024, 1, 1), date(2024, 12, 31))
    Y2025 = (date(2025, 1, 1), date(2025, 12, 31))
    Y2026 = (date(2026, 1, 1), date(2026, 6, 15))

    def _events(self, client: TestClient) -> None:
        """Planned events someone came to, held where they ended by the end of their year."""
        came = [
            _event(client, starts_at=_utc(2022, 6, 1, 10)),  # before every year asked for
            _event(client, starts_at=_utc(2024, 5, 1, 10)),  # 2024
            # 23:30 to a microsecond before midnight on New Year's Eve, local: held in 2024.
            make_event(
                client,
                series_id=event_series(client, SERIES)["id"],
                starts_at=_utc(2024, 12, 31, 22, 30),
                ends_at=_utc(2024, 12, 31, 22, 59, 59, 999999).isoformat(),
            ),
            _event(client, starts_at=_utc(2024, 12, 31, 23)),  # midnight, local: 2025
            # 22:00 on New Year's Eve to 01:00, local: not held by the end of 2025.
            _event(client, starts_at=_utc(2025, 12, 31, 21), hours=3),
            _event(client, starts_at=_utc(2026, 3, 1, 10)),  # 2026
            _event(client, starts_at=_utc(2026, 6, 14, 10), hours=48),  # ends after the cut
        ]
        for event in came:
            _people(client, event["id"], registered=0, attended=1)

    def _held(self, session: Session, *periods: tuple[date, date]) -> list[float | None]:
        params = EventsHeldParams(series=SERIES_KEY)
        requests = [MetricRequest(0, params, start, end) for start, end in periods]
        return get_metric("events_held").compute(session, requests)

    def test_consecutive_years(self, client: TestClient, session: Session) -> None:
        self._events(client)
        assert span_bounds([self.Y2023, self.Y2024], [0, 1]).keys() >= {"first_year"}
        assert self._held(session, self.Y2023, self.Y2024, self.Y2025, self.Y2026) == [
            None,  # not a single held event: no data
            2,
            1,
            1,
        ]

    def test_years_out_of_order(self, client: TestClient, session: Session) -> None:
        self._events(client)
        assert self._held(session, self.Y2026, self.Y2024, self.Y2023, self.Y2025) == [
            1,
            2,
            None,
            1,
        ]

    def test_years_with_a_gap(self, client: TestClient, session: Session) -> None:
        self._events(client)
        assert "first_year" not in span_bounds([self.Y2024, self.Y2026], [0, 1])
        assert self._held(session, self.Y2024, self.Y2026) == [2, 1]
        assert self._held(session, self.Y2026, self.Y2023, self.Y2025) == [1, None, 1]

    def test_one_year_alone(self, client: TestClient, session: Session) -> None:
        self._events(client)
        assert [self._held(session, year) for year in (self.Y2024, self.Y2025)] == [[2], [1]]


class TestMarkHeld:
    def test_marks_held_and_the_registered_as_no_shows(self, client: TestClient) -> None:
        event = _event(client)
        registrations = _people(client, event["id"], registered=2, attended=3)
        before = client.get(f"/api/v1/events/{event['id']}")

        response = client.post(
            f"/api/v1/events/{event['id']}/mark-held", headers={"If-Match": before.headers["etag"]}
        )

        assert response.status_code == 200, response.text
        assert response.headers["etag"] != before.headers["etag"]
        body = response.json()
        assert body["status"] == "held"
        assert body["counts"]["registered"] == 0
        assert (body["counts"]["attended"], body["counts"]["no_show"]) == (3, 2)
        listed = client.get(f"/api/v1/events/{event['id']}/registrations").json()["items"]
        statuses = {r["id"]: r["status"] for r in listed}
        assert [statuses[r] for r in registrations] == ["attended"] * 3 + ["no_show"] * 2
        assert (
            client.get(f"/api/v1/events/{event['id']}").headers["etag"]
            == (response.headers["etag"])
        )

    def test_marking_again_changes_nothing(self, client: TestClient) -> None:
        event = _event(client)
        _people(client, event["id"], registered=1, attended=1)
        first = client.post(f"/api/v1/events/{event['id']}/mark-held")
        again = client.post(f"/api/v1/events/{event['id']}/mark-held")
        assert again.status_code == 200, again.text
        assert again.headers["etag"] == first.headers["etag"]
        assert again.json()["counts"] == first.json()["counts"]

    def test_a_stale_etag_is_refused(self, client: TestClient) -> None:
        event = _event(client)
        etag = client.get(f"/api/v1/events/{event['id']}").headers["etag"]
        client.patch(
            f"/api/v1/events/{event['id']}", json={"location": "Hvalsø"}, headers={"If-Match": etag}
        )
        response = client.post(
            f"/api/v1/events/{event['id']}/mark-held", headers={"If-Match": etag}
        )
        assert_problem(response, 412)
        assert client.get(f"/api/v1/events/{event['id']}").json()["status"] == "planned"

    def test_a_cancelled_event_is_refused(self, client: TestClient) -> None:
        event = _event(client)
        registrations = _people(client, event["id"], registered=1, attended=0)
        etag = client.get(f"/api/v1/events/{event['id']}").headers["etag"]
        _status(client, event["id"], etag, "cancelled")
        body = assert_problem(client.post(f"/api/v1/events/{event['id']}/mark-held"), 409)
        assert body["type"].endswith("/event-cancelled")
        assert "aflyst" in body["detail"]
        listed = client.get(f"/api/v1/events/{event['id']}/registrations").json()["items"]
        assert [r["status"] for r in listed if r["id"] in registrations] == ["registered"]

    def test_an_event_not_started_yet_is_refused(self, client: TestClient) -> None:
        future = _event(client, starts_at=datetime.now(UTC) + timedelta(days=30))
        body = assert_problem(client.post(f"/api/v1/events/{future['id']}/mark-held"), 409)
        assert body["type"].endswith("/event-not-started")
        assert "ikke begyndt" in body["detail"]
        assert client.get(f"/api/v1/events/{future['id']}").json()["status"] == "planned"

    def test_an_unknown_event_is_404(self, client: TestClient) -> None:
        assert_problem(client.post("/api/v1/events/999999/mark-held"), 404)

    @pytest.mark.parametrize("who", ["viewer_client", "anon_client"])
    def test_only_editors_may(
        self, client: TestClient, who: str, request: pytest.FixtureRequest
    ) -> None:
        event = _event(client)
        other: TestClient = request.getfixturevalue(who)
        response = other.post(f"/api/v1/events/{event['id']}/mark-held")
        assert_problem(response, 403 if who == "viewer_client" else 401)
        assert client.get(f"/api/v1/events/{event['id']}").json()["status"] == "planned"
