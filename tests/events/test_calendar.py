"""GET /api/v1/plans/{year}/calendar: the annual wheel, month by month in the legend's groups."""

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from tests.events.helpers import event_series, make_event, register
from tests.helpers import assert_problem

CALENDAR = "/api/v1/plans/2026/calendar"
MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


def _calendar(client: TestClient) -> dict[str, Any]:
    response = client.get(CALENDAR)
    assert response.status_code == 200, response.text
    return response.json()


def _placed(body: dict[str, Any], event_id: int) -> tuple[int, str, dict[str, Any]]:
    """Where an event is drawn: (month, group, the event as shown)."""
    found = [
        (month["month"], group, event)
        for month in body["months"]
        for group, events in month["groups"].items()
        for event in events
        if event["id"] == event_id
    ]
    assert len(found) == 1, found
    return found[0]


def _at(month: int, day: int = 10, hour: int = 16) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def _set(client: TestClient, event_id: int, **changes: Any) -> None:
    etag = client.get(f"/api/v1/events/{event_id}").headers["etag"]
    response = client.patch(f"/api/v1/events/{event_id}", json=changes, headers={"If-Match": etag})
    assert response.status_code == 200, response.text


class TestCalendar:
    def test_twelve_danish_months_and_the_plans_legend(self, viewer_client: TestClient) -> None:
        body = _calendar(viewer_client)
        assert body["year"] == 2026
        assert [m["name"] for m in body["months"]] == MONTHS
        assert [m["month"] for m in body["months"]] == list(range(1, 13))
        assert body["groups"] == [
            {"key": "events", "label": "Temamøder og events"},
            {"key": "entrepreneurs", "label": "Iværksætterarrangementer"},
            {"key": "courses", "label": "Udviklingsforløb"},
        ]
        assert all(
            set(m["groups"]) == {"events", "entrepreneurs", "courses"} for m in body["months"]
        )

    def test_events_are_drawn_in_their_month_and_legend_group(self, client: TestClient) -> None:
        meeting = make_event(client, kind="theme_meeting", starts_at=_at(3))
        course = make_event(client, kind="development_course", starts_at=_at(3, 20))
        week = make_event(client, kind="entrepreneur_event", starts_at=_at(11))
        visit = make_event(client, kind="company_visit", starts_at=_at(6))
        body = _calendar(client)
        assert _placed(body, meeting["id"])[:2] == (3, "events")
        assert _placed(body, course["id"])[:2] == (3, "courses")
        assert _placed(body, week["id"])[:2] == (11, "entrepreneurs")
        assert _placed(body, visit["id"])[:2] == (6, "events")

    def test_months_are_local_and_the_year_is_the_plans(self, client: TestClient) -> None:
        # 22:30 UTC on 31 March is 00:30 on 1 April in Lejre (summer time).
        april = make_event(client, starts_at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
        january = make_event(client, starts_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
        next_year = make_event(client, starts_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
        last_year = make_event(client, starts_at=datetime(2025, 12, 31, 22, 30, tzinfo=UTC))
        body = _calendar(client)
        assert _placed(body, april["id"])[0] == 4
        assert _placed(body, january["id"])[0] == 1
        shown = {e["id"] for m in body["months"] for g in m["groups"].values() for e in g}
        assert next_year["id"] not in shown and last_year["id"] not in shown

    def test_events_of_every_status_in_order_of_start(self, client: TestClient) -> None:
        later = make_event(client, starts_at=_at(5, 20), title="Senere")
        cancelled = make_event(client, starts_at=_at(5, 12), title="Aflyst")
        _set(client, cancelled["id"], status="cancelled")
        held = make_event(client, starts_at=_at(5, 2), title="Afholdt")
        _set(client, held["id"], status="held", headcount=12)
        may = _calendar(client)["months"][4]["groups"]["events"]
        ours = [e for e in may if e["id"] in {later["id"], cancelled["id"], held["id"]}]
        assert [(e["title"], e["status"]) for e in ours] == [
            ("Afholdt", "held"),
            ("Aflyst", "cancelled"),
            ("Senere", "planned"),
        ]

    def test_an_event_shows_participants_and_initiative_codes(self, client: TestClient) -> None:
        plan = client.get("/api/v1/plans/2026").json()
        ids = {i["code"]: i["id"] for t in plan["tracks"] for i in t["initiatives"]}
        event = make_event(
            client,
            kind="development_course",
            series_id=event_series(client, "Raketvækst")["id"],
            initiative_ids=[ids["3.2"], ids["2.1"]],
        )
        people = [register(client, event["id"]).json()["person_id"] for _ in range(3)]
        register(client, event["id"])  # registered, did not come
        check_in = client.post(
            f"/api/v1/events/{event['id']}/check-in", json={"person_ids": people}
        )
        assert check_in.status_code == 200
        _set(client, event["id"], status="held", headcount=2)
        shown = _placed(_calendar(client), event["id"])[2]
        assert shown["participants"] == 3  # the door count of 2 is below the 3 checked in
        assert shown["initiative_codes"] == ["2.1", "3.2"]
        assert shown["series"] == "Raketvækst" and shown["location"] == "Lejre Rådhus"
        assert shown["kind"] == "development_course" and shown["tentative"] is False

    def test_no_personal_data(self, client: TestClient, viewer_client: TestClient) -> None:
        event = make_event(client)
        register(client, event["id"], name="Hemmelig Person")
        response = viewer_client.get(CALENDAR)
        assert response.status_code == 200
        assert "Hemmelig" not in response.text and "@firma.dk" not in response.text
        shown = _placed(response.json(), event["id"])[2]
        assert set(shown) == {
            "id",
            "title",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "tentative",
            "series_id",
            "series",
            "location",
            "is_demo",
            "participants",
            "initiative_codes",
        }

    def test_unknown_plan_year_is_404(self, client: TestClient) -> None:
        body = assert_problem(client.get("/api/v1/plans/1999/calendar"), 404)
        assert "1999" in body["detail"]

    def test_anonymous_is_refused(self, anon_client: TestClient) -> None:
        assert_problem(anon_client.get(CALENDAR), 401)
