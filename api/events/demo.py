"""A generated demonstration data set, kept clearly apart from the plan's own data.

Only the dated events the plan states belong in the plan file. Everything else a demonstration
needs comes from here: companies named "Demo …" with valid CVR numbers, people on the reserved
domain demo.example (never a real address), and events across 2026 whose titles start with
"[Demo] " and whose description says where they came from. The same seed gives the same data.

Every company, person and event made here is marked `is_demo`: shown (the app says so), never
counted by a metric, and removed, with the registrations that belong to it, by `remove_demo`.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from stdnum.dk import cvr as cvr_rules

from api.contacts.models import Company, Person
from api.contacts.schemas import CompanyCreate
from api.events import service as svc
from api.events.demo_data import (
    FIRST_NAMES,
    HELD_OUTCOMES,
    KINDS,
    LAST_NAMES,
    LOCATIONS,
    MAYOR_VISITS,
    PLANNED_OUTCOMES,
    SERIES,
    TITLES,
    TOWNS,
    TRADES,
    VISITS,
)
from api.events.enums import EventKind, EventStatus, RegistrationStatus
from api.events.models import Event, EventSeries, Registration
from api.events.schemas import EventCreate, SessionIn
from api.kit.db import utcnow
from api.kit.errors import ConflictError, InvalidInputError
from api.plans.models import ActionPlan, Initiative

DEMO_YEAR = 2026
DEMO_PREFIX = "[Demo] "
DEMO_DESCRIPTION = "Demodata – genereret af erhverv load-demo."
DEMO_DOMAIN = "demo.example"  # RFC 2606: reserved, and unlike .invalid an address we accept
MIN_EVENTS, MAX_EVENTS = 30, 1000  # room for the series, the visits and every other kind
LOCAL = ZoneInfo("Europe/Copenhagen")  # staff think in local time; the database stores UTC


@dataclass
class Spec:
    """One demo event before it is written."""

    kind: EventKind
    title: str
    starts_at: datetime
    hours: int
    capacity: int | None
    codes: tuple[str, ...]
    series: str | None = None  # the series' key
    visited: Company | None = None
    mayor: bool = False


@dataclass
class DemoReport:
    companies: int
    people: int
    events: int
    held: int
    registrations: int


def load_demo(
    session: Session, *, seed: int = 2026, events: int = 120, now: datetime | None = None
) -> DemoReport:
    """Generate and insert the demo data set; refuses without the plan or when loaded already."""
    if not MIN_EVENTS <= events <= MAX_EVENTS:
        raise InvalidInputError(f"events must be between {MIN_EVENTS} and {MAX_EVENTS}")
    initiatives = _initiative_ids(session)
    _refuse_twice(session)
    now = now or utcnow()
    rng = random.Random(seed)
    companies = _companies(session, rng)
    people = _people(session, rng, companies, max(60, events * 2))
    report = DemoReport(len(companies), len(people), 0, 0, 0)
    series = _series_ids(session)
    for spec in _specs(rng, events, companies):
        ids = [initiatives[code] for code in spec.codes if code in initiatives]
        series_id = series[spec.series] if spec.series else None
        registrations = _write_event(session, rng, spec, (ids, series_id), people, now)
        report.events += 1
        report.held += int(spec.starts_at < now)
        report.registrations += registrations
    session.flush()
    return report


def _initiative_ids(session: Session) -> dict[str, int]:
    """The demo year's initiatives by code ("3.6"); the plan must be loaded first."""
    rows = session.scalars(
        select(Initiative)
        .join(ActionPlan)
        .where(ActionPlan.year == DEMO_YEAR)
        .options(selectinload(Initiative.track))
    ).all()
    if not rows:
        raise ConflictError(
            f"No {DEMO_YEAR} action plan in the database: load it first with `erhverv load-plan "
            f"api/plan_data/{DEMO_YEAR}.yaml` (the service does so on its first start)."
        )
    return {initiative.code: initiative.id for initiative in rows}


