"""Builders for event tests: each returns the API's JSON for what it made."""

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from fastapi.testclient import TestClient
from stdnum.dk import cvr as cvr_rules

_numbers = count(1)
VALID_CVRS = ["13585628", "10103940", "29189862", "25313763", "20756438"]


def valid_cvr(n: int | None = None) -> str:
    """A CVR number that passes the modulus-11 check, different on each call."""
    n = next(_numbers) if n is None else n
    base = 10_000_000 + n * 97
    while True:
        candidate = str(base)
        if cvr_rules.is_valid(candidate):
            return candidate
        base += 1


def make_company(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body = {"cvr": valid_cvr(), "name": f"Firma {next(_numbers)} ApS"} | overrides
    response = client.post("/api/v1/companies", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def make_event(client: TestClient, **overrides: Any) -> dict[str, Any]:
    starts = overrides.pop("starts_at", datetime(2026, 3, 10, 16, 0, tzinfo=UTC))
    body = {
        "kind": "theme_meeting",
        "title": f"Temamøde {next(_numbers)}",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "location": "Lejre Rådhus",
    } | overrides
    response = client.post("/api/v1/events", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def register(client: TestClient, event_id: int, name: str | None = None, **overrides: Any) -> Any:
    n = next(_numbers)
    body = {"person": {"name": name or f"Deltager {n}", "email": f"deltager{n}@firma.dk"}}
    return client.post(f"/api/v1/events/{event_id}/registrations", json=body | overrides)


def event_series(client: TestClient, name: str) -> dict[str, Any]:
    """The series named `name` (the plan's own, or one made on first use), as the API reads it."""
    found = client.get("/api/v1/event-series", params={"search": name}).json()["items"]
    match = next((s for s in found if s["name"] == name), None)
    if match is not None:
        return match
    response = client.post("/api/v1/event-series", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()
