"""Browser tests: the built SPA served by the real app on a fresh database, driven by
Playwright in Debian's headless Chromium. `make test` builds the SPA and installs Chromium
first. Screenshots of every screen land in test-artifacts/screens/."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
from sqlalchemy.orm import Session

from api.auth.permissions import Role, Scope
from api.auth.schemas import UserCreate
from api.auth.service import create_user
from api.kit.db import make_engine
from tests.live_server import LiveServer, live_server

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
SCREENS = ROOT / "test-artifacts" / "screens"
PASSWORD = "Lejre-Erhverv-2026!"


@dataclass(frozen=True)
class Staff:
    email: str
    password: str


@pytest.fixture(scope="session")
def spa() -> Path:
    missing = [p for p in (DIST / "index.html", AXE, CHROMIUM) if not p.exists()]
    if missing:
        pytest.fail(
            f"missing {', '.join(map(str, missing))}: run `make build` (the SPA and axe-core) "
            "and install Debian's chromium (`make test` does both)"
        )
    return DIST


@pytest.fixture(scope="session")
def server(spa: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    with live_server(folder, "Sagssystem", Scope.cases_write, frontend=spa) as live:
        yield live


def _user(database_url: str, email: str, role: Role) -> Staff:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            create_user(
                session,
                UserCreate(email=email, name=email.split("@")[0], role=role, password=PASSWORD),
            )
            session.commit()
    finally:
        engine.dispose()
    return Staff(email, PASSWORD)


@pytest.fixture(scope="session")
def editor(server: LiveServer) -> Staff:
    return _user(server.database_url, "redaktoer@erhverv.lejre.dk", Role.editor)


@pytest.fixture(scope="session")
def admin(server: LiveServer) -> Staff:
    return _user(server.database_url, "admin-test@erhverv.lejre.dk", Role.admin)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        yield _launch(playwright)


def _launch(playwright: Playwright) -> Browser:
    # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])


@pytest.fixture
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    # bypass_csp: axe-core is injected as a script, which the app's CSP rightly forbids.
    context = browser.new_context(
        base_url=server.url,
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def log_in(page: Page, staff: Staff, path: str = "/") -> None:
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/log-ind"))
    page.get_by_label("E-mail").fill(staff.email)
    page.get_by_label("Adgangskode").fill(staff.password)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()


def settled(page: Page) -> None:
    """The screen has its heading and nothing is loading any more."""
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main .loading")).to_have_count(0)


def screenshot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"{name}.png", full_page=True)


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    page.add_script_tag(path=AXE)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
