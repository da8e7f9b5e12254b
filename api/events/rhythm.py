"""The `event_months` metric: a monthly rhythm ("én gang om måneden").

Its value is the number of months of the period with at least one matching held event, by the
events metric's own rules (held, local day, demo excluded): each request becomes its months,
and the months of a batch are counted by `events_held` in the one statement it needs for
periods that do not overlap. A period without a single held event has no data.
"""

import calendar
from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.events.metrics import EventFilter, EventsHeldMetric, EventsHeldParams, unknown_series
from api.goals.enums import Unit
from api.goals.registry import (
    Aggregation,
    Contribution,
    MetricRequest,
    register,
    register_reference_check,
)


def months_of(start: date, end: date) -> list[tuple[date, date]]:
    """The months of [start, end], the first and last cut to it."""
    months = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        last = date(year, month, calendar.monthrange(year, month)[1])
        months.append((max(start, date(year, month, 1)), min(end, last)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class EventMonthsMetric:
    key: ClassVar[str] = "event_months"
    title: ClassVar[str] = "Måneder med arrangementer"
    description: ClassVar[str] = (
        "Antal måneder i perioden med mindst ét afholdt arrangement efter type, serie og "
        "indsats: en månedlig rytme, som 'én gang om måneden'."
    )
    units: ClassVar[frozenset[Unit]] = frozenset({Unit.count})
    params_model: ClassVar[type[BaseModel]] = EventFilter
    reads_measurements: ClassVar[bool] = False
    aggregation: ClassVar[Aggregation] = "months"

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        monthly: list[MetricRequest] = []
        spans: list[int] = []
        for request in requests:
            params = EventsHeldParams.model_validate(request.params.model_dump())
            months = months_of(request.start, request.end)
            monthly += [MetricRequest(request.goal_id, params, *m) for m in months]
            spans.append(len(months))
        counts = EventsHeldMetric().compute(session, monthly)
        values: list[float | None] = []
        for span in spans:
            mine, counts = counts[:span], counts[span:]
            known = [c for c in mine if c is not None]
            values.append(float(sum(1 for c in known if c >= 1)) if known else None)
        return values

    def contributions(self, session: Session, request: MetricRequest) -> list[Contribution]:
        """`events_held`'s contributions month by month: a month counts once it has one."""
        params = EventsHeldParams.model_validate(request.params.model_dump())
        held = EventsHeldMetric()
        return [
            item
            for month in months_of(request.start, request.end)
            for item in held.contributions(session, MetricRequest(request.goal_id, params, *month))
        ]


register(EventMonthsMetric())
register_reference_check(EventMonthsMetric.key, unknown_series)
