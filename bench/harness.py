"""What every benchmark in bench/ needs around its measurement, written once.

The command line (`parser`, `parse`: --database-url, --seed, --check), fresh databases
(`bench_database`, `migrated`, `fresh_database`, `sibling_url`, `analyze`), the app served in
this process (`serve_in_process`) or as a user serves it (`erhverv_serve`), timing
(`time_calls`, `time_alternately`, `timed_ms`, `settle`, `quantiles`, `nearest_rank`), SQL
statements counted at the cursor (`statements_of`), the report's pieces (`ruled`,
`machine_line`, `statement_list`) and the verdict (`Verdict`; `conclude` prints the report and
exits 1 on FAIL with --check). One copy, so that every benchmark starts, times and judges alike.

SQLAlchemy and the app are imported inside the functions that use them, not here: bench.abuse
spawns its attack process, which re-imports the benchmark and so this module, and it must be
up as fast as before; the benchmarks that drive `erhverv serve` from outside load no app code.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from api.auth.permissions import Scope

ERHVERV = Path(sys.executable).with_name("erhverv")
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WARMUP = 2  # untimed calls before the timed ones: caches, compiled statements, the pool
START_TIMEOUT_S = 120  # for `erhverv serve` to migrate, load the plan and start its workers


# ------------------------------------------------------------------------------ command line


def parser(
    module: str, description: str, *, databases: Literal["one", "several"] | None = None
) -> argparse.ArgumentParser:
    """A benchmark's parser, its usage line naming the module as it is run; with `databases`,
    first of its options --database-url, where the run makes its fresh database(s)."""
    made = argparse.ArgumentParser(prog=f"python -m bench.{module}", description=description)
    if databases is not None:
        created = "fresh databases are" if databases == "several" else "a fresh database is"
        where = "temporary directories" if databases == "several" else "a temporary directory"
        made.add_argument(
            "--database-url",
            help=f"postgresql+psycopg://… ({created} created and dropped there) or a new "
            f"SQLite file; default: SQLite in {where}",
        )
    return made


def parse(
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    *,
    seed: bool = False,
    at_least_one: Sequence[str] = (),
) -> argparse.Namespace:
    """The options every benchmark has added last, after its own (so --help lists them
    there): --seed where it generates data (the same data from run to run) and --check. The
    arguments parsed, and the counts named in `at_least_one` rejected below 1."""
    if seed:
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--check", action="store_true", help="exit 1 on FAIL")
    args = parser.parse_args(argv)
    for name in at_least_one:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


# -------------------------------------------------------------------------------- databases


@contextmanager
def bench_database(url: str | None) -> Iterator[str]:
    """A fresh, empty database for the run; a PostgreSQL one is dropped afterwards."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    if url is None:
        with tempfile.TemporaryDirectory(prefix="erhverv_bench_") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database not in ("", ":memory:") and Path(database).exists():
            raise SystemExit(f"{database} exists; give a new SQLite file or none at all")
        yield url
        return
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit(f"unsupported database {parsed.get_backend_name()!r}")
    name = f"erhverv_bench_{secrets.token_hex(4)}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def sibling_url(url: str | None, suffix: str) -> str | None:
    """For a run that needs a second fresh database: a SQLite file beside the given one, its
    name with `suffix` added (bench.db → bench-plain.db); no URL or PostgreSQL as given."""
    from sqlalchemy.engine import make_url

    if url is None or make_url(url).get_backend_name() != "sqlite":
        return url
    database = Path(make_url(url).database or "")
    if not database.name or database.name == ":memory:":
        raise SystemExit("give a SQLite file (sqlite:///path/bench.db) or no URL at all")
    return str(make_url(url).set(database=str(database.with_stem(f"{database.stem}{suffix}"))))


@contextmanager
def migrated(url: str | None) -> Iterator[tuple[str, Engine]]:
    """A fresh database migrated as the app migrates it; its URL and the app's engine."""
    from api.kit.db import make_engine
    from api.kit.migrate import upgrade

    with bench_database(url) as database_url:
        engine = make_engine(database_url)
        try:
            upgrade(engine)
            yield database_url, engine
        finally:
            engine.dispose()


@dataclass(frozen=True)
class Fresh:
    """A fresh, migrated database with the 2026 plan and API tokens (name → secret)."""

    url: str
    engine: Engine
    tokens: dict[str, str]


