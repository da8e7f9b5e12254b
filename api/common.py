"""Conventions shared by every list and every editable resource."""

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Header, Query, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.errors import PreconditionFailedError, PreconditionRequiredError

T = TypeVar("T")


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


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
    offset: Annotated[int, Query(ge=0, description="Rows to skip.")] = 0,
    modified_since: Annotated[
        datetime | None, Query(description="Only rows changed at or after this time.")
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


def etag_of(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_of(version)


IfMatch = Annotated[
    str | None,
    Header(description="The ETag of the version being changed; required for updates."),
]


def check_if_match(if_match: str | None, version: int) -> None:
    """Refuse an update unless the client proves it saw the current version."""
    if if_match is None:
        raise PreconditionRequiredError("Send If-Match with the ETag from your last read.")
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in tags and etag_of(version) not in tags:
        raise PreconditionFailedError(
            f"The resource has changed since you read it (current ETag {etag_of(version)})."
        )
