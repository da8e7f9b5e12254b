"""Benchmark of the staff app's Overblik: the JavaScript it loads and the time to draw it.

Serves the built SPA (`make build` first) as `make run` does: `erhverv serve` in a subprocess on
a free port of 127.0.0.1, on a fresh SQLite database in a temporary directory, which it migrates
and loads the shipped 2026 plan into on its first start. A user is created with
`erhverv create-user`, and Debian's headless Chromium (/usr/bin/chromium), driven by Playwright,
logs in once through the log-in screen. It then reports, from one run:

- the JavaScript loaded for Overblik: every script response of a navigation to `/`, each
  gzipped at level 9 here (the size on the wire from a server that compresses; Vite reports
  the same figure), summed; and the raw bytes;
- the time from navigation start to the dashboard drawn with the 2026 plan: the three tracks and
  all 22 initiatives in the page, the three charts there (drawn, or their empty state where the
  fresh database has no figures yet) and nothing still loading, read in the page as
  `performance.now()` on the first animation frame where all of it is there. `--repeat` (5)
  navigations in a new browser tab each, first with an empty HTTP cache (a new browser context
  with the session cookie copied in), then with the cache warm; median and max.

Targets: at most 150 KB of gzipped JavaScript; at most 1 s to the drawn dashboard with an empty
cache. The verdict is printed; the exit code is 0 either way, since this is a report
(`--check`: 1 on FAIL).

Run it from the project root:

    make build && .venv/bin/python -m bench.frontend
"""

import gzip
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bench import harness

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "frontend" / "dist"
CHROMIUM = "/usr/bin/chromium"
EMAIL = "bench@erhverv.lejre.dk"
INITIATIVES = 22
MAX_JS_BYTES = 150 * 1000
MAX_MS = 1000.0

# True on the first frame where the plan's dashboard is drawn; then the time since navigation.
DRAWN = f"""() => {{
    const main = document.querySelector('main');
    if (!main || main.querySelector('.loading')) return false;
    const tracks = [...main.querySelectorAll('h2')].filter((h) => /^Spor \\d/.test(h.textContent));
    const initiatives = main.querySelectorAll('.track__initiatives > li').length;
    const charts = main.querySelectorAll('.charts > *').length;
    const painted = [...main.querySelectorAll('canvas')].every((c) => c.width > 0);
    return tracks.length === 3 && initiatives === {INITIATIVES} && charts === 3 && painted
        ? performance.now() : false;
}}"""


@dataclass(frozen=True)
class Script:
    url: str
    raw: int
    gzipped: int


def logged_in(browser: Browser, url: str, password: str) -> BrowserContext:
    context = browser.new_context(base_url=url, locale="da-DK")
    page = context.new_page()
    page.goto("/log-ind")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_function(DRAWN, polling="raf", timeout=30_000)
    page.close()
    return context


def drawn_ms(page: Page) -> float:
    page.goto("/", wait_until="commit")
    return float(page.wait_for_function(DRAWN, polling="raf", timeout=30_000).json_value())


def scripts_of_overblik(context: BrowserContext) -> list[Script]:
    page = context.new_page()
    responses = []
    page.on(
        "response", lambda r: responses.append(r) if r.request.resource_type == "script" else None
    )
    drawn_ms(page)
    scripts = []
    for response in responses:
        body = response.body()
        scripts.append(Script(response.url, len(body), len(gzip.compress(body, compresslevel=9))))
    page.close()
    return scripts


def timings(
    browser: Browser, warm: BrowserContext, url: str, repeat: int
) -> dict[str, list[float]]:
    cold: list[float] = []
    for _ in range(repeat):
        context = browser.new_context(base_url=url, locale="da-DK")
        context.add_cookies(warm.cookies())
        page = context.new_page()
        cold.append(drawn_ms(page))
        context.close()
    hot: list[float] = []
    for _ in range(repeat):
        page = warm.new_page()
        hot.append(drawn_ms(page))
        page.close()
    return {"empty cache": cold, "warm cache": hot}


def report(scripts: list[Script], times: dict[str, list[float]], repeat: int) -> tuple[str, bool]:
    total = sum(s.gzipped for s in scripts)
    lines = [
        "Staff app benchmark: Overblik's JavaScript and the time to the drawn dashboard",
        harness.machine_line(),
        "served by      erhverv serve (the built SPA), fresh SQLite database with the 2026 plan",
        f"browser        Debian Chromium, headless, via Playwright; {repeat} navigations each",
        "",
        f"{'script':<50}  {'raw KB':>8}  {'gzip KB':>8}",
    ]
    for script in scripts:
        lines.append(
            f"{script.url.split('/', 3)[-1]:<50}  {script.raw / 1000:>8.1f}  "
            f"{script.gzipped / 1000:>8.1f}"
        )
    lines += [
        f"{'total':<50}  {sum(s.raw for s in scripts) / 1000:>8.1f}  {total / 1000:>8.1f}",
        "",
        f"{'navigation to the drawn dashboard':<36}  {'median ms':>9}  {'max ms':>7}",
    ]
    for name, values in times.items():
        lines.append(f"{name:<36}  {statistics.median(values):>9.0f}  {max(values):>7.0f}")
    cold = statistics.median(times["empty cache"])
    verdict = harness.Verdict()
    verdict.target(
        f"JavaScript for Overblik <= {MAX_JS_BYTES / 1000:.0f} KB gzipped: {total / 1000:.1f} KB",
        total <= MAX_JS_BYTES,
    )
    verdict.target(
        f"drawn dashboard <= {MAX_MS:.0f} ms (empty cache, median): {cold:.0f} ms", cold <= MAX_MS
    )
    return "\n".join([*lines, "", *verdict.close()]), verdict.passed


def main(argv: list[str] | None = None) -> None:
    parser = harness.parser(
        "frontend", "Overblik's JavaScript size and time to the drawn dashboard."
    )
    parser.add_argument("--repeat", type=int, default=5, help="navigations per kind (5)")
    args = harness.parse(parser, argv)
    if not (DIST / "index.html").exists():
        raise SystemExit("frontend/dist is missing: run `make build` first")
    with (
        tempfile.TemporaryDirectory(prefix="erhverv_frontend_") as folder,
        harness.erhverv_serve(
            Path(folder),
            ["create-user", "--email", EMAIL, "--name", "Bench", "--role", "viewer"],
            "password",
            frontend=DIST,
        ) as served,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        warm = logged_in(browser, served.url, served.secret)
        scripts = scripts_of_overblik(warm)
        times = timings(browser, warm, served.url, args.repeat)
        browser.close()
    harness.conclude(report(scripts, times, args.repeat), args.check)


if __name__ == "__main__":
    main()
