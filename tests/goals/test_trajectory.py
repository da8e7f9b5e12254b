"""Expected trajectories through GET /plans/2026/progress: each basis on dates before, on and
after what it expects; forecasts; the plan's own words (ranges, "mere end", monthly rhythm)."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.events.models import Event
from api.goals.enums import Direction, Pace, Unit
from api.goals.models import Goal, GoalTarget
from tests.events.helpers import event_series, make_event, register
from tests.helpers import add_measurement, make_goal

URL = "/api/v1/plans/2026/progress"
SERIES = "Testserien 2026"
SERIES_KEY = "testserien-2026"  # the key its name gives
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)


def _goal_at(client: TestClient, goal: Goal | str, on: str) -> dict[str, Any]:
    response = client.get(URL, params={"evaluation_date": on})
    assert response.status_code == 200, response.text
    body = response.json()
    key = goal if isinstance(goal, str) else goal.key
    goals = body["goals"] + [
        g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]
    ]
    return next(g for g in goals if g["key"] == key)


def _event(client: TestClient, session: Session, day: date, **fields: Any) -> dict[str, Any]:
    starts = datetime(day.year, day.month, day.day, 14, 0, tzinfo=UTC)
    series_id = event_series(client, SERIES)["id"]
    event = make_event(client, starts_at=starts, series_id=series_id, **fields)
    entered_early(session, event)
    return event


def entered_early(session: Session, event: dict[str, Any]) -> None:
    """The event as if entered on New Year's Day: the calendar at a date holds only the
    events entered by then (or dated by the plan itself)."""
    session.execute(update(Event).where(Event.id == event["id"]).values(created_at=NEW_YEAR))
    session.commit()


def _hold(client: TestClient, event: dict[str, Any], people: int = 1) -> None:
    """Check `people` in at the door and mark the event held."""
    for n in range(people):
        registration = register(client, event["id"], name=f"Gæst {event['id']}-{n}")
        assert registration.status_code == 201, registration.text
        person_id = registration.json()["person"]["id"]
        checked = client.post(
            f"/api/v1/events/{event['id']}/check-in", json={"person_ids": [person_id]}
        )
        assert checked.status_code == 200, checked.text
    response = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"status": "held"},
        headers={"If-Match": client.get(f"/api/v1/events/{event['id']}").headers["ETag"]},
    )
    assert response.status_code == 200, response.text


def _series_goal(session: Session, metric: str, target: float) -> Goal:
    goal = make_goal(
        session, metric=metric, metric_params={"series": SERIES_KEY}, targets={2026: target}
    )
    session.commit()
    return goal


class TestCalendarBasis:
    def test_events_are_expected_from_the_day_they_are_planned(
        self, client: TestClient, session: Session
    ) -> None:
        goal = _series_goal(session, "events_held", 2)
        march = _event(client, session, date(2026, 3, 12))
        _event(client, session, date(2026, 9, 10))
        before = _goal_at(client, goal, "2026-03-11")
        assert (before["status"], before["expected"]) == ("not_due", 0)
        assert before["expected_basis"] == "calendar"
        assert "årshjulet" in before["explanation"]
        _hold(client, march)
        on = _goal_at(client, goal, "2026-03-12")
        assert (on["status"], on["expected"], on["actual"]) == ("on_track", 1, 1)
        summer = _goal_at(client, goal, "2026-06-30")
        assert (summer["status"], summer["expected"]) == ("on_track", 1)
        assert (summer["forecast"], summer["forecast_reached"]) == (2, True)
        # The September meeting is due on its day; not held, the goal falls behind.
        assert _goal_at(client, goal, "2026-09-09")["status"] == "on_track"
        due = _goal_at(client, goal, "2026-09-10")
        assert (due["status"], due["expected"]) == ("off_track", 2)
        assert (due["forecast"], due["forecast_reached"]) == (1, False)

    def test_participants_are_expected_by_expected_participants_else_capacity(
        self, client: TestClient, session: Session
    ) -> None:
        goal = _series_goal(session, "event_participants", 50)
        _event(client, session, date(2026, 4, 1), expected_participants=20, capacity=100)
        _event(client, session, date(2026, 5, 1), capacity=40)
        assert _goal_at(client, goal, "2026-03-31")["expected"] == 0
        assert _goal_at(client, goal, "2026-04-01")["expected"] == 20
        after = _goal_at(client, goal, "2026-05-02")
        assert after["expected"] == 50  # 20 + 40, but never more than the target
        assert after["status"] == "no_data"

    def test_a_cancelled_event_is_no_part_of_the_plan(
        self, client: TestClient, session: Session
    ) -> None:
        goal = _series_goal(session, "events_held", 1)
        _event(client, session, date(2026, 2, 2), status="cancelled")
        result = _goal_at(client, goal, "2026-06-30")
        assert result["expected_basis"] == "even_pace"

    def test_the_shipped_plan_expects_nothing_dated_later_by_midsummer(
        self, client: TestClient
    ) -> None:
        # Held events of a kind no goal reads make every event metric 0 instead of no data.
        other = make_event(client, kind="other", starts_at=datetime(2026, 2, 3, 12, tzinfo=UTC))
        _hold(client, other)
        conference = _goal_at(client, "s3-i5-konference-deltagere", "2026-04-30")
        assert conference["status"] == "not_due"  # the plan dates it "maj 2026"
        assert _goal_at(client, "s3-i5-konference-deltagere", "2026-06-01")["expected"] == 150
        body = client.get(URL, params={"evaluation_date": "2026-06-30"}).json()
        goals = body["goals"] + [
            g for t in body["tracks"] for i in t["initiatives"] for g in i["goals"]
        ]
        behind = [g for g in goals if g["status"] in ("at_risk", "off_track")]
        # Only what something was due for can be behind: the plan-level participants (the
        # conference in May) and the goals the plan leaves undated, at the even pace.
        assert all(g["expected"] > 0 for g in behind), behind
        assert "s3-i5-konference-deltagere" in {g["key"] for g in behind}
        assert all(g["expected_basis"] != "calendar" or g["expected"] for g in goals)


class TestPhasingBasis:
    def _manual(self, session: Session, **target: Any) -> Goal:
        goal = make_goal(session, targets={})
        session.add(GoalTarget(goal_id=goal.id, year=2026, **target))
        session.commit()
        return goal

    def test_due_date_expects_nothing_before_it_and_all_from_it(
        self, client: TestClient, session: Session
    ) -> None:
        goal = self._manual(session, value=8, due_on=date(2026, 10, 31))
        add_measurement(session, goal, date(2026, 5, 1), 3)
        session.commit()
        before = _goal_at(client, goal, "2026-10-30")
        assert (before["status"], before["expected"]) == ("not_due", 0)
        assert before["expected_basis"] == "due_date"
        assert "31. okt. 2026" in before["explanation"]
        on = _goal_at(client, goal, "2026-10-31")
        assert (on["status"], on["expected"]) == ("off_track", 8)
        assert _goal_at(client, goal, "2026-11-01")["status"] == "off_track"
        assert before["forecast"] == 11  # 3 so far and the 8 still due

    def test_monthly_profile_is_pro_rata_within_each_month(
        self, client: TestClient, session: Session
    ) -> None:
        profile = [0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0]
        goal = self._manual(session, value=120, monthly_profile=profile)
        add_measurement(session, goal, date(2026, 4, 10), 9)
        session.commit()
        march = _goal_at(client, goal, "2026-03-31")
        assert (march["status"], march["expected"]) == ("not_due", 0)
        assert march["expected_basis"] == "monthly_profile"
        mid_april = _goal_at(client, goal, "2026-04-15")
        assert mid_april["expected"] == pytest.approx(10)  # half of April's 20
        assert mid_april["status"] == "at_risk"  # 9 of 10, within the 80 % band
        assert _goal_at(client, goal, "2026-06-30")["expected"] == pytest.approx(60)
        assert _goal_at(client, goal, "2026-10-01")["expected"] == pytest.approx(120)

    def test_phasing_is_set_through_the_api(self, client: TestClient, session: Session) -> None:
        goal = make_goal(session)
        session.commit()
        etag = client.get(f"/api/v1/goals/{goal.id}").headers["ETag"]
        response = client.patch(
            f"/api/v1/goals/{goal.id}",
            json={"targets": {"2026": {"value": 8, "due_on": "2026-12-31"}}},
            headers={"If-Match": etag},
        )
        assert response.status_code == 200, response.text
        (target,) = response.json()["targets"]
        assert (target["value"], target["due_on"]) == (8, "2026-12-31")
        assert _goal_at(client, goal, "2026-06-30")["status"] == "not_due"

    @pytest.mark.parametrize(
        ("target", "field"),
        [
            ({"value": 8, "due_on": "2026-12-31", "monthly_profile": [1] * 12}, "targets"),
            ({"value": 8, "monthly_profile": [1] * 11}, "monthly_profile"),
            ({"value": 8, "monthly_profile": [0] * 12}, "targets"),
            ({"value": 4, "upper": 3}, "targets"),
            ({"value": 2.5}, "targets"),
        ],
    )
    def test_bad_phasing_is_a_422_naming_the_field(
        self, client: TestClient, session: Session, target: dict[str, Any], field: str
    ) -> None:
        goal = make_goal(session)
        session.commit()
        etag = client.get(f"/api/v1/goals/{goal.id}").headers["ETag"]
        response = client.patch(
            f"/api/v1/goals/{goal.id}",
            json={"targets": {"2026": target}},
            headers={"If-Match": etag},
        )
        assert response.status_code == 422, response.text
        assert field in response.text


class TestEvenPace:
    def test_without_calendar_or_phasing_the_pace_is_even(
        self, client: TestClient, session: Session
    ) -> None:
        goal = make_goal(session, targets={2026: 365})
        add_measurement(session, goal, date(2026, 4, 10), 100)
        session.commit()
        result = _goal_at(client, goal, "2026-04-10")  # day 100
        assert result["expected_basis"] == "even_pace"
        assert result["expected"] == pytest.approx(100)
        assert result["status"] == "on_track"
        assert result["forecast"] == pytest.approx(365)


class TestThePlansWords:
    def test_a_range_target_is_met_inside_and_missed_above(
        self, client: TestClient, session: Session
    ) -> None:
        goal = _goal_at(client, "s2-i6-forloeb-ivaerksaetterdanmark", "2026-06-30")
        assert (goal["target"], goal["target_upper"]) == (3, 4)
        plan_2_6 = next(
            i["id"]
            for t in client.get("/api/v1/plans/2026").json()["tracks"]
            for i in t["initiatives"]
            if i["code"] == "2.6"
        )
        for n in range(5):
            event = make_event(
                client,
                kind="development_course",
                initiative_ids=[plan_2_6],
                starts_at=datetime(2026, 2, 1 + n, 9, tzinfo=UTC),
            )
            _hold(client, event)
            status = _goal_at(client, "s2-i6-forloeb-ivaerksaetterdanmark", "2026-06-30")
            expected = {2: "achieved", 3: "achieved", 4: "off_track"}.get(n)
            if expected:
                assert status["status"] == expected, (n, status)
        assert "over intervallet" in status["explanation"]

    def test_more_than_is_strictly_above(self, client: TestClient, session: Session) -> None:
        goal = make_goal(
            session,
            unit=Unit.percent,
            pace=Pace.level,
            direction=Direction.more_than,
            targets={2026: 80},
        )
        add_measurement(session, goal, date(2026, 3, 1), 80)
        session.commit()
        at_80 = _goal_at(client, goal, "2026-12-31")
        assert at_80["status"] == "off_track"
        assert "mere end 80 %" in at_80["explanation"]
        add_measurement(session, goal, date(2026, 3, 2), 80.5)
        session.commit()
        assert _goal_at(client, goal, "2026-12-31")["status"] == "achieved"

    def test_shipped_words(self, client: TestClient) -> None:
        tools = _goal_at(client, "s1-i2-kendskab-vaerktoejer", "2026-06-30")
        assert tools["direction"] == "more_than"
        cases = _goal_at(client, "s3-i3-sagsbehandling-servicemaal", "2026-06-30")
        assert cases["baseline"] == {"year": None, "value": 65}

    def test_the_monthly_rhythm_counts_months_not_meetings(
        self, client: TestClient, session: Session
    ) -> None:
        key = "s2-i3-tilstedevaer-maanedlig"
        initiative = next(
            i["id"]
            for t in client.get("/api/v1/plans/2026").json()["tracks"]
            for i in t["initiatives"]
            if i["code"] == "2.3"
        )
        january = _goal_at(client, key, "2026-01-15")
        assert (january["status"], january["target"]) == ("not_due", None)
        assert january["expected_basis"] == "monthly_rhythm"
        for day in (date(2026, 1, 8), date(2026, 1, 22), date(2026, 2, 5)):
            event = make_event(
                client,
                kind="network_meeting",
                initiative_ids=[initiative],
                starts_at=datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
            )
            _hold(client, event)
        feb = _goal_at(client, key, "2026-02-28")
        assert (feb["status"], feb["actual"], feb["expected"]) == ("on_track", 2, 2)
        march = _goal_at(client, key, "2026-03-31")
        assert (march["status"], march["actual"], march["expected"]) == ("at_risk", 2, 3)
        assert _goal_at(client, key, "2026-04-30")["status"] == "off_track"
        assert "hver måned" in march["explanation"]


class TestMilestones:
    KEY = "s1-i4-partnerskaber-potentiale"

    def _note(self, client: TestClient, goal_id: int, day: str, state: str) -> None:
        response = client.post(
            f"/api/v1/goals/{goal_id}/milestone-notes",
            json={"noted_on": day, "state": state, "text": f"Note {day}"},
        )
        assert response.status_code == 201, response.text

    def test_the_state_in_force_at_the_date(self, client: TestClient) -> None:
        goal = _goal_at(client, self.KEY, "2026-05-01")
        self._note(client, goal["goal_id"], "2026-03-01", "in_progress")
        self._note(client, goal["goal_id"], "2026-10-01", "done")
        assert _goal_at(client, self.KEY, "2026-02-01")["status"] == "not_started"
        may = _goal_at(client, self.KEY, "2026-05-01")
        assert (may["status"], may["milestone_state"]) == ("in_progress", "in_progress")
        assert "Note 2026-03-01" in may["explanation"]
        assert _goal_at(client, self.KEY, "2026-10-01")["status"] == "done"

    def test_overdue_after_the_deadline_unless_done(self, client: TestClient) -> None:
        goal = _goal_at(client, self.KEY, "2026-05-01")
        assert goal["due_on"] == "2026-12-31"  # the plan year's end by default
        etag = client.get(f"/api/v1/goals/{goal['goal_id']}").headers["ETag"]
        response = client.patch(
            f"/api/v1/goals/{goal['goal_id']}",
            json={"due_on": "2026-06-30"},
            headers={"If-Match": etag},
        )
        assert response.status_code == 200, response.text
        self._note(client, goal["goal_id"], "2026-03-01", "in_progress")
        assert _goal_at(client, self.KEY, "2026-06-30")["status"] == "in_progress"
        late = _goal_at(client, self.KEY, "2026-07-01")
        assert late["status"] == "overdue"
        assert "30. jun. 2026" in late["explanation"]
        self._note(client, goal["goal_id"], "2026-07-15", "done")
        assert _goal_at(client, self.KEY, "2026-07-14")["status"] == "overdue"
        assert _goal_at(client, self.KEY, "2026-07-15")["status"] == "done"

    def test_a_measurable_goal_has_no_deadline(self, client: TestClient, session: Session) -> None:
        goal = make_goal(session)
        session.commit()
        etag = client.get(f"/api/v1/goals/{goal.id}").headers["ETag"]
        response = client.patch(
            f"/api/v1/goals/{goal.id}", json={"due_on": "2026-06-30"}, headers={"If-Match": etag}
        )
        assert response.status_code == 422, response.text
