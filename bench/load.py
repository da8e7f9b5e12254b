"""Benchmark: the service under 32 concurrent connections, served as a user serves it.

Serves the app with `erhverv serve --port P` (and `--workers 2`) in a subprocess on a free port
of 127.0.0.1, on a fresh database that it migrates and loads the shipped 2026 plan into on its
first start. Three configurations, each on a database of its own: SQLite (a new file in a
temporary directory) with 1 worker; PostgreSQL (a database `erhverv_bench_<random>` created on
`--postgres-url` and dropped afterwards) with 1 worker and with `--workers 2`. One API token
(`erhverv create-token`, scopes read, write, grants:write and personal:read) is used for every
request; the served processes get ERHVERV_TOKEN_REQUESTS_PER_MINUTE=10000000, so the per-token
rate limit (600 a minute by default) does not answer the load 429.

The load comes from a separate process, 32 connections (keep-alive) sending one request after
the other as fast as they are answered: `wrk` (2 threads) where it is installed, with a Lua
script that sets the bearer token, composes the requests, counts the answers by status in each
thread and prints the requests, the duration and the latency percentiles (wrk's own histogram,
microseconds) in its `done` callback; without wrk, an asyncio httpx driver in a process of its
own (multiprocessing, started once for the run), which does the same but is itself the
bottleneck on the cheap endpoints. The timeout is 60 s; a request that gets no answer (timeout,
reset) is counted as a socket error, apart from the statuses.

For each configuration, after a short warm-up on the read endpoints (not reported), from one
run:

- each endpoint alone for `--seconds` (15): `/health`, the progress
  (`GET /api/v1/plans/2026/progress?evaluation_date=2026-06-30`), the plan tree
  (`GET /api/v1/plans/2026`) and the calendar (`GET /api/v1/plans/2026/calendar`);
- the staff's mixed load for `--mixed-seconds` (60): the three reads in turn and 5 % writes,
  half of them a measurement on the count goal `plan-deltagere`
  (`POST /api/v1/goals/{id}/measurements`, `{"measured_on": "2026-06-30", "value": N}`), half
  a registration of a new person on an event created through the API for the run
  (`POST /api/v1/events/{id}/registrations`); 2 s into it a grant import of `--grant-rows`
  (100,000) rows is POSTed (`POST /api/v1/grants/imports?rows=problems`, multipart, the file
  made by `bench.grant_import.write_csv`) from a thread of this process, and how long it took
  and its answer are reported.

Reported side by side per configuration: requests per second, p50, p95 and p99 latency (ms) of
each endpoint and of the mixed load, the answers other than 2xx and of those the 5xx, and the
socket errors. From the server's log of the mixed load (until the import has answered): its
5xx by endpoint (the access log), its other lines (warnings, errors) counted, and the project's
frames in its tracebacks, counted.

Targets (issue 16): the mixed load gets no 5xx on SQLite (1 worker) and on PostgreSQL with
`--workers 2` (the grant import's answer counts as one); the progress reaches at least 0.5x the
requests per second of /health in the same run on both; and its p95 is at most 50 ms on
PostgreSQL with `--workers 2`. The verdict is printed; the exit code is 0 either way, since
this is a report (`--check`: 1 on FAIL). The machine's load average is printed with it: the
server, the driver and anything else running share its cores.

Run it from the project root (`--quick`: 3 s per endpoint, 10 s mixed, 20,000 grant rows):

    .venv/bin/python -m bench.load [--seconds 15] [--mixed-seconds 60] [--no-postgres]
"""

import asyncio
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path

import httpx

from bench import harness
from bench.grant_import import IMPORTS, LAST_DAY, counts_text, write_csv

