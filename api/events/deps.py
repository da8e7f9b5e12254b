"""Loaders for routes that take an event's or a series' id: the row, or 404."""

from typing import Annotated

from fastapi import Depends

from api.events import series, service
from api.events.models import Event, EventSeries
from api.kit.common import Id
from api.kit.db import SessionDep


def _event(session: SessionDep, event_id: Id) -> Event:
    return service.get_event(session, event_id)


def _series(session: SessionDep, series_id: Id) -> EventSeries:
    return series.get_series(session, series_id)


EventDep = Annotated[Event, Depends(_event)]
SeriesDep = Annotated[EventSeries, Depends(_series)]
