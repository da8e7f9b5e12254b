"""The events (and companies) behind an event metric's value for one goal and period.

What counts is decided by the metric's own rows (`participant_rows`, `company_rows`, both
built on `_held_events`) and its own `conditions`, over the one period, so a figure and its
contributions cannot disagree. Beside them stand the period's events the goal's filter
matches (kind, series, initiative; for visits: every company visit) that did not count as held,
each with the reason. The reasons only explain; they never decide.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Subquery, and_, case, select, true
from sqlalchemy.orm import Session

from api.contacts.models import Company
from api.events.enums import EventKind, EventStatus
from api.events.metric_rows import (
    Span,
    Types,
    attended_counted,
    company_rows,
    participants_counted,
    period_bounds,
    span_of,
)
from api.events.metrics import (
    CompaniesReachedMetric,
    CompanyVisitParams,
    EventMetric,
    EventsHeldMetric,
    EventsHeldParams,
    matches,
    params_of,
    type_names,
    types_of,
)
from api.events.models import Event
from api.goals.formatting import format_day
from api.goals.registry import Contribution, MetricRequest
from api.kit.danish import local_day, local_day_start

Describe = Callable[[Row[Any], int], tuple[float, str]]


def _span(request: MetricRequest) -> Span:
    return span_of([(request.start, request.end)], [0])


def _scope(rows: Subquery, request: MetricRequest) -> list[ColumnElement[bool]]:
    """The events the goal looks at: those its filter names, held or not."""
    if isinstance(request.params, CompanyVisitParams):
        return [rows.c.kind == EventKind.company_visit]
    return matches(rows, request)


def _seen(session: Session, request: MetricRequest) -> list[Row[Any]]:
    """The period's events within the goal's scope, with what the reasons tell (attendees and
    participants of the types the goal counts)."""
    low, high = period_bounds(request.start, request.end)
    types = types_of(request)
    events = (
        select(
            Event.id,
            Event.kind,
            Event.series_id,
            Event.title,
            Event.starts_at,
            Event.ends_at,
            Event.status,
            Event.is_demo,
            Event.headcount,
            Event.headcount_pupils,
            Event.headcount_companies,
            Event.mayor_present,
            attended_counted(types).label("attended"),
            participants_counted(types).label("people"),
        )
        .where(Event.starts_at >= low, Event.starts_at < high)
        .subquery("seen")
    )
    query = select(events).where(*_scope(events, request))
    return list(session.execute(query.order_by(events.c.starts_at, events.c.id)))


def _day(event: Row[Any]) -> date:
    return local_day(event.starts_at)


def _label(event: Row[Any]) -> str:
    """'Temamøde om eksport 4. mar. 2026'."""
    return f"{event.title} {format_day(_day(event))}"


def _people(count: int) -> str:
    return f"{count} deltager" if count == 1 else f"{count} deltagere"


def _not_held(event: Row[Any], period_end: datetime) -> str:
    if event.is_demo:
        return "demodata, tæller aldrig med"
    if event.status is EventStatus.cancelled:
        return "aflyst"
    if event.ends_at >= period_end:
        return "ikke afholdt endnu"
    return "ikke markeret som afholdt, og ingen er tjekket ind"


def _not_held_item(event: Row[Any], value: float, period_end: datetime) -> Contribution:
    reason = f"{_label(event)}: {_not_held(event, period_end)}"
    return Contribution("event", event.id, _day(event), _label(event), value, False, reason)


def _flag(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return case((and_(true(), *conditions), True), else_=False)


def _event_items(
    metric: EventMetric, session: Session, request: MetricRequest, describe: Describe
) -> list[Contribution]:
    """One item per event in scope: counted where the metric's rows and conditions say so."""
    rows = metric.rows(_span(request), [request])
    columns = [rows.c.id, _flag(metric.conditions(rows, request)).label("counts")]
    people = metric.people(rows, request)
    if people is not None:  # the participants the rule read, where its rows carry them
        columns.append(people.label("people"))
    query = select(*columns).where(*_scope(rows, request))
    held = {row.id: row for row in session.execute(query)}
    period_end = local_day_start(request.end + timedelta(days=1))
    items = []
    for event in _seen(session, request):
        found = held.get(event.id)
        value, why = describe(event, getattr(found, "people", event.people))
        if found is None:
            items.append(_not_held_item(event, value, period_end))
            continue
        reason = f"{_label(event)}: {why}"
        items.append(
            Contribution(
                "event", event.id, _day(event), _label(event), value, bool(found.counts), reason
            )
        )
    return items


