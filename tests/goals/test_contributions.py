"""GET /goals/{id}/contributions: every goal's figure traced to the records that made it."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.events.models import Event
from api.goals import contributions
from tests.events.helpers import event_series, make_event, register, valid_cvr
from tests.grants.helpers import HEADER, imported, semicolons
from tests.helpers import assert_problem

PROGRESS = "/api/v1/plans/2026/progress"
YEAR_END, MID_YEAR = "2026-12-31", "2026-06-30"


def _at(month: int, day: int = 10) -> datetime:
    return datetime(2026, month, day, 16, 0, tzinfo=UTC)


def _set(client: TestClient, event_id: int, **changes: Any) -> None:
    etag = client.get(f"/api/v1/events/{event_id}").headers["etag"]
    response = client.patch(f"/api/v1/events/{event_id}", json=changes, headers={"If-Match": etag})
    assert response.status_code == 200, response.text


def _attend(client: TestClient, event_id: int, count: int, **registration: Any) -> None:
    people = []
    for _ in range(count):
        response = register(client, event_id, **registration)
        assert response.status_code in (200, 201), response.text
        people.append(response.json()["person_id"])
    response = client.post(f"/api/v1/events/{event_id}/check-in", json={"person_ids": people})
    assert response.status_code == 200, response.text


def _event(
    client: TestClient, month: int, status: str = "held", attended: int = 0, **fields: Any
) -> int:
    """An event in `month` with `attended` checked-in people, then set to `status` with the
    door counts and flags in `fields` that the PATCH takes."""
    patch = {k: fields.pop(k) for k in ("headcount", "headcount_companies") if k in fields}
    day = fields.pop("day", 10)
    event = make_event(client, starts_at=_at(month, day), **fields)
    if attended:
        _attend(client, event["id"], attended)
    if status != "planned" or patch:
        _set(client, event["id"], **({"status": status} if status != "planned" else {}), **patch)
    return int(event["id"])


def _initiatives(client: TestClient) -> dict[str, int]:
    plan = client.get("/api/v1/plans/2026").json()
    return {i["code"]: i["id"] for t in plan["tracks"] for i in t["initiatives"]}


def _events(client: TestClient, session: Session) -> None:
    """Held, planned, auto-held, cancelled and demo events, of every kind the goals read."""
    codes = _initiatives(client)
    _event(client, 3, day=4, kind="theme_meeting", title="Temamøde om eksport", headcount=12)
    _event(client, 3, attended=16, kind="theme_meeting")
    klimaugen = event_series(client, "Klimaugen 2026")["id"]
    _event(client, 10, kind="theme_meeting", headcount=20, series_id=klimaugen)
    _event(client, 2, "planned", attended=15, kind="theme_meeting")  # came: held by the rule
    _event(client, 11, "planned", kind="theme_meeting", headcount=30)
    _event(client, 5, "cancelled", kind="theme_meeting", headcount=30)
    demo = _event(client, 4, kind="theme_meeting", headcount=40)
    session.execute(update(Event).where(Event.id == demo).values(is_demo=True))
    session.flush()
    _event(client, 9, kind="workshop", headcount=30, series_id=klimaugen)
    for month, size, code in ((2, 12, "2.1"), (9, 16, "2.1"), (4, 8, "2.6"), (10, 9, "3.2")):
        _event(client, month, kind="development_course", headcount=size,
               initiative_ids=[codes[code]])  # fmt: skip
    for month, day in ((1, 12), (2, 5), (2, 20), (7, 1)):
        _event(client, month, day=day, kind="network_meeting", attended=3,
               initiative_ids=[codes["2.3"]])  # fmt: skip
    _event(client, 6, day=2, kind="conference", attended=3, headcount=120)
    for month, mayor, status in ((3, True, "held"), (8, True, "held"), (5, False, "held"),
                                 (11, True, "planned")):  # fmt: skip
        _event(client, month, status, kind="company_visit", mayor_present=mayor)


def _fairs(client: TestClient) -> None:
    """Two fairs sharing a named company, one with a door count of companies; one cancelled."""
    a, b, c = (valid_cvr() for _ in range(3))
    first = make_event(client, kind="fair", starts_at=_at(4))
    _attend(client, first["id"], 2, company_cvr=a, company_name="Skovgaard ApS")
    _attend(client, first["id"], 1, company_cvr=b, company_name="Lejre Tømrer ApS")
    _set(client, first["id"], status="held", headcount_companies=5)
    second = make_event(client, kind="fair", starts_at=_at(9))
    _attend(client, second["id"], 1, company_cvr=a)
    _attend(client, second["id"], 1, company_cvr=c, company_name="Hvalsø Bageri")
    _set(client, second["id"], status="held")
    _event(client, 10, "cancelled", kind="fair")


def _grants(client: TestClient) -> None:
    a, b, c = valid_cvr(), valid_cvr(), valid_cvr()
    content = semicolons(
        HEADER,
        f"C-1;{a};Skovgaard ApS;SMV:Grøn;1.000.000;15-03-2026",
        f"C-2;{a};Skovgaard ApS;SMV:Grønne Kompetencer;500.000;15-09-2026",
        f"C-3;{b};Lejre Maskinfabrik A/S;SMV:Grøn;250.000;01-08-2026",
        f"C-4;{b};Lejre Maskinfabrik A/S;SMV:Digital;250.000;12-02-2026",
        f"C-5;{c};Hvalsø Bageri;SMV:Pro;75.000;01-10-2026",
        f"C-6;{c};Hvalsø Bageri;SMV:Grøn;100.000;01-06-2025",
    )
    assert imported(client, content)["counts"]["created"] == 6


def _cases(client: TestClient) -> None:
    def case(external_id: str, decided: str, days: int, **overrides: Any) -> dict[str, Any]:
        complete = (datetime.fromisoformat(decided) - timedelta(days=days)).date().isoformat()
        return {
            "source": "sbsys", "external_id": external_id, "kind": "building_permit",
            "is_business": True, "received_on": complete, "complete_on": complete,
            "decided_on": decided, "decision": "granted",
            "source_updated_at": f"{decided}T12:00:00+00:00",
        } | overrides  # fmt: skip

    items = [
        case("BYG-1", "2026-03-03", 41),
        case("BYG-2", "2026-04-20", 61),
        case("BYG-3", "2026-09-01", 30),
        case("BYG-4", "2026-10-01", 70, paused_days=25),
        case("BYG-5", "2026-05-01", 90, counts_toward_target=False),
        case("BYG-6", "2026-02-01", 10, complete_on=None),
        case("PRIV-1", "2026-03-01", 80, is_business=False),
        case("NED-1", "2026-03-01", 20, kind="demolition"),
    ]
    response = client.post("/api/v1/cases/batch", json={"items": items})
    assert response.status_code == 200, response.text


def _survey(client: TestClient, year: int, kind: str, keys: list[str], *rows: str) -> None:
    questions = [{"key": k, "text": f"Spørgsmål {k}", "kind": "scale"} for k in keys]
    body = {"title": f"Måling {kind} {year}", "year": year, "kind": kind, "questions": questions}
    survey = client.post("/api/v1/surveys", json=body)
    assert survey.status_code == 201, survey.text
    header = ";".join(["Svar-ID", "Besvaret", *(q["text"] for q in questions)])
    text = "\ufeff" + "\r\n".join([header, *rows]) + "\r\n"
    response = client.post(
        f"/api/v1/surveys/{survey.json()['id']}/imports",
        files={"file": ("svar.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text


def _surveys(client: TestClient) -> None:
    keys = ["ivaerksaettervejledning", "vaerktoejer"]
    _survey(client, 2025, "baseline", keys[:1], "b1;01-03-2025;4", "b2;01-03-2025;2",
            "b3;02-03-2025;2", "b4;03-03-2025;5")  # fmt: skip
    _survey(client, 2026, "satisfaction", keys, "s1;02-03-2026;Meget stor;4",
            "s2;03-03-2026;4;2", "s3;04-03-2026;lille;Ved ikke", "s4;05-03-2026;Ved ikke;5",
            "s5;01-09-2026;5;5", "s6;02-09-2026;2;3")  # fmt: skip
    conference = ["konference-tilfredshed", "konference-udbytte"]
    _survey(client, 2026, "event_evaluation", conference, "k1;03-06-2026;5;4",
            "k2;03-06-2026;3;2", "k3;04-06-2026;4;5", "k4;20-06-2026;5;3")  # fmt: skip
    _survey(client, 2026, "satisfaction", conference, "x1;03-06-2026;1;1")


def _goal_ids(client: TestClient) -> dict[str, int]:
    goals = client.get("/api/v1/plans/2026/goals", params={"limit": 500}).json()["items"]
    return {g["key"]: g["id"] for g in goals}


def _measurements_and_notes(client: TestClient) -> None:
    ids = _goal_ids(client)
    for day, value in (("2026-03-01", 1), ("2026-09-01", 2), ("2026-09-01", 3)):
        response = client.post(
            f"/api/v1/goals/{ids['s2-i2-netvaerk']}/measurements",
            json={"measured_on": day, "value": value, "comment": f"Status {day}"},
        )
        assert response.status_code == 201, response.text
    for day, state in (("2026-02-01", "in_progress"), ("2026-10-01", "done")):
        response = client.post(
            f"/api/v1/goals/{ids['s3-i3-baselinemaaling-tilfredshed']}/milestone-notes",
            json={"noted_on": day, "state": state, "text": f"Note af {day}"},
        )
        assert response.status_code == 201, response.text


# The metrics, and the filters, the plan's goals leave out.
EXTRA_GOALS = [
    ("survey_respondents", "count", {"survey_kind": "satisfaction"}),
    ("survey_respondents", "count", {"question": "vaerktoejer"}),
    ("survey_change_vs_baseline", "percent", {"question": "ivaerksaettervejledning"}),
    ("events_held", "count", {}),
    ("events_held", "count", {"max_participants": 15}),
    ("event_participants", "count", {"initiative": "2.6"}),
    ("companies_reached", "count", {}),
    ("company_visits", "count", {"with_mayor": False}),
    ("grant_amount", "dkk", {"programme": "SMV:Digital"}),
    ("companies_with_grant", "count", {}),
    ("cases_within_target", "percent", {"kind": None, "business_only": False}),
]


def _extra_goals(client: TestClient) -> None:
    for n, (metric, unit, params) in enumerate(EXTRA_GOALS):
        body = {"key": f"t-extra-{n}", "text": "Testmål", "kind": "measurable", "unit": unit,
                "metric": metric, "metric_params": params}  # fmt: skip
        response = client.post("/api/v1/plans/2026/goals", json=body)
        assert response.status_code == 201, response.text


@pytest.fixture
def world(client: TestClient, session: Session) -> Iterator[TestClient]:
    """Demo-like data of every kind the metrics read, and goals for the metrics' every use."""
    _events(client, session)
    _fairs(client)
    _grants(client)
    _cases(client)
    _surveys(client)
    _measurements_and_notes(client)
    _extra_goals(client)
    yield client


