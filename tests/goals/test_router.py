"""The goal API: goals, targets, measurements, milestone notes, metrics."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_problem, plain_targets

GOALS = "/api/v1/plans/2026/goals"


def _goal(client: TestClient, key: str) -> dict[str, Any]:
    items = client.get(GOALS, params={"limit": 500}).json()["items"]
    return next(g for g in items if g["key"] == key)


def _patch(client: TestClient, goal_id: int, body: dict[str, Any]) -> Any:
    etag = client.get(f"/api/v1/goals/{goal_id}").headers["etag"]
    return client.patch(f"/api/v1/goals/{goal_id}", json=body, headers={"If-Match": etag})


class TestListGoals:
    def test_plan_level_goals_come_first(self, client: TestClient) -> None:
        body = client.get(GOALS, params={"limit": 2}).json()
        assert body["total"] == 31
        assert [g["initiative_id"] for g in body["items"]] == [None, None]

    def test_filter_by_kind(self, client: TestClient) -> None:
        body = client.get(GOALS, params={"kind": "milestone"}).json()
        assert body["total"] == 11

    def test_the_share_goal_has_baseline_and_target(self, client: TestClient) -> None:
        share = next(
            g
            for g in client.get(GOALS, params={"limit": 500}).json()["items"]
            if g["unit"] == "percent" and g["baseline"]
        )
        assert share["baseline"] == {
            "year": None,
            "value": 65,
        }  # "de nuværende 65 procent": no year
        assert plain_targets(share["targets"]) == [{"year": 2026, "value": 80}]
        assert share["pace"] == "level"

    def test_modified_since_without_zone_is_taken_as_utc(self, client: TestClient) -> None:
        assert (
            client.get(GOALS, params={"modified_since": "2000-01-01T00:00:00"}).json()["total"]
            == 31
        )

    def test_modified_since_in_the_future_returns_nothing(self, client: TestClient) -> None:
        body = client.get(GOALS, params={"modified_since": "2100-01-01T00:00:00Z"}).json()
        assert body["total"] == 0


class TestCreateGoal:
    def test_measurable_goal_gets_defaults(self, client: TestClient) -> None:
        response = client.post(
            GOALS,
            json={
                "text": "Mindst 20 deltagere",
                "kind": "measurable",
                "unit": "count",
                "targets": {"2026": 20},
            },
        )
        assert response.status_code == 201, response.text
        goal = response.json()
        assert goal["metric"] == "manual"
        assert goal["direction"] == "at_least" and goal["pace"] == "cumulative"
        assert goal["key"].startswith("goal-")
        assert response.headers["location"] == f"/api/v1/goals/{goal['id']}"

    def test_measurable_goal_without_unit_is_refused(self, client: TestClient) -> None:
        body = assert_problem(client.post(GOALS, json={"text": "x", "kind": "measurable"}), 422)
        assert "unit" in body["detail"]

    def test_milestone_with_targets_is_refused(self, client: TestClient) -> None:
        body = assert_problem(
            client.post(GOALS, json={"text": "x", "kind": "milestone", "targets": {"2026": 1}}), 422
        )
        assert "targets" in body["detail"]

    def test_unknown_metric_is_refused(self, client: TestClient) -> None:
        body = assert_problem(
            client.post(
                GOALS, json={"text": "x", "kind": "measurable", "unit": "count", "metric": "magic"}
            ),
            422,
        )
        assert "unknown metric 'magic'" in body["detail"]

    def test_bad_metric_params_are_refused(self, client: TestClient) -> None:
        body = assert_problem(
            client.post(
                GOALS,
                json={
                    "text": "x",
                    "kind": "measurable",
                    "unit": "count",
                    "metric_params": {"a": 1},
                },
            ),
            422,
        )
        assert "metric_params" in body["detail"]

    def test_initiative_of_another_plan_is_refused(self, client: TestClient) -> None:
        body = assert_problem(
            client.post(GOALS, json={"text": "x", "kind": "milestone", "initiative_id": 99999}), 422
        )
        assert body["errors"][0]["field"] == "initiative_id"

    def test_duplicate_key_is_409(self, client: TestClient) -> None:
        assert_problem(
            client.post(GOALS, json={"key": "plan-deltagere", "text": "x", "kind": "milestone"}),
            409,
        )

    @pytest.mark.parametrize(
        "targets",
        [{"2026": True}, {"2026": "12"}, {"2026": {"value": 1, "monthly_profile": [True] * 12}}],
    )
    def test_a_target_is_a_number_however_deep(
        self, client: TestClient, targets: dict[str, Any]
    ) -> None:
        body = {"text": "x", "kind": "measurable", "unit": "count", "targets": targets}
        errors = assert_problem(client.post(GOALS, json=body), 422)["errors"]
        assert any(
            e["field"].startswith("body.targets") and e["message"].startswith("Skriv et tal")
            for e in errors
        ), errors

    def test_a_goal_after_the_last_position_shares_it(self, client: TestClient) -> None:
        """The position column holds 32 bits: a goal added after one at its end shares the
        position (ties are ordered by id), never a database error."""
        body = {"text": "x", "kind": "milestone"}
        last = client.post(GOALS, json=body | {"key": "sidst", "position": 2**31 - 1})
        assert last.status_code == 201, last.text
        after = client.post(GOALS, json=body | {"key": "efter"})
        assert after.status_code == 201, after.text
        assert after.json()["position"] == 2**31 - 1

    def test_target_year_must_be_a_year(self, client: TestClient) -> None:
        assert_problem(
            client.post(
                GOALS,
                json={"text": "x", "kind": "measurable", "unit": "count", "targets": {"26": 1}},
            ),
            422,
        )


class TestUpdateGoal:
    def test_targets_are_replaced(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        response = _patch(client, goal["id"], {"targets": {"2026": 420, "2027": 450}})
        assert response.status_code == 200, response.text
        assert plain_targets(response.json()["targets"]) == [
            {"year": 2026, "value": 420},
            {"year": 2027, "value": 450},
        ]

    def test_turning_a_goal_into_a_milestone_drops_measurable_fields(
        self, client: TestClient
    ) -> None:
        goal = _goal(client, "plan-deltagere")
        response = _patch(client, goal["id"], {"kind": "milestone"})
        assert response.status_code == 200, response.text
        assert response.json()["unit"] is None and response.json()["targets"] == []
        assert response.json()["milestone_state"] == "not_started"

    def test_invalid_merge_is_refused_and_nothing_changes(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        assert_problem(_patch(client, goal["id"], {"milestone_state": "done"}), 422)
        assert _goal(client, "plan-deltagere")["milestone_state"] is None

    def test_stale_etag(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        etag = client.get(f"/api/v1/goals/{goal['id']}").headers["etag"]
        _patch(client, goal["id"], {"note": "ny note"})
        response = client.patch(
            f"/api/v1/goals/{goal['id']}", json={"note": "gammel"}, headers={"If-Match": etag}
        )
        assert_problem(response, 412)

    def test_changing_only_the_targets_moves_the_etag(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        etag = client.get(f"/api/v1/goals/{goal['id']}").headers["etag"]
        changed = _patch(client, goal["id"], {"targets": {"2026": 430}})
        assert changed.status_code == 200, changed.text
        assert changed.headers["etag"] != etag
        response = client.patch(
            f"/api/v1/goals/{goal['id']}", json={"targets": {"2026": 1}}, headers={"If-Match": etag}
        )
        assert_problem(response, 412)
        assert plain_targets(_goal(client, "plan-deltagere")["targets"]) == [
            {"year": 2026, "value": 430}
        ]

    def test_the_same_targets_again_keep_the_etag(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        targets = {str(t["year"]): t["value"] for t in goal["targets"]}
        etag = client.get(f"/api/v1/goals/{goal['id']}").headers["etag"]
        assert _patch(client, goal["id"], {"targets": targets}).headers["etag"] == etag

    def test_a_negative_target_is_refused(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        body = assert_problem(_patch(client, goal["id"], {"targets": {"2026": -5}}), 422)
        assert body["errors"][0]["field"] == "targets"
        assert "negative" in body["errors"][0]["message"]

    def test_a_share_above_100_percent_is_refused(self, client: TestClient) -> None:
        goal = _goal(client, "s3-i3-sagsbehandling-servicemaal")
        assert_problem(_patch(client, goal["id"], {"targets": {"2026": 120}}), 422)

    def test_delete(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
        assert_problem(client.get(f"/api/v1/goals/{goal['id']}"), 404)


class TestMeasurements:
    def test_add_list_delete(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        url = f"/api/v1/goals/{goal['id']}/measurements"
        response = client.post(
            url,
            json={
                "measured_on": "2026-05-31",
                "value": 120,
                "comment": "Efter konferencen",
            },
        )
        assert response.status_code == 201, response.text
        listed = client.get(url).json()
        assert listed["total"] == 3
        assert listed["items"][0]["comment"] == "Efter konferencen"
        assert listed["items"][0]["source"] == "manual"
        measurement_id = response.json()["id"]
        assert client.delete(f"/api/v1/measurements/{measurement_id}").status_code == 204
        assert client.get(url).json()["total"] == 2

    def test_the_logged_in_user_is_recorded_as_author(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        url = f"/api/v1/goals/{goal['id']}/measurements"
        response = client.post(url, json={"measured_on": "2026-05-31", "value": 1})
        assert response.json()["entered_by"] == "Test Redaktør"

    def test_author_cannot_be_claimed(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        response = client.post(
            f"/api/v1/goals/{goal['id']}/measurements",
            json={"measured_on": "2026-05-31", "value": 1, "entered_by": "Borgmesteren"},
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "body.entered_by"

    def test_a_float_of_whole_cents_is_whole_cents(self, client: TestClient) -> None:
        """57 times 0.01 is 0.5700000000000001 as a float: whole cents, as the schema's
        multipleOf 0.01 states it, and stored as 0.57."""
        goal = _goal(client, "plan-deltagere")
        url = f"/api/v1/goals/{goal['id']}/measurements"
        response = client.post(url, json={"measured_on": "2026-05-31", "value": 57 * 0.01})
        assert response.status_code == 201, response.text
        assert response.json()["value"] == 0.57
        value = client.get("/openapi.json").json()["components"]["schemas"]["MeasurementCreate"]
        assert value["properties"]["value"]["multipleOf"] == 0.01

    @pytest.mark.parametrize("value", [0.005, 1.005, 8.679017536637984e-195, 123456789012.345])
    def test_a_third_decimal_is_refused(self, client: TestClient, value: float) -> None:
        goal = _goal(client, "plan-deltagere")
        response = client.post(
            f"/api/v1/goals/{goal['id']}/measurements",
            json={"measured_on": "2026-05-31", "value": value},
        )
        error = assert_problem(response, 422)["errors"][0]
        assert (error["field"], error["message"]) == ("body.value", "Højst to decimaler.")

    @pytest.mark.parametrize("value", [True, "12"])
    def test_a_value_is_a_number(self, client: TestClient, value: Any) -> None:
        goal = _goal(client, "plan-deltagere")
        response = client.post(
            f"/api/v1/goals/{goal['id']}/measurements",
            json={"measured_on": "2026-05-31", "value": value},
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "body.value"

    def test_milestone_goal_takes_no_measurements(self, client: TestClient) -> None:
        milestone = client.get(GOALS, params={"kind": "milestone", "limit": 1}).json()["items"][0]
        response = client.post(
            f"/api/v1/goals/{milestone['id']}/measurements",
            json={"measured_on": "2026-05-31", "value": 1},
        )
        assert "milestone-notes" in assert_problem(response, 409)["detail"]


class TestMilestoneNotes:
    def test_newest_dated_note_sets_the_state(self, client: TestClient) -> None:
        milestone = client.get(GOALS, params={"kind": "milestone", "limit": 1}).json()["items"][0]
        url = f"/api/v1/goals/{milestone['id']}/milestone-notes"
        note = {"text": "Afklaret"}
        assert (
            client.post(url, json={**note, "noted_on": "2026-06-01", "state": "done"}).status_code
            == 201
        )
        client.post(url, json={**note, "noted_on": "2026-03-01", "state": "in_progress"})
        assert client.get(f"/api/v1/goals/{milestone['id']}").json()["milestone_state"] == "done"
        assert client.get(url).json()["items"][0]["noted_on"] == "2026-06-01"

    def test_measurable_goal_takes_no_notes(self, client: TestClient) -> None:
        goal = _goal(client, "plan-deltagere")
        response = client.post(
            f"/api/v1/goals/{goal['id']}/milestone-notes",
            json={"noted_on": "2026-06-01", "state": "done", "text": "x"},
        )
        assert_problem(response, 409)


class TestMetrics:
    def test_manual_metric_is_listed(self, client: TestClient) -> None:
        metrics = client.get("/api/v1/metrics").json()
        assert [m["key"] for m in metrics] == [
            "cases_within_target",
            "companies_reached",
            "companies_with_grant",
            "company_visits",
            "event_months",
            "event_participants",
            "events_held",
            "grant_amount",
            "manual",
            "survey_change_vs_baseline",
            "survey_respondents",
            "survey_share_at_least",
        ]
        manual = next(m for m in metrics if m["key"] == "manual")
        assert set(manual["units"]) == {"count", "dkk", "percent"}
