"""Benchmark of the annual wheel and the participant metrics against hand-written SQL.

Builds, in a fresh database with the shipped 2026 plan, 50,000 events over ten years (2017 to
2026, the later years busier: 2026 has twice the events of 2017; mostly held, kinds, series and
initiatives spread), 6,000 companies, 60,000 people and 500,000 registrations. It reports, from
one run:

- the annual wheel: `api.calendar.service.plan_calendar` (the service function without HTTP, a
  fresh Session per call) for the busiest and the quietest year, against one hand-written SQL
  statement fetching the same rows (events with participants and initiative codes);
- the participant metrics: `compute` of `event_participants` and of `events_held` (with
  minimum and maximum participants) for a batch of 10 goals x 5 years (2022 to 2026), against
  one hand-written SQL statement per metric giving the same numbers (checked equal);
- the number of SQL statements per call: the wheel for both years, each metric for a batch of
  1 request and of 50, which must not differ (no N+1).

The hand-written statements are the fastest shapes found for these answers on both backends.
For the metrics: the held events of the whole span read once, grouped per event with a join to
the attended registrations, their year as a CASE, and a SUM(CASE ...) column per goal. Slower
were a UNION ALL arm per request (3x on SQLite; on PostgreSQL 7x, the correlated counts' cost
estimate setting off its JIT compiler), a join to a table of periods (PostgreSQL plans it in
parallel and rebuilds the per-event aggregate in each worker), and a CTE read once per period.
The service builds the same shape, so the ratio is what the metric layer itself adds: building
the statement, the Session, turning rows into values.

Times are median and min over `--repeat` calls after a warm-up. Targets: each service call
costs at most 2x its hand-written SQL, and its statement count does not grow with the data or
the batch. The verdict is printed; the exit code is 0 either way, since this is a report
(`--check`: 1 on FAIL).

Run it from the project root:

    .venv/bin/python -m bench.events
    .venv/bin/python -m bench.events \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Without `--database-url` it uses a new SQLite file in a temporary directory. With a PostgreSQL
URL it creates a database `erhverv_bench_<random>` through that server's `postgres` database,
runs there and drops it at the end. A SQLite URL must name a file that does not exist yet.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Engine,
    TextClause,
    TextualSelect,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

import api.metrics
import api.models  # noqa: F401  (every mapper, so relationships resolve)
from api.calendar.service import plan_calendar
from api.config import DEFAULT_PLAN_FILE
from api.contacts.models import Company, Person
from api.events.enums import EventKind, EventStatus, RegistrationStatus
from api.events.metric_rows import period_bounds
from api.events.models import Event, EventSeries, Registration, event_initiatives
from api.events.series import series_key
from api.goals.models import Goal
from api.goals.registry import MetricRequest, get_metric, parse_params
from api.kit.db import UTCDateTime
from api.plan_data.bootstrap import load_plan_path
from api.plans.models import Initiative
from bench import harness
from bench.harness import Timing, pick

YEARS = range(2017, 2027)
BUSY_YEAR, QUIET_YEAR = 2026, 2017
METRIC_YEARS = range(2022, 2027)  # each goal's series: five years
MAX_RATIO = 2.0
CHUNK = 50_000  # rows per bulk insert
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

KINDS = {
    EventKind.theme_meeting: 25,
    EventKind.workshop: 20,
    EventKind.network_meeting: 15,
    EventKind.development_course: 10,
    EventKind.entrepreneur_event: 10,
    EventKind.company_visit: 10,
    EventKind.other: 5,
    EventKind.fair: 3,
    EventKind.conference: 2,
}
EVENT_STATUSES = {EventStatus.held: 85, EventStatus.planned: 10, EventStatus.cancelled: 5}
REGISTRATION_STATUSES = {
    EventStatus.held: {
        RegistrationStatus.attended: 70,
        RegistrationStatus.no_show: 15,
        RegistrationStatus.cancelled: 10,
        RegistrationStatus.registered: 5,
    },
    EventStatus.planned: {
        RegistrationStatus.registered: 85,
        RegistrationStatus.waitlisted: 5,
        RegistrationStatus.cancelled: 10,
    },
    EventStatus.cancelled: {RegistrationStatus.cancelled: 1},
}

# Ten goals' parameters per metric, as a plan would set them.
PARTICIPANT_PARAMS: list[dict[str, Any]] = [
    {},
    {"kind": "theme_meeting"},
    {"kind": "conference"},
    {"series": "klimaugen-2026"},
    {"series": "morgenmoeder"},
    {"initiative": "3.2"},
    {"kind": "workshop", "initiative": "1.3"},
    {"kind": "development_course", "series": "oneday"},
    {"kind": "fair"},
    {"initiative": "2.4"},
]
HELD_PARAMS: list[dict[str, Any]] = [
    {"kind": "theme_meeting", "min_participants": 15},
    {"kind": "development_course", "initiative": "2.1", "min_participants": 10,
     "max_participants": 15},
    {"min_participants": 50},
    {"kind": "workshop", "min_participants": 15},
    {"series": "klimaugen-2026", "min_participants": 20},
    {"kind": "network_meeting", "initiative": "2.3"},
    {"kind": "development_course", "initiative": "2.6"},
    {"kind": "entrepreneur_event", "max_participants": 20},
    {"kind": "conference", "min_participants": 30},
    {"series": "morgenmoeder", "min_participants": 10},
]  # fmt: skip


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    events: int
    registrations: int
    people: int
    companies: int
    repeat: int
    seed: int


@dataclass(frozen=True)
class Built:
    events_per_year: dict[int, int]
    goal_ids: list[int]


@dataclass(frozen=True)
class Comparison:
    name: str
    service: Timing
    sql: Timing
    same: bool
    statements: dict[str, int]  # a size's label → statements per call

    @property
    def ratio(self) -> float:
        return self.service.median_ms / self.sql.median_ms


# ---------------------------------------------------------------------------- the data


def events_per_year(total: int) -> dict[int, int]:
    """`total` events over YEARS, growing linearly: the last year has twice the first's."""
    weights = [1 + k / (len(YEARS) - 1) for k in range(len(YEARS))]
    sizes = [int(total * w / sum(weights)) for w in weights]
    sizes[-1] += total - sum(sizes)
    return dict(zip(YEARS, sizes, strict=True))


