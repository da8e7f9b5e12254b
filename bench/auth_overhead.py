"""Benchmark: what authentication adds to a read.

Serves the app in-process (ASGI, no network) on a fresh SQLite database with the 2026 plan and
times the same read (default `GET /api/v1/plans/2026`) made with an API token and with a staff
session cookie, interleaved round by round in shuffled order so drift on a shared machine hits
both alike. It also times, on the same database, the authentication step alone as a request
runs it (finding the session or token and its user, inside the request's open transaction).

Authentication switched off is the authenticated read less that step, and the overhead is the
step against it. (Swapping the dependency out with FastAPI's dependency_overrides is no fair
"off": FastAPI rebuilds the overridden dependency's graph on every request, which costs more
than our lookup.) Target: at most +15 %. Password hashing (Argon2, deliberately slow) happens
once at login and is not in the loop. The verdict is printed; the exit code is 0 either way,
since this is a report (`--check`: 1 on FAIL).

Run from the project root:

    .venv/bin/python -m bench.auth_overhead [--rounds 1000] [--path /api/v1/plans/2026]
"""

import contextlib
import io
import random
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from fastapi.testclient import TestClient  # noqa: E402

from api.auth import service  # noqa: E402
from api.auth.audit import set_actor  # noqa: E402
from api.auth.deps import SESSION_COOKIE  # noqa: E402
from api.config import Settings  # noqa: E402
from api.main import create_app  # noqa: E402
from bench import harness  # noqa: E402

TARGET = 0.15


def _start(directory: Path) -> tuple[TestClient, TestClient, str, str]:
    """The app on a first-start database; a cookie client, a token client and their secrets."""
    settings = Settings(
        database_url=f"sqlite:///{directory / 'bench.db'}",
        frontend_dir=directory / "none",
        initial_admin_email="bench@lejre.dk",
    )
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):  # the first start prints the admin password
        cookie = TestClient(create_app(settings)).__enter__()
    password = next(
        line.split(":", 1)[1].strip()
        for line in printed.getvalue().splitlines()
        if "adgangskode:" in line
    )
    login = cookie.post(
        "/api/v1/auth/login", json={"email": "bench@lejre.dk", "password": password}
    )
    login.raise_for_status()
    token = cookie.post(
        "/api/v1/tokens",
        json={"name": "bench", "scopes": ["read"]},
        headers={"X-CSRF-Token": login.json()["csrf_token"]},
    ).json()["token"]
    # Entered, like the cookie client, so both keep one event loop rather than one per request.
    bearer = TestClient(cookie.app).__enter__()
    bearer.headers["Authorization"] = f"Bearer {token}"
    return cookie, bearer, cookie.cookies[SESSION_COOKIE], token


def _request(client: TestClient, path: str) -> Callable[[], object]:
    def call() -> None:
        assert client.get(path).status_code == 200

    return call


def _lookup(app: object, kind: str, secret: str) -> Callable[[], object]:
    """The authentication step of a request, in a session as the request has it open."""
    settings = app.state.settings  # type: ignore[attr-defined]
    factory = app.state.session_factory  # type: ignore[attr-defined]

    def call() -> None:
        with factory() as session:
            session.connection()  # the request's transaction is already open here
            start = time.perf_counter()
            if kind == "cookie":
                actor = service.resolve_session(session, settings, secret)
            else:
                actor = service.resolve_token(session, secret)
            assert actor is not None
            set_actor(session, actor)
            call.elapsed = (time.perf_counter() - start) * 1000  # type: ignore[attr-defined]
            session.commit()

    return call


def run(rounds: int, path: str) -> tuple[str, bool]:
    with tempfile.TemporaryDirectory() as folder:
        cookie, bearer, session_token, api_token = _start(Path(folder))
        app = cookie.app
        calls: dict[str, Callable[[], object]] = {
            "cookie": _request(cookie, path),
            "token": _request(bearer, path),
            "cookie lookup": _lookup(app, "cookie", session_token),
            "token lookup": _lookup(app, "token", api_token),
        }
        for call in calls.values():  # warm-up
            for _ in range(20):
                call()
        harness.settle()
        samples: dict[str, list[float]] = {name: [] for name in calls}
        order = list(calls)
        shuffle = random.Random(7)
        for _ in range(rounds):
            shuffle.shuffle(order)
            for name in order:
                elapsed = harness.timed_ms(calls[name])
                samples[name].append(getattr(calls[name], "elapsed", elapsed))
        cookie.close()
        bearer.close()
    lines = [
        f"Authentication overhead on GET {path} (in-process ASGI, SQLite, {rounds} rounds)",
        f"{'':<16}{'read ms':>9}{'auth ms':>9}{'auth off ms':>13}{'overhead':>10}",
    ]
    verdicts = []
    passed = True
    for kind in ("token", "cookie"):
        read = statistics.median(samples[kind])
        auth = statistics.median(samples[f"{kind} lookup"])
        off = read - auth
        overhead = auth / off
        lines.append(f"{kind:<16}{read:>9.2f}{auth:>9.3f}{off:>13.2f}{overhead:>+10.1%}")
        passed = passed and overhead <= TARGET
        verdicts.append(f"{kind}: {overhead:+.1%} {harness.pass_fail(overhead <= TARGET)}")
    lines.append(f"target: at most +{TARGET:.0%} -> " + "; ".join(verdicts))
    return "\n".join(lines), passed


def main(argv: list[str] | None = None) -> None:
    parser = harness.parser("auth_overhead", (__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--path", default="/api/v1/plans/2026")
    args = harness.parse(parser, argv)
    harness.conclude(run(args.rounds, args.path), args.check)


if __name__ == "__main__":
    main()
