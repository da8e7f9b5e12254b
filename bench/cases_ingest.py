"""Benchmark of the case ingest and the case metrics against plain SQLAlchemy and hand-written SQL.

Generates cases as the case system sends them: sources 'sbsys' (70 %) and 'ftz', mostly
building permits, 60 % from businesses (most with a valid CVR number), received over
2022-01-01..2026-10-31 (never later, nor after yesterday), complete 0-30 days after received
(3 % never), decided 10-120 days after complete for 90 % of the complete ones (the rest open;
a decision date past the last day leaves the case open), a few decided (withdrawn) without
ever being complete, pauses of up to 30 days on 15 %, 3 % outside the service target, and
`source_updated_at` on the decision day, else the day received. It reports, from one run:

- the ingest through the API: `--cases` cases (200,000) POSTed to /api/v1/cases/batch in
  batches of 1,000, sequentially, by one httpx client (keep-alive) with a `cases:write` token
  created in the database. The real app (`api.main.create_app`) is served by uvicorn in a
  thread of this process on a free port of 127.0.0.1, on a fresh database migrated and with
  the shipped 2026 plan loaded (as the app does on its first start). Each batch's JSON body is
  encoded before the clock starts; the rate is cases / the summed wall time of the requests,
  each from its first byte out to its answer's last byte in, the counts read from each answer's
  head (all created). Then the same cases again (all unchanged). The server is warmed up with
  one batch of other cases (pushed twice, then deleted) before it is measured;
- the plain baseline: the same rows as Python dicts (typed values, not parsed from the JSON)
  upserted into a second fresh database with SQLAlchemy Core's dialect insert
  (`sqlalchemy.dialects.sqlite.insert` / `.postgresql.insert`) `.on_conflict_do_update()`
  keyed on (source, external_id), `where excluded.source_updated_at >= cases.source_updated_at`,
  in chunks of 1,000 rows, each chunk a transaction (as a batch request is); the same upsert
  again is reported for information. The two run in turns, a batch through the API and then
  its chunk by the plain upsert, so that a change in the machine's load (shared, noisy) and
  each database's growth hit both alike;
- the metrics at `--metric-cases` cases (1,000,000): the pushed cases plus generated ones
  bulk-loaded with Core (not timed), then the statistics refreshed (ANALYZE; VACUUM ANALYZE on
  PostgreSQL, as autovacuum keeps a live database). Timed, median and min over `--repeat`
  calls after a warm-up, each service call in turns with its SQL (so a change in the load
  hits both): `api.cases.metrics.case_metrics` (building permits, businesses,
  quarters of 2022-2026, open cases judged on 2026-11-01; a fresh Session per call) against one
  hand-written SQL statement per backend giving the same numbers (per quarter: decided,
  counted, within target, median and 90th percentile; the total; open past target), checked
  equal; `CasesWithinTargetMetric.compute` for the five years 2022-2026 against one
  hand-written statement, checked equal; and, for information, the HTTP call
  `GET /api/v1/cases/metrics?period=quarter&decided_from=2022-01-01&decided_to=2026-12-31`
  `&as_of=2026-11-01` with a `read` token (its answer checked equal to the service call's);
- the SQL statements per metrics call (counted at the cursor, SQLite's BEGIN included) at
  `--cases` and at `--metric-cases` cases, which must not differ.

The hand-written statements are the fastest shapes found for these answers on the shipped
schema (the comments above METRICS_SQL and SHARE_ARM say which and why): the decided cases
counted per month and days in one pass over the covering index, the percentiles taken from
those counts in SQL; the goal metric an arm per year. The hand-written SQL gets the same filter
values as the service.

Targets: the API ingest runs at least at half the plain rate; `case_metrics` and the goal
metric cost at most 2x their hand-written SQL, give the same numbers, and send as many
statements at `--metric-cases` cases as at `--cases`. The verdict is printed; the exit code is
0 either way, since this is a report (`--check`: 1 on FAIL). The machine's load average is
printed with the report: another benchmark running at the same time shares the cores (the
server, the client and the database also share them here).

Run it from the project root:

    .venv/bin/python -m bench.cases_ingest
    .venv/bin/python -m bench.cases_ingest \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Without `--database-url` each fresh database is a new SQLite file in a temporary directory.
With a PostgreSQL URL each is a database `erhverv_bench_<random>` created through that server's
`postgres` database and dropped after its run. A SQLite URL names a file that must not exist;
the plain baseline uses a file beside it with `-plain` added to the name; both are left in
place.
"""

