"""Conventions shared by every list, every editable resource and every request body."""

import math
import re
import types
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from annotated_types import Ge, Le
from fastapi import Depends, Header, Query, Response
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.errors import PreconditionFailedError, PreconditionRequiredError

T = TypeVar("T")

# Every table's id is an INTEGER column (32 bits on PostgreSQL): a number beyond it names no row
# and would overflow the driver (a 500), so it is refused as a 422 naming the parameter.
INT32_MAX = 2**31 - 1
Id = Annotated[int, Ge(1), Le(INT32_MAX)]
"""A row id, in a path, a query or a body: 1 up to the id column's largest value."""
PlanYear = Annotated[int, Ge(1900), Le(2200)]
"""A plan's year, wherever it is given."""


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# C0 and C1 control characters, DEL and NUL; a tab and a line break are text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Text a file brought, without the control characters no person typed (nor XLSX holds)."""
    return CONTROL_CHARACTERS.sub("", text)


def _refuse_controls(value: Any) -> None:
    if isinstance(value, str):
        if found := CONTROL_CHARACTERS.search(value):
            code = f"U+{ord(found.group()):04X}"
            raise ValueError(f"Teksten indeholder et kontroltegn ({code}), som ikke er tilladt.")
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_controls(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_controls(key)
            _refuse_controls(item)


def iso_only(value: Any) -> Any:
    """A date or time is written as ISO 8601: a number (0, 0.5) is no date, though pydantic
    would read it as seconds since 1970."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str)
        and re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", value)
    ):
        raise ValueError("Skriv en dato som ÅÅÅÅ-MM-DD (ISO 8601), ikke et tal.")
    return value


# Every amount and goal value is a Numeric(18, 2) column: 16 digits before the point, 2 after.
AMOUNT_LIMIT = 10**16


def _fits_amount_column(value: float) -> float:
    if not math.isfinite(value) or abs(value) >= AMOUNT_LIMIT:
        raise ValueError("Tallet er for stort (højst 16 cifre før kommaet).")
    if round(value, 2) != value:
        raise ValueError("Højst to decimaler.")
    return value


Amount = Annotated[float, AfterValidator(_fits_amount_column)]
"""An amount or a goal's value, as precise as the column that keeps it."""


def _no_controls(value: str) -> str:
    _refuse_controls(value)
    return value


QueryText = Annotated[str, AfterValidator(_no_controls), StringConstraints(max_length=200)]
"""Text in a query (a search, a filter): what a person types; PostgreSQL takes no NUL."""

IsoDate = Annotated[date, BeforeValidator(iso_only)]
IsoDateTime = Annotated[datetime, BeforeValidator(iso_only)]


def _plain_types(annotation: Any) -> set[Any]:
    """The types a field's annotation allows, unwrapping Optional, unions and Annotated."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _plain_types(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return set().union(*(_plain_types(arg) for arg in get_args(annotation)))
    return {annotation}


def _check_scalar(allowed: set[Any], value: Any) -> None:
    """No coercion between kinds: "7" is no number, 1 no boolean, 0 no date."""
    whole = int in allowed and float not in allowed and isinstance(value, int | float)
    if whole and not -INT32_MAX - 1 <= value <= INT32_MAX:  # every integer column has 32 bits
        raise ValueError(f"Tallet er for stort (højst {INT32_MAX}).")
    if value is None or type(value) in allowed:
        return
    if bool in allowed and not isinstance(value, bool):
        raise ValueError("Skriv true eller false.")
    numbers = allowed & {int, float}
    if numbers and not allowed & {str, date, datetime} and isinstance(value, str | bool):
        raise ValueError("Skriv et tal, ikke en tekst.")
    if allowed & {date, datetime} and not allowed & {int, float, str}:
        iso_only(value)


class RequestBody(BaseModel):
    """The base of every request body: an unknown field is refused (a misspelt field is not
    silently ignored), text holds no control characters, required text is not blank, and a
    number, a boolean or a date must be sent as one."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_coercion(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is not None and info.field_name in cls.model_fields:
            _check_scalar(_plain_types(cls.model_fields[info.field_name].annotation), value)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        _refuse_controls(value)
        field = cls.model_fields.get(info.field_name or "")
        if (
            isinstance(value, str)
            and not value.strip()
            and field is not None
            and _needs_text(field)
        ):
            raise ValueError("Feltet må ikke være tomt.")
        return value


def _needs_text(field: FieldInfo) -> bool:
    """Required, or declared at least one character long: blanks are no text then."""
    return field.is_required() or any(getattr(m, "min_length", 0) for m in field.metadata)


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
