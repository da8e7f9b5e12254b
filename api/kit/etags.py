"""Versions as ETags: a read states the version, a change names the one it saw (If-Match)."""

from collections.abc import Callable
from typing import Annotated, Protocol

from fastapi import Header, Response

from api.kit.errors import REQUIRED_HEADER, PreconditionFailedError, PreconditionRequiredError


def etag_of(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_of(version)


def created(response: Response, location: str, version: int | None = None) -> None:
    """A 201's headers: where the new resource is and, when it can be changed, its ETag."""
    response.headers["Location"] = location
    if version is not None:
        set_etag(response, version)


IfMatch = Annotated[
    str | None,
    Header(
        description="The ETag of the version being changed, from your last read; without it "
        "the answer is 428, with an older one 412.",
        json_schema_extra={REQUIRED_HEADER: True},
    ),
]
OptionalIfMatch = Annotated[
    str | None,
    Header(description="The ETag of the version being changed; given, an older one is a 412."),
]


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


def change_if_match(
    response: Response, if_match: str | None, resource: Versioned, change: Callable[[], object]
) -> None:
    """Apply `change` to `resource` only when the client saw its current version (If-Match:
    428 without, 412 with an older one), and answer with the new version's ETag."""
    check_if_match(if_match, resource.version)
    change()
    set_etag(response, resource.version)


def check_if_match(if_match: str | None, version: int) -> None:
    """Refuse an update unless the client proves it saw the current version."""
    if if_match is None:
        raise PreconditionRequiredError(
            "Send If-Match med den ETag, du fik ved sidste læsning, så ingen andres ændring "
            "overskrives."
        )
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in tags and etag_of(version) not in tags:
        raise PreconditionFailedError(
            "Nogen har ændret data, siden du læste dem (nu ETag "
            f"{etag_of(version)}); hent dem igen, og prøv så igen."
        )