import json
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

import httpx
from sqlalchemy import (
    Date,
    Engine,
    Insert,
    TextClause,
    bindparam,
    delete,
    insert,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import api.metrics
import api.models  # noqa: F401  (every mapper, so relationships resolve)
from api.auth.permissions import Scope
from api.cases.enums import CaseKind, Decision
from api.cases.metrics import CaseShareParams, CasesWithinTargetMetric, case_metrics, share
from api.cases.models import Case
from api.cases.schemas import MAX_BATCH, CaseFields, CaseMetrics
from api.goals.registry import MetricRequest
from api.kit.db import utcnow
from bench import harness
from bench.grant_import import valid_cvr
from bench.harness import WARMUP, Fresh, Timing, pick, statements_of, time_alternately

BATCH_PATH = "/api/v1/cases/batch"
METRICS_PATH = "/api/v1/cases/metrics"
FIRST_DAY = date(2022, 1, 1)
LAST_DAY = date(2026, 10, 31)
LOAD_CHUNK = 10_000  # rows per executemany of the untimed bulk load
WARMUP_SOURCE = "warmup"
HEAD_BYTES = 4096  # of an answer: enough for its counts
MIN_RATE_RATIO = 0.5
MAX_RATIO = 2.0

# What the metrics are asked.
START, END, AS_OF = date(2022, 1, 1), date(2026, 12, 31), date(2026, 11, 1)
PERIOD = "quarter"
KIND = CaseKind.building_permit
GOAL_YEARS = range(2022, 2027)
METRICS_QUERY = {
    "period": PERIOD,
    "decided_from": START.isoformat(),
    "decided_to": END.isoformat(),
    "as_of": AS_OF.isoformat(),
}

SOURCES = {"sbsys": 70, "ftz": 30}
KINDS = {
    CaseKind.building_permit: 75,
    CaseKind.change_of_use: 10,
    CaseKind.demolition: 8,
    CaseKind.other: 7,
}
DECISIONS = {
    Decision.granted: 70,
    Decision.conditional: 15,
    Decision.refused: 7,
    Decision.withdrawn: 5,
    Decision.other: 3,
}
CVRS = 5_000
FIELDS = tuple(CaseFields.model_fields)
WRITER, READER = "Sagssystem", "Læser"  # the tokens' names: the case system pushes, staff read
TOKENS = {WRITER: Scope.cases_write, READER: Scope.read}


@dataclass(frozen=True)
class RunSettings:
    database_url: str | None
    cases: int
    metric_cases: int
    repeat: int
    seed: int


@dataclass(frozen=True)
class Ingest:
    name: str
    cases: int
    seconds: float
    batch_ms: list[float]
    counts_ok: bool
    counts: str

    @property
    def rate(self) -> float:
        return self.cases / self.seconds


@dataclass(frozen=True)
class Comparison:
    name: str
    service: Timing
    sql: Timing | None  # None: for information, compared with another row's SQL
    same: bool
    statements: dict[str, int]  # a size's label → statements per call

    def ratio(self, sql: Timing) -> float:
        return self.service.median_ms / sql.median_ms


# ---------------------------------------------------------------------------------- the data


def case_row(rng: random.Random, index: int, cvrs: list[str], last: date) -> dict[str, Any]:
    """One case as the source system holds it; typed values, the external id unique by index."""
    source = pick(rng, SOURCES)
    received = FIRST_DAY + timedelta(days=rng.randrange((last - FIRST_DAY).days + 1))
    complete: date | None = None
    if rng.random() >= 0.03:
        complete = received + timedelta(days=rng.randint(0, 30))
        complete = complete if complete <= last else None
    decided: date | None = None
    decision: Decision | None = None
    if complete is not None and rng.random() < 0.9:
        decided = complete + timedelta(days=rng.randint(10, 120))
        decision = pick(rng, DECISIONS)
    elif complete is None and rng.random() < 0.3:  # withdrawn before it was ever complete
        decided = received + timedelta(days=rng.randint(10, 90))
        decision = Decision.withdrawn
    if decided is not None and decided > last:
        decided = decision = None
    paused = 0
    running = ((decided or last) - complete).days if complete is not None else 0
    if running > 0 and rng.random() < 0.15:  # at most the days it has been running
        paused = rng.randint(1, min(30, running))
    business = rng.random() < 0.6
    changed = decided or received
    return {
        "source": source,
        "external_id": f"{'BYG' if source == 'sbsys' else 'FTZ'}-{received.year}-{index:07d}",
        "kind": pick(rng, KINDS),
        "is_business": business,
        "received_on": received,
        "complete_on": complete,
        "decided_on": decided,
        "decision": decision,
        "paused_days": paused,
        "counts_toward_target": rng.random() >= 0.03,
        "company_cvr": rng.choice(cvrs) if business and rng.random() < 0.85 else None,
        "source_updated_at": datetime.combine(
            changed, clock(rng.randint(7, 15), rng.randrange(60), rng.randrange(60)), tzinfo=UTC
        ),
    }


def generate(seed: int, first: int, count: int, cvrs: list[str]) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}-{first}")
    last = harness.until_yesterday(LAST_DAY)
    return [case_row(rng, index, cvrs, last) for index in range(first, first + count)]