def series_names() -> list[str]:
    """Every series `_series` can give."""
    yearly = [f"{week} {year}" for year in YEARS for week in ("Klimaugen", "Iværksætteruge 46")]
    return [*yearly, "Morgenmøder", "OneDay", "Raketvækst"]


def insert_series(session: Session) -> dict[str, int]:
    """The series records by name: the plan's own where it has the name, the others new."""
    ids = dict(session.execute(select(EventSeries.name, EventSeries.id)).all())
    for name in series_names():
        if name not in ids:
            series = EventSeries(key=series_key(name), name=name)
            session.add(series)
            session.flush()
            ids[name] = series.id
    return ids


def _series(rng: random.Random, kind: EventKind, year: int) -> str | None:
    """A series for some events: yearly weeks, a standing meeting, the two course brands."""
    if kind in (EventKind.workshop, EventKind.theme_meeting) and rng.random() < 0.1:
        return f"Klimaugen {year}"
    if kind is EventKind.entrepreneur_event and rng.random() < 0.3:
        return f"Iværksætteruge 46 {year}"
    if kind is EventKind.network_meeting and rng.random() < 0.4:
        return "Morgenmøder"
    if kind is EventKind.development_course and rng.random() < 0.6:
        return rng.choice(("OneDay", "Raketvækst"))
    return None


def event_row(
    rng: random.Random, year: int, company_ids: Sequence[int], series_ids: dict[str, int]
) -> dict[str, Any]:
    """One event of `year`, its counts at the door as staff would record them."""
    kind = pick(rng, KINDS)
    status = pick(rng, EVENT_STATUSES)
    held = status is EventStatus.held
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    starts = datetime.combine(day, time(rng.randint(6, 18), rng.choice((0, 30))), tzinfo=UTC)
    visit = kind is EventKind.company_visit
    return {
        "kind": kind,
        "title": f"{kind.value} {day.isoformat()}",
        "description": "",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=rng.choice((1, 2, 3))),
        "location": rng.choice(("Lejre Rådhus", "Hvalsø Bibliotek", "Kirke Hyllinge", None)),
        "status": status,
        "series_id": series_ids.get(_series(rng, kind, year) or ""),
        "headcount": rng.randint(5, 80) if held and rng.random() < 0.5 else None,
        "headcount_companies": rng.randint(0, 40)
        if held and kind is EventKind.fair and rng.random() < 0.7
        else None,
        "visited_company_id": rng.choice(company_ids) if visit else None,
        "mayor_present": visit and rng.random() < 0.6,
        "tentative": False,
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }


def insert_with_ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk-insert rows with ids given here (RETURNING ids of a bulk insert is slow in SQLite)."""
    first = (session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    rows = [row | {"id": id_} for row, id_ in zip(rows, ids, strict=True)]
    for start in range(0, len(rows), CHUNK):
        # Through the table: one executemany per chunk, not the ORM's bulk machinery.
        session.execute(insert(model.__table__), rows[start : start + CHUNK])
    if session.get_bind().dialect.name == "postgresql":  # the sequence past the ids given
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {ids[-1]})"))
    return ids


def insert_people(session: Session, settings: Settings, rng: random.Random) -> list[int]:
    """Companies, then people (four in five with a company); the people's ids."""
    companies = [
        {"cvr": f"{10_000_000 + n}", "name": f"Virksomhed {n} ApS", "version": 1,
         "created_at": NOW, "updated_at": NOW}
        for n in range(settings.companies)
    ]  # fmt: skip
    company_ids = insert_with_ids(session, Company, companies)
    people = [
        {"name": f"Person {n}", "email": f"person{n}@example.dk", "version": 1,
         "company_id": rng.choice(company_ids) if rng.random() < 0.8 else None,
         "created_at": NOW, "updated_at": NOW}
        for n in range(settings.people)
    ]  # fmt: skip
    return insert_with_ids(session, Person, people)


def insert_events(
    session: Session, settings: Settings, rng: random.Random
) -> tuple[list[int], list[EventStatus]]:
    """The events with their initiatives (of the 2026 plan); their ids and statuses."""
    company_ids = session.scalars(select(Company.id)).all()
    series_ids = insert_series(session)
    rows = [
        event_row(rng, year, company_ids, series_ids)
        for year, count in events_per_year(settings.events).items()
        for _ in range(count)
    ]
    ids = insert_with_ids(session, Event, rows)
    initiative_ids = session.scalars(select(Initiative.id).order_by(Initiative.id)).all()
    links = []
    for event_id in ids:
        roll = rng.random()
        chosen = rng.sample(initiative_ids, 2 if roll < 0.1 else 1 if roll < 0.7 else 0)
        links += [{"event_id": event_id, "initiative_id": i} for i in chosen]
    for first in range(0, len(links), CHUNK):
        session.execute(insert(event_initiatives), links[first : first + CHUNK])
    return ids, [row["status"] for row in rows]


def registration_sizes(events: int, total: int, rng: random.Random) -> list[int]:
    """Registrations per event, spread around the mean and adding up to `total` exactly."""
    mean = total / events
    sizes = [rng.randint(0, int(2 * mean)) for _ in range(events)]
    difference = total - sum(sizes)
    while difference:
        n = rng.randrange(events)
        step = 1 if difference > 0 else -1
        if sizes[n] + step >= 0:
            sizes[n] += step
            difference -= step
    return sizes


def insert_registrations(
    session: Session,
    settings: Settings,
    events: tuple[list[int], list[EventStatus]],
    person_ids: list[int],
    rng: random.Random,
) -> None:
    ids, statuses = events
    rows: list[dict[str, Any]] = []
    sizes = registration_sizes(len(ids), settings.registrations, rng)
    for event_id, status, size in zip(ids, statuses, sizes, strict=True):
        weights = REGISTRATION_STATUSES[status]
        for person_id in rng.sample(person_ids, size):
            rows.append(
                {"event_id": event_id, "person_id": person_id, "status": pick(rng, weights),
                 "registered_at": NOW, "created_at": NOW, "updated_at": NOW}
            )  # fmt: skip
            if len(rows) == CHUNK:
                session.execute(insert(Registration.__table__), rows)
                rows = []
    if rows:
        session.execute(insert(Registration.__table__), rows)


def build(engine: Engine, settings: Settings) -> Built:
    """The shipped plan, then the events and their people in bulk; deterministic by seed."""
    rng = random.Random(settings.seed)
    with Session(engine) as session:
        load_plan_path(session, DEFAULT_PLAN_FILE)
        person_ids = insert_people(session, settings, rng)
        events = insert_events(session, settings, rng)
        insert_registrations(session, settings, events, person_ids, rng)
        goal_ids = session.scalars(select(Goal.id).order_by(Goal.id).limit(10)).all()
        session.commit()
    harness.analyze(engine)
    return Built(events_per_year(settings.events), list(goal_ids))


