"""Surveys: questions, the answers' import (formats, bad input, dry run, re-import), results
and the survey metrics in the plan's progress."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import AuditEntry
from api.surveys.models import SurveyAnswer, SurveyResponse
from tests.helpers import assert_problem, xlsx

SURVEYS = "/api/v1/surveys"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUESTIONS = [
    {"key": "ivaerksaettervejledning",
     "text": "Hvor tilfreds er du med iværksættervejledningen?", "kind": "scale"},
    {"key": "anbefale", "text": "Vil du anbefale Erhverv Lejre?", "kind": "yes_no"},
    {"key": "kommentar", "text": "Kommentar", "kind": "free_text"},
]  # fmt: skip


def make_survey(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Tilfredshedsanalyse 2026",
        "year": 2026,
        "kind": "satisfaction",
        "questions": QUESTIONS,
    } | overrides
    response = client.post(SURVEYS, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def csv(*lines: str) -> bytes:
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


HEADER = (
    "Svar-ID;Besvaret;Navn;Hvor tilfreds er du med iværksættervejledningen?;"
    "Vil du anbefale Erhverv Lejre?;Kommentar"
)
GOOD = csv(
    HEADER,
    "r1;02-03-2026;Anne Hansen;Meget stor;Ja;Rigtig god hjælp",
    "r2;03-03-2026;Bo Jensen;4;ja;",
    'r3;04-03-2026;;lille;Nej;=HYPERLINK("x")',
    "r4;05-03-2026;;Ved ikke;;",
    "r5;06-03-2026;;5 - meget stor;nej;",
)


def upload(client: TestClient, survey_id: int, content: bytes, **kwargs: Any) -> Any:
    filename = kwargs.pop("filename", "svar.csv")
    content_type = kwargs.pop("content_type", "text/csv")
    mapping = kwargs.pop("mapping", None)
    return client.post(
        f"{SURVEYS}/{survey_id}/imports",
        params={"dry_run": str(kwargs.pop("dry_run", False)).lower()},
        files={"file": (filename, content, content_type)},
        data={"mapping": json.dumps(mapping)} if mapping else None,
    )


def imported(client: TestClient, survey_id: int, content: bytes, **kwargs: Any) -> dict[str, Any]:
    response = upload(client, survey_id, content, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def outcomes(report: dict[str, Any]) -> dict[int, str]:
    return {row["row"]: row["outcome"] for row in report["rows"]}


def stored(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(SurveyResponse)) or 0,
        session.scalar(select(func.count()).select_from(SurveyAnswer)) or 0,
    )


class TestSurveys:
    def test_create_read_and_change(self, client: TestClient, viewer_client: TestClient) -> None:
        survey = make_survey(client)
        assert [q["key"] for q in survey["questions"]] == ["ivaerksaettervejledning", "anbefale",
                                                           "kommentar"]  # fmt: skip
        assert survey["respondents"] == 0
        url = f"{SURVEYS}/{survey['id']}"
        etag = viewer_client.get(url).headers["ETag"]
        assert_problem(client.patch(url, json={"title": "Ny"}), 428)
        changed = client.patch(url, json={"title": "Ny titel"}, headers={"If-Match": etag})
        assert changed.status_code == 200 and changed.json()["title"] == "Ny titel"
        listed = viewer_client.get(SURVEYS, params={"year": 2026}).json()
        assert listed["total"] == 1 and listed["items"][0]["title"] == "Ny titel"

    def test_question_keys_must_differ(self, client: TestClient) -> None:
        body = assert_problem(
            client.post(
                SURVEYS,
                json={
                    "title": "x",
                    "year": 2026,
                    "kind": "baseline",
                    "questions": [QUESTIONS[0], QUESTIONS[0]],
                },
            ),
            422,
        )
        assert body["errors"][0]["message"] == (
            "spørgsmålenes nøgler (key) skal være forskellige; gentaget: ivaerksaettervejledning"
        )

    def test_an_unknown_event_is_an_unknown_reference(self, client: TestClient) -> None:
        body = {"title": "x", "year": 2026, "kind": "event_evaluation", "event_id": 99999}
        response = client.post(SURVEYS, json=body | {"questions": QUESTIONS})
        error = assert_problem(response, 422)["errors"][0]
        assert error == {
            "field": "event_id",
            "message": "der findes intet arrangement med id 99999",
            "type": "unknown_reference",
        }

    def test_the_title_may_be_left_out_of_a_change_not_set_to_null(
        self, client: TestClient
    ) -> None:
        survey = make_survey(client)
        url = f"{SURVEYS}/{survey['id']}"
        etag = client.get(url).headers["ETag"]
        body = assert_problem(
            client.patch(url, json={"title": None}, headers={"If-Match": etag}), 422
        )
        assert body["errors"][0] == {
            "field": "body.title",
            "message": "Feltet kan udelades, men ikke sættes til null.",
            "type": "value_error",
        }

    def test_a_survey_with_answers_is_kept(self, client: TestClient) -> None:
        survey = make_survey(client)
        imported(client, survey["id"], GOOD)
        assert_problem(client.delete(f"{SURVEYS}/{survey['id']}"), 409)
        empty = make_survey(client, title="Tom")
        assert client.delete(f"{SURVEYS}/{empty['id']}").status_code == 204


class TestImport:
    def test_a_danish_export(self, client: TestClient, session: Session) -> None:
        survey = make_survey(client)
        report = imported(client, survey["id"], GOOD)
        assert outcomes(report) == {n: "created" for n in range(2, 7)}
        assert report["columns"]["respondent"] == "Svar-ID"
        assert report["columns"]["ivaerksaettervejledning"].startswith("Hvor tilfreds")
        assert report["ignored_columns"] == ["Navn"]  # no personal data is kept
        results = client.get(f"{SURVEYS}/{survey['id']}/results").json()
        scale = results["questions"][0]
        assert scale["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2}
        assert scale["share_at_least_stor"] == 75.0  # "ved ikke" is no answer
        assert results["questions"][1]["distribution"] == {"ja": 2, "nej": 2}
        assert results["questions"][2]["texts"] == ["Rigtig god hjælp", '=HYPERLINK("x")']
        assert results["respondents"] == 5 and results["submitted_from"] == "2026-03-02"
        assert stored(session) == (5, 10)

    def test_a_viewer_sees_no_free_text(
        self, client: TestClient, viewer_client: TestClient
    ) -> None:
        survey = make_survey(client)
        imported(client, survey["id"], GOOD)
        results = viewer_client.get(f"{SURVEYS}/{survey['id']}/results").json()
        assert results["questions"][2]["texts"] == []
        assert_problem(upload(viewer_client, survey["id"], GOOD), 403)

    def test_xlsx_and_a_mapping(self, client: TestClient) -> None:
        survey = make_survey(client)
        content = xlsx(["Q1", "Q2", "ID"], [5, "Ja", "a"], [2, "Nej", "b"])
        report = imported(
            client,
            survey["id"],
            content,
            filename="svar.xlsx",
            content_type=XLSX,
            mapping={"ivaerksaettervejledning": "Q1", "anbefale": "Q2", "respondent": "ID"},
        )
        assert report["counts"]["created"] == 2 and report["missing_questions"] == ["kommentar"]

    def test_dry_run_then_apply_then_again_unchanged(
        self, client: TestClient, session: Session
    ) -> None:
        survey = make_survey(client)
        before = stored(session)
        dry = imported(client, survey["id"], GOOD, dry_run=True)
        assert dry["import_id"] is None and stored(session) == before
        real = imported(client, survey["id"], GOOD)
        assert real["counts"] == dry["counts"] and real["rows"] == dry["rows"]
        again = imported(client, survey["id"], GOOD)
        assert again["counts"]["unchanged"] == 5
        assert stored(session) == (5, 10)
        changed = csv(HEADER, "r2;03-03-2026;;5;ja;Nu bedre")
        assert outcomes(imported(client, survey["id"], changed)) == {2: "updated"}
        imports = client.get(f"{SURVEYS}/{survey['id']}/imports").json()
        assert imports["total"] == 3 and imports["items"][0]["updated"] == 1
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "survey_import"))
        assert len(audit.all()) == 3

    def test_respondents_without_id_are_known_by_their_answers(self, client: TestClient) -> None:
        survey = make_survey(client)
        content = csv(
            "Hvor tilfreds er du med iværksættervejledningen?;Vil du anbefale Erhverv Lejre?",
            "4;Ja",
            "4;Ja",  # two people may answer alike
            "2;Nej",
        )
        assert imported(client, survey["id"], content)["counts"]["created"] == 3
        assert imported(client, survey["id"], content)["counts"]["unchanged"] == 3

    def test_bad_rows_name_their_column_and_good_rows_apply(
        self, client: TestClient, session: Session
    ) -> None:
        survey = make_survey(client)
        content = csv(
            HEADER,
            "r1;02-03-2026;;stor;ja;",
            "r2;02-03-2026;;måske;ja;",
            "r3;02-03-2026;;4;kanske;",
            "r4;31-02-2026;;4;ja;",
            "r5;02-03-2099;;4;ja;",
            ";;Navn uden svar;;;",
            "r1;02-03-2026;;stor;ja;",
        )
        report = imported(client, survey["id"], content)
        assert outcomes(report) == {2: "created", 3: "rejected", 4: "rejected", 5: "rejected",
                                    6: "rejected", 7: "rejected", 8: "duplicate"}  # fmt: skip
        messages = {r["row"]: r["messages"][0] for r in report["rows"] if r["messages"]}
        assert (
            messages[3]["field"] == "ivaerksaettervejledning"
            and "'måske'" in messages[3]["message"]
        )
        assert messages[3]["column"].startswith("Hvor tilfreds")
        assert messages[4]["field"] == "anbefale"
        assert messages[5]["field"] == "submitted_on"
        assert "future" in messages[6]["message"]
        assert messages[7]["message"] == "the row has no answers"
        assert "same respondent as row 2" in messages[8]["message"]
        assert stored(session) == (1, 2)

    @pytest.mark.parametrize(
        ("content", "status", "says"),
        [
            (b"", 422, "empty"),
            (b"%PDF-1.7", 422, "PDF"),
            (csv("Navn;Mail", "a;b"), 422, "None of the survey's questions"),
            (csv(HEADER), 422, "no rows"),
        ],
    )
    def test_bad_files(self, client: TestClient, content: bytes, status: int, says: str) -> None:
        survey = make_survey(client)
        body = assert_problem(upload(client, survey["id"], content), status)
        assert says in body["detail"]

    def test_a_mapping_to_an_unknown_question(self, client: TestClient) -> None:
        survey = make_survey(client)
        body = assert_problem(upload(client, survey["id"], GOOD, mapping={"nope": "Navn"}), 422)
        assert body["errors"][0]["field"] == "mapping"


def goal(client: TestClient, key: str) -> dict[str, Any]:
    progress = client.get(
        "/api/v1/plans/2026/progress", params={"evaluation_date": "2026-12-31"}
    ).json()
    return next(
        g
        for track in progress["tracks"]
        for initiative in track["initiatives"]
        for g in initiative["goals"]
        if g["key"] == key
    )


class TestMetrics:
    def test_the_guidance_goal_shows_the_share(self, client: TestClient) -> None:
        survey = make_survey(client)
        imported(client, survey["id"], GOOD)
        found = goal(client, "s2-i5-tilfredshed-ivaerksaettervejledning")
        assert found["metric"] == "survey_share_at_least"
        assert (found["actual"], found["target"], found["status"]) == (75.0, 80, "off_track")

    def test_conference_goals_read_the_event_evaluation(self, client: TestClient) -> None:
        questions = [
            {"key": "konference-tilfredshed", "text": "Tilfredshed", "kind": "scale"},
            {"key": "konference-udbytte", "text": "Udbytte i forhold til tid", "kind": "scale"},
        ]
        other = make_survey(client, kind="satisfaction", questions=questions, title="Andet")
        imported(client, other["id"], csv("Tilfredshed;Udbytte i forhold til tid", "1;1"))
        survey = make_survey(client, kind="event_evaluation", questions=questions)
        rows = ["5;4"] * 8 + ["3;2", "4;3"]
        imported(client, survey["id"], csv("Tilfredshed;Udbytte i forhold til tid", *rows))
        assert goal(client, "s3-i5-konference-tilfredshed")["actual"] == 90.0
        assert goal(client, "s3-i5-konference-udbytte-tid")["actual"] == 80.0
        assert goal(client, "s3-i5-konference-udbytte-tid")["status"] == "achieved"

    def test_change_against_the_baseline_and_respondents(self, client: TestClient) -> None:
        from datetime import date

        from api.goals.registry import MetricRequest, get_metric, parse_params
        from tests.helpers import plan_2026  # noqa: F401  (the plan is loaded)

        baseline = make_survey(client, kind="baseline", year=2025, title="Baseline")
        imported(client, baseline["id"], csv("Hvor tilfreds er du med iværksættervejledningen?",
                                             "4", "2", "2", "5"))  # fmt: skip
        survey = make_survey(client)
        imported(client, survey["id"], GOOD)
        params = {"question": "ivaerksaettervejledning", "level": 4}
        for key, expected in (("survey_change_vs_baseline", 25.0), ("survey_respondents", 5.0)):
            metric = get_metric(key)
            chosen = params if key != "survey_respondents" else {"survey_kind": "satisfaction"}
            request = MetricRequest(0, parse_params(key, chosen), date(2026, 1, 1),
                                    date(2026, 12, 31))  # fmt: skip
            session = client.app.state.session_factory()  # type: ignore[attr-defined]
            try:
                assert metric.compute(session, [request]) == [expected]
            finally:
                session.close()
