"""Builders for the case system's requests, shared by the case tests that use the TestClient."""

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

CASES = "/api/v1/cases"


def case(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "building_permit",
        "is_business": True,
        "received_on": "2026-01-01",
        "complete_on": "2026-01-01",
        "decided_on": "2026-02-01",
        "decision": "granted",
        "source_updated_at": "2026-02-01T12:00:00+01:00",
    } | overrides


def item(external_id: str, **overrides: Any) -> dict[str, Any]:
    return {"source": "sbsys", "external_id": external_id, **case(**overrides)}


def put(client: TestClient, external_id: str, **overrides: Any) -> Any:
    return client.put(f"{CASES}/sbsys/{external_id}", json=case(**overrides))


def batch(client: TestClient, *items: Any) -> dict[str, Any]:
    response = client.post(f"{CASES}/batch", json={"items": list(items)})
    assert response.status_code == 200, response.text
    return response.json()


def decided_on(days: int, start: str = "2026-01-01") -> str:
    return (date.fromisoformat(start) + timedelta(days=days)).isoformat()