WRK = "/usr/bin/wrk"
SCOPES = "read,write,grants:write,personal:read"
RATE_LIMIT = "10000000"  # requests a minute per token, for the served processes
ENDPOINTS = {
    "/health": "/health",
    "progress": "/api/v1/plans/2026/progress?evaluation_date=2026-06-30",
    "plan tree": "/api/v1/plans/2026",
    "calendar": "/api/v1/plans/2026/calendar",
}
READS = ("progress", "plan tree", "calendar")
MIXED = "mixed"
WRITE_SHARE = 0.05
MEASURED_ON = "2026-06-30"
GOAL_KEY = "plan-deltagere"
IMPORT_DELAY_S = 2.0
GRANT_COMPANIES = 5_000
GRANT_SEED = 2026
WRK_THREADS = 2
TIMEOUT_S = 60
MIN_PROGRESS_RATIO = 0.5
MAX_PROGRESS_P95_MS = 50.0
LOG_LINES_SHOWN = 8
STARTED = time.monotonic()
FRAME = re.compile(r'File ".*?/(?P<file>api/[^"]+)", line (?P<line>\d+), in (?P<function>\w+)')
TRACEBACK_FURNITURE = (
    "Traceback (most recent call last)",
    "The above exception was",
    "During handling of the above",
    "(Background on this error",
)
NUMBER = re.compile(r"/\d+(?=/|$)")
ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3})')

# The driver's script for wrk: args are the token, a tag for unique names, the goal and event
# ids, the share of writes and then the paths read in turn.
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   local token = args[1]
   tag, goal, event, write_share = args[2], args[3], args[4], tonumber(args[5])
   wrk.headers["Authorization"] = "Bearer " .. token
   post_headers = {Authorization = "Bearer " .. token, ["Content-Type"] = "application/json"}
   reads = {}
   for i = 6, #args do
      reads[#reads + 1] = wrk.format("GET", args[i])
   end
   statuses = {}
   sent = {read = 0, measurement = 0, registration = 0}
   n, writes = 0, 0
   math.randomseed(id * 7919 + os.time())
end

function request()
   n = n + 1
   if write_share > 0 and math.random() < write_share then
      writes = writes + 1
      if writes % 2 == 1 then
         sent.measurement = sent.measurement + 1
         local body = string.format('{"measured_on": "%s", "value": %d}', "MEASURED_ON", n)
         return wrk.format("POST", "/api/v1/goals/" .. goal .. "/measurements", post_headers, body)
      end
      sent.registration = sent.registration + 1
      local who = string.format("%s-%d-%d", tag, id, writes)
      local body = string.format(
         '{"person": {"name": "Bench Deltager %s", "email": "bench-%s@example.dk"}}', who, who)
      return wrk.format("POST", "/api/v1/events/" .. event .. "/registrations", post_headers, body)
   end
   sent.read = sent.read + 1
   return reads[n % #reads + 1]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("BENCH summary %d %d %d %d %d %d\n", summary.requests,
      summary.duration, e.connect, e.read, e.write, e.timeout))
   for _, p in ipairs({50, 95, 99}) do
      io.write(string.format("BENCH percentile %d %.0f\n", p, latency:percentile(p)))
   end
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         io.write(string.format("BENCH status %d %d\n", status, count))
      end
      for kind, count in pairs(thread:get("sent")) do
         io.write(string.format("BENCH sent %s %d\n", kind, count))
      end
   end