def json_item(row: dict[str, Any]) -> dict[str, Any]:
    """The row as the case system sends it (enums are StrEnums: they encode as their value)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def batch_bodies(rows: list[dict[str, Any]]) -> list[bytes]:
    return [
        json.dumps({"items": [json_item(r) for r in rows[i : i + MAX_BATCH]]}).encode()
        for i in range(0, len(rows), MAX_BATCH)
    ]


# ------------------------------------------------------------------------------ the database


def bulk_load(engine: Engine, settings: RunSettings, cvrs: list[str]) -> None:
    """Generated cases after the pushed ones, up to --metric-cases; then fresh statistics."""
    table = Case.__table__
    now = utcnow()
    with Session(engine) as session:
        for first in range(settings.cases, settings.metric_cases, LOAD_CHUNK):
            count = min(LOAD_CHUNK, settings.metric_cases - first)
            rows = generate(settings.seed, first, count, cvrs)
            for row in rows:
                row["created_at"] = row["updated_at"] = now
            session.execute(insert(table), rows)
        session.commit()
    harness.analyze(engine)


# --------------------------------------------------------------------------------- the server


def post_batch(client: httpx.Client, body: bytes) -> tuple[float, bytes]:
    """POST one batch; its wall seconds, first byte out to last byte in, and its answer's head."""
    start = time.perf_counter()
    response = client.post(BATCH_PATH, content=body, headers={"Content-Type": "application/json"})
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"batch answered {response.status_code}: {response.text[:2000]}")
    return seconds, response.content[:HEAD_BYTES]


def answered_counts(heads: list[bytes]) -> Counter[str]:
    """The answers' counts, summed; read after the clock."""
    counts: Counter[str] = Counter()
    for head in heads:
        counts.update(harness.counts_in_head(head))
    return counts


def warm_up(client: httpx.Client, db: Fresh, cvrs: list[str], seed: int) -> None:
    """One batch of other cases, twice (created, unchanged), then deleted again."""
    rows = generate(seed + 1, 0, MAX_BATCH, cvrs)
    for row in rows:
        row["source"] = WARMUP_SOURCE
    bodies = batch_bodies(rows)
    for outcome in ("created", "unchanged"):
        counts = answered_counts([post_batch(client, body)[1] for body in bodies])
        if counts[outcome] != len(rows):
            raise RuntimeError(f"warm-up: unexpected counts {dict(counts)}")
    with db.engine.begin() as connection:
        connection.execute(delete(Case).where(Case.source == WARMUP_SOURCE))


