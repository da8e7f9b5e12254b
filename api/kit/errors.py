"""Domain errors and their mapping to problem+json (RFC 9457)."""

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://erhverv.lejre.dk/problems/"


class DomainError(Exception):
    """Raised by services; never an HTTPException, so services stay framework-free."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers


class NotFoundError(DomainError):
    status, slug, title = 404, "not-found", "Not found"


def invalid(field: str, message: str, *, code: str | None = None) -> "InvalidInputError":
    """A 422 naming the one field that is wrong (and, given, the kind of error it is)."""
    error: dict[str, Any] = {"field": field, "message": message}
    if code is not None:
        error["type"] = code
    return InvalidInputError(f"{field}: {message}", errors=[error])


# The error types (FieldProblem.type) of a well-formed body the data refuses, beside pydantic's
# own (which concern the body's form). A client, or a fuzzer, can tell them from malformed input.
UNKNOWN_REFERENCE = "unknown_reference"
"""The field names a row (by id or key) that does not exist, or not where it is named."""
REQUIRED_BY_DATA = "required_by_data"
"""The field may be left out, but the data as it stands needs it now."""


def unknown_reference(field: str, message: str) -> "InvalidInputError":
    """A 422: the body refers to a row that does not exist (a field of the schema's form)."""
    return invalid(field, message, code=UNKNOWN_REFERENCE)


def required_by_data(field: str, message: str) -> "InvalidInputError":
    """A 422: the field was left out, but the stored data gives no value in its place."""
    return invalid(field, message, code=REQUIRED_BY_DATA)


class ConflictError(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class InvalidInputError(DomainError):
    status, slug, title = 422, "validation-error", "Invalid input"


class PreconditionFailedError(DomainError):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLargeError(DomainError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class TooManyRequestsError(DomainError):
    status, slug, title = 429, "too-many-requests", "Too many requests"


class PreconditionRequiredError(DomainError):
    status, slug, title = 428, "precondition-required", "Precondition required"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def validation_errors(raw: list[Any]) -> list[dict[str, Any]]:
    """Pydantic's error list, reduced to what a client needs: where and what (a validator's
    own message as it wrote it, without pydantic's "Value error, ")."""
    return [
        {
            "field": _field(err.get("loc", ())),
            "message": str(err.get("msg", "")).removeprefix("Value error, "),
            "type": err["type"],
        }
        for err in raw
    ]


_STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("too-many-requests", "Too many requests"),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return problem(
            exc.status, exc.slug, exc.title, exc.detail, errors=exc.errors, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(list(exc.errors()))
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, "validation-error", "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title = _STATUS_SLUGS.get(exc.status_code, ("error", "Error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 413 and detail == "Content Too Large":  # Starlette's body limit
            detail = "Forespørgslen er større end dette endpoint modtager; send mindre ad gangen."
        return problem(exc.status_code, slug, title, detail, headers=exc.headers)

    @app.exception_handler(StaleDataError)
    async def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return problem(
            412,
            "precondition-failed",
            "Precondition failed",
            "The resource was changed by someone else meanwhile; fetch it again.",
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        # Services check uniqueness first; this is the race they cannot see. Sent again, the
        # request meets the row the other one wrote and gets its proper answer.
        logger.warning("integrity error: %s", exc.orig)
        return problem(
            409,
            "conflict",
            "Conflict",
            "Ændringen støder sammen med en anden, der blev gemt samtidig; intet er gemt. "
            "Prøv igen om lidt.",
            headers=RETRY_SOON,
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return problem(500, "internal-error", "Internal error", "An unexpected error occurred.")

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        if write_conflict(exc):
            logger.warning("write conflict: %s", exc.orig)
            return problem(
                409,
                "conflict",
                "Conflict",
                "En anden ændring af de samme data blev gemt samtidig; intet er gemt. "
                "Prøv igen om lidt.",
                headers=RETRY_SOON,
            )
        if not database_busy(exc):
            return await _unexpected(request, exc)
        logger.warning("database busy: %s", exc.orig, exc_info=exc)
        return problem(
            503,
            "database-busy",
            "Database busy",
            "The database is busy with other changes; nothing was applied. Try again shortly.",
            headers={"Retry-After": "1"},
        )


# A conflict with a concurrent write is over in a moment: the client may simply send again.
RETRY_SOON = {"Retry-After": "1"}

# PostgreSQL: serialization failure, deadlock, lock not available (SQLSTATE).
_PG_WRITE_CONFLICTS = {"40001", "40P01", "55P03"}


def write_conflict(exc: OperationalError) -> bool:
    """PostgreSQL gave this transaction up for a concurrent one's sake."""
    return getattr(exc.orig, "sqlstate", None) in _PG_WRITE_CONFLICTS


# SQLite's primary result codes for another connection holding the lock beyond busy_timeout.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


def database_busy(exc: OperationalError) -> bool:
    """SQLite gave up waiting for another writer (the request can simply be sent again)."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)


class FieldProblem(BaseModel):
    field: str | None = Field(description="Where: a field or dotted path ('items.3.received_on').")
    message: str
    type: str | None = Field(default=None, description="Pydantic's error type, when it has one.")


class Problem(BaseModel):
    """Every error answer: RFC 9457 problem details, with the fields concerned."""

    type: str = Field(description=f"{PROBLEM_BASE}<slug>, e.g. {PROBLEM_BASE}validation-error.")
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = Field(
        default_factory=list, description="The fields that were wrong, each with its message."
    )


def document_problems(app: FastAPI) -> None:
    """State in the OpenAPI document what every error answer is: a Problem, as
    application/problem+json (FastAPI's default claims an HTTPValidationError JSON body)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            routes=app.routes,
        )
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem_schema.pop("$defs", {}))
        schemas["Problem"] = problem_schema
        content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if "422" in responses:
                    responses["422"] = {"description": "Invalid input", "content": content}
                responses["default"] = {"description": "An error (RFC 9457)", "content": content}
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        _state_headers(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


REQUIRED_HEADER = "x-required"
"""Marks a header the OpenAPI document states as required though the function takes None: its
absence is answered 428 Precondition Required (RFC 6585), not FastAPI's 422."""


def _state_headers(schema: dict[str, Any]) -> None:
    """A header, or a field of a form, is text or absent, never null: its schema says so. A
    header marked x-required (If-Match on updates) is stated as required: the function takes
    None only to answer its absence with 428 Precondition Required, not FastAPI's 422."""
    components = schema.get("components", {}).get("schemas", {})
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "header":
                    continue
                if parameter.get("schema", {}).pop(REQUIRED_HEADER, False):
                    parameter["required"] = True
                _without_null(parameter.get("schema", {}))
            content = operation.get("requestBody", {}).get("content", {})
            form = content.get("multipart/form-data", {}).get("schema", {})
            name = form.get("$ref", "").rsplit("/", 1)[-1]
            for field in components.get(name, {}).get("properties", {}).values():
                _without_null(field)


def _without_null(value: dict[str, Any]) -> None:
    branches = [b for b in value.pop("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        value.update(branches[0])
    elif branches:
        value["anyOf"] = branches
    if value.get("default", ...) is None:
        del value["default"]