end
""".replace("MEASURED_ON", MEASURED_ON)


@dataclass(frozen=True)
class Config:
    name: str
    database_url: str | None  # None: a new SQLite file
    workers: int


@dataclass(frozen=True)
class Served:
    url: str
    token: str
    log: Path
    goal_id: int
    event_id: int


@dataclass
class Load:
    name: str
    requests: int
    seconds: float
    p50: float  # ms
    p95: float
    p99: float
    statuses: Counter[int]
    socket_errors: int = 0
    sent: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


@dataclass(frozen=True)
class Imported:
    status: int  # 0: no answer
    started: float  # s into the mixed load
    seconds: float
    outcome: str


@dataclass
class Result:
    config: Config
    backend: str
    loads: dict[str, Load]
    imported: Imported
    mixed_seconds: float
    log_5xx: Counter[str]
    log_messages: Counter[str]
    log_frames: Counter[str]

    @property
    def mixed_5xx(self) -> int:
        return self.loads[MIXED].server_errors + (self.imported.status >= 500)


@dataclass(frozen=True)
class Options:
    seconds: int
    mixed_seconds: int
    grant_rows: int
    connections: int
    warm_up: int
    postgres_url: str | None
    driver: str  # "wrk" or "httpx"
    logs: Path | None


# --------------------------------------------------------------------------------- the service


@contextmanager
def service(folder: Path, config: Config, database_url: str) -> Iterator[Served]:
    """`erhverv serve` on the fresh database, every worker started; a token and the ids."""
    with harness.erhverv_serve(
        folder,
        ["create-token", "--name", "Belastningstest", "--scopes", SCOPES],
        "token",
        database_url=database_url,
        workers=config.workers,
        env={"ERHVERV_TOKEN_REQUESTS_PER_MINUTE": RATE_LIMIT},
        log_name=f"serve-{config.name.replace(' ', '-').replace(',', '')}.log",
    ) as served:
        goal_id, event_id = prepare(served.url, served.secret)
        yield Served(served.url, served.secret, served.log, goal_id, event_id)


def prepare(url: str, token: str) -> tuple[int, int]:
    """The count goal the measurements go to, and an event for the registrations."""
    with harness.bearer_client(url, token, timeout=60) as client:
        response = client.get("/api/v1/plans/2026/goals", params={"limit": 500})
        response.raise_for_status()
        goals = response.json()["items"]
        counted = [g for g in goals if g["kind"] == "measurable" and g["unit"] == "count"]
        chosen = [g for g in counted if g["key"] == GOAL_KEY] or counted
        if not chosen:
            raise SystemExit("the 2026 plan has no measurable count goal")
        event = {
            "kind": "network_meeting",
            "title": "Belastningstest: netværksmøde",
            "starts_at": "2026-06-15T16:00:00+02:00",
            "ends_at": "2026-06-15T18:00:00+02:00",
            "location": "Lejre",
        }
        response = client.post("/api/v1/events", json=event)
        if response.status_code != 201:
            raise SystemExit(
                f"POST /api/v1/events answered {response.status_code}: {response.text}"
            )
        return int(chosen[0]["id"]), int(response.json()["id"])


def log_size(log: Path) -> int:
    return log.stat().st_size


def log_since(log: Path, start: int) -> list[str]:
    with log.open("rb") as file:
        file.seek(start)
        return file.read().decode("utf-8", errors="replace").splitlines()


def endpoint_of(method: str, path: str) -> str:
    """POST /api/v1/goals/2/measurements → POST /api/v1/goals/{id}/measurements."""
    return f"{method} {NUMBER.sub('/{id}', path.split('?')[0])}"


def server_5xx(lines: list[str]) -> Counter[str]:
    """The 5xx answers in the access log, by endpoint and status."""
    found: Counter[str] = Counter()
    for line in lines:
        match = ACCESS.search(line)
        if match and match["status"].startswith("5"):
            found[f"{endpoint_of(match['method'], match['path'])} {match['status']}"] += 1
    return found


def log_summary(lines: list[str]) -> tuple[Counter[str], Counter[str]]:
    """The log's other lines, counted: its messages (a traceback's furniture left out) and the
    project's frames in its tracebacks (api/kit/db.py:102 _on_begin)."""
    messages: Counter[str] = Counter()
    frames: Counter[str] = Counter()
    for line in lines:
        if not line.strip() or ACCESS.search(line):
            continue
        if frame := FRAME.search(line):
            frames[f"{frame['file']}:{frame['line']} {frame['function']}"] += 1
        elif not line[0].isspace() and not line.startswith(TRACEBACK_FURNITURE):
            messages[line.rstrip()[:200]] += 1
    return messages, frames


# ---------------------------------------------------------------------------------- the driver


def driver_args(served: Served, paths: list[str], write_share: float) -> list[str]:
    tag = f"{os.getpid()}{random.randrange(10**6)}"
    ids = [str(served.goal_id), str(served.event_id)]
    return [served.token, tag, *ids, f"{write_share:g}", *paths]


