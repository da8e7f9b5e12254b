"""Grant programmes, the grant list, the summary, and the grant metrics in the plan's progress."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.grants.helpers import CVR_A, CVR_B, CVR_C, HEADER, grants, imported, semicolons
from tests.helpers import assert_problem

PROGRAMMES = "/api/v1/grants/programmes"
SUMMARY = "/api/v1/grants/summary"

SPREAD = semicolons(
    HEADER,
    f"G-1;{CVR_A};Skovgaard ApS;SMV:Grøn;1.000.000;15-03-2026",
    f"G-2;{CVR_A};Skovgaard ApS;SMV:Grønne Kompetencer;500.000;15-04-2026",
    f"G-3;{CVR_B};Lejre Maskinfabrik A/S;SMV:Digital;250.000;01-05-2026",
    f"G-4;{CVR_C};Hvalsø Bageri;SMV:Grøn;100.000;01-06-2025",
    f"G-5;{CVR_B};Lejre Maskinfabrik A/S;SMV:Pro;50.000;01-07-2025",
)


def goal_progress(client: TestClient, key: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/plans/2026/progress", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    goals = [*body["goals"]]
    for track in body["tracks"]:
        for initiative in track["initiatives"]:
            goals.extend(initiative["goals"])
    return next(goal for goal in goals if goal["key"] == key)


def series(goal: dict[str, Any]) -> dict[int, tuple[float | None, str | None]]:
    return {point["year"]: (point["actual"], point["actual_source"]) for point in goal["series"]}


class TestProgrammes:
    def test_the_plans_programmes_are_there(self, viewer_client: TestClient) -> None:
        programmes = viewer_client.get(PROGRAMMES).json()
        assert {(p["name"], p["theme"]) for p in programmes} == {
            ("SMV:Digital", "digital"),
            ("SMV:Grøn", "climate"),
            ("SMV:Grønne Kompetencer", "climate"),
            ("SMV:Pro", "growth"),
            ("SMV:Vækstpilot", "growth"),
        }
        assert {p["operator"] for p in programmes} == {"Erhvervshus Sjælland"}

    def test_a_new_programme_takes_grants(self, client: TestClient) -> None:
        response = client.post(PROGRAMMES, json={"name": "Grøn Cirkulær Omstilling",
                                                 "theme": "climate"})  # fmt: skip
        assert response.status_code == 201, response.text
        assert response.headers["Location"].endswith(f"/{response.json()['id']}")
        report = imported(
            client,
            semicolons(HEADER, f"N-1;{CVR_A};Skovgaard ApS;grøn cirkulær omstilling;5;01-02-2026"),
        )
        assert report["counts"]["created"] == 1

    def test_a_name_that_matches_one_already_there_is_409(self, client: TestClient) -> None:
        body = assert_problem(
            client.post(PROGRAMMES, json={"name": "smv grøn", "theme": "other"}), 409
        )
        assert "'SMV:Grøn'" in body["detail"]

    def test_a_change_needs_the_current_etag(self, client: TestClient) -> None:
        programme = next(p for p in client.get(PROGRAMMES).json() if p["name"] == "SMV:Pro")
        url = f"{PROGRAMMES}/{programme['id']}"
        assert_problem(client.patch(url, json={"theme": "competence"}), 428)
        etag = client.get(url).headers["ETag"]
        response = client.patch(url, json={"theme": "competence"}, headers={"If-Match": etag})
        assert response.status_code == 200 and response.json()["theme"] == "competence"
        stale = client.patch(url, json={"theme": "growth"}, headers={"If-Match": etag})
        assert_problem(stale, 412)

    def test_a_change_may_leave_a_field_out_not_set_it_to_null(self, client: TestClient) -> None:
        programme = next(p for p in client.get(PROGRAMMES).json() if p["name"] == "SMV:Pro")
        url = f"{PROGRAMMES}/{programme['id']}"
        for field in ("name", "operator", "theme"):
            etag = client.get(url).headers["ETag"]
            response = client.patch(url, json={field: None}, headers={"If-Match": etag})
            error = assert_problem(response, 422)["errors"][0]
            assert error["message"] == "Feltet kan udelades, men ikke sættes til null.", field
        description = client.patch(
            url, json={"description": None}, headers={"If-Match": client.get(url).headers["ETag"]}
        )
        assert description.status_code == 200, description.text

    def test_a_bad_theme_is_422(self, client: TestClient) -> None:
        body = assert_problem(client.post(PROGRAMMES, json={"name": "X", "theme": "space"}), 422)
        assert body["errors"][0]["field"].endswith("theme")


class TestGrantList:
    def test_filters(self, client: TestClient) -> None:
        imported(client, SPREAD)
        assert [g["reference"] for g in grants(client)] == ["G-3", "G-2", "G-1", "G-5", "G-4"]
        assert {g["reference"] for g in grants(client, year=2025)} == {"G-4", "G-5"}
        assert {g["reference"] for g in grants(client, theme="climate")} == {"G-1", "G-2", "G-4"}
        assert {g["reference"] for g in grants(client, cvr=CVR_B)} == {"G-3", "G-5"}
        grant = grants(client, cvr=CVR_C)[0]
        assert client.get(f"/api/v1/grants/{grant['id']}").json() == grant
        assert_problem(client.get("/api/v1/grants/999999"), 404)


class TestSummary:
    @pytest.fixture(autouse=True)
    def _grants(self, client: TestClient) -> None:
        imported(client, SPREAD)

    def summary(self, client: TestClient, **params: Any) -> dict[str, Any]:
        response = client.get(SUMMARY, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def test_by_year(self, viewer_client: TestClient) -> None:
        body = self.summary(viewer_client, group_by="year")
        assert [(r["key"], r["amount"], r["grants"], r["companies"]) for r in body["rows"]] == [
            ("2025", 150000, 2, 2),
            ("2026", 1750000, 3, 2),
        ]
        assert (body["total"]["amount"], body["total"]["companies"]) == (1900000, 3)

    def test_by_theme_within_a_year(self, viewer_client: TestClient) -> None:
        body = self.summary(viewer_client, group_by="theme", year=2026)
        assert [(r["key"], r["label"], r["amount"], r["companies"]) for r in body["rows"]] == [
            ("climate", "Klima og grøn omstilling", 1500000, 1),
            ("digital", "Digitalisering", 250000, 1),
        ]

    def test_by_programme_and_by_company(self, viewer_client: TestClient) -> None:
        body = self.summary(viewer_client, group_by="programme")
        assert {r["label"]: r["amount"] for r in body["rows"]} == {
            "SMV:Digital": 250000,
            "SMV:Grøn": 1100000,
            "SMV:Grønne Kompetencer": 500000,
            "SMV:Pro": 50000,
        }
        body = self.summary(viewer_client, group_by="company", theme="climate")
        assert [(r["key"], r["label"], r["amount"], r["grants"]) for r in body["rows"]] == [
            (CVR_A, "Skovgaard ApS", 1500000, 2),
            (CVR_C, "Hvalsø Bageri", 100000, 1),
        ]

    def test_group_by_is_required_and_checked(self, viewer_client: TestClient) -> None:
        assert_problem(viewer_client.get(SUMMARY), 422)
        assert_problem(viewer_client.get(SUMMARY, params={"group_by": "colour"}), 422)


class TestMetrics:
    def test_the_plan_figure_and_the_three_million_goal_show_the_grants(
        self, client: TestClient
    ) -> None:
        imported(client, SPREAD)
        for key in ("plan-tilskudsmidler", "s3-i1-tilbageloeb-midler"):
            goal = goal_progress(client, key, evaluation_date="2026-12-31")
            assert goal["metric"] == "grant_amount"
            assert (goal["actual"], goal["actual_source"]) == (1750000, "metric")
            assert goal["target"] == 3000000
            assert goal["status"] == "off_track"
        # Years without any imported grant keep the plan's recorded figures.
        plan = series(goal_progress(client, "plan-tilskudsmidler", evaluation_date="2026-12-31"))
        assert plan[2023] == (2242000, "measurement")
        assert plan[2025] == (150000, "metric")

    def test_the_climate_goal_counts_companies_with_climate_grants(
        self, client: TestClient
    ) -> None:
        imported(client, SPREAD)
        goal = goal_progress(client, "s1-i1-klimatilskud-virksomheder")
        assert goal["metric"] == "companies_with_grant"
        assert (goal["actual"], goal["target"]) == (1, 8)  # G-1 and G-2: one company
        by_year = series(goal)
        assert by_year[2025] == (1, "metric")  # G-4; the digital and growth grants do not count
        assert by_year[2024] == (0, "measurement")

    def test_the_evaluation_date_cuts_the_year(self, client: TestClient) -> None:
        imported(client, SPREAD)
        goal = goal_progress(client, "plan-tilskudsmidler", evaluation_date="2026-04-01")
        assert goal["actual"] == 1000000  # only G-1 is granted by then

    def test_without_grants_the_goal_has_no_data(self, client: TestClient) -> None:
        goal = goal_progress(client, "s3-i1-tilbageloeb-midler")
        assert goal["actual"] is None and goal["status"] == "no_data"

    def test_the_metrics_are_listed(self, viewer_client: TestClient) -> None:
        metrics = {m["key"]: m for m in viewer_client.get("/api/v1/metrics").json()}
        assert metrics["grant_amount"]["units"] == ["dkk"]
        assert metrics["companies_with_grant"]["units"] == ["count"]