def _progress_goals(client: TestClient, on: str) -> list[dict[str, Any]]:
    response = client.get(PROGRESS, params={"evaluation_date": on})
    assert response.status_code == 200, response.text
    body = response.json()
    return body["goals"] + [g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]]


def _contributions(client: TestClient, goal_id: int, **params: Any) -> dict[str, Any]:
    params = {"evaluation_date": YEAR_END} | params
    response = client.get(f"/api/v1/goals/{goal_id}/contributions", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _share(items: list[dict[str, Any]]) -> float | None:
    return round(100 * sum(i["value"] for i in items) / len(items), 1) if items else None


def figure(body: dict[str, Any]) -> float | None:
    """The goal's figure from its counted items, by the aggregation the answer declares."""
    counted = [i for i in body["items"] if i["counted"]]
    match body["aggregation"]:
        case "sum":
            return sum(i["value"] for i in counted)
        case "share":
            return _share(counted)
        case "latest":
            return max(counted, key=lambda i: i["day"])["value"] if counted else None
        case "months":
            return float(len({i["day"][:7] for i in counted}))
        case "change":
            now = _share([i for i in counted if i["group"] == "period"])
            base = _share([i for i in counted if i["group"] == "baseline"])
            return None if now is None or base is None else round(now - base, 1)
    raise AssertionError(f"unknown aggregation {body['aggregation']}")


def _same(a: float | None, b: float | None) -> bool:
    return a is b if a is None or b is None else a == pytest.approx(b)


def _shown(goal: dict[str, Any]) -> float | None:
    """What progress shows as the metric's figure: `computed`, or a manual goal's newest."""
    if goal["metric"] == "manual":
        return goal["recorded"]["value"] if goal["recorded"] else None
    return goal["computed"]


class TestEveryFigureIsTheSumOfItsContributions:
    @pytest.mark.parametrize("on", [YEAR_END, MID_YEAR])
    def test_every_measurable_goal(self, world: TestClient, on: str) -> None:
        measured = [g for g in _progress_goals(world, on) if g["kind"] == "measurable"]
        metrics_with_data = set()
        for goal in measured:
            body = _contributions(world, goal["goal_id"], evaluation_date=on)
            shown = _shown(goal)
            assert body["metric"] == goal["metric"] and not body["truncated"]
            assert body["counted"] == sum(i["counted"] for i in body["items"])
            assert _same(body["value"], shown), (goal["key"], body["value"], shown)
            if shown is None and body["aggregation"] != "change":
                assert body["counted"] == 0, goal["key"]  # no data: nothing counted
                continue
            summed = body["aggregation"] in ("sum", "months")
            assert _same(figure(body), shown or 0.0 if summed else shown), (goal["key"], body)
            if shown is not None:
                metrics_with_data.add(goal["metric"])
        if on == YEAR_END:  # the data reaches every metric
            assert metrics_with_data == {m["key"] for m in world.get("/api/v1/metrics").json()}

    def test_the_year_end_figures_are_those_the_data_should_give(self, world: TestClient) -> None:
        ids = _goal_ids(world)
        values = {
            key: _contributions(world, ids[key], evaluation_date=YEAR_END)["value"]
            for key in ("s3-i2-temamoeder", "s3-i4-deltagende-virksomheder",
                        "s2-i3-tilstedevaer-maanedlig", "s1-i1-klimatilskud-virksomheder",
                        "s3-i3-sagsbehandling-servicemaal", "s2-i2-netvaerk")
        }  # fmt: skip
        # Theme meetings of 15+: 16 attended, 20 at the door, 15 who came to a planned one.
        # Companies: three named, three more at the first fair's door. Network meetings in
        # January, February and July. Climate grants: two companies. Cases: BYG-1 and BYG-3
        # within 50 days, BYG-4 within once its pause is deducted, BYG-2 beyond.
        assert values == {
            "s3-i2-temamoeder": 3,
            "s3-i4-deltagende-virksomheder": 6,
            "s2-i3-tilstedevaer-maanedlig": 3,
            "s1-i1-klimatilskud-virksomheder": 2,
            "s3-i3-sagsbehandling-servicemaal": 75.0,
            "s2-i2-netvaerk": 3,
        }


class TestReasons:
    def test_a_theme_meeting_under_the_minimum_says_so_in_danish(self, world: TestClient) -> None:
        body = _contributions(world, _goal_ids(world)["s3-i2-temamoeder"])
        item = next(i for i in body["items"] if i["label"].startswith("Temamøde om eksport"))
        assert item["counted"] is False and item["kind"] == "event"
        assert item["day"] == "2026-03-04"
        assert item["reason"] == "Temamøde om eksport 4. mar. 2026: 12 deltagere, under minimum 15"

    def test_each_kind_of_record_names_its_rule(self, world: TestClient) -> None:
        ids = _goal_ids(world)
        reasons = {
            key: {i["reason"] for i in _contributions(world, ids[key])["items"]}
            for key in ("s3-i1-tilbageloeb-midler", "s3-i3-sagsbehandling-servicemaal",
                        "s1-i1-klimatilskud-virksomheder", "s2-i2-netvaerk")
        }  # fmt: skip
        assert (
            "Bevilget 12. feb. 2026: 250.000 kr. under SMV:Digital"
            in (reasons["s3-i1-tilbageloeb-midler"])
        )
        cases = reasons["s3-i3-sagsbehandling-servicemaal"]
        assert "Afgjort 3. mar. 2026 efter 41 dage, inden for servicemålet på 50 dage" in cases
        assert (
            "Afgjort 1. okt. 2026 efter 45 dage (fratrukket 25 dage i bero), inden for "
            "servicemålet på 50 dage" in cases
        )
        assert "Afgjort 1. maj 2026; sagstypen er undtaget fra servicemålet" in cases
        assert any(
            "temaet er digitalisering" in r for r in reasons["s1-i1-klimatilskud-virksomheder"]
        )
        assert "Målt 1. sep. 2026: 3, den nyeste måling i perioden" in reasons["s2-i2-netvaerk"]

    def test_events_that_were_not_held_say_why(self, world: TestClient) -> None:
        body = _contributions(world, _goal_ids(world)["s3-i2-temamoeder"], evaluation_date=MID_YEAR)
        rejected = {i["reason"].split(": ", 1)[1] for i in body["items"] if not i["counted"]}
        assert {"aflyst", "demodata, tæller aldrig med"} <= rejected
        later = _contributions(world, _goal_ids(world)["s3-i2-temamoeder"])
        assert any(i["reason"].endswith("ikke markeret som afholdt, og ingen er tjekket ind")
                   for i in later["items"])  # fmt: skip


class TestPeriod:
    def test_before_any_record_nothing_counts(self, world: TestClient) -> None:
        for goal_id in _goal_ids(world).values():
            body = _contributions(world, goal_id, evaluation_date="2026-01-02")
            # The baseline of a change is an earlier year's survey, answered long before.
            period = [i for i in body["items"] if i["counted"] and i["group"] != "baseline"]
            assert period == [] or body["aggregation"] == "state", body

    def test_a_year_not_begun_has_no_period(self, world: TestClient) -> None:
        body = _contributions(
            world, _goal_ids(world)["plan-deltagere"], evaluation_date="2025-06-01"
        )
        assert (body["period_start"], body["value"], body["items"]) == (None, None, [])

    def test_an_earlier_year(self, world: TestClient) -> None:
        ids = _goal_ids(world)
        body = _contributions(world, ids["s1-i1-klimatilskud-virksomheder"], year=2025)
        assert (body["year"], body["period_end"], body["value"]) == (2025, "2025-12-31", 1)
        assert [i["label"] for i in body["items"] if i["counted"]] == ["Hvalsø Bageri"]


class TestEndpoint:
    def test_a_milestone_lists_its_notes(self, world: TestClient) -> None:
        goal_id = _goal_ids(world)["s3-i3-baselinemaaling-tilfredshed"]
        body = _contributions(world, goal_id, evaluation_date="2026-06-30")
        assert (body["aggregation"], body["value"], body["metric"]) == ("state", None, None)
        assert [(i["kind"], i["day"], i["counted"]) for i in body["items"]] == [
            ("note", "2026-02-01", True)
        ]
        assert _contributions(world, goal_id)["items"][0]["reason"].startswith("Gennemført")

    def test_the_records_that_did_not_count_are_cut_not_those_that_did(
        self, world: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(contributions, "MAX_NOT_COUNTED", 1)
        body = _contributions(world, _goal_ids(world)["s3-i2-temamoeder"])
        assert body["truncated"] is True and body["not_counted"] > 1
        assert [i["counted"] for i in body["items"]] == [True] * body["counted"] + [False]
        assert figure(body) == body["value"] == 3

    def test_a_viewer_reads_and_an_unknown_goal_is_404(self, viewer_client: TestClient) -> None:
        assert_problem(viewer_client.get("/api/v1/goals/999999/contributions"), 404)
        goal_id = _goal_ids(viewer_client)["plan-deltagere"]
        assert viewer_client.get(f"/api/v1/goals/{goal_id}/contributions").status_code == 200
