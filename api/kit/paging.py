"""One page shape for every list: limit, offset, modified_since, and the total."""

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.kit.common import INT32_MAX, IsoDateTime

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int
    offset: int
    modified_since: datetime | None


def _page_params(
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=INT32_MAX, description="Rows to skip.")] = 0,
    modified_since: Annotated[
        IsoDateTime | None, Query(description="Only rows changed at or after this time.")
    ] = None,
) -> PageParams:
    if modified_since is not None and modified_since.tzinfo is None:
        modified_since = modified_since.replace(tzinfo=UTC)  # a time without zone is UTC
    return PageParams(limit=limit, offset=offset, modified_since=modified_since)


PageDep = Annotated[PageParams, Depends(_page_params)]


def paginate(
    session: Session,
    query: Select[Any],
    params: PageParams,
    modified_column: Any | None = None,
) -> dict[str, Any]:
    """One page of a list query and its total; the caller's query carries the stable order."""
    if params.modified_since is not None and modified_column is not None:
        query = query.where(modified_column >= params.modified_since)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(params.limit).offset(params.offset)).all()
    return {
        "items": list(rows),
        "total": int(total or 0),
        "limit": params.limit,
        "offset": params.offset,
    }