def counts_text(counts: Counter[str]) -> str:
    return ", ".join(
        f"{key} {value:,}" for key, value in counts.items() if value and key != "items"
    )


# ---------------------------------------------------------------------------- the baseline


def plain_upsert_statement(engine: Engine) -> Insert:
    """INSERT ... ON CONFLICT (source, external_id) DO UPDATE, never back in time."""
    table = Case.__table__
    dialect_insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    statement = dialect_insert(table)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.source, table.c.external_id],
        set_={name: excluded[name] for name in (*FIELDS, "updated_at")},
        where=excluded.source_updated_at >= table.c.source_updated_at,
    )


def plain_chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    now = utcnow()
    return [
        [row | {"created_at": now, "updated_at": now} for row in rows[i : i + MAX_BATCH]]
        for i in range(0, len(rows), MAX_BATCH)
    ]


def plain_upsert(engine: Engine, statement: Insert, chunk: list[dict[str, Any]]) -> float:
    """One chunk in its own transaction, as a batch request is; wall seconds."""
    start = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(statement, chunk)
    return time.perf_counter() - start


def warm_plain(db: Fresh, statement: Insert, cvrs: list[str], seed: int) -> None:
    """The statement compiled once, the pool filled; the rows deleted again."""
    plain_upsert(db.engine, statement, plain_chunks(generate(seed + 1, 0, MAX_BATCH, cvrs))[0])
    with db.engine.begin() as connection:
        connection.execute(delete(Case))


# ------------------------------------------------------------------------------- in turns


def time_ingest(
    client: httpx.Client,
    db: Fresh,
    plain: Fresh,
    rows: list[dict[str, Any]],
    cvrs: list[str],
    seed: int,
) -> list[Ingest]:
    """Each batch through the API, then the same rows by the plain upsert, in turns, so a change
    in the machine's load, and each database's growth, hits both alike. Twice: new, then again.
    """
    n = len(rows)
    bodies, chunks = batch_bodies(rows), plain_chunks(rows)
    statement = plain_upsert_statement(plain.engine)
    warm_plain(plain, statement, cvrs, seed)
    api: list[Ingest] = []
    baseline: list[Ingest] = []
    for api_name, outcome, plain_name in (
        ("API batch push (new)", "created", "plain Core upsert (new)"),
        ("API re-push (unchanged)", "unchanged", "plain Core upsert (again)"),
    ):
        harness.settle()
        api_seconds: list[float] = []
        plain_seconds: list[float] = []
        heads: list[bytes] = []
        for body, chunk in zip(bodies, chunks, strict=True):
            seconds, head = post_batch(client, body)
            api_seconds.append(seconds)
            heads.append(head)
            plain_seconds.append(plain_upsert(plain.engine, statement, chunk))
        counts = answered_counts(heads)
        ok = counts["items"] == counts[outcome] == n and harness.row_count(db.engine, Case) == n
        batch_ms = [s * 1000 for s in api_seconds]
        api.append(Ingest(api_name, n, sum(api_seconds), batch_ms, ok, counts_text(counts)))
        stored = harness.row_count(plain.engine, Case)
        baseline.append(
            Ingest(plain_name, n, sum(plain_seconds), [], stored == n, f"stored {stored:,}")
        )
    return api + baseline


# --------------------------------------------------------------------- the hand-written SQL