def _refuse_twice(session: Session) -> None:
    existing = session.scalar(select(func.count(Event.id)).where(Event.is_demo.is_(True)))
    if existing:
        raise ConflictError(
            f"Demo data is loaded already ({existing} events titled {DEMO_PREFIX!r}); "
            "nothing was changed."
        )


def _companies(session: Session, rng: random.Random) -> list[Company]:
    """One company per trade and town, each with a fresh valid CVR number."""
    taken = set(session.scalars(select(Company.cvr)))
    names = [(trade, town) for trade in TRADES for town in TOWNS]
    rng.shuffle(names)
    companies = []
    for trade, (town, postal_code) in names:
        cvr = _new_cvr(rng, taken)
        data = CompanyCreate(
            cvr=cvr,
            name=f"Demo {trade} {town} ApS",
            city=town,
            postal_code=postal_code,
            founded_on=date(rng.randint(1990, 2025), rng.randint(1, 12), rng.randint(1, 28)),
        )
        companies.append(Company(**data.model_dump(), is_demo=True))
    session.add_all(companies)
    session.flush()
    return companies


def _new_cvr(rng: random.Random, taken: set[str]) -> str:
    """A CVR number that passes the modulus-11 check and no company has yet."""
    while True:
        candidate = str(rng.randrange(10_000_000, 100_000_000))
        if candidate not in taken and cvr_rules.is_valid(candidate):
            taken.add(candidate)
            return candidate


def _people(
    session: Session, rng: random.Random, companies: list[Company], count: int
) -> list[Person]:
    people = []
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = rng.choice(companies) if rng.random() < 0.85 else None
        # No phone numbers: a made-up number could belong to someone real.
        email = f"{_ascii(first)}.{_ascii(last)}.{n}@{DEMO_DOMAIN}"
        people.append(Person(name=f"{first} {last}", email=email, company=company, is_demo=True))
    session.add_all(people)
    session.flush()
    return people


def _ascii(name: str) -> str:
    name = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _specs(rng: random.Random, count: int, companies: list[Company]) -> list[Spec]:
    """The series, the company visits, then every other kind at least once and by weight."""
    specs = [*_series_specs(), *_visit_specs(rng, companies)]
    rest = count - len(specs)
    kinds = list(KINDS)
    kinds += rng.choices(kinds, weights=[KINDS[k].weight for k in kinds], k=rest - len(kinds))
    days = _workdays()
    for kind in kinds:
        plan = KINDS[kind]
        starts_at = _local(rng.choice(days), plan.hour)
        title, code = rng.choice(TITLES[kind]), rng.choice(plan.codes)
        specs.append(Spec(kind, title, starts_at, plan.hours, plan.capacity, (code,)))
    return sorted(specs, key=lambda s: s.starts_at)


def _series_specs() -> list[Spec]:
    return [
        Spec(
            kind,
            title,
            _local(date.fromisocalendar(DEMO_YEAR, week, day), hour),
            2,
            40,
            (code,),
            series=series.key,
        )
        for series, week, code, events in SERIES
        for day, kind, title, hour in events
    ]


def _series_ids(session: Session) -> dict[str, int]:
    """The demo's series by key: the plan's own records (its file declares them), made here
    only where a database lacks one. Series are shared records, never demo data."""
    ids = {}
    for series, *_ in SERIES:
        row = session.scalar(select(EventSeries).where(EventSeries.key == series.key))
        if row is None:
            row = EventSeries(key=series.key, name=series.name)
            session.add(row)
            session.flush()
        ids[series.key] = row.id
    return ids


