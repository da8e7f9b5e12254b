"""Benchmark of plan progress: `plan_progress()` against one hand-written SQL query.

Builds, in a fresh database, a strategy with three tracks and an action plan for 2026 with
22 initiatives, 60 goals (about 80 % measurable, the rest milestones with a few notes) and
ten years of monthly measurements per measurable goal; a third of the count goals count held
events of a series instead, from a calendar of held and planned events (their trajectory's
basis), and some targets are phased by a due date or a monthly profile; a few goals have a
written status. Then a second plan for 2027 with the goal count doubled. It reports, from one
run:

- the time of one progress computation (`api.goals.progress.plan_progress`, the service
  function without HTTP, a fresh Session per call), median and min over `--repeat` calls
  after a warm-up;
- the time of one hand-written SQL query (a UNION ALL over plan, tracks, initiatives, goals,
  targets with their phasing, measurements up to the evaluation date, milestone notes, goal
  comments, held events per series and year, and the year's calendar of events) fetching the
  same rows, on the same engine, a fresh connection per call;
- the number of SQL statements per progress call, for both plans.

Targets: the progress call costs at most 1.5x the hand-written query, and its statement count
does not grow with the number of goals (no N+1). The verdict is printed; the exit code is 0
either way, since this is a report (`--check`: 1 on FAIL).

Run it from the project root:

    .venv/bin/python -m bench.progress
    .venv/bin/python -m bench.progress \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Without `--database-url` it uses a new SQLite file in a temporary directory. With a PostgreSQL
URL it creates a database `erhverv_bench_<random>` through that server's `postgres` database,
runs there and drops it at the end. A SQLite URL must name a file that does not exist yet.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Engine,
    Integer,
    Numeric,
    String,
    TextualSelect,
    bindparam,
    column,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

import api.metrics
import api.models  # noqa: F401  (every mapper, so relationships resolve)
from api.events.enums import EventKind, EventStatus
from api.events.models import Event, EventSeries
from api.goals.enums import GoalKind, MilestoneState, Unit
from api.goals.models import Goal, GoalComment, Measurement, MilestoneNote
from api.goals.progress import plan_progress
from api.goals.schemas import Baseline, TargetSpec
from api.kit.danish import local_day_start
from api.kit.db import UTCDateTime
from api.plan_data.loader import load_plan
from api.plan_data.plan_file import (
    FORMAT,
    GoalIn,
    InitiativeIn,
    ObjectiveIn,
    PlanFile,
    PlanIn,
    PlanSeriesIn,
    StrategyIn,
    TrackIn,
)
from api.plans.models import ActionPlan
from bench import harness
from bench.harness import Timing

PLAN_YEAR = 2026
SCALED_YEAR = 2027  # the second plan, with the goal count doubled
EVALUATED_ON = (11, 26)  # month and day of the evaluation date within the plan's year
TRACKS = 3
MILESTONE_EVERY = 5  # every fifth goal is a milestone: 80 % measurable
NOTES_PER_MILESTONE = 3
TARGET_YEARS = range(-2, 3)  # targets from two years before the plan's year to two after
MAX_RATIO = 1.5
AUTHOR = "bench"
SERIES = 5  # event series the event goals count
EVENTS_PER_SERIES = 10  # a year's calendar per series: the first HELD_EVENTS held
HELD_EVENTS = 7
EVENT_GOAL_EVERY = 3  # every third count goal counts held events of a series


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    goals: int
    initiatives: int
    years: int
    per_year: int
    repeat: int
    seed: int


@dataclass(frozen=True)
class GoalSpec:
    """What the measurement generator needs to know about a goal it made."""

    key: str
    measurable: bool
    unit: Unit | None
    scale: float  # the size of a year's value
    series: str | None = None  # set: the goal counts held events of this series (its key)
    phasing: str | None = None  # None, "due_on" or "profile"


@dataclass(frozen=True)
class BuiltPlan:
    year: int
    goals: int
    initiatives: int
    measurements: int
    evaluated_on: date


@dataclass(frozen=True)
class PlanResult:
    plan: BuiltPlan
    progress: Timing
    sql: Timing
    statements: list[str]

    @property
    def ratio(self) -> float:
        return self.progress.median_ms / self.sql.median_ms


# ---------------------------------------------------------------------------- the plan data


def strategy_in() -> StrategyIn:
    return StrategyIn(
        name="Benchmark-strategi",
        start_year=PLAN_YEAR - 1,
        end_year=PLAN_YEAR + 4,
        objectives=[
            ObjectiveIn(
                number=n,
                title=f"Pejlemærke {n}",
                track=TrackIn(number=n, title=f"Spor {n}", description=f"Sporet for mål {n}."),
            )
            for n in range(1, TRACKS + 1)
        ],
    )


def goal_spec(index: int, rng: random.Random) -> GoalSpec:
    key = f"bench-{index + 1:03d}"
    if index % MILESTONE_EVERY == MILESTONE_EVERY - 1:
        return GoalSpec(key, measurable=False, unit=None, scale=0.0)
    unit = rng.choice(list(Unit))
    scale = {
        Unit.count: rng.randint(10, 500),
        Unit.dkk: rng.randint(100, 5_000) * 1_000,
        Unit.percent: round(rng.uniform(10, 90), 1),
    }[unit]
    if unit is Unit.count and index % EVENT_GOAL_EVERY == 0:
        series = f"serie-{index % SERIES + 1}"
        return GoalSpec(key, True, unit, float(EVENTS_PER_SERIES), series=series)
    phasing = None
    if unit is not Unit.percent:
        phasing = {1: "due_on", 3: "profile"}.get(index % 4)
    return GoalSpec(key, measurable=True, unit=unit, scale=float(scale), phasing=phasing)


def targets_of(spec: GoalSpec, year: int) -> dict[int, float | TargetSpec]:
    growth = 1.0 if spec.unit is Unit.percent else 1.05
    digits = 0 if spec.unit is Unit.count else 2
    targets: dict[int, float | TargetSpec] = {
        year + d: round(spec.scale * growth**d, digits) for d in TARGET_YEARS
    }
    value = float(targets[year])  # type: ignore[arg-type]
    if spec.phasing == "due_on":
        targets[year] = TargetSpec(value=value, due_on=date(year, 10, 31))
    elif spec.phasing == "profile":
        targets[year] = TargetSpec(value=value, monthly_profile=[0, 1, 1, 1, 1, 1, 0, 1] + [1] * 4)
    return targets


def goal_in(spec: GoalSpec, year: int) -> GoalIn:
    text_ = f"Mål {spec.key} for {year}."
    if not spec.measurable:
        return GoalIn(
            key=spec.key,
            kind=GoalKind.milestone,
            text=text_,
            milestone_state=MilestoneState.in_progress,
        )
    return GoalIn(
        key=spec.key,
        label=f"Mål {spec.key}",
        kind=GoalKind.measurable,
        text=text_,
        metric="events_held" if spec.series else "manual",
        metric_params={"series": spec.series} if spec.series else {},
        unit=spec.unit,
        baseline=Baseline(year=year - 2, value=round(spec.scale * 0.9, 2)),
        targets=targets_of(spec, year),
    )


def plan_file(year: int, specs: list[GoalSpec], initiatives: int) -> PlanFile:
    """`initiatives` initiatives over the tracks, the goals dealt out over the initiatives."""
    goals: list[list[GoalIn]] = [[] for _ in range(initiatives)]
    for index, spec in enumerate(specs):
        goals[index % initiatives].append(goal_in(spec, year))
    return PlanFile(
        format=FORMAT,
        strategy=strategy_in(),
        plan=PlanIn(
            year=year,
            title=f"Handlingsplan for {year}",
            series=[
                PlanSeriesIn(key=f"serie-{s}", name=f"Serie {s}") for s in range(1, SERIES + 1)
            ],
            initiatives=[
                InitiativeIn(
                    track=index % TRACKS + 1,
                    number=index // TRACKS + 1,
                    title=f"Indsats {index + 1}",
                    short_title=f"Indsats {index + 1}",
                    goals=goals[index],
                )
                for index in range(initiatives)
            ],
        ),
    )


def measurement_days(year: int, per_year: int) -> list[date]:
    """`per_year` days spread evenly over the year; monthly for 12."""
    first = date(year, 1, 1)
    length = (date(year, 12, 31) - first).days + 1
    return [first + timedelta(days=(k + 1) * length // per_year - 1) for k in range(per_year)]


def measurement_rows(
    goal_id: int, spec: GoalSpec, years: range, per_year: int, rng: random.Random
) -> list[dict[str, Any]]:
    """A cumulative goal's value grows over each year; a percentage hovers near its target."""
    rows = []
    for year in years:
        for k, day in enumerate(measurement_days(year, per_year)):
            if spec.unit is Unit.percent:
                value = spec.scale * rng.uniform(0.85, 1.1)
            else:
                value = spec.scale * (k + 1) / per_year * rng.uniform(0.7, 1.2)
            rows.append(
                {
                    "goal_id": goal_id,
                    "measured_on": day,
                    "value": round(value, 2),
                    "comment": None if k % 4 else f"Måling {day.isoformat()}",
                    "entered_by": AUTHOR,
                }
            )
    return rows


