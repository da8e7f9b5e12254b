"""GET /api/v1/plans/{year}/progress through HTTP, on the loaded 2026 plan."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.goals.enums import Direction, GoalKind, Pace, Unit
from api.goals.models import Goal
from api.kit.clock import today
from tests.helpers import add_measurement, assert_problem, make_goal

URL = "/api/v1/plans/2026/progress"


def _progress(client: TestClient, on: str = "2026-07-02") -> dict[str, Any]:
    response = client.get(URL, params={"evaluation_date": on})
    assert response.status_code == 200, response.text
    return response.json()


def _all_goals(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body["goals"] + [g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]]


def _goal(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(g for g in _all_goals(body) if g["key"] == key)


class TestPlanProgress:
    def test_lists_every_goal_with_a_status(self, client: TestClient) -> None:
        body = _progress(client)
        goals = _all_goals(body)
        assert len(goals) == 31
        assert body["summary"]["total"] == 31
        assert all(g["status"] for g in goals)
        assert [len(t["initiatives"]) for t in body["tracks"]] == [4, 8, 10]

    def test_plan_figures_show_history_and_no_invented_2026_value(self, client: TestClient) -> None:
        grants = _goal(_progress(client), "plan-tilskudsmidler")
        assert grants["target"] == 3_000_000
        assert grants["status"] == "no_data"
        assert grants["actual"] is None
        series = {p["year"]: p for p in grants["series"]}
        assert series[2023]["actual"] == 2_242_000
        assert series[2024]["actual"] == 562_000
        assert series[2025]["target"] == 2_000_000
        assert series[2023]["actual_source"] == "measurement"

    def test_recorded_measurement_sets_actual_and_status(
        self, client: TestClient, session: Session
    ) -> None:
        goal = session.scalars(select(Goal).where(Goal.key == "plan-deltagere")).one()
        add_measurement(session, goal, date(2026, 6, 30), 210)
        session.commit()
        participants = _goal(_progress(client), "plan-deltagere")
        assert participants["actual"] == 210
        assert participants["actual_source"] == "measurement"
        assert participants["recorded"]["measured_on"] == "2026-06-30"
        # The plan dates two events with no capacity (the conference in May, Iværksætteruge 46
        # in November): each is expected to bring half the target, so 200 are due by July.
        assert participants["status"] == "on_track"
        assert participants["expected"] == 200
        assert participants["expected_basis"] == "calendar"
        assert participants["forecast"] == 410  # 210 so far and the 200 Iværksætteruge brings

    def test_evaluation_date_excludes_later_measurements(
        self, client: TestClient, session: Session
    ) -> None:
        goal = make_goal(session, key="t-late", targets={2026: 10})
        add_measurement(session, goal, date(2026, 9, 1), 10)
        session.commit()
        assert _goal(_progress(client, "2026-08-31"), "t-late")["status"] == "no_data"
        assert _goal(_progress(client, "2026-09-01"), "t-late")["status"] == "achieved"

    def test_at_most_goal(self, client: TestClient, session: Session) -> None:
        goal = make_goal(
            session,
            key="t-ceiling",
            direction=Direction.at_most,
            pace=Pace.level,
            unit=Unit.percent,
            targets={2026: 20},
        )
        add_measurement(session, goal, date(2026, 5, 1), 25)
        session.commit()
        result = _goal(_progress(client), "t-ceiling")
        assert result["status"] == "off_track"
        assert "højst 20 %" in result["explanation"]

    def test_milestone_reports_its_state_and_newest_note(
        self, client: TestClient, session: Session
    ) -> None:
        goal = session.scalars(
            select(Goal).where(Goal.key.like("s1-i4%"), Goal.kind == GoalKind.milestone)
        ).one()
        client.post(
            f"/api/v1/goals/{goal.id}/milestone-notes",
            json={
                "noted_on": "2026-04-01",
                "state": "in_progress",
                "text": "Første møde holdt",
            },
        )
        result = _goal(_progress(client), goal.key)
        assert result["status"] == "in_progress"
        assert "Første møde holdt" in result["explanation"]

    def test_rollups_count_statuses(self, client: TestClient, session: Session) -> None:
        body = _progress(client)
        for track in body["tracks"]:
            assert track["summary"]["total"] == sum(
                i["summary"]["total"] for i in track["initiatives"]
            )
        summary = body["summary"]
        assert summary["total"] == sum(v for k, v in summary.items() if k != "total")

    def test_default_evaluation_date_is_today(self, client: TestClient) -> None:
        body = client.get(URL).json()
        assert body["evaluated_on"] == today().isoformat()

    def test_before_the_year_starts_nothing_is_due(self, client: TestClient) -> None:
        body = _progress(client, "2025-12-01")
        assert _goal(body, "plan-deltagere")["status"] == "not_due"
        assert _goal(body, "plan-deltagere")["year_elapsed"] == 0

    def test_bad_date_is_a_422_problem(self, client: TestClient) -> None:
        body = assert_problem(client.get(URL, params={"evaluation_date": "i går"}), 422)
        assert body["errors"][0]["field"] == "query.evaluation_date"

    def test_unknown_year_is_404(self, client: TestClient) -> None:
        assert_problem(client.get("/api/v1/plans/2031/progress"), 404)