@contextmanager
def fresh_database(url: str | None, tokens: Mapping[str, Scope]) -> Iterator[Fresh]:
    """Migrated, the 2026 plan loaded as on the app's first start, a token per name and scope."""
    from sqlalchemy.orm import Session

    from api.auth.audit import set_actor
    from api.auth.permissions import Actor, ActorKind
    from api.auth.schemas import TokenCreate
    from api.auth.service import create_token
    from api.config import DEFAULT_PLAN_FILE
    from api.plan_data.bootstrap import load_plan_path

    with migrated(url) as (database_url, engine):
        with Session(engine) as session, session.begin():
            set_actor(session, Actor(ActorKind.system, None, "bench", frozenset()))
            load_plan_path(session, DEFAULT_PLAN_FILE)
            made = {
                name: create_token(session, TokenCreate(name=name, scopes=[scope]), "bench")[1]
                for name, scope in tokens.items()
            }
        yield Fresh(database_url, engine, made)


def backend_name(engine: Engine) -> str:
    """The database and its version, for the report (`postgresql 15.2`, `sqlite 3.40.1`)."""
    version = ".".join(str(part) for part in engine.dialect.server_version_info or ())
    return f"{engine.dialect.name} {version}".strip()


def database_version(database_url: str) -> str:
    """`backend_name` of a database only the served app connects to."""
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    try:
        with engine.connect():
            return backend_name(engine)
    finally:
        engine.dispose()


def analyze(engine: Engine) -> None:
    """Fresh statistics after a bulk load (and on PostgreSQL the visibility map), as
    autovacuum keeps a live database; without them the planner guesses."""
    command = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(command)


def row_count(engine: Engine, model: Any) -> int:
    """Rows in a model's table: what a run stored, checked against what it sent."""
    from sqlalchemy import func, select

    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def pick(rng: random.Random, weights: Mapping[Any, int]) -> Any:
    """One of the keys, as likely as its weight: generated data spread as real data is."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def until_yesterday(last: date) -> date:
    """The last day generated data may have: the service rejects dates in the future."""
    return min(last, date.today() - timedelta(days=1))


# --------------------------------------------------------------------------------- serving


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bearer_client(base_url: str, token: str, timeout: float = 600) -> httpx.Client:
    """An httpx client (keep-alive) that sends the API token with every request."""
    return httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
    )


@contextmanager
def serve_in_process(database_url: str) -> Iterator[str]:
    """The real app on uvicorn in a background thread, on a free port; its base URL. In this
    process, so that tracemalloc sees the server's allocations and no fork adds noise."""
    import uvicorn

    from api.config import Settings
    from api.main import create_app

    app = create_app(Settings(database_url=database_url, migrate_on_start=False))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        listener.close()


@dataclass(frozen=True)
class Served:
    """`erhverv serve` running: its URL, the secret `erhverv <create>` printed, its log."""

    url: str
    secret: str
    log: Path