def note_rows(goal_id: int, year: int) -> list[dict[str, Any]]:
    states = [MilestoneState.not_started, MilestoneState.in_progress, MilestoneState.in_progress]
    return [
        {
            "goal_id": goal_id,
            "noted_on": date(year, 2 + 3 * n, 15),
            "state": states[n % len(states)],
            "text": f"Note {n + 1}",
            "entered_by": AUTHOR,
        }
        for n in range(NOTES_PER_MILESTONE)
    ]


def event_rows(year: int, series_ids: dict[str, int]) -> list[dict[str, Any]]:
    """Each series' calendar for the year: held events first, then the planned ones."""
    rows = []
    for s in range(1, SERIES + 1):
        for k in range(EVENTS_PER_SERIES):
            starts = datetime(year, 1, 15, 15, tzinfo=UTC) + timedelta(days=35 * k + s)
            rows.append(
                {
                    "kind": EventKind.theme_meeting,
                    "title": f"Serie {s}, møde {k + 1}",
                    "description": "",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "status": EventStatus.held if k < HELD_EVENTS else EventStatus.planned,
                    "series_id": series_ids[f"serie-{s}"],
                    "capacity": 30,
                    "mayor_present": False,
                    "tentative": False,
                    "is_demo": False,
                    "version": 1,
                }
            )
    return rows


