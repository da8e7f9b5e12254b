"""Staff users, their server-side sessions, machine tokens, login failures and the audit log."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.auth.permissions import ActorKind, Role
from api.kit.db import Base, Timestamped, UTCDateTime, db_enum, utcnow


class User(Base, Timestamped):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(db_enum(Role, "user_role"))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class UserSession(Base):
    """A login; the cookie holds a random token, the database only its SHA-256."""

    __tablename__ = "user_sessions"
    __bookkeeping__ = True  # changes no figure (api.kit.data_version)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ApiToken(Base, Timestamped):
    __tablename__ = "api_tokens"
    __bookkeeping__ = True  # changes no figure (api.kit.data_version)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its own limit of requests a minute; none: ERHVERV_TOKEN_REQUESTS_PER_MINUTE.
    requests_per_minute: Mapped[int | None]


class LoginFailure(Base):
    """One failed login, counted per account and per client address for throttling."""

    __tablename__ = "login_failures"
    __bookkeeping__ = True  # changes no figure (api.kit.data_version)
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __bookkeeping__ = True  # changes no figure (api.kit.data_version)
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(db_enum(ActorKind, "audit_actor_kind"))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(100))
    # A case is audited by its key, source/external_id: up to 50 + 1 + 100 characters.
    entity_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
