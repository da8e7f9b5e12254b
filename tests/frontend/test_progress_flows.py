"""Progress the committee can trust, in the browser: the demo data banner, marking an event
held (the registered who did not come become no-shows), a goal's phasing making it not due,
and the basis behind a figure."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from api.kit.db import utcnow
from tests.frontend.conftest import Staff, log_in, screenshot, serious_violations, settled
from tests.live_server import LiveServer

ERHVERV = Path(sys.executable).with_name("erhverv")


def erhverv(server: LiveServer, *args: str) -> str:
    """Run the `erhverv` command against the live server's database, as an operator would."""
    env = {**os.environ, "ERHVERV_DATABASE_URL": server.database_url}
    done = subprocess.run(
        [str(ERHVERV), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def csrf(page: Page) -> dict[str, str]:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "erhverv_csrf")
    return {"X-CSRF-Token": token}


def post(page: Page, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = page.request.post(path, data=body, headers=csrf(page))
    assert response.status in (200, 201), response.text()
    return response.json()


def initiative_id(page: Page, code: str) -> int:
    response = page.request.get("/api/v1/plans/2026/initiatives?limit=500")
    assert response.ok, response.text()
    return next(i["id"] for i in response.json()["items"] if i["code"] == code)


@pytest.fixture
def demo_data(server: LiveServer) -> Iterator[None]:
    """The demo data set, loaded with `erhverv load-demo` and removed again after the test."""
    erhverv(server, "load-demo", "--events", "30")
    try:
        yield
    finally:
        erhverv(server, "remove-demo")


class TestDemoBanner:
    def test_every_screen_says_demo_data_is_loaded_and_how_much(
        self, page: Page, editor: Staff, demo_data: None
    ) -> None:
        log_in(page, editor)
        settled(page)
        counts = page.request.get("/api/v1/demo").json()
        assert counts["present"] and counts["events"] == 30
        banner = page.locator(".demo-banner[role='status']")
        expect(banner).to_contain_text(
            f"Demodata er indlæst: {counts['events']} arrangementer, "
            f"{counts['companies']} virksomheder og {counts['people']} personer er eksempler "
            "og tælles ikke med i målene. Fjern dem med erhverv remove-demo."
        )
        assert serious_violations(page) == []
        screenshot(page, "demodata-overblik")

        page.get_by_role("link", name="Arrangementer").click()
        settled(page)
        expect(banner).to_contain_text("Demodata er indlæst")
        expect(page.locator("table .demo-tag").first).to_have_text("Demodata")
        assert serious_violations(page) == []
        screenshot(page, "demodata-arrangementer")


class TestMarkHeld:
    def test_an_event_marked_held_makes_the_registered_who_did_not_come_no_shows(
        self, page: Page, editor: Staff
    ) -> None:
        log_in(page, editor)
        start = utcnow().replace(microsecond=0) - timedelta(hours=3)
        event = post(
            page,
            "/api/v1/events",
            {
                "kind": "workshop",
                "title": "Workshop om eksportklar markedsføring",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
                "capacity": 20,
            },
        )
        for name, email in (("Jonas Brink", "jonas@example.dk"), ("Line Krogh", "line@example.dk")):
            post(
                page,
                f"/api/v1/events/{event['id']}/registrations",
                {"person": {"name": name, "email": email}},
            )
        line = page.request.get(f"/api/v1/events/{event['id']}/registrations").json()["items"]
        line_id = next(r["person_id"] for r in line if r["person"]["name"] == "Line Krogh")
        post(page, f"/api/v1/events/{event['id']}/check-in", {"person_ids": [line_id]})

        page.goto(f"/arrangementer/{event['id']}")
        settled(page)
        expect(page.get_by_text("Status: Planlagt")).to_be_visible()
        page.get_by_role("button", name="Markér afholdt").click()
        dialog = page.get_by_role("dialog", name="Markér arrangementet som afholdt?")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text(
            "1 tilmeldt, der ikke er tjekket ind, registreres som udeblevet"
        )
        assert serious_violations(page) == []
        screenshot(page, "arrangement-markeres-afholdt")
        dialog.get_by_role("button", name="Markér afholdt").click()

        expect(dialog).to_be_hidden()
        expect(page.get_by_text("Status: Afholdt")).to_be_visible()
        expect(
            page.get_by_role("status").filter(has_text="er markeret som afholdt")
        ).to_contain_text("1 tilmeldt, der ikke var tjekket ind, er registreret som udeblevet")
        expect(page.get_by_role("row").filter(has_text="Jonas Brink")).to_contain_text("Udeblev")
        expect(page.get_by_role("row").filter(has_text="Line Krogh")).to_contain_text("Mødt op")
        expect(page.get_by_role("button", name="Markér afholdt")).to_have_count(0)
        assert serious_violations(page) == []

    def test_an_event_that_has_not_begun_is_refused_in_the_dialog(
        self, page: Page, editor: Staff
    ) -> None:
        log_in(page, editor)
        start = utcnow().replace(microsecond=0) + timedelta(days=3)
        event = post(
            page,
            "/api/v1/events",
            {
                "kind": "theme_meeting",
                "title": "Temamøde om generationsskifte",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
            },
        )
        page.goto(f"/arrangementer/{event['id']}")
        settled(page)
        page.get_by_role("button", name="Markér afholdt").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("button", name="Markér afholdt").click()
        expect(dialog.get_by_role("alert")).to_contain_text("er ikke begyndt endnu")
        dialog.get_by_role("button", name="Annullér").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_text("Status: Planlagt")).to_be_visible()


class TestPhasing:
    def test_a_due_date_set_in_the_form_makes_the_goal_not_due(
        self, page: Page, editor: Staff
    ) -> None:
        log_in(page, editor)
        page.goto(f"/indsatser/{initiative_id(page, '2.2')}")
        settled(page)
        goal = page.locator("article.goal-panel").filter(has_text="Mindst to netværk")
        expect(goal.locator(".status").first).not_to_have_text(re.compile("Ikke forfalden"))

        goal.get_by_role("button", name=re.compile("^Redigér mål")).click()
        form = goal.locator("form")
        form.get_by_role("radio", name="Forfaldsdato").check()
        due = f"{utcnow().year}-12-31"
        form.get_by_label("Forfaldsdato (1)").fill(due)
        assert serious_violations(page) == []
        screenshot(page, "maal-periodisering")
        form.get_by_role("button", name="Gem mål").click()

        expect(form).to_have_count(0)
        expect(goal.locator(".status").first).to_have_text(re.compile("Ikke forfalden"))
        expect(goal).to_contain_text("(ud fra forfaldsdatoen)")
        assert serious_violations(page) == []
        screenshot(page, "indsats-ikke-forfalden")

        goal.get_by_role("button", name=re.compile("^Redigér mål")).click()
        expect(form.get_by_role("radio", name="Forfaldsdato")).to_be_checked()
        expect(form.get_by_label("Forfaldsdato (1)")).to_have_value(due)


class TestBasis:
    def test_vis_grundlag_lists_a_counted_event(self, page: Page, editor: Staff) -> None:
        log_in(page, editor)
        start = utcnow().replace(microsecond=0) - timedelta(days=2)
        post(
            page,
            "/api/v1/events",
            {
                "kind": "theme_meeting",
                "title": "Temamøde om grundlaget for målene",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
                "status": "held",
                "headcount": 17,
            },
        )
        page.goto("/")
        settled(page)
        card = page.locator(".kpis > li").filter(has_text="Aktiviteter:")
        card.get_by_role("button", name=re.compile("^Vis grundlag")).click()
        toggle = card.get_by_role("button", name=re.compile("^Skjul grundlag"))
        expect(toggle).to_have_attribute("aria-expanded", "true")
        panel = card.locator(".basis")
        expect(panel.get_by_role("heading", name=re.compile("^Grundlag for"))).to_be_visible()
        counted = panel.get_by_role("table").filter(
            has=page.locator("caption", has_text="der tæller med")
        )
        row = counted.get_by_role("row").filter(has_text="Temamøde om grundlaget for målene")
        expect(row).to_be_visible()
        expect(row).to_contain_text("17")
        assert serious_violations(page) == []
        screenshot(page, "overblik-grundlag")