# The fastest shape found for these numbers on the shipped schema (1,000,000 cases, covering
# index): count the decided cases per month and whole number of days in one pass over the index,
# then take the quarters, the total and the nearest-rank percentiles (the first day count whose
# running sum reaches ceil(p x n)) from those few thousand rows. Ranking the cases themselves
# with ROW_NUMBER (SQLite) or percentile_disc with ROLLUP (PostgreSQL) sorts every case and was
# 3x (SQLite) and 1.5x (PostgreSQL) slower. The month is grouped as cheaply as each database
# gives it and turned into a quarter on the small table. The open cases are one more arm.
# A kind's target: the one staff set, else the plan's 50 days for building permits, else none.
TARGET = "COALESCE(t.target_days, CASE WHEN c.kind = 'building_permit' THEN 50 END)"
METRICS_SQL = """
WITH h AS MATERIALIZED (
    SELECT {month} AS month,
           CASE WHEN c.counts_toward_target = TRUE AND c.complete_on IS NOT NULL
                 AND {target} IS NOT NULL
                THEN {days} - c.paused_days END AS days,
           {target} AS target, COUNT(*) AS n
    FROM cases AS c LEFT JOIN case_targets AS t ON t.kind = c.kind
    WHERE c.kind = :kind AND c.is_business = TRUE AND c.decided_on BETWEEN :start AND :end
    GROUP BY 1, 2, 3
),
hq AS MATERIALIZED (
    SELECT {quarter} AS quarter, days, target, n FROM h
),
per_day AS (
    SELECT quarter, days, SUM(n) AS n FROM hq WHERE days IS NOT NULL GROUP BY quarter, days
    UNION ALL
    SELECT 0, days, SUM(n) FROM hq WHERE days IS NOT NULL GROUP BY days
),
running AS (
    SELECT quarter, days, SUM(n) OVER (PARTITION BY quarter ORDER BY days) AS seen,
           SUM(n) OVER (PARTITION BY quarter) AS counted
    FROM per_day
),
percentiles AS (
    SELECT quarter, MIN(CASE WHEN seen >= (counted + 1) / 2 THEN days END) AS median,
           MIN(CASE WHEN seen >= (9 * counted + 9) / 10 THEN days END) AS p90
    FROM running GROUP BY quarter
),
counts AS (
    SELECT quarter, SUM(n) AS decided, SUM(CASE WHEN days IS NOT NULL THEN n ELSE 0 END) AS counted,
           SUM(CASE WHEN days <= target THEN n ELSE 0 END) AS within
    FROM hq GROUP BY quarter
    UNION ALL
    SELECT 0, SUM(n), SUM(CASE WHEN days IS NOT NULL THEN n ELSE 0 END),
           SUM(CASE WHEN days <= target THEN n ELSE 0 END)
    FROM hq
)
SELECT CASE WHEN k.quarter = 0 THEN 'total'
            ELSE CAST(k.quarter / 10 AS TEXT) || '-Q' || CAST(k.quarter % 10 AS TEXT) END,
       k.decided, k.counted, k.within, p.median, p.p90
FROM counts AS k LEFT JOIN percentiles AS p ON p.quarter = k.quarter
UNION ALL
SELECT 'open', COUNT(*), NULL, NULL, NULL, NULL
FROM cases AS c LEFT JOIN case_targets AS t ON t.kind = c.kind
WHERE c.kind = :kind AND c.is_business = TRUE AND c.decided_on IS NULL
  AND c.complete_on IS NOT NULL AND c.complete_on <= :as_of AND c.counts_toward_target = TRUE
  AND {days_open} - c.paused_days > {target}
"""
METRICS_SQLITE = METRICS_SQL.format(
    target=TARGET,
    month="substr(c.decided_on, 1, 7)",
    days="CAST(julianday(c.decided_on) - julianday(c.complete_on) AS INTEGER)",
    quarter="CAST(substr(month, 1, 4) AS INTEGER) * 10"
    " + (CAST(substr(month, 6, 2) AS INTEGER) + 2) / 3",
    days_open="CAST(julianday(:as_of) - julianday(c.complete_on) AS INTEGER)",
)
METRICS_POSTGRESQL = METRICS_SQL.format(
    target=TARGET,
    month="CAST(EXTRACT(YEAR FROM c.decided_on) * 100"
    " + EXTRACT(MONTH FROM c.decided_on) AS INTEGER)",
    days="(c.decided_on - c.complete_on)",
    quarter="month / 100 * 10 + (month % 100 + 2) / 3",
    days_open="(:as_of - c.complete_on)",
)

