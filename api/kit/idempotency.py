"""Idempotency-Key: a POST sent again gets the first answer instead of being applied twice.

A client that derives the key from what it sends (`erhverv import-grants`: from the file) can send
again after a dropped connection without fear, and can ask whether a send was applied. The answer
is stored in the same transaction as the change it answers, so a key is remembered exactly when
its change is committed; it is kept for a day (the same file sent next week is imported afresh).
"""

import hashlib
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Header, Response
from sqlalchemy import Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.kit.db import Base, UTCDateTime, utcnow
from api.kit.errors import DomainError

KEPT_FOR = timedelta(days=1)
KEY_PATTERN = r"^[A-Za-z0-9._:-]{16,200}$"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=KEY_PATTERN,
        description="The same key within a day gets the first answer, applied once.",
    ),
]


class IdempotentAnswer(Base):
    """The answer to an applied request, by the client's key for it."""

    __tablename__ = "idempotency_keys"
    __bookkeeping__ = True  # changes no figure (api.kit.data_version)
    __table_args__ = (UniqueConstraint("endpoint", "key"),)
    __audited__ = False  # the change it answers is audited; this is only its receipt

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    # What was sent with the key: the same key with something else is refused, not answered.
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class IdempotencyKeyReusedError(DomainError):
    status, slug, title = 422, "idempotency-key-reused", "Idempotency key reused"


def fingerprint(*parts: bytes | str) -> str:
    """What a request sent, as one digest: its body, or a file and the options sent with it."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def stored_answer(
    session: Session, endpoint: str, key: str, request_hash: str | None = None
) -> IdempotentAnswer | None:
    """The answer given to this key within the last day, if any. Given what this request
    sends, a key first sent with something else is refused (422): its answer is not this
    request's."""
    stored = session.scalars(
        select(IdempotentAnswer).where(
            IdempotentAnswer.endpoint == endpoint,
            IdempotentAnswer.key == key,
            IdempotentAnswer.created_at >= utcnow() - KEPT_FOR,
        )
    ).first()
    if (
        stored is not None
        and request_hash is not None
        and stored.request_hash is not None
        and stored.request_hash != request_hash
    ):
        message = "nøglen er brugt til en anden forespørgsel det seneste døgn; brug en ny nøgle"
        raise IdempotencyKeyReusedError(
            f"Idempotency-Key: {message}.",
            errors=[{"field": "header.Idempotency-Key", "message": message}],
        )
    return stored


def remember(
    session: Session,
    endpoint: str,
    key: str,
    status_code: int,
    body: str,
    request_hash: str | None = None,
) -> None:
    """Keep the answer with the change; a second request racing with the same key fails on the
    unique key (409, Retry-After) and, sent again, gets this answer."""
    session.execute(
        delete(IdempotentAnswer).where(
            IdempotentAnswer.endpoint == endpoint,
            IdempotentAnswer.key == key,
            IdempotentAnswer.created_at < utcnow() - KEPT_FOR,
        )
    )
    session.add(
        IdempotentAnswer(
            endpoint=endpoint,
            key=key,
            status_code=status_code,
            body=body,
            request_hash=request_hash,
        )
    )
    session.flush()


def replayed(stored: IdempotentAnswer) -> Response:
    """The stored answer, marked as a replay."""
    headers = {"Idempotent-Replayed": "true"}
    return Response(stored.body, stored.status_code, headers, media_type="application/json")