# -------------------------------------------------------------------- the hand-written SQL


def _greatest(dialect: str) -> str:
    """The larger-of function: SQLite's many-argument MAX is PostgreSQL's GREATEST."""
    return "GREATEST" if dialect == "postgresql" else "MAX"


def calendar_sql(dialect: str) -> TextualSelect:
    """The year's events with participants and initiative numbers, as the wheel shows them."""
    sql = f"""
SELECT e.id, e.title, e.kind, e.status, e.starts_at, e.ends_at, e.tentative, e.series_id,
       s.name AS series, e.location,
       {_greatest(dialect)}((SELECT COUNT(*) FROM registrations AS r
                             WHERE r.event_id = e.id AND r.status = 'attended'),
                            COALESCE(e.headcount, 0)) AS participants,
       t.number AS track_number, i.number AS initiative_number
FROM events AS e
LEFT JOIN event_series AS s ON s.id = e.series_id
LEFT JOIN event_initiatives AS ei ON ei.event_id = e.id
LEFT JOIN initiatives AS i ON i.id = ei.initiative_id
LEFT JOIN tracks AS t ON t.id = i.track_id
WHERE e.starts_at >= :low AND e.starts_at < :high
ORDER BY e.starts_at, e.id, t.number, i.number"""
    # Typed like the service's columns, so both hand back datetimes (not SQLite's strings)
    # and the enums.
    return (
        text(sql)
        .bindparams(bindparam("low", type_=UTCDateTime()), bindparam("high", type_=UTCDateTime()))
        .columns(
            kind=Event.__table__.c.kind.type,
            status=Event.__table__.c.status.type,
            starts_at=UTCDateTime(),
            ends_at=UTCDateTime(),
            tentative=Boolean(),
        )
    )


def _filter_sql(goal_id: int, params: dict[str, Any], bind: dict[str, Any], n: int) -> str:
    """A goal's filter as one SQL condition on the rows `ev` (`1 = 1` for none)."""
    conditions = []
    if "kind" in params:
        bind[f"kind_{n}"] = params["kind"]
        conditions.append(f"ev.kind = :kind_{n}")
    if "series" in params:
        bind[f"series_{n}"] = params["series"]
        conditions.append(
            f"ev.series_id = (SELECT s.id FROM event_series AS s WHERE s.key = :series_{n})"
        )
    if "initiative" in params:
        bind[f"goal_{n}"] = goal_id
        bind[f"track_{n}"], bind[f"number_{n}"] = (int(p) for p in params["initiative"].split("."))
        conditions.append(
            f"ev.id IN (SELECT ei.event_id FROM event_initiatives AS ei "
            f"JOIN initiatives AS i ON i.id = ei.initiative_id "
            f"JOIN tracks AS t ON t.id = i.track_id "
            f"JOIN goals AS g ON g.action_plan_id = i.action_plan_id "
            f"WHERE g.id = :goal_{n} AND t.number = :track_{n} AND i.number = :number_{n})"
        )
    if "min_participants" in params:
        conditions.append(f"ev.participants >= {int(params['min_participants'])}")
    if "max_participants" in params:
        conditions.append(f"ev.participants <= {int(params['max_participants'])}")
    return " AND ".join(conditions) or "1 = 1"