def comment_rows(goal_ids: list[int], year: int) -> list[dict[str, Any]]:
    return [
        {"goal_id": goal_id, "written_on": date(year, 3, 1), "text": "Status", "author": AUTHOR}
        for goal_id in goal_ids[::5]
    ]


def build_plan(engine: Engine, settings: Settings, year: int, goals: int, seed: int) -> BuiltPlan:
    """Load the plan tree through the loader, then bulk-insert measurements and notes."""
    rng = random.Random(seed)
    specs = [goal_spec(index, rng) for index in range(goals)]
    with Session(engine) as session:
        load_plan(session, plan_file(year, specs, settings.initiatives))
        session.commit()
        plan_id = session.scalars(select(ActionPlan.id).where(ActionPlan.year == year)).one()
        goal_ids = select(Goal.key, Goal.id).where(Goal.action_plan_id == plan_id)
        ids = dict(session.execute(goal_ids).all())
        years = range(year - settings.years + 1, year + 1)
        measurements: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        for spec in specs:
            if spec.measurable:
                measurements += measurement_rows(ids[spec.key], spec, years, settings.per_year, rng)
            else:
                notes += note_rows(ids[spec.key], year)
        if measurements:
            session.execute(insert(Measurement), measurements)
        if notes:
            session.execute(insert(MilestoneNote), notes)
        series_ids = dict(session.execute(select(EventSeries.key, EventSeries.id)).all())
        session.execute(insert(Event), event_rows(year, series_ids))
        session.execute(insert(GoalComment), comment_rows(sorted(ids.values()), year))
        session.commit()
    return BuiltPlan(
        year=year,
        goals=goals,
        initiatives=settings.initiatives,
        measurements=len(measurements),
        evaluated_on=date(year, *EVALUATED_ON),
    )


# --------------------------------------------------------------------- the hand-written query