# The goal metric: counted and within for each of the five years, an arm per year, each a range
# of the covering index read in its order; one pass grouped by year instead sorts every case
# for the GROUP BY (2x slower on SQLite, 1.4x on PostgreSQL).
SHARE_ARM = """
SELECT {year} AS year,
       COUNT(CASE WHEN c.counts_toward_target = TRUE AND c.complete_on IS NOT NULL
                   AND {target} IS NOT NULL THEN 1 END),
       COUNT(CASE WHEN c.counts_toward_target = TRUE AND c.complete_on IS NOT NULL
                   AND {days} - c.paused_days <= {target} THEN 1 END)
FROM cases AS c LEFT JOIN case_targets AS t ON t.kind = c.kind
WHERE c.kind = :kind AND c.is_business = TRUE
  AND c.decided_on BETWEEN '{year}-01-01' AND '{year}-12-31'
"""
SHARE_SQLITE, SHARE_POSTGRESQL = (
    "UNION ALL".join(SHARE_ARM.format(year=year, days=days, target=TARGET) for year in GOAL_YEARS)
    for days in (
        "CAST(julianday(c.decided_on) - julianday(c.complete_on) AS INTEGER)",
        "(c.decided_on - c.complete_on)",
    )
)


def hand_sql(engine: Engine, sqlite_sql: str, postgresql_sql: str) -> TextClause:
    sql = postgresql_sql if engine.dialect.name == "postgresql" else sqlite_sql
    return text(sql).bindparams(
        *(bindparam(name, type_=Date()) for name in ("start", "end", "as_of") if f":{name}" in sql)
    )


Numbers = tuple[tuple[Any, ...], ...]


def service_numbers(result: CaseMetrics) -> Numbers:
    """Per period, then the total: decided, counted, within, median, p90; then open past target."""
    rows = [*result.rows, result.total]
    return (
        *(
            (r.period, r.decided, r.counted, r.within_target, r.median_days, r.p90_days)
            for r in rows
        ),
        ("open", result.open_past_target),
    )


def sql_numbers(rows: list[Any]) -> Numbers:
    periods = sorted((tuple(r) for r in rows if r[0] not in ("total", "open")), key=lambda r: r[0])
    total = [tuple(r) for r in rows if r[0] == "total"]
    open_ = next(r[1] for r in rows if r[0] == "open")
    return (*periods, *total, ("open", open_))


def share_values(rows: list[Any]) -> list[float | None]:
    by_year = {year: share(within or 0, counted or 0) for year, counted, within in rows}
    return [by_year.get(year) for year in GOAL_YEARS]


# ------------------------------------------------------------------------------- measuring


def asked_metrics(engine: Engine) -> CaseMetrics:
    """The service call the benchmark times, in a fresh Session."""
    with Session(engine) as session:
        return case_metrics(
            session,
            start=START,
            end=END,
            period=PERIOD,
            kind=KIND,
            business_only=True,
            as_of=AS_OF,
        )


def metrics_calls(engine: Engine) -> dict[str, Callable[[], Any]]:
    """The service calls and their hand-written SQL, each answering comparable numbers."""
    metrics_sql = hand_sql(engine, METRICS_SQLITE, METRICS_POSTGRESQL)
    share_sql = hand_sql(engine, SHARE_SQLITE, SHARE_POSTGRESQL)
    params = {"kind": KIND.value, "start": START, "end": END, "as_of": AS_OF}
    metric = CasesWithinTargetMetric()
    requests = [
        MetricRequest(0, CaseShareParams(), date(year, 1, 1), date(year, 12, 31))
        for year in GOAL_YEARS
    ]

    def service() -> Numbers:
        return service_numbers(asked_metrics(engine))

    def sql() -> Numbers:
        with engine.connect() as connection:
            return sql_numbers(connection.execute(metrics_sql, params).all())

    def goal_service() -> list[float | None]:
        with Session(engine) as session:
            return metric.compute(session, requests)

    def goal_sql() -> list[float | None]:
        with engine.connect() as connection:
            return share_values(connection.execute(share_sql, params).all())

    return {"service": service, "sql": sql, "goal_service": goal_service, "goal_sql": goal_sql}


def count_statements(engine: Engine, calls: dict[str, Callable[[], Any]]) -> dict[str, int]:
    return {name: len(statements_of(engine, calls[name])) for name in ("service", "goal_service")}


