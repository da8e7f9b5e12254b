"""HTTP layer of event series: the list events choose their series from."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from api.auth.deps import requires
from api.auth.permissions import Scope
from api.events import series as svc
from api.events.deps import SeriesDep
from api.events.models import EventSeries
from api.events.schemas import EventSeriesCreate, EventSeriesRead, EventSeriesUpdate
from api.kit.common import Id, QueryText
from api.kit.db import SessionDep
from api.kit.etags import IfMatch, change_if_match, created, set_etag
from api.kit.paging import Page, PageDep, paginate

router = APIRouter(tags=["events"])


def _read(series: EventSeries, events: int) -> dict[str, Any]:
    return {
        "id": series.id,
        "key": series.key,
        "name": series.name,
        "description": series.description,
        "events": events,
        "updated_at": series.updated_at,
    }


def _one(session: SessionDep, series: EventSeries) -> dict[str, Any]:
    return _read(series, svc.event_counts(session, [series.id]).get(series.id, 0))


@router.get(
    "/event-series", response_model=Page[EventSeriesRead], dependencies=[requires(Scope.read)]
)
def list_series(
    session: SessionDep,
    page: PageDep,
    search: Annotated[QueryText | None, Query(description="Part of the name or key.")] = None,
) -> dict[str, Any]:
    """List the event series by name, each with its number of events."""
    body = paginate(session, svc.list_series_query(search), page, EventSeries.updated_at)
    counts = svc.event_counts(session, [s.id for s in body["items"]])
    body["items"] = [_read(s, counts.get(s.id, 0)) for s in body["items"]]
    return body


@router.post(
    "/event-series",
    status_code=status.HTTP_201_CREATED,
    response_model=EventSeriesRead,
    dependencies=[requires(Scope.write)],
)
def create_series(
    session: SessionDep, data: EventSeriesCreate, response: Response
) -> dict[str, Any]:
    """Add a series; its key is made from the name unless given (409 for a name in use)."""
    series = svc.create_series(session, data)
    created(response, f"/api/v1/event-series/{series.id}", series.version)
    return _read(series, 0)


@router.get(
    "/event-series/{series_id}",
    response_model=EventSeriesRead,
    dependencies=[requires(Scope.read)],
)
def get_series(session: SessionDep, series: SeriesDep, response: Response) -> dict[str, Any]:
    """Get one event series."""
    set_etag(response, series.version)
    return _one(session, series)


@router.patch(
    "/event-series/{series_id}",
    response_model=EventSeriesRead,
    dependencies=[requires(Scope.write)],
)
def update_series(
    session: SessionDep,
    series_id: Id,
    data: EventSeriesUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Rename or describe a series (If-Match required); its key and its figures stay."""
    series = svc.get_series(session, series_id)
    change_if_match(response, if_match, series, lambda: svc.update_series(session, series, data))
    return _one(session, series)


@router.delete(
    "/event-series/{series_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[requires(Scope.write)],
)
def delete_series(session: SessionDep, series: SeriesDep) -> None:
    """Delete a series no event or goal uses (409 naming what uses it otherwise)."""
    svc.delete_series(session, series)
