""" "As of" means as of: progress at a past date, computed later, equals what it was that day.

The test records data of every kind on 30 June 2026, takes the progress then, moves the clock
to December, records more (dated after June, and some undated: survey answers with no
submission day), and asks again for 30 June.
"""

from datetime import UTC, date, datetime
from typing import Any

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.permissions import Role
from api.goals.models import Goal
from tests.conftest import LoginAs
from tests.events.helpers import make_event, register
from tests.grants.helpers import CVR_A, CVR_B, HEADER, imported, semicolons
from tests.helpers import add_measurement, make_goal

PROGRESS = "/api/v1/plans/2026/progress"
SURVEY_QUESTIONS = [
    {
        "key": "ivaerksaettervejledning",
        "text": "Hvor tilfreds er du med iværksættervejledningen?",
        "kind": "scale",
    }
]
MIDSUMMER = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def _held_meeting(client: TestClient, day: date, people: int) -> None:
    event = make_event(
        client,
        kind="theme_meeting",
        starts_at=datetime(day.year, day.month, day.day, 15, tzinfo=UTC),
    )
    person_ids = []
    for n in range(people):
        response = register(client, event["id"], name=f"Deltager {event['id']}-{n}")
        assert response.status_code == 201, response.text
        person_ids.append(response.json()["person"]["id"])
    checked = client.post(f"/api/v1/events/{event['id']}/check-in", json={"person_ids": person_ids})
    assert checked.status_code == 200, checked.text
    etag = client.get(f"/api/v1/events/{event['id']}").headers["ETag"]
    held = client.patch(
        f"/api/v1/events/{event['id']}", json={"status": "held"}, headers={"If-Match": etag}
    )
    assert held.status_code == 200, held.text


def _case(machine: TestClient, external_id: str, decided_on: str, days: int) -> None:
    complete = date.fromisoformat(decided_on).toordinal() - days
    response = machine.put(
        f"/api/v1/cases/sbsys/{external_id}",
        json={
            "kind": "building_permit",
            "is_business": True,
            "received_on": date.fromordinal(complete).isoformat(),
            "complete_on": date.fromordinal(complete).isoformat(),
            "decided_on": decided_on,
            "decision": "granted",
            "source_updated_at": f"{decided_on}T12:00:00+01:00",
        },
    )
    assert response.status_code in (200, 201), response.text


def _answers(client: TestClient, survey_id: int, rows: list[tuple[str, str]]) -> None:
    """Answers with no submission day: they count from the day they are imported."""
    lines = ["Svar-ID;Hvor tilfreds er du med iværksættervejledningen?"]
    lines += [f"{ref};{answer}" for ref, answer in rows]
    content = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()
    response = client.post(
        f"/api/v1/surveys/{survey_id}/imports",
        params={"dry_run": "false"},
        files={"file": ("svar.csv", content, "text/csv")},
    )
    assert response.status_code == 200, response.text


def _note(client: TestClient, session: Session, key: str, day: str, state: str) -> None:
    goal_id = session.scalars(select(Goal.id).where(Goal.key == key)).one()
    response = client.post(
        f"/api/v1/goals/{goal_id}/milestone-notes",
        json={"noted_on": day, "state": state, "text": f"{state} {day}"},
    )
    assert response.status_code == 201, response.text


def _machine(admin_client: TestClient, anon_client: TestClient) -> TestClient:
    response = admin_client.post(
        "/api/v1/tokens", json={"name": "Sagssystem", "scopes": ["cases:write"]}
    )
    assert response.status_code == 201, response.text
    anon_client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return anon_client


def _all_goals(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body["goals"] + [g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]]


def _progress(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get(PROGRESS, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_progress_at_a_past_date_does_not_change_later(login_as: LoginAs, session: Session) -> None:
    manual = make_goal(session, key="as-of-manual", targets={2026: 10})
    session.commit()
    # Each day has its own log-in: a session is only valid from when it was started.
    with time_machine.travel(MIDSUMMER, tick=False):
        client = login_as(Role.editor)
        machine = _machine(login_as(Role.admin), login_as(None))
        _held_meeting(client, date(2026, 3, 4), people=16)
        add_measurement(session, manual, date(2026, 6, 15), 4)
        session.commit()
        imported(
            client,
            semicolons(
                HEADER,
                f"AS-1;{CVR_A};Skovgaard ApS;SMV:Grøn;250.000;01-04-2026",
            ),
        )
        _case(machine, "AS-1", "2026-05-01", days=30)
        _note(client, session, "s1-i4-partnerskaber-potentiale", "2026-03-01", "in_progress")
        survey = client.post(
            "/api/v1/surveys",
            json={
                "title": "Iværksættere 2026",
                "year": 2026,
                "kind": "satisfaction",
                "questions": SURVEY_QUESTIONS,
            },
        )
        assert survey.status_code == 201, survey.text
        _answers(client, survey.json()["id"], [("a1", "5"), ("a2", "2")])
        then = _progress(client)
        assert then["evaluated_on"] == "2026-06-30"

    with time_machine.travel(DECEMBER, tick=False):
        client = login_as(Role.editor)
        machine = _machine(login_as(Role.admin), login_as(None))
        _held_meeting(client, date(2026, 9, 9), people=20)
        add_measurement(session, manual, date(2026, 10, 1), 9)
        session.commit()
        imported(
            client,
            semicolons(HEADER, f"AS-2;{CVR_B};Lejre Maskinfabrik A/S;SMV:Grøn;100.000;01-10-2026"),
        )
        _case(machine, "AS-2", "2026-11-02", days=80)
        _note(client, session, "s1-i4-partnerskaber-potentiale", "2026-10-01", "done")
        _answers(client, survey.json()["id"], [("a3", "1"), ("a4", "1"), ("a5", "1")])
        later = _progress(client, evaluation_date="2026-06-30")
        now = _progress(client)

    differing = [
        (a["key"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})
        for a, b in zip(_all_goals(later), _all_goals(then), strict=True)
        if a != b
    ]
    assert not differing
    assert later == then
    # The later records do count today, so the comparison above is not empty-handed.
    assert now != then
    goals = {g["key"]: g for t in now["tracks"] for i in t["initiatives"] for g in i["goals"]}
    assert goals["s1-i4-partnerskaber-potentiale"]["status"] == "done"
    assert goals["s2-i5-tilfredshed-ivaerksaettervejledning"]["actual"] == 20  # 1 of 5
