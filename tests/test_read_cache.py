"""Progress, the plan tree, the calendar and the committee report are computed once per data
version and served from memory: never a figure older than the last committed write, in this
process or another, and 304 for a client that has the current answer."""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.auth.permissions import Scope
from api.config import Settings
from api.kit.data_version import DataVersion
from api.kit.db import make_engine
from api.kit.read_cache import ReadCache, Rendered
from api.main import create_app
from tests.live_server import LiveServer, live_server

PROGRESS = "/api/v1/plans/2026/progress"
AT = {"evaluation_date": "2026-12-31"}


def goal_id(client: TestClient | httpx.Client, key: str) -> int:
    items = client.get("/api/v1/plans/2026/goals", params={"limit": 500}).json()["items"]
    return next(g["id"] for g in items if g["key"] == key)


def progress_of(body: Any, goal: int) -> dict[str, Any]:
    """The goal's entry, wherever the progress tree holds it."""
    if isinstance(body, dict):
        if body.get("goal_id") == goal:
            return body
        body = list(body.values())
    if isinstance(body, list):
        for item in body:
            found = progress_of(item, goal)
            if found:
                return found
    return {}


def measure(client: TestClient | httpx.Client, goal: int, value: int) -> None:
    response = client.post(
        f"/api/v1/goals/{goal}/measurements", json={"measured_on": "2026-06-30", "value": value}
    )
    assert response.status_code == 201, response.text


def test_progress_answers_304_until_a_write_changes_it(client: TestClient) -> None:
    goal = goal_id(client, "plan-deltagere")
    first = client.get(PROGRESS, params=AT)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, no-cache"
    etag = first.headers["etag"]
    again = client.get(PROGRESS, params=AT, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # Another date is another answer.
    other = client.get(PROGRESS, params={"evaluation_date": "2026-06-30"})
    assert other.headers["etag"] != etag

    measure(client, goal, 4321)
    changed = client.get(PROGRESS, params=AT, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert progress_of(changed.json(), goal)["recorded"]["value"] == 4321


def test_a_cached_answer_equals_a_computed_one(client: TestClient) -> None:
    computed = client.get(PROGRESS, params=AT).json()
    assert client.get(PROGRESS, params=AT).json() == computed
    calendar = client.get("/api/v1/plans/2026/calendar")
    assert calendar.status_code == 200
    assert client.get("/api/v1/plans/2026/calendar").json() == calendar.json()
    replay = {"If-None-Match": calendar.headers["etag"]}
    assert client.get("/api/v1/plans/2026/calendar", headers=replay).status_code == 304


def test_the_plan_tree_keeps_the_plans_version_as_its_etag(client: TestClient) -> None:
    tree = client.get("/api/v1/plans/2026")
    etag = tree.headers["etag"]
    response = client.patch(
        "/api/v1/plans/2026", json={"title": "Ny titel"}, headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.text
    again = client.get("/api/v1/plans/2026")
    assert again.json()["title"] == "Ny titel"
    assert again.headers["etag"] == response.headers["etag"] != etag


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(tmp_path, "Redaktør", Scope.write) as running:
        yield running


def test_a_write_by_another_process_is_seen_at_once(server: LiveServer, tmp_path: Path) -> None:
    """The live server (one process, its own cache) reads; another app on the same database
    (another process, another cache) writes; the next read has the new figure."""
    headers = {"Authorization": f"Bearer {server.read_token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as reader:
        goal = goal_id(reader, "plan-deltagere")
        before = progress_of(reader.get(PROGRESS, params=AT).json(), goal)
        settings = Settings(
            database_url=server.database_url,
            migrate_on_start=False,
            frontend_dir=tmp_path / "no-frontend",
        )
        token = {"Authorization": f"Bearer {server.token}"}
        with TestClient(create_app(settings), headers=token) as writer:
            measure(writer, goal, 9876)
        after = progress_of(reader.get(PROGRESS, params=AT).json(), goal)
    assert (before.get("recorded") or {}).get("value") != 9876
    assert after["recorded"]["value"] == 9876


def test_the_committee_report_is_rendered_once_per_version_and_format(client: TestClient) -> None:
    report = "/api/v1/plans/2026/report"
    html = client.get(report, params=AT)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    xlsx = client.get(report, params=AT | {"format": "xlsx"})
    assert xlsx.headers["etag"] != html.headers["etag"]  # another format, another answer
    assert xlsx.headers["content-disposition"].startswith("attachment")
    assert client.get(report, params=AT).content == html.content
    unchanged = {"If-None-Match": html.headers["etag"]}
    assert client.get(report, params=AT, headers=unchanged).status_code == 304

    measure(client, goal_id(client, "plan-deltagere"), 4321)
    changed = client.get(report, params=AT, headers=unchanged)
    assert changed.status_code == 200 and "4.321" in changed.text


CACHED_READS = ("/progress", "", "/calendar", "/report")


def test_a_year_without_a_plan_is_404_from_memory_too(client: TestClient) -> None:
    """The cached reads look the plan up only when they compute: an answer kept for a plan
    since deleted is never served, as the deletion moved the data version."""
    for read in CACHED_READS:
        assert client.get(f"/api/v1/plans/2027{read}", params=AT).status_code == 404, read
    created = client.post("/api/v1/plans", json={"year": 2027, "title": "Plan 2027"})
    assert created.status_code == 201, created.text
    for read in CACHED_READS:
        assert client.get(f"/api/v1/plans/2027{read}", params=AT).status_code == 200, read
        assert client.get(f"/api/v1/plans/2027{read}", params=AT).status_code == 200, read
    assert client.delete("/api/v1/plans/2027").status_code == 204
    for read in CACHED_READS:
        assert client.get(f"/api/v1/plans/2027{read}", params=AT).status_code == 404, read


def test_requests_that_miss_at_once_wait_for_one_computation(tmp_path: Path) -> None:
    """32 requests that find nothing kept for a key compute it once; the others wait for it."""
    cache = ReadCache()
    computed: list[int] = []
    started = threading.Barrier(32)

    def render() -> Rendered:
        computed.append(1)
        time.sleep(0.05)  # long enough for every other thread to arrive and wait
        return Rendered(b"{}")

    def ask(_: int) -> tuple[int, Rendered]:
        started.wait()
        with Session(engine) as session:
            return cache.render(session, ("progress", 2026), render)

    engine = make_engine(f"sqlite:///{tmp_path / 'version.db'}")
    DataVersion.__table__.create(engine)
    with Session(engine) as setup:
        setup.add(DataVersion(id=1, version=7))
        setup.commit()
    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(ask, range(32)))
    assert len(computed) == 1
    assert {version for version, _ in answers} == {7}
    assert {rendered.body for _, rendered in answers} == {b"{}"}
    engine.dispose()
