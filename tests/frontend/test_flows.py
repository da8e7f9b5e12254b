"""Whole tasks in the staff app, as staff do them: an event from creation to the door and
into the plan's figures; a grant file through the dry run and applied; every screen checked
with axe-core."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.events.helpers import valid_cvr
from tests.frontend.conftest import Staff, log_in, screenshot, serious_violations, settled
from tests.grants.helpers import HEADER, semicolons


def participants_this_year(page: Page) -> Locator:
    """Overblik's figure for the plan's participant goal ('Aktiviteter'): its result."""
    card = page.locator(".kpis > li").filter(has_text="Aktiviteter:")
    return card.locator("dd").first


class TestEventToTheDoor:
    def test_create_register_check_in_and_see_the_count_on_overblik(
        self, page: Page, editor: Staff
    ) -> None:
        log_in(page, editor)
        settled(page)
        before = participants_this_year(page).inner_text().strip()

        page.get_by_role("link", name="Arrangementer").click()
        settled(page)
        page.get_by_role("button", name="Nyt arrangement").click()
        form = page.locator("form").filter(has=page.get_by_role("heading", name="Nyt arrangement"))
        form.get_by_label("Titel").fill("Temamøde om klimaregnskaber")
        form.get_by_label("Type").select_option(label="Temamøde")
        form.get_by_label("Status").select_option(label="Afholdt")
        form.get_by_label("Start (skal udfyldes)", exact=True).fill("2026-11-20T09:00")
        form.get_by_label("Slut (skal udfyldes)", exact=True).fill("2026-11-20T11:00")
        form.get_by_label("Pladser").fill("20")
        assert serious_violations(page) == []
        screenshot(page, "arrangement-opret")
        form.get_by_role("button", name="Opret arrangement").click()

        expect(page).to_have_url(re.compile(r"/arrangementer/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Temamøde om klimaregnskaber")
        page.get_by_role("button", name="Tilmeld deltager").click()
        page.get_by_label("Navn (skal udfyldes)", exact=True).fill("Karen Holm")
        page.get_by_label("E-mail", exact=True).fill("karen.holm@example.dk")
        page.get_by_role("button", name="Tilmeld", exact=True).click()
        expect(page.get_by_text("Karen Holm").first).to_be_visible()
        settled(page)
        assert serious_violations(page) == []
        screenshot(page, "arrangement")

        page.get_by_role("link", name="Åbn indtjekning").click()
        settled(page)
        expect(page.get_by_text("0 af 1 tjekket ind")).to_be_visible()
        page.get_by_label("Søg på navn eller virksomhed").fill("Karen")
        page.get_by_role("button", name="Tjek ind Karen Holm").click()
        expect(page.get_by_text("1 af 1 tjekket ind").first).to_be_visible()
        assert serious_violations(page) == []
        screenshot(page, "indtjekning")

        page.get_by_role("link", name="Overblik").click()
        settled(page)
        after = participants_this_year(page)
        expect(after).not_to_have_text(before)
        expect(after).to_have_text(re.compile(r"^\s*1\b"))


class TestGrantImport:
    def test_a_file_is_checked_row_by_row_then_imported(
        self, page: Page, editor: Staff, tmp_path: Path
    ) -> None:
        file = tmp_path / "tilskud-2026.csv"
        file.write_bytes(
            semicolons(
                HEADER,
                f"E2E-1;{valid_cvr(501)};Skovgaard ApS;SMV:Grøn;2.242.000;15-03-2026",
                f"E2E-2;{valid_cvr(502)};Lejre Maskinfabrik A/S;SMV:Digital;150.000;02-04-2026",
                f"E2E-3;{valid_cvr(503)};Hvalsø Bageri;SMV:Pro;75.000;2026-05-01",
            )
        )
        log_in(page, editor, "/tilskud")
        settled(page)
        page.get_by_label("Fil (CSV eller XLSX)").set_input_files(file)
        page.get_by_role("button", name="Kontrollér filen").click()
        preview = page.get_by_role(
            "heading", name="Kontrol af tilskud-2026.csv – intet er gemt endnu"
        )
        expect(preview).to_be_visible()
        expect(
            page.get_by_role("table").filter(has_text="E2E-1").locator("tbody tr")
        ).to_have_count(3)
        assert serious_violations(page) == []
        screenshot(page, "tilskud-kontrol")

        page.get_by_role("button", name="Importér", exact=True).click()
        expect(page.get_by_role("heading", name="tilskud-2026.csv er importeret")).to_be_visible()
        screenshot(page, "tilskud-importeret")
        page.reload()
        settled(page)
        expect(page.get_by_text("Skovgaard ApS").first).to_be_visible()


SCREENS = {
    "aarshjul": "/aarshjul",
    "arrangementer": "/arrangementer",
    "tilskud": "/tilskud",
    "sagsbehandling": "/sagsbehandling",
    "tilfredshed": "/tilfredshed",
    "virksomheder": "/virksomheder",
    "personer": "/personer",
    "admin": "/admin",
    "admin-noegler": "/admin?fane=noegler",
    "admin-log": "/admin?fane=log",
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_every_screen_passes_axe(page: Page, admin: Staff, name: str) -> None:
    log_in(page, admin, SCREENS[name])
    settled(page)
    assert serious_violations(page) == []
    screenshot(page, name)


class TestDetailScreens:
    """The screens that show one thing, each reached from its list, pass axe-core too."""

    def test_a_company_a_person_and_a_survey(self, page: Page, admin: Staff) -> None:
        log_in(page, admin)
        csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "erhverv_csrf")
        headers = {"X-CSRF-Token": csrf}
        for path, body in (
            ("/api/v1/companies", {"cvr": valid_cvr(601), "name": "Kattinge Vin ApS"}),
            ("/api/v1/people", {"name": "Mads Egholm", "email": "mads@example.dk"}),
            (
                "/api/v1/surveys",
                {
                    "title": "Tilfredshed med vejledningen 2026",
                    "year": 2026,
                    "kind": "satisfaction",
                    "questions": [{"key": "samlet", "text": "Samlet tilfredshed", "kind": "scale"}],
                },
            ),
        ):
            response = page.request.post(path, data=body, headers=headers)
            assert response.status == 201, response.text()

        for list_path, link, name in (
            ("/virksomheder", "Kattinge Vin ApS", "virksomhed"),
            ("/personer", "Mads Egholm", "person"),
            ("/tilfredshed", "Tilfredshed med vejledningen 2026", "spoergeskema"),
        ):
            page.goto(list_path)
            settled(page)
            page.get_by_role("link", name=link).first.click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(link)
            settled(page)
            assert serious_violations(page) == [], name
            screenshot(page, name)