def measure_metrics(
    db: Fresh, client: httpx.Client, repeat: int, small: dict[str, int], sizes: tuple[int, int]
) -> tuple[list[Comparison], list[str]]:
    calls = metrics_calls(db.engine)
    large = count_statements(db.engine, calls)
    labels = [f"{n:,} cases" for n in sizes]

    def http() -> dict[str, Any]:
        response = client.get(METRICS_PATH, params=METRICS_QUERY)
        response.raise_for_status()
        return response.json()

    harness.settle()
    sql, service, over_http = time_alternately([calls["sql"], calls["service"], http], repeat)
    goal_sql, goal_service = time_alternately([calls["goal_sql"], calls["goal_service"]], repeat)
    results = [
        Comparison(
            f"case_metrics, {PERIOD}s {START.year}-{END.year}",
            service,
            sql,
            calls["service"]() == calls["sql"](),
            dict(zip(labels, (small["service"], large["service"]), strict=True)),
        ),
        Comparison(
            f"GET {METRICS_PATH} (HTTP, information)",
            over_http,
            None,
            http() == asked_metrics(db.engine).model_dump(mode="json"),
            {},
        ),
        Comparison(
            f"CasesWithinTargetMetric, {len(GOAL_YEARS)} years",
            goal_service,
            goal_sql,
            calls["goal_service"]() == calls["goal_sql"](),
            dict(zip(labels, (small["goal_service"], large["goal_service"]), strict=True)),
        ),
    ]
    return results, statements_of(db.engine, calls["service"])


# --------------------------------------------------------------------------------- report


def load_text() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def report(
    backend: str,
    settings: RunSettings,
    loads: tuple[str, str],
    ingest: list[Ingest],
    metrics: list[Comparison],
    statements: list[str],
) -> tuple[str, bool]:
    plain = next(i for i in ingest if i.name.startswith("plain") and "new" in i.name)
    header = (
        f"{'ingest':<28}  {'cases':>8}  {'seconds':>8}  {'cases/s':>8}  {'vs plain':>8}  "
        f"{'batch ms med/p95':>16}  {'counts':>6}  outcome"
    )
    lines = [
        "Cases benchmark: POST /api/v1/cases/batch vs a plain Core upsert; case metrics vs "
        "hand-written SQL",
        f"backend        {backend}",
        f"machine        {os.cpu_count()} cores; load average {loads[0]} at the start, "
        f"{loads[1]} at the end (other processes, e.g. another benchmark, share the cores)",
        f"ingest         {settings.cases:,} generated cases in batches of {MAX_BATCH:,}, one "
        "httpx client, keep-alive, sequential; uvicorn in a thread of this process, HTTP over "
        "127.0.0.1; warmed by one batch",
        f"plain          the same rows as Python dicts, Core INSERT .. ON CONFLICT DO UPDATE "
        f"(where newer or equal), {MAX_BATCH:,} rows per transaction, fresh database; in turns "
        "with the API, batch by batch",
        f"metrics        {settings.metric_cases:,} cases ({settings.cases:,} pushed, the rest "
        f"bulk-loaded, then ANALYZE); {settings.repeat} calls after {WARMUP} warm-up calls, "
        "in turns with the SQL, median / min; a fresh Session or connection per call",
        "",
        *harness.ruled(header),
    ]
    for i in ingest:
        batches = (
            f"{statistics.median(i.batch_ms):.1f} / {harness.nearest_rank(i.batch_ms, 0.95):.1f}"
            if i.batch_ms
            else "-"
        )
        lines.append(
            f"{i.name:<28}  {i.cases:>8,}  {i.seconds:>8.2f}  {i.rate:>8,.0f}  "
            f"{i.rate / plain.rate:>8.2f}  {batches:>16}  {'ok' if i.counts_ok else 'WRONG':>6}  "
            f"{i.counts}"
        )
    base = metrics[0].sql
    assert base is not None
    header = (
        f"{f'metrics at {settings.metric_cases:,} cases':<46}  {'service ms med/min':>18}  "
        f"{'SQL ms med/min':>16}  {'ratio':>5}  {'same':>4}  statements per call"
    )
    lines += ["", *harness.ruled(header)]
    for m in metrics:
        sql = m.sql or base
        sql_text = sql.shown(1) if m.sql else "(as above)"
        counts = " -> ".join(f"{n} ({label})" for label, n in m.statements.items()) or "-"
        lines.append(
            f"{m.name:<46}  {m.service.shown(1):>18}  "
            f"{sql_text:>16}  {m.ratio(sql):>5.2f}  {'yes' if m.same else 'NO':>4}  {counts}"
        )
    checked = verdict(ingest, metrics)
    listed = harness.statement_list("statements of one case_metrics call:", statements)
    return "\n".join([*lines, "", *checked.close(), "", *listed]), checked.passed


