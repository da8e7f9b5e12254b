"""Events, registrations with capacity and a waiting list, and check-in at the door."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.events.helpers import event_series, make_event, register, valid_cvr
from tests.helpers import assert_problem


def _event(client: TestClient, event_id: int) -> dict[str, Any]:
    return client.get(f"/api/v1/events/{event_id}").json()


class TestEvents:
    def test_create_and_read(self, client: TestClient) -> None:
        series = event_series(client, "Klimaugen 2026")
        event = make_event(client, capacity=20, series_id=series["id"])
        assert event["counts"]["registered"] == 0 and event["series"] == "Klimaugen 2026"

    def test_ending_before_starting_is_422(self, client: TestClient) -> None:
        body = assert_problem(
            client.post(
                "/api/v1/events",
                json={
                    "kind": "workshop",
                    "title": "Baglæns",
                    "starts_at": "2026-03-10T16:00:00Z",
                    "ends_at": "2026-03-10T15:00:00Z",
                },
            ),
            422,
        )
        assert body["errors"] == [
            {
                "field": "body",
                "message": "ends_at er før starts_at: et arrangement kan ikke slutte, før det "
                "begynder",
                "type": "value_error",
            }
        ]

    def test_a_time_without_a_zone_is_utc(self, client: TestClient) -> None:
        """Compared with one that has a zone, never a server error."""
        body = {
            "kind": "workshop",
            "title": "Uden zone",
            "starts_at": "2026-03-10T16:00:00",
            "ends_at": "2026-03-10T17:00:00+01:00",
        }
        response = client.post("/api/v1/events", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["starts_at"] == "2026-03-10T16:00:00Z"
        etag = client.get(f"/api/v1/events/{response.json()['id']}").headers["etag"]
        change = client.patch(
            f"/api/v1/events/{response.json()['id']}",
            json={"ends_at": "2026-03-10T15:30:00"},
            headers={"If-Match": etag},
        )
        assert "ends_at er før starts_at" in assert_problem(change, 422)["detail"]

    def test_a_patch_that_makes_it_end_before_it_starts_is_422(self, client: TestClient) -> None:
        event = make_event(client)
        etag = client.get(f"/api/v1/events/{event['id']}").headers["etag"]
        response = client.patch(
            f"/api/v1/events/{event['id']}",
            json={"ends_at": "2020-01-01T00:00:00Z"},
            headers={"If-Match": etag},
        )
        assert "ends_at er før starts_at" in assert_problem(response, 422)["detail"]

    @pytest.mark.parametrize(
        "field", ["sessions", "initiative_ids", "organizer_ids", "description", "title", "kind"]
    )
    def test_a_field_of_the_event_may_be_left_out_not_set_to_null(
        self, client: TestClient, field: str
    ) -> None:
        event = make_event(client)
        etag = client.get(f"/api/v1/events/{event['id']}").headers["etag"]
        response = client.patch(
            f"/api/v1/events/{event['id']}", json={field: None}, headers={"If-Match": etag}
        )
        body = assert_problem(response, 422)
        assert body["errors"][0]["field"] == f"body.{field}"
        assert body["errors"][0]["message"] == "Feltet kan udelades, men ikke sættes til null."
        update = client.get("/openapi.json").json()["components"]["schemas"]["EventUpdate"]
        assert "anyOf" not in update["properties"][field]

    def test_the_schema_states_the_company_visit_rule(self, client: TestClient) -> None:
        create = client.get("/openapi.json").json()["components"]["schemas"]["EventCreate"]
        assert {"properties": {"kind": {"const": "company_visit"}}} in create["anyOf"]

    def test_mayor_only_on_company_visits(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/events",
            json={
                "kind": "theme_meeting",
                "title": "x",
                "starts_at": "2026-03-10T16:00:00Z",
                "ends_at": "2026-03-10T17:00:00Z",
                "mayor_present": True,
            },
        )
        assert "gælder kun virksomhedsbesøg" in assert_problem(response, 422)["detail"]

    def test_unknown_initiative_is_422(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/events",
            json={
                "kind": "workshop",
                "title": "x",
                "starts_at": "2026-03-10T16:00:00Z",
                "ends_at": "2026-03-10T17:00:00Z",
                "initiative_ids": [99999],
            },
        )
        error = assert_problem(response, 422)["errors"][0]
        assert error == {
            "field": "initiative_ids",
            "message": "der findes intet med id 99999",
            "type": "unknown_reference",
        }

    def test_unknown_series_is_an_unknown_reference(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/events",
            json={
                "kind": "workshop",
                "title": "x",
                "starts_at": "2026-03-10T16:00:00Z",
                "ends_at": "2026-03-10T17:00:00Z",
                "series_id": 99999,
            },
        )
        error = assert_problem(response, 422)["errors"][0]
        assert (error["field"], error["type"]) == ("series_id", "unknown_reference")


class TestRegistrations:
    def test_register_a_new_person_with_a_new_company(self, client: TestClient) -> None:
        event = make_event(client)
        response = register(
            client, event["id"], company_cvr=valid_cvr(), company_name="Ny Virksomhed ApS"
        )
        assert response.status_code == 201, response.text
        assert response.json()["person"]["company_id"] is not None

    def test_a_new_cvr_needs_the_company_name(self, client: TestClient) -> None:
        event = make_event(client)
        cvr = valid_cvr()
        error = assert_problem(register(client, event["id"], company_cvr=cvr), 422)["errors"][0]
        assert error == {
            "field": "company_name",
            "message": f"CVR-nummeret {cvr} er nyt: skriv også virksomhedens navn",
            "type": "required_by_data",
        }

    @pytest.mark.parametrize(
        "who", [{}, {"person_id": 1, "person": {"name": "Anna"}}, {"person_id": None}]
    )
    def test_either_a_known_person_or_a_new_one(
        self, client: TestClient, who: dict[str, Any]
    ) -> None:
        event = make_event(client)
        response = client.post(f"/api/v1/events/{event['id']}/registrations", json=who)
        body = assert_problem(response, 422)
        assert body["errors"][0]["message"] == (
            "angiv enten person_id (en kendt person) eller person (en ny), ikke begge"
        )
        schema = client.get("/openapi.json").json()["components"]["schemas"]
        assert len(schema["RegistrationCreate"]["oneOf"]) == 2

    def test_the_waiting_list_is_not_a_status_to_set(self, client: TestClient) -> None:
        event = make_event(client)
        registration = register(client, event["id"]).json()
        url = f"/api/v1/events/{event['id']}/registrations/{registration['id']}"
        body = assert_problem(client.patch(url, json={"status": "waitlisted"}), 422)
        assert body["errors"][0]["field"] == "status"
        assert "status kan ikke sættes til waitlisted" in body["errors"][0]["message"]
        schema = client.get("/openapi.json").json()["components"]["schemas"]
        assert schema["RegistrationUpdate"]["properties"]["status"]["not"] == {
            "const": "waitlisted"
        }

    def test_a_change_names_the_status_or_the_type(self, client: TestClient) -> None:
        event = make_event(client)
        registration = register(client, event["id"]).json()
        url = f"/api/v1/events/{event['id']}/registrations/{registration['id']}"
        body = assert_problem(client.patch(url, json={"status": None}), 422)
        assert body["errors"][0]["message"] == "angiv status, participant_type eller begge"

    def test_the_same_person_twice_is_one_registration(self, client: TestClient) -> None:
        event = make_event(client)
        first = register(client, event["id"])
        person_id = first.json()["person_id"]
        again = client.post(
            f"/api/v1/events/{event['id']}/registrations", json={"person_id": person_id}
        )
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        assert _event(client, event["id"])["counts"]["registered"] == 1

    def test_same_email_is_the_same_person(self, client: TestClient) -> None:
        event = make_event(client)
        body = {"person": {"name": "Anna", "email": "anna@firma.dk"}}
        first = client.post(f"/api/v1/events/{event['id']}/registrations", json=body)
        body = {"person": {"name": "Anna B.", "email": "ANNA@firma.dk"}}
        second = client.post(f"/api/v1/events/{event['id']}/registrations", json=body)
        assert second.status_code == 200
        assert second.json()["person_id"] == first.json()["person_id"]

    def test_cancelled_event_refuses_registration(self, client: TestClient) -> None:
        event = make_event(client, status="cancelled")
        body = assert_problem(register(client, event["id"]), 409)
        assert "cancelled" in body["detail"]

    def test_full_event_refuses_unless_waitlist(self, client: TestClient) -> None:
        event = make_event(client, capacity=1)
        assert register(client, event["id"]).status_code == 201
        body = assert_problem(register(client, event["id"]), 409)
        assert "waitlist=true" in body["detail"]
        waiting = register(client, event["id"], waitlist=True)
        assert waiting.status_code == 201
        assert waiting.json()["status"] == "waitlisted"
        assert waiting.json()["waitlist_position"] == 1

    def test_the_waiting_list_moves_up_on_cancellation(self, client: TestClient) -> None:
        event = make_event(client, capacity=1)
        seated = register(client, event["id"]).json()
        first = register(client, event["id"], waitlist=True).json()
        second = register(client, event["id"], waitlist=True).json()
        response = client.patch(
            f"/api/v1/events/{event['id']}/registrations/{seated['id']}",
            json={"status": "cancelled"},
        )
        assert response.status_code == 200, response.text
        rows = client.get(f"/api/v1/events/{event['id']}/registrations").json()["items"]
        by_id = {r["id"]: r for r in rows}
        assert by_id[first["id"]]["status"] == "registered"
        assert by_id[second["id"]]["status"] == "waitlisted"
        assert by_id[second["id"]]["waitlist_position"] == 1

    def test_more_capacity_moves_the_waiting_list_up(self, client: TestClient) -> None:
        event = make_event(client, capacity=1)
        register(client, event["id"])
        waiting = register(client, event["id"], waitlist=True).json()
        etag = client.get(f"/api/v1/events/{event['id']}").headers["etag"]
        client.patch(
            f"/api/v1/events/{event['id']}", json={"capacity": 2}, headers={"If-Match": etag}
        )
        rows = client.get(f"/api/v1/events/{event['id']}/registrations").json()["items"]
        assert next(r for r in rows if r["id"] == waiting["id"])["status"] == "registered"

    def test_viewers_see_counts_not_people(
        self, client: TestClient, viewer_client: TestClient
    ) -> None:
        event = make_event(client)
        register(client, event["id"], name="Hemmelig Person")
        assert_problem(viewer_client.get(f"/api/v1/events/{event['id']}/registrations"), 403)
        seen = viewer_client.get(f"/api/v1/events/{event['id']}")
        assert seen.json()["counts"]["registered"] == 1
        assert "Hemmelig" not in seen.text and "@" not in seen.text


class TestCheckIn:
    def test_bulk_check_in_counts_participants(self, client: TestClient) -> None:
        event = make_event(client)
        people = [register(client, event["id"]).json()["person_id"] for _ in range(3)]
        response = client.post(
            f"/api/v1/events/{event['id']}/check-in", json={"person_ids": people[:2]}
        )
        assert response.status_code == 200, response.text
        assert len(response.json()["checked_in"]) == 2
        again = client.post(
            f"/api/v1/events/{event['id']}/check-in", json={"person_ids": people[:1]}
        )
        assert again.json()["already"] and not again.json()["checked_in"]
        counts = _event(client, event["id"])["counts"]
        assert counts["attended"] == 2 and counts["participants"] == 2

    def test_someone_not_registered_is_named_and_nothing_changes(self, client: TestClient) -> None:
        event = make_event(client)
        registered = register(client, event["id"]).json()["person_id"]
        stranger = register(client, make_event(client)["id"]).json()["person_id"]
        response = client.post(
            f"/api/v1/events/{event['id']}/check-in",
            json={"person_ids": [registered, stranger]},
        )
        body = assert_problem(response, 409)  # the request is sound; the registrations are not
        assert str(stranger) in body["detail"] and "Tilmeld dem først" in body["detail"]
        assert body["errors"][0]["field"] == "person_ids[1]"
        assert _event(client, event["id"])["counts"]["attended"] == 0

    def test_door_count_and_names_are_not_added_together(self, client: TestClient) -> None:
        event = make_event(client, headcount=40)
        people = [register(client, event["id"]).json()["person_id"] for _ in range(3)]
        client.post(f"/api/v1/events/{event['id']}/check-in", json={"person_ids": people})
        assert _event(client, event["id"])["counts"]["participants"] == 40