def run_wrk(
    script: Path, served: Served, name: str, paths: list[str], share: float, seconds: int, c: int
) -> Load:
    command = [WRK, "-t", str(min(WRK_THREADS, c)), "-c", str(c), "-d", f"{seconds}s"]
    command += ["--timeout", f"{TIMEOUT_S}s", "-s", str(script), served.url, "--"]
    command += driver_args(served, paths, share)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 2 * TIMEOUT_S)
    if done.returncode != 0 or "BENCH summary" not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    load = Load(name, 0, 0.0, 0.0, 0.0, 0.0, Counter())
    for line in done.stdout.splitlines():
        words = line.split()
        if words[:2] == ["BENCH", "summary"]:
            requests, duration, *errors = (int(w) for w in words[2:])
            load.requests, load.seconds, load.socket_errors = requests, duration / 1e6, sum(errors)
        elif words[:2] == ["BENCH", "percentile"]:
            setattr(load, f"p{words[2]}", int(words[3]) / 1000)
        elif words[:2] == ["BENCH", "status"]:
            load.statuses[int(words[2])] += int(words[3])
        elif words[:2] == ["BENCH", "sent"]:
            load.sent[words[2]] += int(words[3])
    return load


def drive_httpx(url: str, args: list[str], seconds: float, connections: int) -> dict:
    """One phase without wrk: `connections` asyncio loops, as wrk's script sends them."""
    token, tag, goal, event, share, *paths = args
    write_share = float(share)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    sent: Counter[str] = Counter()
    errors = writes = 0

    async def run() -> float:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            base_url=url, headers=headers, limits=limits, timeout=TIMEOUT_S
        ) as client:
            start = time.perf_counter()
            deadline = start + seconds

            async def loop(number: int) -> None:
                nonlocal errors, writes
                rng = random.Random(number)
                n = 0
                while time.perf_counter() < deadline:
                    n += 1
                    if write_share > 0 and rng.random() < write_share:
                        writes += 1
                        if writes % 2:
                            kind, path = "measurement", f"/api/v1/goals/{goal}/measurements"
                            body: dict = {"measured_on": MEASURED_ON, "value": n}
                        else:
                            who = f"{tag}-{number}-{writes}"
                            kind, path = "registration", f"/api/v1/events/{event}/registrations"
                            person = {"name": f"Bench Deltager {who}"}
                            body = {"person": {**person, "email": f"bench-{who}@example.dk"}}
                        request = client.build_request("POST", path, json=body)
                    else:
                        kind = "read"
                        request = client.build_request("GET", paths[n % len(paths)])
                    sent[kind] += 1
                    began = time.perf_counter()
                    try:
                        response = await client.send(request)
                    except httpx.TransportError:
                        errors += 1
                        continue
                    latencies.append((time.perf_counter() - began) * 1000)
                    statuses[response.status_code] += 1

            await asyncio.gather(*(loop(number) for number in range(connections)))
            return time.perf_counter() - start

    elapsed = asyncio.run(run())
    return {
        "latencies": latencies,
        "statuses": dict(statuses),
        "sent": dict(sent),
        "errors": errors,
        "seconds": elapsed,
    }


def httpx_worker(jobs: "Queue[tuple | None]", results: "Queue[dict]") -> None:
    """The driver process: runs the phases it is sent, one after the other, until None."""
    while (job := jobs.get()) is not None:
        results.put(drive_httpx(*job))


def httpx_load(name: str, found: dict) -> Load:
    latencies = found["latencies"]
    cuts = harness.quantiles(latencies, 50, 95, 99) if len(latencies) > 1 else [0.0, 0.0, 0.0]
    p50, p95, p99 = cuts
    statuses = Counter({int(k): v for k, v in found["statuses"].items()})
    return Load(
        name, len(latencies), found["seconds"], p50, p95, p99, statuses, found["errors"],
        Counter(found["sent"]),
    )  # fmt: skip


