"""A written status where it matters: comments on goals, shown beside a goal that is at risk,
off track or overdue, in progress and in the committee report."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.helpers import add_measurement, assert_problem, make_goal

PROGRESS = "/api/v1/plans/2026/progress"
REPORT = "/api/v1/plans/2026/report"


def _goal_at(client: TestClient, key: str, on: str) -> dict[str, Any]:
    body = client.get(PROGRESS, params={"evaluation_date": on}).json()
    goals = body["goals"] + [
        g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]
    ]
    return next(g for g in goals if g["key"] == key)


def _comment(client: TestClient, goal_id: int, day: str, text: str) -> Any:
    return client.post(f"/api/v1/goals/{goal_id}/comments", json={"written_on": day, "text": text})


def _behind(session: Session) -> Any:
    goal = make_goal(session, key="behind", targets={2026: 100})
    add_measurement(session, goal, date(2026, 6, 1), 10)  # 10 of an expected ~50
    session.commit()
    return goal


class TestComments:
    def test_written_and_listed_newest_first(self, client: TestClient, session: Session) -> None:
        goal = _behind(session)
        first = _comment(client, goal.id, "2026-05-01", "Vi er i gang.")
        assert first.status_code == 201, first.text
        assert first.json()["author"]
        _comment(client, goal.id, "2026-06-15", "To møder er flyttet til efteråret.")
        listed = client.get(f"/api/v1/goals/{goal.id}/comments").json()
        assert [c["written_on"] for c in listed["items"]] == ["2026-06-15", "2026-05-01"]

    def test_progress_shows_the_newest_by_the_date(
        self, client: TestClient, session: Session
    ) -> None:
        goal = _behind(session)
        _comment(client, goal.id, "2026-06-15", "To møder er flyttet til efteråret.")
        early = _goal_at(client, "behind", "2026-06-14")
        assert early["status"] == "off_track"
        assert (early["comment_needed"], early["comment"]) == (True, None)
        later = _goal_at(client, "behind", "2026-06-30")
        assert later["comment"]["text"] == "To møder er flyttet til efteråret."
        assert later["comment"]["written_on"] == "2026-06-15"

    def test_a_goal_on_track_needs_no_comment(self, client: TestClient) -> None:
        goal = _goal_at(client, "plan-tilskudsmidler", "2026-06-30")
        assert goal["comment_needed"] is False

    def test_the_report_shows_the_status_or_says_there_is_none(
        self, client: TestClient, session: Session
    ) -> None:
        goal = _behind(session)
        without = client.get(REPORT, params={"evaluation_date": "2026-06-30"}).text
        assert "Ingen kommentar fra den ansvarlige" in without
        _comment(client, goal.id, "2026-06-15", "To møder er flyttet til efteråret.")
        report = client.get(REPORT, params={"evaluation_date": "2026-06-30"}).text
        assert "To møder er flyttet til efteråret." in report

    def test_empty_text_and_unknown_goal(self, client: TestClient, session: Session) -> None:
        goal = _behind(session)
        assert_problem(_comment(client, goal.id, "2026-06-15", "   "), 422)
        assert_problem(_comment(client, 999_999, "2026-06-15", "Tekst"), 404)

    def test_a_viewer_may_read_but_not_write(
        self, viewer_client: TestClient, session: Session
    ) -> None:
        goal = _behind(session)
        assert viewer_client.get(f"/api/v1/goals/{goal.id}/comments").status_code == 200
        assert_problem(_comment(viewer_client, goal.id, "2026-06-15", "Tekst"), 403)