# One result shape for every kind of row: UNION ALL needs the same columns in every arm.
RESULT_COLUMNS: dict[str, Any] = {
    "kind": String(),
    "id": Integer(),
    "parent_id": Integer(),
    "int_1": Integer(),
    "int_2": Integer(),
    "num": Numeric(18, 2, asdecimal=False),
    "num_2": Numeric(18, 2, asdecimal=False),
    "day": Date(),
    **{f"txt_{n}": String() for n in range(1, 11)},
}
SQL_TYPES = {String: "VARCHAR", Integer: "INTEGER", Numeric: "NUMERIC", Date: "DATE"}

PLAN_JOIN = "JOIN action_plans AS ap ON ap.id = {}.action_plan_id AND ap.year = :year"

# kind → (FROM clause, column → expression); a column left out is NULL for that kind.
ARMS: dict[str, tuple[str, dict[str, str]]] = {
    "plan": (
        "action_plans AS ap WHERE ap.year = :year",
        {
            "id": "ap.id",
            "parent_id": "ap.strategy_id",
            "int_1": "ap.year",
            "txt_1": "ap.title",
            "txt_2": "ap.status",
        },
    ),
    "track": (
        "tracks AS t JOIN objectives AS o ON o.id = t.objective_id "
        "JOIN action_plans AS ap ON ap.strategy_id = o.strategy_id AND ap.year = :year",
        {"id": "t.id", "parent_id": "o.id", "int_1": "t.number", "txt_1": "t.title"},
    ),
    "initiative": (
        "initiatives AS i JOIN tracks AS t ON t.id = i.track_id " + PLAN_JOIN.format("i"),
        {
            "id": "i.id",
            "parent_id": "i.track_id",
            "int_1": "i.number",
            "int_2": "t.number",
            "txt_1": "i.title",
            "txt_2": "i.short_title",
            "txt_3": "i.goal_label",
            "txt_4": "i.status",
        },
    ),
    "goal": (
        "goals AS g " + PLAN_JOIN.format("g"),
        {
            "id": "g.id",
            "parent_id": "g.initiative_id",
            "int_1": "g.position",
            "int_2": "g.baseline_year",
            "num": "g.baseline_value",
            "txt_1": "g.key",
            "txt_2": "g.label",
            "txt_3": "g.text",
            "txt_4": "g.kind",
            "txt_5": "g.metric",
            "txt_6": "g.unit",
            "txt_7": "g.direction",
            "txt_8": "g.pace",
            "txt_9": "g.milestone_state",
            "txt_10": "CAST(g.metric_params AS VARCHAR)",
            "day": "g.due_on",
        },
    ),
    "target": (
        "goal_targets AS gt JOIN goals AS g ON g.id = gt.goal_id " + PLAN_JOIN.format("g"),
        {
            "id": "gt.id",
            "parent_id": "gt.goal_id",
            "int_1": "gt.year",
            "num": "gt.value",
            "num_2": "gt.upper",
            "day": "gt.due_on",
            "txt_1": "CAST(gt.monthly_profile AS VARCHAR)",
        },
    ),
    "comment": (
        "goal_comments AS gc JOIN goals AS g ON g.id = gc.goal_id "
        + PLAN_JOIN.format("g")
        + " WHERE gc.written_on <= :evaluated_on",
        {
            "id": "gc.id",
            "parent_id": "gc.goal_id",
            "day": "gc.written_on",
            "txt_1": "gc.text",
            "txt_2": "gc.author",
        },
    ),
    # Held events per series and calendar year up to the evaluation date: what the events
    # metric counts for the event goals (held, or planned, ended and attended; demo never).
    "held": (
        "(SELECT CASE WHEN e.starts_at < :year_1 THEN 0 WHEN e.starts_at < :year_2 THEN 1 "
        "ELSE 2 END AS period, e.series_id FROM events AS e "
        "WHERE e.starts_at >= :year_0 AND e.starts_at < :evaluated_end AND e.is_demo = false "
        "AND (e.status = 'held' OR (e.status = 'planned' AND e.ends_at < :evaluated_end AND "
        "EXISTS (SELECT 1 FROM registrations AS r WHERE r.event_id = e.id "
        "AND r.status = 'attended')))) AS h GROUP BY h.period, h.series_id",
        {"int_1": "h.period", "id": "h.series_id", "int_2": "COUNT(*)"},
    ),
    # The plan year's calendar as it stood at the evaluation date, with the events'
    # initiatives: the planned activities behind the event goals' trajectories.
    "calendar": (
        "events AS e LEFT JOIN event_series AS es ON es.id = e.series_id "
        "LEFT JOIN event_initiatives AS ei ON ei.event_id = e.id "
        "LEFT JOIN initiatives AS i ON i.id = ei.initiative_id "
        "LEFT JOIN tracks AS t ON t.id = i.track_id "
        "WHERE e.status <> 'cancelled' AND e.is_demo = false AND e.starts_at >= :year_2 "
        "AND e.starts_at < :year_3 AND (e.plan_key IS NOT NULL OR e.created_at < :evaluated_end)",
        {
            "id": "e.id",
            "parent_id": "i.action_plan_id",
            "int_1": "t.number",
            "int_2": "i.number",
            "num": "e.expected_participants",
            "num_2": "e.capacity",
            "txt_1": "e.kind",
            "txt_2": "es.key",
            "txt_3": "CAST(e.ends_at AS VARCHAR)",
            "txt_4": "CAST(e.mayor_present AS VARCHAR)",
        },
    ),
    # The newest measurement per goal and calendar year, as the service asks for it: the
    # database ranks them and only the winners are fetched.
    "measurement": (
        "(SELECT m.id, m.goal_id, m.measured_on, m.value, m.comment, m.entered_by, "
        "ROW_NUMBER() OVER (PARTITION BY m.goal_id, SUBSTR(CAST(m.measured_on AS VARCHAR(10)), "
        "1, 4) ORDER BY m.measured_on DESC, m.id DESC) AS rank "
        "FROM measurements AS m JOIN goals AS g ON g.id = m.goal_id "
        + PLAN_JOIN.format("g")
        + " WHERE m.measured_on <= :evaluated_on AND g.kind = 'measurable') AS m "
        "WHERE m.rank = 1",
        {
            "id": "m.id",
            "parent_id": "m.goal_id",
            "day": "m.measured_on",
            "num": "m.value",
            "txt_1": "m.comment",
            "txt_2": "m.entered_by",
        },
    ),
    "note": (
        "milestone_notes AS mn JOIN goals AS g ON g.id = mn.goal_id "
        + PLAN_JOIN.format("g")
        + " WHERE g.kind = 'milestone'",
        {
            "id": "mn.id",
            "parent_id": "mn.goal_id",
            "day": "mn.noted_on",
            "txt_1": "mn.text",
            "txt_2": "mn.state",
        },
    ),
}