class Driver:
    """Drives a phase: wrk, or the httpx driver process, started once for the whole run (so
    that a phase starts when it is sent, not after a new interpreter's imports)."""

    def __init__(self, kind: str, script: Path, connections: int) -> None:
        self.kind, self.script, self.connections = kind, script, connections
        context = multiprocessing.get_context("spawn")
        self.jobs: Queue[tuple | None] = context.Queue()
        self.results: Queue[dict] = context.Queue()
        self.process = context.Process(target=httpx_worker, args=(self.jobs, self.results))

    def __enter__(self) -> "Driver":
        if self.kind == "httpx":
            self.process.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self.kind == "httpx":
            self.jobs.put(None)
            self.process.join(timeout=30)

    def run(self, served: Served, name: str, paths: list[str], share: float, seconds: int) -> Load:
        if self.kind == "wrk":
            return run_wrk(self.script, served, name, paths, share, seconds, self.connections)
        args = driver_args(served, paths, share)
        self.jobs.put((served.url, args, seconds, self.connections))
        return httpx_load(name, self.results.get(timeout=seconds + 2 * TIMEOUT_S + 120))


# -------------------------------------------------------------------------------- the import


def import_grants(url: str, token: str, path: Path, results: list[Imported], t0: float) -> None:
    """POST the grant file 2 s into the mixed load; its answer, how long it took."""
    time.sleep(max(0.0, t0 + IMPORT_DELAY_S - time.perf_counter()))
    start = time.perf_counter()
    status, outcome = 0, "no answer"
    try:
        with harness.bearer_client(url, token, timeout=3600) as client, path.open("rb") as file:
            files = {"file": (path.name, file, "text/csv")}
            response = client.post(IMPORTS, params={"rows": "problems"}, files=files)
        status = response.status_code
        ok = status == 200
        outcome = counts_text(response.json()["counts"]) if ok else response.text[:300]
    except httpx.HTTPError as error:
        outcome = f"no answer: {error!r}"
    results.append(Imported(status, start - t0, time.perf_counter() - start, outcome))


# ------------------------------------------------------------------------------------- a run


def run_config(
    folder: Path, config: Config, options: Options, driver: Driver, grants: Path
) -> Result:
    say(f"{config.name}: starting the service")
    with (
        harness.bench_database(config.database_url) as database_url,
        service(folder, config, database_url) as served,
    ):
        backend = harness.database_version(database_url)
        reads = [ENDPOINTS[name] for name in READS]
        say(f"{config.name}: served, token made; warm-up")
        driver.run(served, "warm-up", [*reads, ENDPOINTS["/health"]], 0.0, options.warm_up)
        loads: dict[str, Load] = {}
        for name, path in ENDPOINTS.items():
            say(f"{config.name}: {name}")
            loads[name] = driver.run(served, name, [path], 0.0, options.seconds)
        say(f"{config.name}: mixed load and grant import")
        mark = log_size(served.log)
        imported: list[Imported] = []
        t0 = time.perf_counter()
        importer = threading.Thread(
            target=import_grants, args=(served.url, served.token, grants, imported, t0)
        )
        importer.start()
        loads[MIXED] = driver.run(served, MIXED, reads, WRITE_SHARE, options.mixed_seconds)
        mixed_seconds = time.perf_counter() - t0
        importer.join()
        say(f"{config.name}: done (the import took {imported[0].seconds:.1f} s)")
        lines = log_since(served.log, mark)
    if options.logs is not None:
        options.logs.mkdir(parents=True, exist_ok=True)
        shutil.copy(served.log, options.logs / served.log.name)
    return Result(
        config,
        backend,
        loads,
        imported[0],
        mixed_seconds,
        server_5xx(lines),
        *log_summary(lines),
    )


