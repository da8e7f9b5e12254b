"""The real app served by uvicorn on a free port of 127.0.0.1, for the command-line clients'
and the browser tests: they talk HTTP to it as they would to a deployed service."""

import gc
import socket
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
from api.db import make_engine
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


def new_token(database_url: str, name: str, scope: Scope) -> str:
    """A token with the one scope, created straight in the database."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            _, raw = create_token(
                session, TokenCreate(name=name, scopes=[scope]), created_by="test"
            )
            session.commit()
    finally:
        engine.dispose()
    return raw


@contextmanager
def live_server(
    folder: Path, client_name: str, scope: Scope, frontend: Path | None = None
) -> Iterator[LiveServer]:
    """create_app() on a fresh SQLite file in `folder`, with a token for the client; serving
    the built SPA in `frontend` if given."""
    database_url = f"sqlite:///{folder / 'live.db'}"
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
            gc.unfreeze()  # the app's lifespan froze the heap
            get_settings.cache_clear()


def _wait_for_health(url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert thread.is_alive(), "the server stopped while starting"
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{url}/health did not answer")