def _arm_sql(kind: str, source: str, values: dict[str, str]) -> str:
    # Typed NULLs: PostgreSQL resolves UNION column types pairwise and rejects a bare NULL
    # (read as text) followed by an integer.
    expressions = [f"CAST('{kind}' AS VARCHAR) AS kind"] + [
        f"{values.get(name, f'CAST(NULL AS {SQL_TYPES[type(type_)]})')} AS {name}"
        for name, type_ in RESULT_COLUMNS.items()
        if name != "kind"
    ]
    return f"SELECT {', '.join(expressions)}\nFROM {source}"


def hand_written_query() -> TextualSelect:
    """Every row `plan_progress` reads for a plan, in one statement."""
    sql = "\nUNION ALL\n".join(_arm_sql(kind, *arm) for kind, arm in ARMS.items())
    clause = text(sql).bindparams(
        bindparam("year", type_=Integer()),
        bindparam("evaluated_on", type_=Date()),
        *(bindparam(f"year_{n}", type_=UTCDateTime()) for n in range(4)),
        bindparam("evaluated_end", type_=UTCDateTime()),
    )
    return clause.columns(*(column(name, type_) for name, type_ in RESULT_COLUMNS.items()))


# ------------------------------------------------------------------------------ measuring


def measure(engine: Engine, plan: BuiltPlan, repeat: int) -> PlanResult:
    query = hand_written_query()
    params: dict[str, Any] = {
        "year": plan.year,
        "evaluated_on": plan.evaluated_on,
        "evaluated_end": local_day_start(plan.evaluated_on + timedelta(days=1)),
        **{f"year_{n}": local_day_start(date(plan.year - 2 + n, 1, 1)) for n in range(4)},
    }

    def progress_call() -> None:
        with Session(engine) as session:
            plan_progress(session, plan.year, plan.evaluated_on)

    def sql_call() -> None:
        with engine.connect() as connection:
            connection.execute(query, params).all()

    return PlanResult(
        plan=plan,
        progress=harness.time_calls(progress_call, repeat),
        sql=harness.time_calls(sql_call, repeat),
        statements=harness.statements_of(engine, progress_call),
    )