def metric_sql(
    dialect: str, goals: list[tuple[int, dict[str, Any]]], years: range, count: bool
) -> tuple[TextClause, dict[str, Any]]:
    """One statement: per year, a column per goal (events counted or participants summed).

    The held events of the years are read once, with their participants (attended joined and
    grouped per event) and their year as a CASE; grouping by year gives each goal's value.
    """
    bind: dict[str, Any] = {}
    whens = []
    for year in years:
        bind[f"low_{year}"], bind[f"high_{year}"] = period_bounds(
            date(year, 1, 1), date(year, 12, 31)
        )
        whens.append(f"WHEN e.starts_at >= :low_{year} AND e.starts_at < :high_{year} THEN {year}")
    value = "1" if count else "ev.participants"
    columns = [
        f"SUM(CASE WHEN {_filter_sql(goal, params, bind, n)} THEN {value} ELSE 0 END) AS goal_{n}"
        for n, (goal, params) in enumerate(goals)
    ]
    sql = f"""
SELECT ev.year, {", ".join(columns)}
FROM (SELECT CASE {" ".join(whens)} END AS year, e.id, e.kind, e.series_id,
             {_greatest(dialect)}(COUNT(r.id), COALESCE(e.headcount, 0)) AS participants
      FROM events AS e
      LEFT JOIN registrations AS r ON r.event_id = e.id AND r.status = 'attended'
      WHERE e.status = 'held' AND e.starts_at >= :low_{years[0]}
        AND e.starts_at < :high_{years[-1]}
      GROUP BY e.id) AS ev
GROUP BY ev.year"""
    times = [
        bindparam(name, type_=UTCDateTime()) for name in bind if name.startswith(("low", "high"))
    ]
    return text(sql).bindparams(*times), bind


def sql_values(rows: Sequence[Any], goals: int, years: range) -> list[float | None]:
    """The statement's rows as the metric's values: goal by goal, year by year."""
    by_year = {row[0]: row[1:] for row in rows}
    return [
        float(by_year[year][n]) if year in by_year else None for n in range(goals) for year in years
    ]


# ------------------------------------------------------------------------------ measuring


def metric_requests(
    key: str, goals: list[tuple[int, dict[str, Any]]], years: range
) -> list[MetricRequest]:
    """What progress asks a metric: each goal's value for each calendar year."""
    return [
        MetricRequest(goal, parse_params(key, params), date(year, 1, 1), date(year, 12, 31))
        for goal, params in goals
        for year in years
    ]


def count_statements(engine: Engine, call: Callable[[], object]) -> int:
    """SQL statements one call sends."""
    return len(harness.statements_of(engine, call))


def measure_calendar(engine: Engine, built: Built, repeat: int) -> Comparison:
    """The wheel of the busiest year against its SQL; statements for the quietest year too."""
    statement = calendar_sql(engine.dialect.name)

    def service(year: int) -> Callable[[], dict[str, Any]]:
        def call() -> dict[str, Any]:
            with Session(engine) as session:
                return plan_calendar(session, year)

        return call

    def sql(year: int) -> Callable[[], list[Any]]:
        low, high = period_bounds(date(year, 1, 1), date(year, 12, 31))

        def call() -> list[Any]:
            with engine.connect() as connection:
                return list(connection.execute(statement, {"low": low, "high": high}))

        return call

    return Comparison(
        name=f"annual wheel {BUSY_YEAR} ({built.events_per_year[BUSY_YEAR]} events)",
        service=harness.time_calls(service(BUSY_YEAR), repeat),
        sql=harness.time_calls(sql(BUSY_YEAR), repeat),
        same=same_calendar(service(BUSY_YEAR)(), sql(BUSY_YEAR)()),
        statements={
            f"{year}: {built.events_per_year[year]} events": count_statements(engine, service(year))
            for year in (QUIET_YEAR, BUSY_YEAR)
        },
    )


def same_calendar(wheel: dict[str, Any], rows: list[Any]) -> bool:
    """Whether the wheel shows exactly the rows' events, participants and initiative codes."""
    shown = {
        event["id"]: (event["participants"], event["initiative_codes"])
        for month in wheel["months"]
        for events in month["groups"].values()
        for event in events
    }
    expected: dict[int, tuple[int, list[str]]] = {}
    for row in rows:
        _, codes = expected.setdefault(row.id, (row.participants, []))
        if row.track_number is not None:
            codes.append(f"{row.track_number}.{row.initiative_number}")
    return shown == expected