def log_tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _started(log: Path, url: str, workers: int) -> bool:
    """Every worker has logged its start-up and /health answers 200."""
    if log.read_text(errors="replace").count("Application startup complete.") < workers:
        return False
    try:
        return httpx.get(f"{url}/health", timeout=10).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def erhverv_serve(
    folder: Path,
    create: Sequence[str],
    shown: str,
    *,
    database_url: str | None = None,
    frontend: Path | None = None,
    workers: int | None = None,
    env: Mapping[str, str] | None = None,
    log_name: str = "serve.log",
) -> Iterator[Served]:
    """The app as a user serves it: `erhverv serve` in a subprocess on a free port of
    127.0.0.1 (migrating and loading the 2026 plan on a fresh database; default a new SQLite
    file in `folder`), every worker started; then `erhverv <create>` (a token or a user), and
    the secret it printed once as "<shown> (shown once): <secret>"."""
    variables = {
        **os.environ,
        "ERHVERV_DATABASE_URL": database_url or f"sqlite:///{folder / 'bench.db'}",
        "ERHVERV_FRONTEND_DIR": str(frontend or folder / "no-frontend"),
        **(env or {}),
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / log_name
    command = [str(ERHVERV), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    with log.open("w") as output:
        process = subprocess.Popen(command, env=variables, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _started(log, url, workers or 1):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the service did not start:\n{log_tail(log)}")
            time.sleep(0.1)
        created = subprocess.run(
            [str(ERHVERV), *create], env=variables, capture_output=True, text=True, check=True
        )
        match = re.search(rf"{shown} \(shown once\): (\S+)", created.stdout)
        if match is None:
            raise SystemExit(f"erhverv {create[0]} printed no {shown}: {created.stdout}")
        yield Served(url, match.group(1), log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def counts_in_head(head: bytes) -> dict[str, int]:
    """The `counts` object of an import's JSON answer, from its first bytes only, so that a
    long row report need not be held or parsed."""
    text = head.decode("utf-8", errors="ignore")
    counts, _ = json.JSONDecoder().raw_decode(text, text.index('"counts":') + len('"counts":'))
    return dict(counts)


# --------------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Timing:
    median_ms: float
    min_ms: float

    def shown(self, digits: int = 2) -> str:
        """`median / min`, as the reports' `ms med/min` columns show it."""
        return f"{self.median_ms:.{digits}f} / {self.min_ms:.{digits}f}"


def settle() -> None:
    """As the service does once it has started (api.main): long-lived objects out of the
    collector's way, so that a timed call pays only for its own garbage."""
    gc.collect()
    gc.freeze()


def timed_ms(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def time_alternately(calls: Sequence[Callable[[], object]], repeat: int) -> list[Timing]:
    """Each call warmed up, then timed in turns, so a change in the machine's load hits all."""
    for call in calls:
        for _ in range(WARMUP):
            call()
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(repeat):
        for call, times in zip(calls, samples, strict=True):
            times.append(timed_ms(call))
    return [Timing(median_ms=statistics.median(t), min_ms=min(t)) for t in samples]


def time_calls(call: Callable[[], object], repeat: int) -> Timing:
    """One call's median and min over `repeat` calls after WARMUP untimed ones."""
    return time_alternately([call], repeat)[0]


def quantiles(values: Sequence[float], *percents: int) -> list[float]:
    """The inclusive-method percentiles (statistics.quantiles, n=100) of the latencies."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return [cuts[p - 1] for p in percents]


def nearest_rank(values: Sequence[float], p: float) -> float:
    """Nearest rank: the value at rank ceil(p x n)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def statements_of(engine: Engine, call: Callable[[], object]) -> list[str]:
    """The SQL statements one call sends, counted at the cursor (N+1 shows as growth)."""
    from sqlalchemy import event

    seen: list[str] = []

    def _record(*args: Any) -> None:
        seen.append(args[2])  # (conn, cursor, statement, parameters, context, executemany)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", _record)
    return seen


# --------------------------------------------------------------------------------- report


def ruled(header: str) -> list[str]:
    """A table's header and the rule under it."""
    return [header, "-" * len(header)]


def machine_line() -> str:
    """The cores and the load average: the server, the clients and whatever else runs (say
    another benchmark) share the cores, and a figure is read with that in mind."""
    return f"machine        {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} (1 min)"


def statement_list(title: str, statements: Sequence[str]) -> list[str]:
    """The statements of one call, numbered, each on a line of at most 110 characters."""
    lines = [title]
    for n, statement in enumerate(statements, 1):
        one_line = " ".join(statement.split())
        lines.append(f"  {n:>2}. {one_line[:110]}{'...' if len(one_line) > 110 else ''}")
    return lines


def pass_fail(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


@dataclass
class Verdict:
    """The verdict's lines as the targets are checked, and whether all that count passed."""

    lines: list[str] = field(default_factory=list)
    passed: bool = True

    def target(self, text: str, ok: bool, *, counted: bool = True) -> None:
        """`target: <text>  PASS|FAIL`; one that is not counted is shown as `(info)`."""
        self.lines.append(f"{'target' if counted else '(info)'}: {text}  {pass_fail(ok)}")
        self.passed = self.passed and (ok or not counted)

    def within(
        self,
        name: str,
        ratio: float,
        most: float,
        same: bool,
        *,
        answers: str = "answers",
        differ: str = "",
    ) -> None:
        """A service call against its hand-written SQL: at most `most` times its time, and
        the same answers (`differ` is added to the line where they are not)."""
        self.target(
            f"{name}: <= {most:g}x hand-written SQL, same {answers}: "
            f"{ratio:.2f}x{'' if same else differ}",
            ratio <= most and same,
        )

    def constant(self, name: str, statements: Sequence[int]) -> None:
        """A call's SQL statements the same at each size: no N+1 query."""
        self.target(
            f"{name}: statements per call constant: {' -> '.join(str(n) for n in statements)}",
            len(set(statements)) == 1,
        )

    def fail(self, line: str) -> None:
        """A failure that is not a target (an answer with the wrong counts, say)."""
        self.lines.append(line)
        self.passed = False

    def note(self, line: str) -> None:
        self.lines.append(line)

    def close(self, after: str = "") -> list[str]:
        """The lines and the `VERDICT:` line last."""
        return [*self.lines, f"VERDICT: {pass_fail(self.passed)}{after}"]


def conclude(report: tuple[str, bool], check: bool) -> None:
    """The report printed; with --check a FAIL exits 1 (else 0 either way: it is a report)."""
    text, passed = report
    print(text)
    if check and not passed:
        raise SystemExit(1)