# --------------------------------------------------------------------------------- report


def report(backend: str, settings: Settings, results: list[PlanResult]) -> tuple[str, bool]:
    header = (
        f"{'plan':>4}  {'goals':>5}  {'initiatives':>11}  {'measurements':>12}  "
        f"{'progress ms med/min':>19}  {'SQL ms med/min':>14}  {'ratio':>5}  {'statements':>10}"
    )
    lines = [
        "Progress benchmark: plan_progress() vs one hand-written SQL query",
        f"backend        {backend}",
        f"data           {settings.years} years x {settings.per_year} measurements per "
        f"measurable goal and year; evaluated on {EVALUATED_ON[1]}/{EVALUATED_ON[0]} "
        "of the plan's year",
        f"repeat         {settings.repeat} calls after {harness.WARMUP} warm-up calls; "
        "times are per call, median / min",
        "statements     counted at the cursor, per progress call (SQLite's BEGIN included)",
        "",
        *harness.ruled(header),
    ]
    for r in results:
        lines.append(
            f"{r.plan.year:>4}  {r.plan.goals:>5}  {r.plan.initiatives:>11}  "
            f"{r.plan.measurements:>12}  {r.progress.shown():>19}  {r.sql.shown():>14}  "
            f"{r.ratio:>5.2f}  {len(r.statements):>10}"
        )
    checked = verdict(results)
    first = results[0]
    statements = harness.statement_list(
        f"statements of one progress call ({first.plan.year} plan):", first.statements
    )
    return "\n".join([*lines, "", *checked.close(), "", *statements]), checked.passed


def verdict(results: list[PlanResult]) -> harness.Verdict:
    base, scaled = results[0], results[-1]
    counts = [len(r.statements) for r in results]
    counts_text = " -> ".join(
        f"{c} ({r.plan.goals} goals)" for c, r in zip(counts, results, strict=True)
    )
    checked = harness.Verdict()
    checked.target(
        f"progress <= {MAX_RATIO:g}x hand-written SQL ({base.plan.goals} goals): {base.ratio:.2f}x",
        base.ratio <= MAX_RATIO,
    )
    checked.target(f"statements per call constant: {counts_text}", len(set(counts)) == 1)
    checked.note(f"(for {scaled.plan.goals} goals the ratio is {scaled.ratio:.2f}x)")
    return checked


# ------------------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None = None) -> tuple[Settings, bool]:
    parser = harness.parser(
        "progress",
        "Time plan_progress() against one hand-written SQL query, and count its SQL "
        "statements for a plan and for one with twice the goals.",
        databases="one",
    )
    parser.add_argument("--goals", type=int, default=60, help="goals in the plan (default 60)")
    parser.add_argument("--initiatives", type=int, default=22, help="initiatives (default 22)")
    parser.add_argument("--years", type=int, default=10, help="years of measurements (10)")
    parser.add_argument(
        "--per-year", type=int, default=12, help="measurements per goal and year (12, monthly)"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed calls (default 20)")
    args = harness.parse(
        parser,
        argv,
        seed=True,
        at_least_one=("goals", "initiatives", "years", "per_year", "repeat"),
    )
    settings = Settings(
        database_url=args.database_url,
        goals=args.goals,
        initiatives=args.initiatives,
        years=args.years,
        per_year=args.per_year,
        repeat=args.repeat,
        seed=args.seed,
    )
    return settings, args.check


def run(settings: Settings) -> tuple[str, bool]:
    with harness.migrated(settings.database_url) as (_, engine):
        plans = [
            build_plan(engine, settings, PLAN_YEAR, settings.goals, settings.seed),
            build_plan(engine, settings, SCALED_YEAR, 2 * settings.goals, settings.seed + 1),
        ]
        harness.settle()
        results = [measure(engine, plan, settings.repeat) for plan in plans]
        return report(harness.backend_name(engine), settings, results)


def main(argv: list[str] | None = None) -> None:
    settings, check = parse_args(argv)
    harness.conclude(run(settings), check)


if __name__ == "__main__":
    main()
