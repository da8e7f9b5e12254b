"""The plan API: plans, approval, carry-over, initiatives, organisations."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_problem, plain_targets


def _plan(client: TestClient, year: int = 2026) -> dict[str, Any]:
    response = client.get(f"/api/v1/plans/{year}")
    assert response.status_code == 200, response.text
    return response.json()


def _initiative(client: TestClient, code: str) -> dict[str, Any]:
    plan = _plan(client)
    return next(i for t in plan["tracks"] for i in t["initiatives"] if i["code"] == code)


class TestGetPlan:
    def test_three_tracks_and_22_initiatives_in_the_plans_numbering(
        self, client: TestClient
    ) -> None:
        plan = _plan(client)
        assert [t["title"] for t in plan["tracks"]] == [
            "Klimaomstilling",
            "Iværksættere",
            "Erhvervsservice",
        ]
        codes = [i["code"] for t in plan["tracks"] for i in t["initiatives"]]
        assert len(codes) == 22
        assert codes[:5] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
        assert codes[-1] == "3.10"
        assert [g["key"] for g in plan["goals"]] == ["plan-tilskudsmidler", "plan-deltagere"]

    def test_sends_an_etag(self, client: TestClient) -> None:
        assert client.get("/api/v1/plans/2026").headers["etag"].startswith('"')

    def test_unknown_year(self, client: TestClient) -> None:
        body = assert_problem(client.get("/api/v1/plans/2031"), 404)
        assert "2031" in body["detail"]

    def test_list_is_paginated(self, client: TestClient) -> None:
        body = client.get("/api/v1/plans", params={"limit": 1}).json()
        assert body["total"] == 1 and body["limit"] == 1 and body["offset"] == 0
        assert body["items"][0]["year"] == 2026

    def test_bad_limit_is_a_problem(self, client: TestClient) -> None:
        assert_problem(client.get("/api/v1/plans", params={"limit": 0}), 422)


class TestUpdatePlan:
    def test_patch_with_current_etag(self, client: TestClient) -> None:
        etag = client.get("/api/v1/plans/2026").headers["etag"]
        response = client.patch(
            "/api/v1/plans/2026",
            json={"title": "Handlingsplan 2026 (rev.)"},
            headers={"If-Match": etag},
        )
        assert response.status_code == 200, response.text
        assert response.headers["etag"] != etag
        assert _plan(client)["title"] == "Handlingsplan 2026 (rev.)"

    def test_stale_etag_gets_412_and_changes_nothing(self, client: TestClient) -> None:
        etag = client.get("/api/v1/plans/2026").headers["etag"]
        client.patch("/api/v1/plans/2026", json={"title": "Først"}, headers={"If-Match": etag})
        response = client.patch(
            "/api/v1/plans/2026", json={"title": "Anden"}, headers={"If-Match": etag}
        )
        assert_problem(response, 412)
        assert _plan(client)["title"] == "Først"

    def test_missing_if_match_gets_428(self, client: TestClient) -> None:
        body = assert_problem(client.patch("/api/v1/plans/2026", json={"title": "X"}), 428)
        assert body["detail"].startswith("Send If-Match med den ETag")

    def test_the_schema_states_if_match_is_required(self, client: TestClient) -> None:
        operation = client.get("/openapi.json").json()["paths"]["/api/v1/plans/{year}"]["patch"]
        header = next(p for p in operation["parameters"] if p["in"] == "header")
        assert (header["name"], header["required"]) == ("if-match", True)
        assert header["schema"]["type"] == "string"

    def test_unknown_field_is_refused(self, client: TestClient) -> None:
        etag = client.get("/api/v1/plans/2026").headers["etag"]
        body = assert_problem(
            client.patch("/api/v1/plans/2026", json={"colour": "red"}, headers={"If-Match": etag}),
            422,
        )
        assert body["errors"][0]["field"] == "body.colour"


class TestApproveAndCarryOver:
    def test_approve_records_date_and_body(self, client: TestClient) -> None:
        response = client.post("/api/v1/plans/2026/approve", json={"approved_on": "2026-01-20"})
        assert response.status_code == 200, response.text
        plan = response.json()
        assert plan["status"] == "approved"
        assert plan["approved_by"] == "Udvalget for Erhverv, Klima og Lokal udvikling"
        assert_problem(client.post("/api/v1/plans/2026/approve"), 409)

    def test_approved_plan_cannot_be_deleted(self, client: TestClient) -> None:
        client.post("/api/v1/plans/2026/approve")
        assert_problem(client.delete("/api/v1/plans/2026"), 409)

    def test_carry_over_copies_unfinished_initiatives_once(self, client: TestClient) -> None:
        done = _initiative(client, "1.4")
        etag = client.get(f"/api/v1/initiatives/{done['id']}").headers["etag"]
        client.patch(
            f"/api/v1/initiatives/{done['id']}", json={"status": "done"}, headers={"If-Match": etag}
        )
        response = client.post("/api/v1/plans/2026/carry-over")
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["plan"]["year"] == 2027 and result["plan"]["status"] == "draft"
        assert len(result["carried"]) == 21
        assert any("1.4" in s and "done" in s for s in result["skipped"])
        again = client.post("/api/v1/plans/2026/carry-over").json()
        assert again["carried"] == []
        goals = client.get("/api/v1/plans/2027/goals", params={"limit": 500}).json()["items"]
        grants = next(g for g in goals if g["key"].startswith("s3-i1"))
        assert plain_targets(grants["targets"]) == [{"year": 2027, "value": 3_500_000}]

    def test_carry_over_into_an_approved_plan_is_refused(self, client: TestClient) -> None:
        client.post("/api/v1/plans", json={"year": 2027, "title": "Handlingsplan for 2027"})
        approved = client.post("/api/v1/plans/2027/approve", json={"approved_by": "Udvalget"})
        assert approved.status_code == 200, approved.text
        assert_problem(client.post("/api/v1/plans/2026/carry-over"), 409)

    def test_approve_without_any_approver_is_422(self, client: TestClient) -> None:
        client.post("/api/v1/plans", json={"year": 2027, "title": "Handlingsplan for 2027"})
        body = assert_problem(client.post("/api/v1/plans/2027/approve"), 422)
        error = body["errors"][0]
        # approved_by may be left out; the plan's data decides whether it is needed.
        assert (error["field"], error["type"]) == ("approved_by", "required_by_data")
        assert "skriv, hvem der godkendte den" in error["message"]


class TestCreatePlan:
    def test_create_answers_201_with_location(self, client: TestClient) -> None:
        response = client.post("/api/v1/plans", json={"year": 2027, "title": "Plan 2027"})
        assert response.status_code == 201, response.text
        assert response.headers["location"] == "/api/v1/plans/2027"
        assert response.json()["status"] == "draft"

    def test_duplicate_year_is_409(self, client: TestClient) -> None:
        assert_problem(client.post("/api/v1/plans", json={"year": 2026, "title": "x"}), 409)

    def test_year_outside_every_strategy_is_422(self, client: TestClient) -> None:
        body = assert_problem(client.post("/api/v1/plans", json={"year": 2040, "title": "x"}), 422)
        error = body["errors"][0]
        assert (error["field"], error["type"]) == ("strategy_id", "required_by_data")
        assert error["message"] == "ingen strategi dækker 2040: angiv strategy_id (se /strategies)"

    def test_unknown_strategy_is_an_unknown_reference(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/plans", json={"year": 2027, "title": "x", "strategy_id": 99999}
        )
        error = assert_problem(response, 422)["errors"][0]
        assert (error["field"], error["type"]) == ("strategy_id", "unknown_reference")

    def test_draft_can_be_deleted(self, client: TestClient) -> None:
        client.post("/api/v1/plans", json={"year": 2027, "title": "Plan 2027"})
        assert client.delete("/api/v1/plans/2027").status_code == 204
        assert_problem(client.get("/api/v1/plans/2027"), 404)


class TestInitiatives:
    def test_list_filters_by_track(self, client: TestClient) -> None:
        track = _plan(client)["tracks"][1]
        body = client.get("/api/v1/plans/2026/initiatives", params={"track_id": track["id"]}).json()
        assert body["total"] == 8

    def test_detail_has_goals_and_partners(self, client: TestClient) -> None:
        initiative = _initiative(client, "3.4")
        detail = client.get(f"/api/v1/initiatives/{initiative['id']}").json()
        assert [p["name"] for p in detail["partners"]] == [
            "Folkeskolerne",
            "Vestergaard Company A/S",
        ]
        assert len(detail["goals"]) == 2

    def test_create_takes_the_next_number(self, client: TestClient) -> None:
        track = _plan(client)["tracks"][0]
        response = client.post(
            "/api/v1/plans/2026/initiatives", json={"track_id": track["id"], "title": "Ny indsats"}
        )
        assert response.status_code == 201, response.text
        assert response.json()["code"] == "1.5"
        assert response.headers["location"].startswith("/api/v1/initiatives/")

    def test_after_the_highest_number_there_is_no_next_one(self, client: TestClient) -> None:
        """The number column holds 32 bits: after 2147483647 a number must be given (a 409,
        never a database error)."""
        track = _plan(client)["tracks"][0]
        url = "/api/v1/plans/2026/initiatives"
        last = client.post(
            url, json={"track_id": track["id"], "number": 2**31 - 1, "title": "Sidst"}
        )
        assert last.status_code == 201, last.text
        body = assert_problem(
            client.post(url, json={"track_id": track["id"], "title": "Næste"}), 409
        )
        assert "angiv et ledigt number" in body["detail"]
        given = client.post(url, json={"track_id": track["id"], "number": 7, "title": "Med nummer"})
        assert given.status_code == 201, given.text

    def test_taken_number_is_409(self, client: TestClient) -> None:
        track = _plan(client)["tracks"][0]
        response = client.post(
            "/api/v1/plans/2026/initiatives",
            json={"track_id": track["id"], "number": 2, "title": "Dublet"},
        )
        assert_problem(response, 409)

    def test_unknown_partner_is_422(self, client: TestClient) -> None:
        track = _plan(client)["tracks"][0]
        response = client.post(
            "/api/v1/plans/2026/initiatives",
            json={"track_id": track["id"], "title": "X", "partner_ids": [99999]},
        )
        error = assert_problem(response, 422)["errors"][0]
        assert error == {
            "field": "partner_ids",
            "message": "der findes ingen organisation med id 99999",
            "type": "unknown_reference",
        }

    def test_unknown_track_is_an_unknown_reference(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/plans/2026/initiatives", json={"track_id": 99999, "title": "X"}
        )
        error = assert_problem(response, 422)["errors"][0]
        assert (error["field"], error["type"]) == ("track_id", "unknown_reference")

    def test_patch_changes_status_and_partners(self, client: TestClient) -> None:
        initiative = _initiative(client, "2.1")
        orgs = client.get("/api/v1/organizations").json()["items"]
        etag = client.get(f"/api/v1/initiatives/{initiative['id']}").headers["etag"]
        response = client.patch(
            f"/api/v1/initiatives/{initiative['id']}",
            json={
                "status": "in_progress",
                "responsible": "Thomas Nymann Nederland",
                "partner_ids": [orgs[0]["id"]],
            },
            headers={"If-Match": etag},
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "in_progress"
        assert [p["id"] for p in response.json()["partners"]] == [orgs[0]["id"]]

    def test_changing_only_the_partners_moves_the_etag(self, client: TestClient) -> None:
        initiative = _initiative(client, "2.1")
        orgs = client.get("/api/v1/organizations").json()["items"]
        url = f"/api/v1/initiatives/{initiative['id']}"
        etag = client.get(url).headers["etag"]
        changed = client.patch(
            url, json={"partner_ids": [orgs[-1]["id"]]}, headers={"If-Match": etag}
        )
        assert changed.status_code == 200, changed.text
        assert changed.headers["etag"] != etag
        stale = client.patch(url, json={"partner_ids": []}, headers={"If-Match": etag})
        assert_problem(stale, 412)

    @pytest.mark.parametrize("field", ["title", "track_id", "number", "status"])
    def test_null_is_refused_where_it_means_nothing(self, client: TestClient, field: str) -> None:
        initiative = _initiative(client, "2.1")
        etag = client.get(f"/api/v1/initiatives/{initiative['id']}").headers["etag"]
        response = client.patch(
            f"/api/v1/initiatives/{initiative['id']}",
            json={field: None},
            headers={"If-Match": etag},
        )
        error = assert_problem(response, 422)["errors"][0]
        assert error["field"] == f"body.{field}"
        assert error["message"] == "Feltet kan udelades, men ikke sættes til null."

    def test_delete_removes_its_goals(self, client: TestClient) -> None:
        initiative = _initiative(client, "3.5")
        assert client.delete(f"/api/v1/initiatives/{initiative['id']}").status_code == 204
        goals = client.get("/api/v1/plans/2026/goals", params={"limit": 500}).json()
        assert goals["total"] == 28


class TestOrganizations:
    def test_create_and_duplicate(self, client: TestClient) -> None:
        response = client.post("/api/v1/organizations", json={"name": "Lejre Bibliotek"})
        assert response.status_code == 201
        assert_problem(client.post("/api/v1/organizations", json={"name": "Lejre Bibliotek"}), 409)


class TestStrategies:
    def test_objectives_with_their_tracks(self, client: TestClient) -> None:
        strategy = client.get("/api/v1/strategies").json()["items"][0]
        assert strategy["name"] == "Erhvervsstrategi 2025-2030"
        assert [o["track"]["number"] for o in strategy["objectives"]] == [1, 2, 3]
        one = client.get(f"/api/v1/strategies/{strategy['id']}")
        assert one.json()["objectives"][0]["title"].startswith("Mere klimaviden")
