"""Event series: records chosen from a list; events bind by id, goals by key."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import DEFAULT_PLAN_FILE
from api.events.metrics import EventsHeldParams
from api.events.models import Event, EventSeries
from api.events.series import series_key
from api.goals.registry import MetricRequest, get_metric
from api.plan_data.loader import load_plan
from api.plan_data.plan_file import PlanFileError, parse_plan_file
from tests.events.helpers import event_series, make_event
from tests.helpers import assert_problem

URL = "/api/v1/event-series"
PROGRESS = "/api/v1/plans/2026/progress"
SHIPPED = DEFAULT_PLAN_FILE.read_text(encoding="utf-8")
SEED = DEFAULT_PLAN_FILE.parent / "source" / "handlingsplan-2026-erhverv-lejre.txt"


def _create(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(URL, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _patch(client: TestClient, series_id: int, **changes: Any) -> Any:
    etag = client.get(f"{URL}/{series_id}").headers["etag"]
    return client.patch(f"{URL}/{series_id}", json=changes, headers={"If-Match": etag})


def _computed(client: TestClient, key: str) -> float | None:
    body = client.get(PROGRESS, params={"evaluation_date": "2026-12-31"}).json()
    goals = body["goals"] + [
        g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]
    ]
    return next(g for g in goals if g["key"] == key)["computed"]


def _held(client: TestClient, series_id: int | None, headcount: int, **fields: Any) -> int:
    event = make_event(client, series_id=series_id, **fields)
    etag = client.get(f"/api/v1/events/{event['id']}").headers["etag"]
    response = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"status": "held", "headcount": headcount},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.text
    return event["id"]


class TestSeriesKey:
    @pytest.mark.parametrize(
        ("name", "key"),
        [
            ("Iværksætteruge 46", "ivaerksaetteruge-46"),
            ("Klimaugen 2026", "klimaugen-2026"),
            ("  Morgenmøder på Rådhuset! ", "morgenmoeder-paa-raadhuset"),
            ("Café Über", "cafe-uber"),
            ("???", "serie"),
        ],
    )
    def test_a_key_is_made_from_the_name(self, name: str, key: str) -> None:
        assert series_key(name) == key


class TestListSeries:
    def test_the_plans_series_are_listed_by_name(self, viewer_client: TestClient) -> None:
        response = viewer_client.get(URL)
        assert response.status_code == 200, response.text
        body = response.json()
        names = [s["name"] for s in body["items"]]
        assert {"Klimaugen 2026", "Iværksætteruge 46"} <= set(names)
        assert names == sorted(names)
        assert body["total"] == len(names) and body["limit"] == 50 and body["offset"] == 0

    def test_search_and_event_counts(self, client: TestClient) -> None:
        series = _create(client, name="Morgenmøder")
        make_event(client, series_id=series["id"])
        make_event(client, series_id=series["id"])
        items = client.get(URL, params={"search": "morgen"}).json()["items"]
        assert [(s["name"], s["key"], s["events"]) for s in items] == [
            ("Morgenmøder", "morgenmoeder", 2)
        ]

    def test_anonymous_is_refused(self, anon_client: TestClient) -> None:
        assert_problem(anon_client.get(URL), 401)


class TestCreateSeries:
    def test_created_with_a_key_from_the_name(self, client: TestClient) -> None:
        response = client.post(URL, json={"name": "Erhvervsugen 2026", "description": "Uge 12"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["key"] == "erhvervsugen-2026" and body["events"] == 0
        assert response.headers["location"] == f"{URL}/{body['id']}"
        assert response.headers["etag"]
        assert client.get(response.headers["location"]).json()["description"] == "Uge 12"

    def test_a_key_can_be_given(self, client: TestClient) -> None:
        assert _create(client, name="OneDay forløb", key="oneday")["key"] == "oneday"

    def test_a_taken_key_made_from_a_name_gets_a_number(self, client: TestClient) -> None:
        _create(client, name="Netværk", key="netvaerk-morgen")
        _create(client, name="Netværk, morgen")  # its own key would be netvaerk-morgen
        third = client.get(URL, params={"search": "netværk, morgen"}).json()["items"]
        assert third[0]["key"] == "netvaerk-morgen-2"

    def test_the_same_name_in_other_case_or_spacing_is_409(self, client: TestClient) -> None:
        body = assert_problem(client.post(URL, json={"name": "klimaugen   2026"}), 409)
        assert body["type"].endswith("/series-name-taken")
        assert "Klimaugen 2026" in body["detail"]
        assert body["errors"][0]["field"] == "name"

    def test_a_taken_key_is_409(self, client: TestClient) -> None:
        body = assert_problem(client.post(URL, json={"name": "Ny", "key": "klimaugen-2026"}), 409)
        assert body["type"].endswith("/series-key-taken")
        assert body["errors"][0]["field"] == "key"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": ""}, "body.name"),
            ({"name": "x" * 201}, "body.name"),
            ({"name": "Gyldig", "key": "Ikke Gyldig"}, "body.key"),
            ({"name": "Gyldig", "colour": "rød"}, "body.colour"),
            ({}, "body.name"),
        ],
    )
    def test_bad_input_is_422_naming_the_field(
        self, client: TestClient, body: dict[str, Any], field: str
    ) -> None:
        problem = assert_problem(client.post(URL, json=body), 422)
        assert problem["errors"][0]["field"] == field

    def test_viewers_cannot_create(self, viewer_client: TestClient) -> None:
        assert_problem(viewer_client.post(URL, json={"name": "Læserens serie"}), 403)


class TestUpdateSeries:
    def test_rename_keeps_the_key(self, client: TestClient) -> None:
        series = _create(client, name="Vækstcafé")
        response = _patch(client, series["id"], name="Vækstcaféen")
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Vækstcaféen"
        assert response.json()["key"] == "vaekstcafe"

    def test_a_stale_etag_is_412_and_none_is_428(self, client: TestClient) -> None:
        series = _create(client, name="Forældet")
        url = f"{URL}/{series['id']}"
        assert_problem(client.patch(url, json={"name": "Uden"}), 428)
        assert _patch(client, series["id"], name="Første").status_code == 200
        stale = client.patch(url, json={"name": "Anden"}, headers={"If-Match": '"1"'})
        assert_problem(stale, 412)

    def test_a_name_in_use_is_409_and_null_is_422(self, client: TestClient) -> None:
        series = _create(client, name="Egen serie")
        assert_problem(_patch(client, series["id"], name="Klimaugen 2026"), 409)
        problem = assert_problem(_patch(client, series["id"], name=None), 422)
        assert problem["errors"][0]["field"] == "body.name"
        assert problem["errors"][0]["message"] == "Feltet kan udelades, men ikke sættes til null."

    def test_the_key_cannot_be_changed(self, client: TestClient) -> None:
        series = _create(client, name="Fast nøgle")
        problem = assert_problem(_patch(client, series["id"], key="ny-noegle"), 422)
        assert problem["errors"][0]["field"] == "body.key"

    def test_unknown_series_is_404(self, client: TestClient) -> None:
        body = assert_problem(client.get(f"{URL}/999999"), 404)
        assert "999999" in body["detail"]

    def test_viewers_cannot_change(self, client: TestClient, viewer_client: TestClient) -> None:
        series = _create(client, name="Læst")
        etag = viewer_client.get(f"{URL}/{series['id']}").headers["etag"]
        response = viewer_client.patch(
            f"{URL}/{series['id']}", json={"name": "Ændret"}, headers={"If-Match": etag}
        )
        assert_problem(response, 403)


class TestDeleteSeries:
    def test_an_unused_series_is_deleted(self, client: TestClient) -> None:
        series = _create(client, name="Engangs")
        assert client.delete(f"{URL}/{series['id']}").status_code == 204
        assert_problem(client.get(f"{URL}/{series['id']}"), 404)

    def test_refused_while_events_use_it(self, client: TestClient) -> None:
        series = _create(client, name="Brugt")
        make_event(client, series_id=series["id"])
        body = assert_problem(client.delete(f"{URL}/{series['id']}"), 409)
        assert body["type"].endswith("/series-in-use")
        assert "1 arrangement" in body["detail"]

    def test_refused_while_goals_count_it(self, client: TestClient) -> None:
        klimaugen = event_series(client, "Klimaugen 2026")
        body = assert_problem(client.delete(f"{URL}/{klimaugen['id']}"), 409)
        assert "s1-i3-klimaugen-aktiviteter" in body["detail"]


class TestEventsChooseASeries:
    def test_an_event_shows_the_series_id_and_name(self, client: TestClient) -> None:
        series = event_series(client, "Iværksætteruge 46")
        event = make_event(client, series_id=series["id"])
        assert (event["series_id"], event["series"]) == (series["id"], "Iværksætteruge 46")
        listed = client.get("/api/v1/events", params={"series_id": series["id"]}).json()
        assert event["id"] in [e["id"] for e in listed["items"]]

    def test_an_unknown_series_id_is_422_naming_it(self, client: TestClient) -> None:
        body = {
            "kind": "workshop",
            "title": "Ukendt serie",
            "starts_at": "2026-03-10T16:00:00Z",
            "ends_at": "2026-03-10T18:00:00Z",
            "series_id": 999999,
        }
        problem = assert_problem(client.post("/api/v1/events", json=body), 422)
        assert problem["errors"][0]["field"] == "series_id"
        assert "999999" in problem["detail"]

    def test_free_text_is_no_longer_taken(self, client: TestClient) -> None:
        body = {
            "kind": "workshop",
            "title": "Tekst",
            "starts_at": "2026-03-10T16:00:00Z",
            "ends_at": "2026-03-10T18:00:00Z",
            "series": "Klimaugen 2026",
        }
        problem = assert_problem(client.post("/api/v1/events", json=body), 422)
        assert problem["errors"][0]["field"] == "body.series"

    def test_the_series_can_be_changed_and_removed(self, client: TestClient) -> None:
        event = make_event(client, series_id=event_series(client, "Klimaugen 2026")["id"])
        url = f"/api/v1/events/{event['id']}"
        other = event_series(client, "Iværksætteruge 46")
        etag = client.get(url).headers["etag"]
        moved = client.patch(url, json={"series_id": other["id"]}, headers={"If-Match": etag})
        assert moved.status_code == 200, moved.text
        assert moved.json()["series"] == "Iværksætteruge 46"
        etag = moved.headers["etag"]
        removed = client.patch(url, json={"series_id": None}, headers={"If-Match": etag})
        assert (removed.json()["series_id"], removed.json()["series"]) == (None, None)


class TestGoalsCountBySeries:
    def test_an_event_bound_by_id_counts_whatever_its_title(self, client: TestClient) -> None:
        klimaugen = event_series(client, "Klimaugen 2026")["id"]
        _held(client, klimaugen, 30, kind="workshop", title="Grønne værdikæder")
        _held(client, None, 40, kind="workshop", title="Klimaugen 2026: uden serie")
        assert _computed(client, "s1-i3-klimaugen-aktiviteter") == 1
        assert _computed(client, "s1-i3-klimaugen-deltagere") == 30

    def test_renaming_the_series_changes_no_figure(self, client: TestClient) -> None:
        klimaugen = event_series(client, "Klimaugen 2026")
        _held(client, klimaugen["id"], 25, kind="theme_meeting")
        before = _computed(client, "s1-i3-klimaugen-deltagere")
        assert _patch(client, klimaugen["id"], name="Klimaugen i Lejre 2026").status_code == 200
        assert _computed(client, "s1-i3-klimaugen-deltagere") == before == 25

    def test_a_goal_with_an_unknown_series_key_is_422(self, client: TestClient) -> None:
        body = {
            "text": "Testmål",
            "kind": "measurable",
            "unit": "count",
            "metric": "events_held",
            "metric_params": {"series": "klimaugen-2027"},
        }
        problem = assert_problem(client.post("/api/v1/plans/2026/goals", json=body), 422)
        assert problem["errors"][0]["field"] == "metric_params.series"
        assert "klimaugen-2027" in problem["detail"]

    def test_a_series_name_instead_of_its_key_is_422(self, client: TestClient) -> None:
        body = {
            "text": "Testmål",
            "kind": "measurable",
            "unit": "count",
            "metric": "event_participants",
            "metric_params": {"series": "Klimaugen 2026"},
        }
        problem = assert_problem(client.post("/api/v1/plans/2026/goals", json=body), 422)
        assert "series" in problem["detail"] and "nøgle" in problem["detail"]

    def test_a_key_without_a_series_matches_nothing(self, session: Session) -> None:
        event = Event(
            kind="workshop",
            title="Afholdt",
            starts_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
            ends_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
            status="held",
        )
        session.add(event)
        session.flush()
        metric = get_metric("events_held")
        year = (date(2026, 1, 1), date(2026, 12, 31))
        gone = MetricRequest(0, EventsHeldParams(series="findes-ikke"), *year)
        assert metric.compute(session, [gone]) == [0.0]  # held events, none of the series


class TestPlanFileSeries:
    def test_the_series_names_are_the_seeds_words(self) -> None:
        seed = " ".join(SEED.read_text(encoding="utf-8").split())
        series = parse_plan_file(SHIPPED).plan.series
        assert [(s.key, s.name) for s in series] == [
            ("ivaerksaetteruge-46", "Iværksætteruge 46"),
            ("klimaugen-2026", "Klimaugen 2026"),
        ]
        assert all(s.name in seed for s in series)

    def test_loaded_once_and_bound(self, session: Session) -> None:
        rows = session.scalars(select(EventSeries).order_by(EventSeries.key)).all()
        assert {
            ("ivaerksaetteruge-46", "Iværksætteruge 46"),
            ("klimaugen-2026", "Klimaugen 2026"),
        } <= {(s.key, s.name) for s in rows}
        week = session.scalars(
            select(Event).where(Event.plan_key == "ivaerksaetteruge-46-2026")
        ).one()
        assert week.series is not None and week.series.key == "ivaerksaetteruge-46"
        report = load_plan(session, parse_plan_file(SHIPPED))
        assert report.counts["series"] == {"unchanged": 2}

    def test_a_reload_names_the_series_as_the_file_does(
        self, client: TestClient, session: Session
    ) -> None:
        klimaugen = event_series(client, "Klimaugen 2026")
        assert _patch(client, klimaugen["id"], name="Klimaugen (omdøbt)").status_code == 200
        report = load_plan(session, parse_plan_file(SHIPPED))
        assert report.counts["series"] == {"updated": 1, "unchanged": 1}
        assert session.get(EventSeries, klimaugen["id"]).name == "Klimaugen 2026"  # type: ignore[union-attr]

    def test_a_name_another_series_took_refuses_the_reload(
        self, client: TestClient, session: Session
    ) -> None:
        klimaugen = event_series(client, "Klimaugen 2026")
        assert _patch(client, klimaugen["id"], name="Klimaugen (gammel)").status_code == 200
        assert _create(client, name="Klimaugen 2026")["key"] == "klimaugen-2026-2"
        with pytest.raises(PlanFileError) as caught:
            load_plan(session, parse_plan_file(SHIPPED))
        error = caught.value.errors[0]
        assert error.field == "plan.series[1].name" and "klimaugen-2026-2" in error.message

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (
                lambda d: d["plan"]["initiatives"][2]["goals"][0].update(
                    metric_params={"series": "klimaugen-2025"}
                ),
                "plan.initiatives[2].goals[0].metric_params.series",
            ),
            (
                lambda d: d["plan"]["events"][1].update(series="uge-47"),
                "plan.events[1].series",
            ),
            (
                lambda d: d["plan"]["series"].append({"key": "klimaugen-2026", "name": "Anden"}),
                "plan.series[2].key",
            ),
            (
                lambda d: d["plan"]["series"].append({"key": "ny", "name": "klimaugen 2026"}),
                "plan.series[2].name",
            ),
        ],
    )
    def test_a_series_not_declared_or_declared_twice_is_refused(self, change, field) -> None:  # type: ignore[no-untyped-def]
        data = yaml.safe_load(SHIPPED)
        change(data)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        with pytest.raises(PlanFileError) as caught:
            parse_plan_file(text)
        assert field in [e.field for e in caught.value.errors]
        error = next(e for e in caught.value.errors if e.field == field)
        assert error.line is not None
