"""The contract's edges (issue 15): one case several times in a batch, what an `external_id`
may hold and how it travels in a header, strict integers and unknown fields refused."""

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from api.cases.models import Case
from tests.cases.helpers import CASES, batch, case, item, put
from tests.helpers import assert_problem


def outcomes(result: dict[str, Any]) -> list[str]:
    return [answer["outcome"] for answer in result["items"]]


def stored(client: TestClient, external_id: str) -> dict[str, Any]:
    response = client.get(f"{CASES}/sbsys/{quote(external_id, safe='')}")
    assert response.status_code == 200, response.text
    return response.json()


class TestRepeatsInOneBatch:
    def test_two_updates_of_one_case_are_both_applied(
        self, machine: TestClient, client: TestClient
    ) -> None:
        # The smallest reproducer of issue 15: the decision was lost as "the same case".
        result = batch(
            machine,
            item("A", decided_on=None, decision=None, source_updated_at="2026-02-01T08:00:00Z"),
            item("A", source_updated_at="2026-02-01T09:00:00Z"),
        )
        assert outcomes(result) == ["created", "updated"]
        assert result["counts"] | {"items": 0} == {
            "items": 0, "created": 1, "updated": 1, "unchanged": 0, "stale": 0, "rejected": 0,
        }  # fmt: skip
        assert result["items"][0]["id"] == result["items"][1]["id"] is not None
        case_a = stored(client, "A")
        assert (case_a["decided_on"], case_a["decision"]) == ("2026-02-01", "granted")

    def test_updates_apply_in_change_time_order_answered_in_request_order(
        self, machine: TestClient, client: TestClient, session: Session
    ) -> None:
        put(machine, "B", paused_days=1, source_updated_at="2026-02-02T00:00:00Z")
        result = batch(
            machine,
            item("B", paused_days=4, source_updated_at="2026-02-04T00:00:00Z"),
            item("B", paused_days=2, source_updated_at="2026-02-01T00:00:00Z"),  # older: stale
            item("B", paused_days=3, source_updated_at="2026-02-03T00:00:00Z"),
            item("B", paused_days=4, source_updated_at="2026-02-04T00:00:00Z"),  # a retry
            item("C", paused_days=2, source_updated_at="2026-02-02T00:00:00Z"),
            item("C", paused_days=1, source_updated_at="2026-02-01T00:00:00Z"),
        )
        # In time order: B 02-01 stale, 02-03 updated, 02-04 updated then unchanged;
        # C 02-01 created, 02-02 updated.
        assert outcomes(result) == [
            "updated", "stale", "updated", "unchanged", "updated", "created",
        ]  # fmt: skip
        assert result["items"][1]["errors"][0]["field"] == "source_updated_at"
        assert stored(client, "B")["paused_days"] == 4
        assert stored(client, "C")["paused_days"] == 2
        assert session.scalar(select(func.count()).select_from(Case)) == 2
        assert len({answer["id"] for answer in result["items"]}) == 2

    def test_the_same_change_time_twice_the_later_in_the_request_wins(
        self, machine: TestClient, client: TestClient
    ) -> None:
        result = batch(machine, item("D", paused_days=1), item("D", paused_days=2))
        assert outcomes(result) == ["created", "updated"]
        assert stored(client, "D")["paused_days"] == 2

    def test_a_rejected_repeat_leaves_the_good_ones(
        self, machine: TestClient, client: TestClient
    ) -> None:
        result = batch(
            machine,
            item("E", source_updated_at="2026-02-01T08:00:00Z"),
            item("E", decided_on="2025-01-01", source_updated_at="2026-02-01T09:00:00Z"),
        )
        assert outcomes(result) == ["created", "rejected"]
        assert stored(client, "E")["decided_on"] == "2026-02-01"

    def test_repeats_cost_no_more_statements_than_distinct_cases(
        self, machine: TestClient, engine: Engine
    ) -> None:
        def later(n: int) -> str:
            return f"2026-02-0{1 + n}T00:00:00Z"

        def statements(*items: dict[str, Any]) -> list[str]:
            seen: list[str] = []

            def _count(*args: Any) -> None:
                if " cases" in args[2]:  # not the token's or the audit's
                    seen.append(args[2].split()[0])

            event.listen(engine, "before_cursor_execute", _count)
            try:
                batch(machine, *items)
            finally:
                event.remove(engine, "before_cursor_execute", _count)
            return seen

        distinct = [item(f"S-{n}") for n in range(10)]
        repeated = [item(f"R-{n}", paused_days=v, source_updated_at=later(v))
                    for v in range(4) for n in range(10)]  # fmt: skip
        created = statements(*distinct)
        assert statements(*repeated) == created
        updates = [item(f"S-{n}", paused_days=1, source_updated_at=later(1)) for n in range(10)]
        changed = statements(*updates)
        assert "UPDATE" in changed
        repeats = [item(f"R-{n}", paused_days=v, source_updated_at=later(4 + v))
                   for v in range(4) for n in range(10)]  # fmt: skip
        assert statements(*repeats) == changed


