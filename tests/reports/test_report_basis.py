"""The committee report's appendix: the records behind every measurable goal's figure."""

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.events.helpers import make_event, register
from tests.reports.test_report import get_html, get_xlsx, parse, text_of


def _held_meeting(client: TestClient, title: str, people: int) -> None:
    event = make_event(client, title=title, starts_at=datetime(2026, 3, 4, 15, tzinfo=UTC))
    person_ids = []
    for n in range(people):
        response = register(client, event["id"], name=f"Deltager {n}")
        assert response.status_code == 201, response.text
        person_ids.append(response.json()["person"]["id"])
    checked = client.post(f"/api/v1/events/{event['id']}/check-in", json={"person_ids": person_ids})
    assert checked.status_code == 200, checked.text
    held = client.post(f"/api/v1/events/{event['id']}/mark-held")
    assert held.status_code == 200, held.text


class TestAppendix:
    def test_html_lists_the_records_behind_a_figure(self, client: TestClient) -> None:
        _held_meeting(client, "Temamøde om eksport", 16)
        root = parse(get_html(client))
        appendix = next(s for s in root.iter("section") if s.get("class") == "basis")
        themes = next(
            s for s in appendix.iter("section") if s.get("data-key") == "s3-i2-temamoeder"
        )
        text = text_of(themes)
        assert "Temamøde om eksport" in text and "16 deltagere" in text
        assert "1 poster talte med" in text
        participants = next(
            s for s in appendix.iter("section") if s.get("data-key") == "plan-deltagere"
        )
        assert "16" in text_of(participants)

    def test_every_measurable_goal_has_its_place(self, client: TestClient) -> None:
        root = parse(get_html(client))
        keys = [s.get("data-key") for s in root.iter("section") if s.get("class") == "goal-basis"]
        goals = client.get("/api/v1/plans/2026/goals", params={"limit": 500}).json()["items"]
        measurable = {g["key"] for g in goals if g["kind"] == "measurable"}
        assert set(keys) == measurable and len(keys) == len(measurable)

    def test_xlsx_has_the_appendix_sheet(self, client: TestClient) -> None:
        _held_meeting(client, "Temamøde om eksport", 16)
        sheet = get_xlsx(client)["Grundlag"]
        assert [c.value for c in sheet[1]] == ["Mål", "Dato", "Post", "Værdi", "Begrundelse"]
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        meeting = [r for r in rows if r[2] and "Temamøde om eksport" in r[2]]
        assert meeting and any(r[3] == 16 for r in meeting)  # its participants, a number
