"""Writers at the same time on the embedded SQLite database: each waits its turn, and one that
waits too long is told to try again (503), never a 500 and never half-applied."""

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.permissions import Scope
from api.cases.models import Case
from api.config import Settings
from api.kit.db import make_engine
from api.kit.migrate import upgrade
from api.main import create_app
from tests.live_server import LiveServer, live_server, new_token

BATCH = "/api/v1/cases/batch"


def cases(source: str, first: int, count: int) -> list[dict[str, object]]:
    return [
        {
            "source": source,
            "external_id": f"C-{n}",
            "is_business": True,
            "received_on": "2026-02-01",
            "complete_on": "2026-02-10",
            "decided_on": "2026-03-20",
            "decision": "granted",
            "source_updated_at": "2026-03-20T10:00:00+00:00",
        }
        for n in range(first, first + count)
    ]


def stored_cases(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(Case)) or 0
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(
        tmp_path_factory.mktemp("concurrent"), "Sagssystem", Scope.cases_write
    ) as server:
        yield server


def test_batches_pushed_and_reads_at_the_same_time_all_succeed(server: LiveServer) -> None:
    """Four clients pushing at once, two of them the same cases, and a reader whose every
    request is its token's first use (recorded on the token: a write): every answer 200, each
    case stored once, the shared cases created by exactly one of the two clients."""
    sources = ["sbsys", "ftz", "sbsys", "other"]
    read_tokens = [new_token(server.database_url, "Læser", Scope.read) for _ in range(12)]
    answers: list[list[httpx.Response]] = [[] for _ in sources]
    reads: list[httpx.Response] = []
    failures: list[BaseException] = []

    def push(slot: int, source: str) -> None:
        try:
            headers = {"Authorization": f"Bearer {server.token}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
                for first in range(0, 600, 50):
                    body = {"items": cases(source, first, 50)}
                    answers[slot].append(client.post(BATCH, json=body))
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    def read() -> None:
        try:
            for token in read_tokens:
                headers = {"Authorization": f"Bearer {token}"}
                reads.append(httpx.get(f"{server.url}/api/v1/cases", headers=headers, timeout=30))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=push, args=pair) for pair in enumerate(sources)]
    threads.append(threading.Thread(target=read))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    every = [r for slot in answers for r in slot] + reads
    assert {r.status_code for r in every} == {200}, [r.text for r in every if r.status_code != 200]
    created = [sum(r.json()["counts"]["created"] for r in slot) for slot in answers]
    unchanged = [sum(r.json()["counts"]["unchanged"] for r in slot) for slot in answers]
    assert created[1] == created[3] == 600
    assert created[0] + created[2] == 600  # the two sbsys clients shared the cases between them
    assert unchanged[0] + unchanged[2] == 600
    assert stored_cases(server.database_url) == 1800


def test_a_write_that_waits_past_the_busy_timeout_is_503_and_applies_nothing(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'busy.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    token = new_token(database_url, "Sagssystem", Scope.cases_write)
    settings = Settings(
        database_url=database_url,
        migrate_on_start=False,
        frontend_dir=tmp_path / "no-frontend",
        sqlite_busy_timeout_ms=100,
    )
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer, busy for longer than 100 ms
        with TestClient(create_app(settings)) as client:
            response = client.post(
                BATCH,
                json={"items": cases("sbsys", 0, 3)},
                headers={"Authorization": f"Bearer {token}"},
            )
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/database-busy")
    assert "Try again" in problem["detail"]
    assert stored_cases(database_url) == 0
