"""`erhverv serve` on a fresh SQLite database, as a user starts it, for the benchmarks that
drive it from outside (bench.abuse, bench.frontend)."""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ERHVERV = Path(sys.executable).with_name("erhverv")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def service(
    folder: Path, frontend: Path, create: list[str], shown: str
) -> Iterator[tuple[str, str]]:
    """`erhverv serve` on a fresh database in `folder`, serving the SPA in `frontend`, then
    `erhverv <create>` (a token or a user): the URL and what that command printed once, as
    "<shown> (shown once): <secret>"."""
    env = {**os.environ, "ERHVERV_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    env["ERHVERV_FRONTEND_DIR"] = str(frontend)
    port = free_port()
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [str(ERHVERV), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the service did not start; see {folder / 'serve.log'}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        created = subprocess.run(
            [str(ERHVERV), *create], env=env, capture_output=True, text=True, check=True
        )
        match = re.search(rf"{shown} \(shown once\): (\S+)", created.stdout)
        if match is None:
            raise SystemExit(f"erhverv {create[0]} printed no {shown}: {created.stdout}")
        yield url, match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
