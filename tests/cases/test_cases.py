"""The case system's contract (PUT, batch, the stale rule, bad items) and the case metrics."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import AuditEntry
from api.cases.models import Case
from tests.cases.helpers import CASES, batch, case, decided_on, item, put
from tests.events.helpers import valid_cvr
from tests.helpers import assert_problem

METRICS = "/api/v1/cases/metrics"


class TestPut:
    def test_create_then_the_same_again_changes_nothing(
        self, machine: TestClient, client: TestClient, session: Session
    ) -> None:
        first = put(machine, "BYG-1")
        assert first.status_code == 201, first.text
        assert first.headers["Location"] == f"{CASES}/sbsys/BYG-1"
        assert first.json()["outcome"] == "created"
        stored = first.json()["case"]
        assert stored["source_updated_at"] == "2026-02-01T11:00:00Z"
        again = put(machine, "BYG-1")
        assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")
        assert again.json()["case"] == stored
        assert session.scalar(select(func.count()).select_from(Case)) == 1
        assert client.get(f"{CASES}/sbsys/BYG-1").json() == stored

    def test_a_newer_state_updates(self, machine: TestClient) -> None:
        put(machine, "BYG-2", decided_on=None, decision=None)
        response = put(machine, "BYG-2", source_updated_at="2026-02-02T08:00:00Z")
        assert response.json()["outcome"] == "updated"
        assert response.json()["case"]["decided_on"] == "2026-02-01"

    def test_an_older_state_is_stale_and_never_overwrites(self, machine: TestClient) -> None:
        put(machine, "BYG-3", source_updated_at="2026-03-01T00:00:00Z")
        response = put(machine, "BYG-3", paused_days=5, source_updated_at="2026-02-01T00:00:00Z")
        assert response.status_code == 200
        body = response.json()
        assert body["outcome"] == "stale" and body["case"]["paused_days"] == 0

    @pytest.mark.parametrize(
        ("overrides", "field", "says"),
        [
            ({"complete_on": "2025-12-31"}, "complete_on", "complete before it was received"),
            ({"decided_on": "2025-12-31"}, "decided_on", "decided before it was received"),
            (
                {"complete_on": "2026-01-10", "decided_on": "2026-01-05"},
                "decided_on",
                "before the application was complete",
            ),
            ({"received_on": "2099-01-01"}, "received_on", "in the future"),
            ({"decided_on": None}, "decision", "needs its decided_on"),
            ({"paused_days": 40}, "paused_days", "more paused days"),
            ({"paused_days": -1}, "paused_days", "greater than or equal to 0"),
            ({"company_cvr": "12345678"}, "company_cvr", "ikke et gyldigt CVR-nummer"),
            ({"company_cvr": "1234-5678"}, "company_cvr", "ikke et gyldigt CVR-nummer"),
            ({"source_updated_at": 0}, "source_updated_at", "ikke et tal"),
            ({"received_on": 20260101}, "received_on", "ikke et tal"),
            ({"kind": "spaceport"}, "kind", "Input should be"),
            ({"source_updated_at": "2099-01-01T00:00:00Z"}, "source_updated_at", "future"),
        ],
    )
    def test_a_bad_case_is_422_naming_the_field(
        self, machine: TestClient, overrides: dict[str, Any], field: str, says: str
    ) -> None:
        body = assert_problem(put(machine, "BAD-1", **overrides), 422)
        assert any(e["field"].endswith(field) and says in e["message"] for e in body["errors"]), (
            body
        )

    def test_a_missing_field_and_a_bad_source(self, machine: TestClient) -> None:
        body = case()
        del body["is_business"]
        problem = assert_problem(machine.put(f"{CASES}/sbsys/X", json=body), 422)
        assert problem["errors"][0]["field"].endswith("is_business")
        problem = assert_problem(machine.put(f"{CASES}/sb sys/X", json=case()), 422)
        assert problem["errors"][0]["field"] == "source"

    def test_an_empty_cvr_is_none(self, machine: TestClient) -> None:
        response = put(machine, "BYG-NO-CVR", company_cvr="")
        assert response.status_code == 201, response.text
        assert response.json()["case"]["company_cvr"] is None

    def test_the_longest_key_is_stored_and_audited(
        self, machine: TestClient, session: Session
    ) -> None:
        """Source 50 and id 100 characters: the audit log's entity_id holds both (PostgreSQL
        refused 151 characters in a column of 100 with a 500)."""
        source, external_id = "s" * 50, "Æ" * 100  # the longest the contract takes
        response = machine.put(f"{CASES}/{source}/{external_id}", json=case())
        assert response.status_code == 201, response.text
        key = f"{source}/{external_id}"
        audited = session.scalars(select(AuditEntry.entity_id).where(AuditEntry.entity == "case"))
        assert key in list(audited)
        too_long = machine.put(f"{CASES}/{source}/{external_id}x", json=case())
        assert assert_problem(too_long, 422)["errors"][0]["field"] == "path.external_id"

    def test_scopes(self, viewer_client: TestClient, admin_client: TestClient) -> None:
        assert_problem(put(viewer_client, "BYG-9"), 403)
        token = admin_client.post("/api/v1/tokens", json={"name": "x", "scopes": ["read"]})
        viewer_client.cookies.clear()
        viewer_client.headers["Authorization"] = f"Bearer {token.json()['token']}"
        assert_problem(put(viewer_client, "BYG-9"), 403)


class TestBatch:
    def test_good_and_bad_items_apply_exactly_the_good(
        self, machine: TestClient, client: TestClient, session: Session
    ) -> None:
        put(machine, "OLD", source_updated_at="2026-05-01T00:00:00Z")
        result = batch(
            machine,
            item("B-1"),
            item("B-2", decided_on="2025-01-01"),
            "not an object",
            item("B-3", company_cvr=valid_cvr(5)),
            item("B-1", paused_days=3),
            item("OLD", source_updated_at="2026-04-01T00:00:00Z"),
            {"source": "sbsys", "external_id": "B-4"},
        )
        assert [i["outcome"] for i in result["items"]] == [
            "created",
            "rejected",
            "rejected",
            "created",
            "updated",  # the same case again: applied after item 0 (same change time)
            "stale",
            "rejected",
        ]
        assert result["counts"] == {
            "items": 7,
            "created": 2,
            "updated": 1,
            "unchanged": 0,
            "stale": 1,
            "rejected": 3,
        }
        errors = {i["index"]: i["errors"] for i in result["items"]}
        assert errors[1][0]["field"] == "decided_on"
        assert errors[2][0]["message"] == "an item must be a JSON object"
        assert errors[4] == [] and result["items"][4]["id"] == result["items"][0]["id"]
        assert errors[5][0]["field"] == "source_updated_at"
        assert {e["field"] for e in errors[6]} >= {"is_business", "received_on"}
        stored = {c["external_id"] for c in client.get(CASES).json()["items"]}
        assert stored == {"B-1", "B-3", "OLD"}
        assert client.get(f"{CASES}/sbsys/B-1").json()["paused_days"] == 3
        assert result["items"][0]["id"] is not None
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "case_batch")).one()
        assert entry.changes["created"] == 2 and entry.actor_name == "Sagssystem"

    def test_the_same_batch_twice_changes_nothing(self, machine: TestClient) -> None:
        items = [item(f"R-{n}", decided_on=decided_on(n)) for n in range(20)]
        first = batch(machine, *items)
        assert first["counts"]["created"] == 20
        again = batch(machine, *items)
        assert again["counts"]["unchanged"] == 20
        assert [i["id"] for i in again["items"]] == [i["id"] for i in first["items"]]

    def test_more_than_a_thousand_items_is_422(self, machine: TestClient) -> None:
        items = [item(f"M-{n}") for n in range(1001)]
        body = assert_problem(machine.post(f"{CASES}/batch", json={"items": items}), 422)
        assert body["errors"][0]["field"].endswith("items")


class TestMetrics:
    def metrics(self, client: TestClient, **params: Any) -> dict[str, Any]:
        response = client.get(METRICS, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def test_the_fifty_day_edge_and_paused_days(self, client: TestClient) -> None:
        batch(
            client,
            item("D50", decided_on=decided_on(50)),
            item("D51", decided_on=decided_on(51)),
            item("P55", decided_on=decided_on(55), paused_days=5),
            item("P56", decided_on=decided_on(56), paused_days=5),
        )
        body = self.metrics(client, year=2026)
        assert body["rows"] == [
            {
                "period": "2026",
                "decided": 4,
                "counted": 4,
                "within_target": 2,
                "share_within_target": 50.0,
                "median_days": 50,
                "p90_days": 51,
            }
        ]

    def test_what_is_counted(self, client: TestClient) -> None:
        batch(
            client,
            item("BUS", decided_on=decided_on(10)),
            item("PRIVATE", decided_on=decided_on(10), is_business=False),
            item("EXCLUDED", decided_on=decided_on(90), counts_toward_target=False),
            item("NOCOMPLETE", complete_on=None, decided_on=decided_on(90)),
            item("OTHERKIND", kind="demolition", decided_on=decided_on(90)),
            item("OPEN", decided_on=None, decision=None),
        )
        total = self.metrics(client, year=2026)["total"]
        assert (total["decided"], total["counted"], total["within_target"]) == (3, 1, 1)
        everyone = self.metrics(client, year=2026, business_only="false", all_kinds="true")
        # Demolitions have no target until staff set one: decided, not counted.
        assert (everyone["total"]["decided"], everyone["total"]["counted"]) == (5, 2)

    def test_percentiles_are_nearest_rank_by_period(self, client: TestClient) -> None:
        # Ten cases decided in March after 10, 20, … 100 days; the clock started in time.
        items = [
            item(f"N-{d}", complete_on=decided_on(-d, "2026-03-15"), received_on="2025-11-01",
                 decided_on="2026-03-15")
            for d in range(10, 101, 10)
        ]  # fmt: skip
        batch(client, *items, item("APR", decided_on="2026-04-02"))
        rows = {r["period"]: r for r in self.metrics(client, year=2026, period="month")["rows"]}
        assert (rows["2026-03"]["median_days"], rows["2026-03"]["p90_days"]) == (50, 90)
        assert rows["2026-03"]["within_target"] == 5
        assert rows["2026-04"]["decided"] == 1
        quarters = self.metrics(client, year=2026, period="quarter")["rows"]
        assert [(r["period"], r["decided"]) for r in quarters] == [("2026-Q1", 10), ("2026-Q2", 1)]

    def test_the_total_ranks_every_periods_cases_with_repeated_days(
        self, client: TestClient
    ) -> None:
        q1 = [("A", 10), ("B", 10), ("C", 10), ("D", 60)]
        items = [
            item(k, complete_on=decided_on(-d, "2026-03-20"), received_on="2025-11-01",
                 decided_on="2026-03-20")
            for k, d in q1
        ]  # fmt: skip
        late = item("E", complete_on="2026-04-01", decided_on=decided_on(20, "2026-04-01"))
        batch(client, *items, late)
        body = self.metrics(client, year=2026, period="quarter")
        by_period = {r["period"]: (r["median_days"], r["p90_days"]) for r in body["rows"]}
        # Q1: 10 10 10 60 (ranks 2 and 4); all five: 10 10 10 20 60 (ranks 3 and 5).
        assert by_period == {"2026-Q1": (10, 60), "2026-Q2": (20, 20)}
        total = body["total"]
        assert (total["median_days"], total["p90_days"], total["counted"]) == (10, 60, 5)

    def test_open_cases_past_the_target(self, client: TestClient) -> None:
        batch(
            client,
            item("OPEN", decided_on=None, decision=None),
            item("PAUSED", decided_on=None, decision=None, paused_days=10),
        )
        assert self.metrics(client, as_of="2026-02-20")["open_past_target"] == 0
        assert self.metrics(client, as_of="2026-02-21")["open_past_target"] == 1
        assert self.metrics(client, as_of="2026-03-03")["open_past_target"] == 2

    def test_the_target_is_set_per_kind(self, client: TestClient) -> None:
        batch(client, item("C30", kind="change_of_use", decided_on=decided_on(31)))
        # The plan's 50 days are for building permits: other kinds have none until set.
        body = self.metrics(client, kind="change_of_use")
        assert body["target_days"]["change_of_use"] is None
        assert (body["total"]["decided"], body["total"]["counted"]) == (1, 0)
        assert body["total"]["share_within_target"] is None
        response = client.put(f"{CASES}/targets/change_of_use", json={"target_days": 30})
        assert response.status_code == 200, response.text
        body = self.metrics(client, kind="change_of_use")
        assert body["total"]["within_target"] == 0 and body["target_days"]["change_of_use"] == 30
        response = client.put(f"{CASES}/targets/change_of_use", json={"target_days": 40})
        assert self.metrics(client, kind="change_of_use")["total"]["within_target"] == 1
        targets = {t["kind"]: t for t in client.get(f"{CASES}/targets").json()}
        assert targets["change_of_use"] == {
            "kind": "change_of_use",
            "target_days": 40,
            "is_default": False,
            "basis": "set",
        }
        assert targets["building_permit"] == {
            "kind": "building_permit",
            "target_days": 50,
            "is_default": True,
            "basis": "plan",
        }
        assert targets["demolition"]["target_days"] is None
        assert targets["demolition"]["basis"] == "none"
        assert client.get(f"{CASES}/targets/change_of_use").json() == targets["change_of_use"]

    def test_a_set_target_can_be_removed(self, client: TestClient) -> None:
        assert client.put(f"{CASES}/targets/building_permit", json={"target_days": 40}).is_success
        assert client.delete(f"{CASES}/targets/building_permit").status_code == 204
        targets = {t["kind"]: t for t in client.get(f"{CASES}/targets").json()}
        assert (targets["building_permit"]["target_days"], targets["building_permit"]["basis"]) == (
            50,
            "plan",
        )
        assert client.delete(f"{CASES}/targets/demolition").status_code == 204  # nothing set

    def test_open_cases_of_a_kind_without_a_target_are_never_past_it(
        self, client: TestClient
    ) -> None:
        batch(client, item("OPEN", kind="demolition", decided_on=None, decision=None))
        body = self.metrics(client, all_kinds=True, as_of="2026-12-01")
        assert body["open_past_target"] == 0

    def test_bad_filters(self, client: TestClient) -> None:
        assert_problem(client.get(METRICS, params={"period": "week"}), 422)
        body = assert_problem(
            client.get(METRICS, params={"decided_from": "2026-05-01", "decided_to": "2026-01-01"}),
            422,
        )
        assert body["errors"][0]["field"] == "decided_from"

    @pytest.mark.parametrize("name", ["decided_from", "decided_to", "as_of"])
    def test_a_number_is_no_date(self, client: TestClient, name: str) -> None:
        for path in (METRICS, CASES):
            if name == "as_of" and path == CASES:
                continue
            body = assert_problem(client.get(path, params={name: "0"}), 422)
            assert body["errors"][0]["field"] == f"query.{name}"
            assert "ikke et tal" in body["errors"][0]["message"]

    def test_the_plans_goal_shows_the_share(self, client: TestClient) -> None:
        batch(
            client,
            *(item(f"G-{n}", decided_on=decided_on(40)) for n in range(4)),
            item("G-late", decided_on=decided_on(60)),
        )
        progress = client.get(
            "/api/v1/plans/2026/progress", params={"evaluation_date": "2026-12-31"}
        ).json()
        goal = next(
            g
            for track in progress["tracks"]
            for initiative in track["initiatives"]
            for g in initiative["goals"]
            if g["key"] == "s3-i3-sagsbehandling-servicemaal"
        )
        assert goal["metric"] == "cases_within_target"
        assert (goal["actual"], goal["target"], goal["baseline"]["value"]) == (80, 80, 65)
        assert goal["status"] == "achieved"
