"""Event series: records chosen from a list ("Klimaugen 2026"), each with a stable key.

Events belong to a series by its id; goals count a series by its key (`metric_params.series`),
which never changes, so renaming a series changes no figure. Names are unique regardless of
case and spacing, so "Klimaugen 2026" cannot exist twice under two spellings.
"""

import re
import unicodedata
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from api.events.models import Event, EventSeries
from api.events.schemas import EventSeriesCreate, EventSeriesUpdate
from api.goals.models import Goal
from api.kit.errors import ConflictError, NotFoundError

KEY_LENGTH = 100


class SeriesNameTakenError(ConflictError):
    slug, title = "series-name-taken", "Series name taken"


class SeriesKeyTakenError(ConflictError):
    slug, title = "series-key-taken", "Series key taken"


class SeriesInUseError(ConflictError):
    slug, title = "series-in-use", "Series in use"


def series_key(name: str) -> str:
    """A key made from a name: 'Iværksætteruge 46' → 'ivaerksaetteruge-46'."""
    text = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:KEY_LENGTH].rstrip("-")
    return key or "serie"


def _tidy(name: str) -> str:
    return " ".join(name.split())


def list_series_query(search: str | None = None) -> Select[EventSeries]:
    query = select(EventSeries).order_by(EventSeries.name, EventSeries.id)
    if search:
        term = search.strip().lower()  # autoescape: "%" and "_" match themselves
        query = query.where(
            or_(
                func.lower(EventSeries.name).contains(term, autoescape=True),
                EventSeries.key.contains(term, autoescape=True),
            )
        )
    return query


def event_counts(session: Session, series_ids: Sequence[int]) -> dict[int, int]:
    """How many events each series has, in one query."""
    rows = session.execute(
        select(Event.series_id, func.count(Event.id))
        .where(Event.series_id.in_(series_ids))
        .group_by(Event.series_id)
    )
    # `IN` leaves out the events without a series: every series_id is set.
    return {cast(int, series_id): count for series_id, count in rows}


def get_series(session: Session, series_id: int) -> EventSeries:
    series = session.get(EventSeries, series_id)
    if series is None:
        raise NotFoundError(f"Der findes ingen arrangementsserie med id {series_id}.")
    return series


def series_by_key(session: Session, key: str) -> EventSeries | None:
    return session.scalar(select(EventSeries).where(EventSeries.key == key))


def _check_name(session: Session, name: str, own_id: int | None = None) -> None:
    query = select(EventSeries.name).where(func.lower(EventSeries.name) == name.lower())
    if own_id is not None:
        query = query.where(EventSeries.id != own_id)
    taken = session.scalar(query)
    if taken is not None:
        raise SeriesNameTakenError(
            f"Der findes allerede en serie, der hedder »{taken}«; vælg den på listen.",
            errors=[{"field": "name", "message": "navnet er i brug"}],
        )


def _free_key(session: Session, name: str) -> str:
    """The name's key, or with -2, -3 … after it where that is taken."""
    base = series_key(name)
    taken = set(
        session.scalars(
            select(EventSeries.key).where(
                or_(EventSeries.key == base, EventSeries.key.like(f"{base}-%"))
            )
        )
    )
    key, n = base, 1
    while key in taken:
        n += 1
        suffix = f"-{n}"
        key = base[: KEY_LENGTH - len(suffix)] + suffix
    return key


def create_series(session: Session, data: EventSeriesCreate) -> EventSeries:
    name = _tidy(data.name)
    _check_name(session, name)
    if data.key is not None and series_by_key(session, data.key) is not None:
        raise SeriesKeyTakenError(
            f"Nøglen »{data.key}« bruges allerede af en anden serie.",
            errors=[{"field": "key", "message": "nøglen er i brug"}],
        )
    key = data.key or _free_key(session, name)
    series = EventSeries(key=key, name=name, description=data.description)
    session.add(series)
    session.flush()
    return series


def update_series(session: Session, series: EventSeries, data: EventSeriesUpdate) -> EventSeries:
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes:
        changes["name"] = _tidy(changes["name"])
        _check_name(session, changes["name"], series.id)
    for name, value in changes.items():
        setattr(series, name, value)
    session.flush()
    return series


def goals_counting(session: Session, key: str) -> list[str]:
    """The keys of the goals whose metric counts the series."""
    goals = session.execute(select(Goal.key, Goal.metric_params).order_by(Goal.key))
    return [goal for goal, params in goals if (params or {}).get("series") == key]


def delete_series(session: Session, series: EventSeries) -> None:
    """Delete a series no event and no goal uses; 409 naming what uses it otherwise."""
    events = event_counts(session, [series.id]).get(series.id, 0)
    goals = goals_counting(session, series.key)
    if events or goals:
        used = []
        if events:
            used.append(f"{events} arrangement{'er' if events != 1 else ''}")
        if goals:
            used.append(f"målene {', '.join(goals)}")
        raise SeriesInUseError(
            f"Serien »{series.name}« kan ikke slettes, fordi den bruges af {' og '.join(used)}. "
            "Flyt arrangementerne til en anden serie, og ret målene først."
        )
    session.delete(series)
    session.flush()