def measure_metric(
    engine: Engine, built: Built, key: str, params: list[dict[str, Any]], repeat: int
) -> Comparison:
    """A metric's batch against its SQL; statements for a batch of one request too."""
    goals = list(zip(built.goal_ids, params, strict=True))
    metric = get_metric(key)
    statement, bind = metric_sql(engine.dialect.name, goals, METRIC_YEARS, key == "events_held")

    def service(requests: list[MetricRequest]) -> Callable[[], list[float | None]]:
        def call() -> list[float | None]:
            with Session(engine) as session:
                return metric.compute(session, requests)

        return call

    def sql() -> list[float | None]:
        with engine.connect() as connection:
            return sql_values(connection.execute(statement, bind).all(), len(goals), METRIC_YEARS)

    batch = metric_requests(key, goals, METRIC_YEARS)
    single = metric_requests(key, goals[:1], range(BUSY_YEAR, BUSY_YEAR + 1))
    return Comparison(
        name=f"{key}, {len(goals)} goals x {len(METRIC_YEARS)} years",
        service=harness.time_calls(service(batch), repeat),
        sql=harness.time_calls(sql, repeat),
        same=service(batch)() == sql(),
        statements={
            f"{len(single)} request": count_statements(engine, service(single)),
            f"{len(batch)} requests": count_statements(engine, service(batch)),
        },
    )


# --------------------------------------------------------------------------------- report


def report(
    backend: str, settings: Settings, built: Built, results: list[Comparison]
) -> tuple[str, bool]:
    header = (
        f"{'measure':<44}  {'service ms med/min':>18}  {'SQL ms med/min':>15}  {'ratio':>5}  "
        f"{'same':>4}  statements per call"
    )
    lines = [
        "Events benchmark: the annual wheel and the participant metrics vs hand-written SQL",
        f"backend        {backend}",
        f"data           {settings.events} events over {YEARS[0]}-{YEARS[-1]} "
        f"({built.events_per_year[QUIET_YEAR]} in {QUIET_YEAR} .. "
        f"{built.events_per_year[BUSY_YEAR]} in {BUSY_YEAR}), {settings.registrations} "
        f"registrations, {settings.people} people, {settings.companies} companies",
        f"repeat         {settings.repeat} calls after {harness.WARMUP} warm-up calls; "
        "times per call, "
        "median / min; service calls open a fresh Session, SQL calls a fresh connection",
        "statements     counted at the cursor, per service call (SQLite's BEGIN included)",
        "",
        *harness.ruled(header),
    ]
    for r in results:
        counts = ", ".join(f"{n} ({label})" for label, n in r.statements.items())
        lines.append(
            f"{r.name:<44}  {r.service.shown():>18}  {r.sql.shown():>15}  {r.ratio:>5.2f}  "
            f"{'yes' if r.same else 'NO':>4}  {counts}"
        )
    checked = verdict(results)
    return "\n".join([*lines, "", *checked.close()]), checked.passed


def verdict(results: list[Comparison]) -> harness.Verdict:
    checked = harness.Verdict()
    for r in results:
        checked.within(r.name, r.ratio, MAX_RATIO, r.same)
        checked.constant(r.name, list(r.statements.values()))
    return checked


# ------------------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None = None) -> tuple[Settings, bool]:
    parser = harness.parser(
        "events",
        "Time the annual wheel and the participant metrics against hand-written SQL, and "
        "count their SQL statements.",
        databases="one",
    )
    parser.add_argument("--events", type=int, default=50_000, help="events (50,000)")
    parser.add_argument(
        "--registrations", type=int, default=500_000, help="registrations (500,000)"
    )
    parser.add_argument("--people", type=int, default=60_000, help="people (60,000)")
    parser.add_argument("--companies", type=int, default=6_000, help="companies (6,000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls (default 20)")
    args = harness.parse(
        parser, argv, seed=True, at_least_one=("events", "people", "companies", "repeat")
    )
    if args.events < len(YEARS) * 2 or args.registrations < 0:
        parser.error(f"--events must be at least {len(YEARS) * 2}; --registrations >= 0")
    settings = Settings(
        database_url=args.database_url,
        events=args.events,
        registrations=args.registrations,
        people=args.people,
        companies=args.companies,
        repeat=args.repeat,
        seed=args.seed,
    )
    return settings, args.check


def run(settings: Settings) -> tuple[str, bool]:
    with harness.migrated(settings.database_url) as (_, engine):
        built = build(engine, settings)
        harness.settle()
        results = [
            measure_calendar(engine, built, settings.repeat),
            measure_metric(
                engine, built, "event_participants", PARTICIPANT_PARAMS, settings.repeat
            ),
            measure_metric(engine, built, "events_held", HELD_PARAMS, settings.repeat),
        ]
        return report(harness.backend_name(engine), settings, built, results)


def main(argv: list[str] | None = None) -> None:
    settings, check = parse_args(argv)
    harness.conclude(run(settings), check)


if __name__ == "__main__":
    main()