def _visit_specs(rng: random.Random, companies: list[Company]) -> list[Spec]:
    visited = rng.sample(companies, VISITS)
    days = rng.sample(_workdays(), VISITS)
    return [
        Spec(
            EventKind.company_visit,
            f"{'Borgmesterbesøg' if n < MAYOR_VISITS else 'Virksomhedsbesøg'} hos {company.name}",
            _local(day, 10),
            2,
            None,
            ("3.6",),
            visited=company,
            mayor=n < MAYOR_VISITS,
        )
        for n, (company, day) in enumerate(zip(visited, days, strict=True))
    ]


def _workdays() -> list[date]:
    """Weekdays outside the summer holiday, early enough for a course to end before Christmas."""
    first, last = date(DEMO_YEAR, 1, 5), date(DEMO_YEAR, 12, 4)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5 and d.month != 7]


def _local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL).astimezone(UTC)


def _write_event(
    session: Session,
    rng: random.Random,
    spec: Spec,
    links: tuple[list[int], int | None],
    people: list[Person],
    now: datetime,
) -> int:
    """Create one event (with its initiatives and series) and its registrations; returns
    how many registrations."""
    held = spec.starts_at < now
    attendees = _attendees(rng, spec, people, held)
    data = _event_data(rng, spec, links, attendees, held)
    event = svc.create_event(session, data, is_demo=True)
    for person, status in attendees:
        registered_at = min(spec.starts_at - timedelta(days=rng.randint(2, 40)), now)
        checked_in = spec.starts_at if status is RegistrationStatus.attended else None
        session.add(
            Registration(
                event_id=event.id,
                person_id=person.id,
                status=status,
                registered_at=registered_at,
                checked_in_at=checked_in,
            )
        )
    return len(attendees)


def _attendees(
    rng: random.Random, spec: Spec, people: list[Person], held: bool
) -> list[tuple[Person, RegistrationStatus]]:
    """Who registered, and for a held event who came; a company visit has no registrations."""
    if spec.kind is EventKind.company_visit:
        return []
    seats = spec.capacity or 30
    chosen = rng.sample(people, min(rng.randint(seats // 4, seats * 3 // 4), len(people)))
    outcomes = HELD_OUTCOMES if held else PLANNED_OUTCOMES
    statuses, weights = list(outcomes), list(outcomes.values())
    return [(person, rng.choices(statuses, weights)[0]) for person in chosen]


def _event_data(
    rng: random.Random,
    spec: Spec,
    links: tuple[list[int], int | None],
    attendees: list[tuple[Person, RegistrationStatus]],
    held: bool,
) -> EventCreate:
    initiative_ids, series_id = links
    came = [p for p, status in attendees if status is RegistrationStatus.attended]
    counted = held and bool(came) and rng.random() < 0.7  # not every event is counted at the door
    headcount = len(came) + rng.randint(0, 6) if counted else None
    companies = len({p.company_id for p in came if p.company_id}) + rng.randint(0, 2)
    sessions = _sessions(spec) if spec.kind is EventKind.development_course else []
    return EventCreate(
        kind=spec.kind,
        title=DEMO_PREFIX + spec.title,
        description=DEMO_DESCRIPTION,
        starts_at=spec.starts_at,
        ends_at=sessions[-1].ends_at if sessions else spec.starts_at + timedelta(hours=spec.hours),
        location=rng.choice(LOCATIONS) if spec.visited is None else spec.visited.city,
        status=EventStatus.held if held else EventStatus.planned,
        capacity=spec.capacity,
        series_id=series_id,
        headcount=headcount,
        headcount_companies=min(companies, headcount) if headcount is not None else None,
        visited_company_id=spec.visited.id if spec.visited else None,
        mayor_present=spec.mayor,
        initiative_ids=initiative_ids,
        sessions=sessions,
    )


def _sessions(spec: Spec) -> list[SessionIn]:
    """A course meets three times, a week apart."""
    return [
        SessionIn(
            starts_at=spec.starts_at + timedelta(weeks=n),
            ends_at=spec.starts_at + timedelta(weeks=n, hours=spec.hours),
        )
        for n in range(3)
    ]