class TestExternalId:
    @pytest.mark.parametrize("external_id", ["BYG-2026-€-1", "SAG-ÆØÅ-æøå", "Ø 12?#%", "2026/17"])
    def test_any_printable_text_is_kept_and_percent_encoded_in_the_location(
        self, machine: TestClient, client: TestClient, external_id: str
    ) -> None:
        response = machine.put(f"{CASES}/sbsys/{quote(external_id, safe='')}", json=case())
        assert response.status_code == 201, response.text
        assert response.json()["case"]["external_id"] == external_id
        location = response.headers["Location"]
        assert location == f"{CASES}/sbsys/{quote(external_id, safe='')}"
        assert location.isascii()
        assert client.get(location).json()["external_id"] == external_id
        assert batch(machine, item(external_id))["items"][0]["outcome"] == "unchanged"

    @pytest.mark.parametrize("control", ["\r", "\n", "\x00", "\t", "\x1b", "\x7f", "\x85"])
    def test_a_control_character_is_refused_naming_the_field(
        self, machine: TestClient, session: Session, control: str
    ) -> None:
        external_id = f"BYG{control}1"
        response = machine.put(f"{CASES}/sbsys/{quote(external_id, safe='')}", json=case())
        body = assert_problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["external_id"], body
        result = batch(machine, item(external_id), item("OK"))
        assert outcomes(result) == ["rejected", "created"]
        assert result["items"][0]["errors"][0]["field"] == "external_id"
        assert "styretegn" in result["items"][0]["errors"][0]["message"]
        assert session.scalar(select(func.count()).select_from(Case)) == 1


class TestStrictBodies:
    @pytest.mark.parametrize("value", [True, "7", 7.5, None, 0, 3651])
    def test_a_target_must_be_a_whole_number(self, client: TestClient, value: Any) -> None:
        response = client.put(f"{CASES}/targets/demolition", json={"target_days": value})
        body = assert_problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["body.target_days"], body
        targets = {t["kind"]: t for t in client.get(f"{CASES}/targets").json()}
        assert targets["demolition"]["basis"] == "none"

    def test_a_whole_float_is_a_whole_number(self, client: TestClient) -> None:
        """JSON Schema's integer, as the schema states it: 7.0 is 7."""
        response = client.put(f"{CASES}/targets/demolition", json={"target_days": 7.0})
        assert response.status_code == 200, response.text
        assert response.json()["target_days"] == 7

    def test_an_unknown_field_in_a_target_is_refused(self, client: TestClient) -> None:
        response = client.put(f"{CASES}/targets/demolition", json={"target_days": 7, "days": 7})
        body = assert_problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["body.days"], body

    def test_an_unknown_field_in_a_case_is_refused(self, machine: TestClient) -> None:
        response = machine.put(f"{CASES}/sbsys/U-1", json=case(business=True))
        body = assert_problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["body.business"], body
        result = batch(machine, item("U-2", business=True))
        assert outcomes(result) == ["rejected"]
        assert result["items"][0]["errors"][0]["field"] == "business"

    def test_an_unknown_field_beside_the_items_is_refused(self, machine: TestClient) -> None:
        response = machine.post(f"{CASES}/batch", json={"items": [item("U-3")], "dry_run": True})
        body = assert_problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["body.dry_run"], body
        assert machine.get(f"{CASES}/sbsys/U-3").status_code in (401, 403, 404)