def verdict(ingest: list[Ingest], metrics: list[Comparison]) -> harness.Verdict:
    by_name = {i.name: i for i in ingest}
    plain = by_name["plain Core upsert (new)"]
    push = by_name["API batch push (new)"]
    checked = harness.Verdict()
    if not all(i.counts_ok for i in ingest):
        checked.fail("counts: some run did not store or answer the expected counts  FAIL")
    ratio = push.rate / plain.rate
    checked.target(
        f"API ingest >= {MIN_RATE_RATIO:g}x the plain rate: {ratio:.2f}x "
        f"({push.rate:,.0f} vs {plain.rate:,.0f} cases/s)",
        ratio >= MIN_RATE_RATIO,
    )
    for m in metrics:
        if m.sql is None:
            if not m.same:
                checked.fail(f"{m.name}: the answer differs from the service call's  FAIL")
            continue
        ratio = m.ratio(m.sql)
        checked.within(
            m.name, ratio, MAX_RATIO, m.same, answers="numbers", differ=", numbers differ"
        )
        checked.constant(m.name, list(m.statements.values()))
    return checked


# ------------------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None = None) -> tuple[RunSettings, bool]:
    parser = harness.parser(
        "cases_ingest",
        "Time the case batch ingest against a plain Core upsert, and the case metrics against "
        "hand-written SQL.",
        databases="several",
    )
    parser.add_argument("--cases", type=int, default=200_000, help="cases pushed (200,000)")
    parser.add_argument(
        "--metric-cases", type=int, default=1_000_000, help="cases for the metrics (1,000,000)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed metrics calls (5)")
    args = harness.parse(parser, argv, seed=True, at_least_one=("repeat",))
    if args.cases < MAX_BATCH:
        parser.error(f"--cases must be at least {MAX_BATCH}")
    if args.metric_cases < args.cases:
        parser.error("--metric-cases must be at least --cases")
    settings = RunSettings(args.database_url, args.cases, args.metric_cases, args.repeat, args.seed)
    return settings, args.check


def run(settings: RunSettings) -> tuple[str, bool]:
    start_load = load_text()
    cvrs = [valid_cvr(n) for n in range(CVRS)]
    rows = generate(settings.seed, 0, settings.cases, cvrs)
    with (
        harness.fresh_database(settings.database_url, TOKENS) as db,
        harness.serve_in_process(db.url) as base,
        harness.bearer_client(base, db.tokens[WRITER]) as writer,
        harness.bearer_client(base, db.tokens[READER]) as reader,
    ):
        backend = harness.backend_name(db.engine)
        warm_up(writer, db, cvrs, settings.seed)
        plain_url = harness.sibling_url(settings.database_url, "-plain")
        with harness.fresh_database(plain_url, TOKENS) as plain:
            ingest = time_ingest(writer, db, plain, rows, cvrs, settings.seed)
        del rows
        small = count_statements(db.engine, metrics_calls(db.engine))
        bulk_load(db.engine, settings, cvrs)
        if (stored := harness.row_count(db.engine, Case)) != settings.metric_cases:
            raise RuntimeError(f"{stored:,} cases stored; expected {settings.metric_cases:,}")
        metrics, statements = measure_metrics(
            db, reader, settings.repeat, small, (settings.cases, settings.metric_cases)
        )
    return report(backend, settings, (start_load, load_text()), ingest, metrics, statements)


def main(argv: list[str] | None = None) -> None:
    settings, check = parse_args(argv)
    harness.conclude(run(settings), check)


if __name__ == "__main__":
    main()