def _size(params: EventsHeldParams) -> Describe:
    """events_held: 1 an event, and how its participants meet the bounds."""

    def describe(event: Row[Any], people: int) -> tuple[float, str]:
        low, high = params.min_participants, params.max_participants
        if low is not None and people < low:
            return 1.0, f"{_people(people)}, under minimum {low}"
        if high is not None and people > high:
            return 1.0, f"{_people(people)}, over maksimum {high}"
        bounds = [f"mindst {low}"] * (low is not None) + [f"højst {high}"] * (high is not None)
        within = f" ({' og '.join(bounds)})" if bounds else ""
        return 1.0, f"afholdt med {_people(people)}{within}"

    return describe


def _participants(event: Row[Any], people: int) -> tuple[float, str]:
    if event.headcount is None:
        return float(people), f"{_people(people)} tjekket ind"
    door = f"{event.attended} tjekket ind, {event.headcount} optalt ved døren"
    return float(people), f"{_people(people)} ({door}; det største tal tæller)"


def _typed(types: Types) -> Describe:
    """event_participants counting only some types: the attendees of those types, and the
    part of the door count that is theirs."""

    def describe(event: Row[Any], people: int) -> tuple[float, str]:
        kind = "typen" if len(types) == 1 else "typerne"
        why = f"{_people(people)} af {kind} {type_names(types)} ({event.attended} tjekket ind"
        if event.headcount is not None:
            pupils = event.headcount_pupils or 0
            why += (
                f"; {event.headcount} optalt ved døren, heraf {pupils} elever, og kun den del, "
                "der er af de typer, tæller; det største tal tæller"
            )
        return float(people), why + ")"

    return describe


def _visit(with_mayor: bool) -> Describe:
    def describe(event: Row[Any], _people: int) -> tuple[float, str]:
        if event.mayor_present:
            return 1.0, "besøg afholdt med borgmesteren"
        return 1.0, "besøg afholdt uden borgmesteren" if with_mayor else "besøg afholdt"

    return describe


def _companies(count: int) -> str:
    if count == 0:
        return "ingen navngivne virksomheder"
    return "1 navngiven virksomhed" if count == 1 else f"{count} navngivne virksomheder"


def _door_item(event: Row[Any], named: int, beyond: int) -> Contribution:
    """A held event: the companies its door count adds beyond the named ones."""
    door = event.headcount_companies
    if door is None:
        why = f"{_companies(named)} blandt deltagerne, ingen optælling ved døren"
    else:
        why = f"{_companies(named)}, {door} optalt ved døren: {beyond} ud over de navngivne"
    reason = f"{_label(event)}: {why}"
    return Contribution("event", event.id, _day(event), _label(event), beyond, True, reason)


def _company_items(session: Session, request: MetricRequest) -> list[Contribution]:
    """companies_reached: each named company once (1), and per held event the companies its
    door count adds beyond the named ones."""
    rows = company_rows(_span(request))
    found = session.execute(
        select(rows.c.id, rows.c.company_id, rows.c.beyond, Company.name)
        .outerjoin(Company, Company.id == rows.c.company_id)
        .where(*CompaniesReachedMetric().conditions(rows, request))
    ).all()
    beyond = {r.id: int(r.beyond) for r in found if r.company_id is None}
    named: dict[int, set[int]] = {r.id: set() for r in found}  # event → its named companies
    names = {r.company_id: r.name for r in found if r.company_id is not None}
    for row in found:
        if row.company_id is not None:
            named[row.id].add(row.company_id)
    period_end = local_day_start(request.end + timedelta(days=1))
    items: list[Contribution] = []
    attended: dict[int, list[Row[Any]]] = {}  # company → the events it came to
    for event in _seen(session, request):
        if event.id not in beyond:
            items.append(_not_held_item(event, 0.0, period_end))
            continue
        for company_id in named[event.id]:
            attended.setdefault(company_id, []).append(event)
        items.append(_door_item(event, len(named[event.id]), beyond[event.id]))
    for company_id, events in attended.items():
        more = {1: "", 2: " og 1 arrangement mere"}.get(
            len(events), f" og {len(events) - 1} arrangementer mere"
        )
        reason = f"Deltog i {_label(events[0])}{more}"
        day, name = _day(events[0]), names[company_id]
        items.append(Contribution("company", company_id, day, name, 1.0, True, reason))
    return items


def event_contributions(
    metric: EventMetric, session: Session, request: MetricRequest
) -> list[Contribution]:
    if isinstance(metric, CompaniesReachedMetric):
        return _company_items(session, request)
    if isinstance(metric, EventsHeldMetric):
        describe = _size(params_of(request, EventsHeldParams))
    elif isinstance(request.params, CompanyVisitParams):
        describe = _visit(request.params.with_mayor)
    else:
        types = types_of(request)
        describe = _participants if types is None else _typed(types)
    return _event_items(metric, session, request, describe)
