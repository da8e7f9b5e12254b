"""The staff app in a browser: log in, the plan's screens, and accessibility on each."""

import re

from playwright.sync_api import Page, Response, expect

from tests.frontend.conftest import Staff, log_in, screenshot, serious_violations

INITIATIVES = 22


class TestLogIn:
    def test_a_visitor_is_sent_to_log_in_and_back(self, page: Page, editor: Staff) -> None:
        log_in(page, editor, "/indsatser")
        expect(page).to_have_url(re.compile(r"/indsatser$"))

    def test_a_wrong_password_is_said_next_to_the_form(self, page: Page, editor: Staff) -> None:
        page.goto("/log-ind")
        assert serious_violations(page) == []
        screenshot(page, "log-ind")
        page.get_by_label("E-mail").fill(editor.email)
        page.get_by_label("Adgangskode").fill("forkert-adgangskode")
        page.get_by_role("button", name="Log ind").click()
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/log-ind"))

    def test_log_out(self, page: Page, editor: Staff) -> None:
        log_in(page, editor)
        page.get_by_role("button", name="Log ud").click()
        expect(page).to_have_url(re.compile(r"/log-ind"))


class TestPlan:
    def test_overblik_shows_the_three_tracks_and_22_initiatives(
        self, page: Page, editor: Staff
    ) -> None:
        log_in(page, editor)
        expect(page.get_by_role("heading", level=2, name=re.compile(r"^Spor \d"))).to_have_count(3)
        expect(page.locator(".track__initiatives > li")).to_have_count(INITIATIVES)
        assert serious_violations(page) == []
        screenshot(page, "overblik")

    def test_indsatser_lists_22_and_opens_one(self, page: Page, editor: Staff) -> None:
        log_in(page, editor, "/indsatser")
        rows = page.locator("table tbody tr")
        expect(rows).to_have_count(INITIATIVES)
        assert serious_violations(page) == []
        screenshot(page, "indsatser")
        rows.first.get_by_role("link").first.click()
        expect(page).to_have_url(re.compile(r"/indsatser/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert serious_violations(page) == []
        screenshot(page, "indsats")


class TestRevisits:
    def test_a_revisited_overblik_costs_a_304(self, page: Page, editor: Staff) -> None:
        """The browser keeps progress and sends its ETag back; unchanged data answers 304,
        which Chromium hands the page as its cached 200 with the same ETag (the service
        answers 304 whenever the ETag sent is the current one)."""
        progress: list[tuple[str | None, str | None]] = []

        def seen(response: Response) -> None:
            if "/progress" in response.url:
                sent = response.request.all_headers().get("if-none-match")
                progress.append((sent, response.all_headers().get("etag")))

        page.on("response", seen)
        log_in(page, editor)
        expect(page.locator(".track__initiatives > li")).to_have_count(INITIATIVES)
        page.get_by_role("link", name="Indsatser").first.click()
        expect(page.locator("table tbody tr")).to_have_count(INITIATIVES)
        page.go_back()
        expect(page.locator(".track__initiatives > li")).to_have_count(INITIATIVES)
        page.wait_for_load_state("networkidle")
        assert progress[0][0] is None
        assert any(sent and sent == etag for sent, etag in progress[1:]), progress