def say(text: str) -> None:
    """Where the run is, on stderr; the report goes to stdout at the end."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {text}", file=sys.stderr, flush=True)


def wrk_version() -> str:
    done = subprocess.run([WRK, "-v"], capture_output=True, text=True)
    first = (done.stdout or done.stderr).splitlines()
    return first[0].split("[")[0].strip() if first else "wrk"


def run(options: Options) -> tuple[str, bool]:
    configs = [Config("SQLite, 1 worker", None, 1)]
    if options.postgres_url is not None:
        configs += [
            Config("PostgreSQL, 1 worker", options.postgres_url, 1),
            Config("PostgreSQL, 2 workers", options.postgres_url, 2),
        ]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="erhverv_load_") as directory:
        folder = Path(directory)
        script = folder / "load.lua"
        script.write_text(WRK_SCRIPT)
        grants = folder / "tilskud.csv"
        last_day = harness.until_yesterday(LAST_DAY)
        size = write_csv(grants, options.grant_rows, GRANT_COMPANIES, GRANT_SEED, last_day)
        with Driver(options.driver, script, options.connections) as driver:
            results = [run_config(folder, config, options, driver, grants) for config in configs]
    driver_text = (
        f"{wrk_version()} ({WRK_THREADS} threads), Lua script"
        if options.driver == "wrk"
        else "httpx (asyncio, no wrk installed; on /health the driver is the bottleneck)"
    )
    return report(options, results, driver_text, size, load_before, os.getloadavg())


# ------------------------------------------------------------------------------------ report


def load_text(loads: tuple[float, float, float]) -> str:
    return " ".join(f"{n:.2f}" for n in loads)


def statuses_text(statuses: Counter[int]) -> str:
    return ", ".join(f"{status}: {n:,}" for status, n in sorted(statuses.items())) or "none"


def report(
    options: Options,
    results: list[Result],
    driver: str,
    file_bytes: int,
    before: tuple[float, float, float],
    after: tuple[float, float, float],
) -> tuple[str, bool]:
    width = max(len(r.config.name) for r in results) + 2
    lines = [
        f"Load benchmark: the service under {options.connections} connections, "
        "served by `erhverv serve`",
        f"machine        {os.cpu_count()} cores, shared with whatever else runs (a CI run, "
        f"say); load average (1, 5, 15 min) {load_text(before)} before, {load_text(after)} after",
        f"driver         {driver} in a separate process, {options.connections} connections "
        f"(keep-alive), timeout {TIMEOUT_S} s",
        f"phases         {options.seconds} s per endpoint after a {options.warm_up} s warm-up; "
        f"mixed {options.mixed_seconds} s: progress, plan tree, calendar in turn and "
        f"{WRITE_SHARE:.0%} writes (measurements, registrations of new people)",
        f"grant import   {options.grant_rows:,} rows ({file_bytes / 1024 / 1024:.1f} MB CSV), "
        f"POSTed {IMPORT_DELAY_S:.0f} s into the mixed load, rows=problems",
        "databases      "
        + "; ".join(f"{r.config.name}: {r.backend}" for r in results)
        + " (fresh each)",
        "",
    ]
    header = (
        f"{'load':<11}{'configuration':<{width}}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'non-2xx':>9}{'5xx':>6}{'sock err':>10}"
    )
    lines += harness.ruled(header)
    for name in [*ENDPOINTS, MIXED]:
        for index, result in enumerate(results):
            load = result.loads[name]
            lines.append(
                f"{name if index == 0 else '':<11}{result.config.name:<{width}}"
                f"{load.rate:>8,.0f}{load.p50:>9.1f}{load.p95:>9.1f}{load.p99:>9.1f}"
                f"{load.non_2xx:>9,}{load.server_errors:>6,}{load.socket_errors:>10,}"
            )
    lines += ["", "mixed load"]
    for result in results:
        mixed, imported = result.loads[MIXED], result.imported
        ended = imported.started + imported.seconds
        within = (
            "within the load"
            if ended <= result.mixed_seconds
            else f"{ended - result.mixed_seconds:.1f} s after the load ended"
        )
        sent = ", ".join(f"{kind} {mixed.sent[kind]:,}" for kind in sorted(mixed.sent))
        lines += [
            f"  {result.config.name}",
            f"    answers       {statuses_text(mixed.statuses)}",
            f"    sent          {sent or 'unknown'}",
            f"    grant import  {imported.status or 'no answer'} in {imported.seconds:.1f} s "
            f"({imported.started:.1f} s into the load, ended {within}): {imported.outcome}",
        ]
        if result.log_5xx:
            lines.append(
                "    access log    5xx until the import ended: "
                + "; ".join(f"{what} x{n}" for what, n in result.log_5xx.most_common())
            )
        if result.log_messages:
            lines.append("    server log    its lines other than access lines, counted:")
            lines += [
                f"      {n:>5} x  {message}"
                for message, n in result.log_messages.most_common(LOG_LINES_SHOWN)
            ]
        if result.log_frames:
            lines.append("    raised in     the project's frames of those tracebacks:")
            lines += [
                f"      {n:>5} x  {frame}"
                for frame, n in result.log_frames.most_common(LOG_LINES_SHOWN)
            ]
    verdict_lines, passed = verdict(results)
    return "\n".join([*lines, "", *verdict_lines]), passed


def verdict(results: list[Result]) -> tuple[list[str], bool]:
    by_name = {r.config.name: r for r in results}
    targets = [by_name["SQLite, 1 worker"], by_name.get("PostgreSQL, 2 workers")]
    checked = harness.Verdict()
    for result in targets:
        if result is None:
            checked.note("target: PostgreSQL, 2 workers: not run (--no-postgres)  SKIPPED")
            continue
        checked.target(
            f"no 5xx under the mixed load, {result.config.name}: {result.mixed_5xx}",
            result.mixed_5xx == 0,
        )
    for result in results:
        loads = result.loads
        ratio = loads["progress"].rate / loads["/health"].rate if loads["/health"].rate else 0.0
        checked.target(
            f"progress >= {MIN_PROGRESS_RATIO:g}x /health req/s, {result.config.name}: "
            f"{loads['progress'].rate:,.0f} / {loads['/health'].rate:,.0f} = {ratio:.2f}x",
            ratio >= MIN_PROGRESS_RATIO,
            counted=result in targets,
        )
    if (workers2 := targets[1]) is not None:
        p95 = workers2.loads["progress"].p95
        checked.target(
            f"progress p95 <= {MAX_PROGRESS_P95_MS:.0f} ms, {workers2.config.name}: {p95:.1f} ms",
            p95 <= MAX_PROGRESS_P95_MS,
        )
    skipped = " (PostgreSQL not run: its targets unchecked)" if targets[1] is None else ""
    return checked.close(skipped), checked.passed


# -------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> tuple[Options, bool]:
    parser = harness.parser(
        "load",
        "Requests/s and latency of the served API under 32 connections, on SQLite and "
        "PostgreSQL, endpoint by endpoint and under a mixed load with a grant import.",
    )
    parser.add_argument("--seconds", type=int, help="per endpoint (15; --quick: 3)")
    parser.add_argument("--mixed-seconds", type=int, help="the mixed load (60; --quick: 10)")
    parser.add_argument("--grant-rows", type=int, help="grant import (100,000; --quick: 20,000)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent (32)")
    parser.add_argument(
        "--postgres-url",
        default=harness.POSTGRES_URL,
        help=f"a server's database to create fresh databases through ({harness.POSTGRES_URL})",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--driver",
        choices=("auto", "wrk", "httpx"),
        default="auto",
        help="wrk where installed, else httpx (auto)",
    )
    parser.add_argument("--logs", type=Path, help="copy the servers' logs into this folder")
    parser.add_argument("--quick", action="store_true", help="a smoke test of about 2 minutes")
    args = harness.parse(parser, argv)
    quick = args.quick
    seconds = args.seconds or (3 if quick else 15)
    mixed = args.mixed_seconds or (10 if quick else 60)
    rows = args.grant_rows or (20_000 if quick else 100_000)
    if min(seconds, mixed) < 1 or args.connections < 1 or rows < 1:
        parser.error("--seconds, --mixed-seconds, --connections and --grant-rows must be >= 1")
    driver = args.driver
    if driver == "auto":
        driver = "wrk" if Path(WRK).exists() else "httpx"
    elif driver == "wrk" and not Path(WRK).exists():
        parser.error(f"{WRK} is not installed (apt-get install wrk)")
    postgres = None if args.no_postgres else args.postgres_url
    warm_up = 1 if quick else 2
    options = Options(seconds, mixed, rows, args.connections, warm_up, postgres, driver, args.logs)
    return options, args.check


def main(argv: list[str] | None = None) -> None:
    options, check = parse_args(argv)
    harness.conclude(run(options), check)


if __name__ == "__main__":
    main()
