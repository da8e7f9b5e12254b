"""A person's and a company's participation in one list each: their registrations with the
events, newest event first, whatever the number of events (the app's person and company pages
read these, not every event's registrations)."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.events.helpers import make_company, make_event, register
from tests.helpers import assert_problem

MARCH = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
MAY = datetime(2026, 5, 12, 16, 0, tzinfo=UTC)


def _registered(client: TestClient, event_id: int, **body: object) -> dict:
    response = register(client, event_id, **body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_persons_registrations_come_with_their_events_newest_first(
    client: TestClient,
) -> None:
    march = make_event(client, starts_at=MARCH)
    may = make_event(client, starts_at=MAY, capacity=1)
    other = make_event(client, starts_at=MAY)
    first = _registered(client, march["id"])
    person = first["person"]["id"]
    _registered(client, may["id"])  # takes the one seat
    response = client.post(
        f"/api/v1/events/{may['id']}/registrations", json={"person_id": person, "waitlist": True}
    )
    assert response.status_code == 201, response.text
    waiting = response.json()
    _registered(client, other["id"])  # somebody else's

    body = client.get(f"/api/v1/people/{person}/registrations").json()
    assert body["total"] == 2
    assert [row["event"]["id"] for row in body["items"]] == [may["id"], march["id"]]
    newest = body["items"][0]
    assert newest["registration"]["id"] == waiting["id"]
    assert newest["registration"]["status"] == "waitlisted"
    assert newest["registration"]["waitlist_position"] == 1
    assert newest["registration"]["person"]["id"] == person
    assert newest["event"]["counts"]["registered"] == 1
    assert newest["event"]["counts"]["waitlisted"] == 1

    paged = client.get(f"/api/v1/people/{person}/registrations", params={"limit": 1, "offset": 1})
    assert [row["event"]["id"] for row in paged.json()["items"]] == [march["id"]]


def test_a_companys_registrations_are_those_of_its_people(client: TestClient) -> None:
    company = make_company(client)
    other = make_company(client)
    march = make_event(client, starts_at=MARCH)
    may = make_event(client, starts_at=MAY)
    ours = [
        _registered(client, march["id"], company_cvr=company["cvr"]),
        _registered(client, may["id"], company_cvr=company["cvr"]),
        _registered(client, may["id"], company_cvr=company["cvr"]),
    ]
    _registered(client, may["id"], company_cvr=other["cvr"])
    _registered(client, march["id"])  # nobody's company

    body = client.get(f"/api/v1/companies/{company['id']}/registrations").json()
    assert body["total"] == 3
    assert {row["registration"]["id"] for row in body["items"]} == {r["id"] for r in ours}
    assert [row["event"]["id"] for row in body["items"]] == [may["id"], may["id"], march["id"]]


def test_visits_to_a_company_are_a_filter_of_the_events(client: TestClient) -> None:
    company = make_company(client)
    visit = make_event(client, kind="company_visit", visited_company_id=company["id"])
    make_event(client)
    found = client.get("/api/v1/events", params={"visited_company_id": company["id"]}).json()
    assert [event["id"] for event in found["items"]] == [visit["id"]]


def test_unknown_people_and_companies_are_404_and_viewers_403(
    client: TestClient, viewer_client: TestClient
) -> None:
    assert_problem(client.get("/api/v1/people/999999/registrations"), 404)
    assert_problem(client.get("/api/v1/companies/999999/registrations"), 404)
    company = make_company(client)
    person = _registered(client, make_event(client)["id"])["person"]["id"]
    assert_problem(viewer_client.get(f"/api/v1/people/{person}/registrations"), 403)
    assert_problem(viewer_client.get(f"/api/v1/companies/{company['id']}/registrations"), 403)
