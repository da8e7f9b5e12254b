"""The real app served by uvicorn on a free port of 127.0.0.1, for the command-line clients'
and the browser tests: they talk HTTP to it as they would to a deployed service."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.orm import Session

from api.auth.permissions import Scope
from api.auth.schemas import TokenCreate
from api.auth.service import create_token
from api.config import get_settings
from api.kit.db import make_engine
from api.main import create_app


@dataclass(frozen=True)
class LiveServer:
    url: str  # the service's root, as a user would give it
    database_url: str
    token: str  # the client's own scope only
    read_token: str  # read only


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def new_token(
    database_url: str,
    name: str,
    scope: Scope | list[Scope],
    requests_per_minute: int | None = None,
) -> str:
    """A token with the scope (or scopes), created straight in the database."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            _, raw = create_token(
                session,
                TokenCreate(
                    name=name,
                    scopes=scope if isinstance(scope, list) else [scope],
                    requests_per_minute=requests_per_minute,
                ),
                created_by="test",
            )
            session.commit()
    finally:
        engine.dispose()
    return raw


@contextmanager
def live_server(
    folder: Path,
    client_name: str,
    scope: Scope,
    frontend: Path | None = None,
    database_url: str | None = None,
) -> Iterator[LiveServer]:
    """create_app() on a fresh SQLite file in `folder` (or the empty database given), with a
    token for the client; serving the built SPA in `frontend` if given."""
    database_url = database_url or f"sqlite:///{folder / 'live.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERHVERV_DATABASE_URL", database_url)
        patch.setenv("ERHVERV_FRONTEND_DIR", str(frontend or folder / "no-frontend"))
        get_settings.cache_clear()
        sock = free_socket()
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(), host="127.0.0.1", port=port, log_config=None, access_log=False
        )
        uvicorn_server = uvicorn.Server(config)
        thread = threading.Thread(
            target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        thread.start()
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for_health(url, thread)
            yield LiveServer(
                url=url,
                database_url=database_url,
                token=new_token(database_url, client_name, scope),
                read_token=new_token(database_url, "Læser", Scope.read),
            )
        finally:
            uvicorn_server.should_exit = True
            thread.join(timeout=30)
            sock.close()
            get_settings.cache_clear()


def worker_pids(parent: int) -> list[int]:
    """The processes `parent` started (uvicorn's workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                children.append(int(entry.name))
    return children


@contextmanager
def served(
    folder: Path, database_url: str, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`erhverv serve` in a process of its own, as it is deployed, on `database_url`; its URL.
    Not inside the tests' process: a long run's garbage collections there would pause it."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    environment = {
        **os.environ,
        "ERHVERV_DATABASE_URL": database_url,
        "ERHVERV_FRONTEND_DIR": str(folder / "no-frontend"),
        **(env or {}),
    }
    log_path = folder / "serve.log"
    erhverv = Path(sys.executable).parent / "erhverv"
    command = [str(erhverv), "serve", "--port", str(port), "--workers", str(workers)]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while True:
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            # Each worker answers only once it has started; let all of them start.
            while workers > 1 and len(worker_pids(process.pid)) < workers:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_health(url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 30
    last: object = "nothing"
    while time.monotonic() < deadline:
        assert thread.is_alive(), "the server stopped while starting"
        try:
            response = httpx.get(f"{url}/health", timeout=1)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.TransportError as error:
            last = repr(error)
        time.sleep(0.05)
    raise AssertionError(f"{url}/health did not answer; last: {last}")
